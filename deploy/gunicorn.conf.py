"""Gunicorn settings for `make prod` and the systemd unit beside this file.

Every value can be overridden from the environment, so one file serves every machine.
"""

import multiprocessing
import os

wsgi_app = "safeguarding_archive.wsgi:application"
bind = os.environ.get("BIND", f"127.0.0.1:{os.environ.get('PORT', '8000')}")
# Synchronous workers, (2 x cores) + 1: the usual starting point for a database-bound app.
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
# The application (its views and templates: safeguarding_archive.startup) loaded once,
# before the workers fork, instead of by each worker on its first request.
preload_app = True
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 30
keepalive = 5
# Each request is logged once, as JSON, by safeguarding_archive.middleware.RequestLogMiddleware.
accesslog = None
errorlog = "-"
