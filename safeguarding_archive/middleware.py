"""One structured log line per request, for whatever collects the process's output."""

from __future__ import annotations

import json
import logging
import time

logger = logging.getLogger("safeguarding_archive.requests")


class RequestLogMiddleware:
    """Logs each request as one JSON object: method, path, status, duration, size.

    Query strings are left out: they can hold what a visitor searched for.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        response = self.get_response(request)
        if logger.isEnabledFor(logging.INFO):
            logger.info(
                json.dumps(
                    {
                        "method": request.method,
                        "path": request.path,
                        "status": response.status_code,
                        "ms": round((time.perf_counter() - started) * 1000, 1),
                        "bytes": None if response.streaming else len(response.content),
                        "view": getattr(request.resolver_match, "view_name", None),
                    }
                )
            )
        return response
