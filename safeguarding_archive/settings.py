"""One settings module for every environment; the environment makes the difference.

Every variable read here is listed in README.md with its default.
"""

import os
from email.utils import getaddresses
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = os.environ.get("DJANGO_DEBUG") == "1"

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY") or ("dev-only-insecure-key" if DEBUG else None)
if SECRET_KEY is None:
    raise ImproperlyConfigured("Set DJANGO_SECRET_KEY (or DJANGO_DEBUG=1 for local use).")

ALLOWED_HOSTS = [
    host.strip()
    for host in os.environ.get("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]").split(",")
    if host.strip()
]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    "corsheaders",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "axes",
    "debates",
]

MIDDLEWARE = [
    # First, so the time it logs is the whole request's.
    "safeguarding_archive.middleware.RequestLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "corsheaders.middleware.CorsMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last, as django-axes asks: it answers locked-out admin logins.
    "axes.middleware.AxesMiddleware",
]

# Security headers. SecurityMiddleware sends X-Content-Type-Options: nosniff,
# Referrer-Policy and Cross-Origin-Opener-Policy (Django's defaults, stated here so they
# are visibly chosen), XFrameOptionsMiddleware X-Frame-Options: DENY, CSPMiddleware the
# policy below. Our pages need no inline script or style; see the API docs views for the
# one relaxation (Swagger UI and ReDoc style their own markup inline).
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    }
}

# Behind TLS (DJANGO_HTTPS=1, the production setting): redirect to https, secure cookies,
# trust the proxy's X-Forwarded-Proto, and send HSTS for DJANGO_HSTS_SECONDS.
HTTPS = os.environ.get("DJANGO_HTTPS") == "1"
SECURE_SSL_REDIRECT = HTTPS
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = HTTPS
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if HTTPS else None
SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_HSTS_SECONDS", "31536000" if HTTPS else "0"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = os.environ.get("DJANGO_HSTS_INCLUDE_SUBDOMAINS", "1") == "1"
SECURE_HSTS_PRELOAD = os.environ.get("DJANGO_HSTS_PRELOAD") == "1"
SESSION_COOKIE_HTTPONLY = True

# The admin: at a path of the operator's choosing, staff only (Django's admin), and
# django-axes locks an address and username out after AXES_FAILURE_LIMIT failed logins.
ADMIN_PATH = os.environ.get("DJANGO_ADMIN_PATH", "admin/").strip("/") + "/"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = int(os.environ.get("DJANGO_ADMIN_LOGIN_ATTEMPTS", "5"))
AXES_COOLOFF_TIME = 0.25  # hours: a locked-out login may try again after 15 minutes
AXES_LOCKOUT_PARAMETERS = [["ip_address", "username"]]
AXES_IPWARE_PROXY_COUNT = int(os.environ.get("DJANGO_PROXY_COUNT", "0")) or None
AXES_VERBOSE = False

ROOT_URLCONF = "safeguarding_archive.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

WSGI_APPLICATION = "safeguarding_archive.wsgi.application"

DATABASES = {
    # An empty DATABASE_URL means the default too, not a database with no engine.
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DJANGO_CONN_MAX_AGE", "600")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # PostgreSQL's JIT compiles any query it costs as large, such as a facet count over a
    # million rows: ~50 ms of compiling for a query that then runs in 100-300 ms, every
    # time. No page runs a query long enough for compiled code to pay that back.
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"
elif DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Write-ahead logging: pages keep being read while an import commits, and a cached
    # count's write costs one sync instead of a rollback journal's several.
    # (Before any init_command the URL gives, e.g. ?init_command=PRAGMA max_page_count=N.)
    sqlite_options = DATABASES["default"].setdefault("OPTIONS", {})
    sqlite_options["init_command"] = ";".join(
        filter(None, ["PRAGMA journal_mode=WAL", sqlite_options.get("init_command")])
    )
# A dedicated test database name, so tests never touch the archive itself (see .ci/run).
if test_database_name := os.environ.get("DJANGO_TEST_DATABASE_NAME"):
    DATABASES["default"]["TEST"] = {"NAME": test_database_name}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
USE_I18N = True
# Stored in UTC, shown in London time: Hansard's own clock.
USE_TZ = True
TIME_ZONE = "Europe/London"

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# Seed fixtures, and the reviewed data files the importer reads (manifest, speakers, topics).
FIXTURE_DIRS = [BASE_DIR / "fixtures"]
IMPORT_DATA_DIR = BASE_DIR / "fixtures"

# Facet and timeline counts live in a cache of their own that every app server and
# command shares, so counts made once (by `manage.py warm_counts` after an import, or by
# any worker) serve every worker and survive restarts: Redis where there is one, else a
# table in the archive's own database (created by migration debates 0009).
COUNTS_CACHE_TABLE = "archive_count_cache"
COUNTS_CACHE_SECONDS = 24 * 60 * 60  # keys name the archive's version: an import retires them
COUNTS_CACHE_IN_DATABASE = {
    "BACKEND": "django.core.cache.backends.db.DatabaseCache",
    "LOCATION": COUNTS_CACHE_TABLE,
    "TIMEOUT": COUNTS_CACHE_SECONDS,
    # Each entry is one facet's counts for one filter: tens of thousands of distinct
    # filters fit; past that, a third of the entries go at once.
    "OPTIONS": {"MAX_ENTRIES": 50_000, "CULL_FREQUENCY": 3},
}

# Whole pages and API lists (tens of kB each, at most PAGE_CACHE_MAX_BYTES), kept in each
# process: a thousand of them, some 30-50 MB.
LOCAL_PAGES_CACHE = {
    "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
    "LOCATION": "pages",
    "OPTIONS": {"MAX_ENTRIES": 1000},
}

# Shared caches (throttling counts, pages) in Redis when there are several app servers.
if redis_url := os.environ.get("REDIS_URL"):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": redis_url,
        },
        "counts": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": redis_url,
            "KEY_PREFIX": "counts",
            "TIMEOUT": COUNTS_CACHE_SECONDS,
        },
        # Pages are shared through Redis and copied into each worker that serves them
        # (safeguarding_archive.cache): a page a worker has served before costs no round trip.
        "pages": {
            "BACKEND": "safeguarding_archive.cache.LocalCopies",
            "OPTIONS": {"SHARED": "pages-shared", "LOCAL": "pages-local"},
        },
        "pages-shared": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": redis_url,
            "KEY_PREFIX": "pages",
        },
        "pages-local": LOCAL_PAGES_CACHE,
    }
else:
    CACHES = {
        # Per process: throttle counters.
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "OPTIONS": {"MAX_ENTRIES": 5000},
        },
        "pages": LOCAL_PAGES_CACHE,
        "counts": COUNTS_CACHE_IN_DATABASE,
    }

# Whether whole pages and API lists are kept (debates.caching.cached_page): "off" builds
# each for every request, as the benchmark's --page-cache off measures.
PAGE_CACHE = {"on": True, "off": False}.get(os.environ.get("PAGE_CACHE", "on"))
if PAGE_CACHE is None:
    raise ImproperlyConfigured("PAGE_CACHE must be 'on' or 'off'.")
# A page larger than this is built for each request rather than kept: a few such pages
# would otherwise crowd out a thousand ordinary ones.
PAGE_CACHE_MAX_BYTES = 1024 * 1024

# How long a browser, or the "pages" cache, may keep a page built from one version of the
# archive: an import shows on these pages after at most this long in a browser, and at
# once from the server (its keys name the version).
PAGE_CACHE_SECONDS = 10 * 60
# How long they may keep a page built short of some of its counts (or of a search's
# ranking) for want of time: soon built again, to show what has been counted meanwhile.
DEGRADED_PAGE_SECONDS = 60

# Seconds an app server trusts the archive's version it last read (the key of every cached
# page and count): an import shows on other servers' pages at most this much later.
ARCHIVE_VERSION_SECONDS = float(os.environ.get("ARCHIVE_VERSION_SECONDS", "1"))

# Seconds a page may spend counting its facets (cached counts are free). Past it the
# page still lists every matching row and says which facets were left uncounted.
FACET_TIME_LIMIT = float(os.environ.get("FACET_TIME_LIMIT", "2"))
# Seconds a search page may spend ranking its matches by relevance; past it the page lists
# them newest first and says so.
SEARCH_RANK_TIME_LIMIT = float(os.environ.get("SEARCH_RANK_TIME_LIMIT", "1"))
# A tantivy index for searches in relevance order (debates.search_index), a directory this
# server can write: `manage.py search_index` builds it, and every write keeps it current.
# Unset, the database ranks them (FTS5's bm25 or PostgreSQL's ts_rank), which is fast
# enough up to about a million contributions.
SEARCH_INDEX = os.environ.get("SEARCH_INDEX") or None

REST_FRAMEWORK = {
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    # Sessions only (the browsable API for staff); no Basic auth to answer 401 to strays.
    "DEFAULT_AUTHENTICATION_CLASSES": ["rest_framework.authentication.SessionAuthentication"],
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    "DEFAULT_THROTTLE_CLASSES": ["debates.throttling.ArchiveAnonThrottle"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "debates.api.api_exception_handler",
}
# Requests per client address: "120/minute", "5000/day".
API_THROTTLE_RATE = os.environ.get("API_THROTTLE_RATE", "120/minute")

SPECTACULAR_SETTINGS = {
    "TITLE": "Safeguarding Debates Archive API",
    "DESCRIPTION": (
        "Read-only access to UK parliamentary debates on child safeguarding: debates, "
        "contributions (speeches) with Hansard citations, speakers, parties and topics. "
        "The filters are those of the site's pages, under the same names. Contains "
        "Parliamentary information licensed under the Open Parliament Licence v3.0."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
}

# The API is public and read-only: any site may GET it from a browser, nothing else.
CORS_ALLOW_ALL_ORIGINS = True
CORS_ALLOW_METHODS = ["GET", "HEAD", "OPTIONS"]
CORS_URLS_REGEX = r"^/api/.*$"
CORS_EXPOSE_HEADERS = ["ETag", "Last-Modified", "Link", "Retry-After"]

# Server errors: logged always (with the traceback, to the console the process manager
# collects), and mailed as well to DJANGO_ADMINS ("Name <a@example.org>, ...") if set.
ADMINS = [
    (name or address, address)
    for name, address in getaddresses([os.environ.get("DJANGO_ADMINS", "")])
    if address
]
SERVER_EMAIL = os.environ.get("DJANGO_SERVER_EMAIL", "archive@localhost")
EMAIL_HOST = os.environ.get("DJANGO_EMAIL_HOST", "localhost")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"message": {"format": "%(message)s"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler"},
        # One JSON object a line, from RequestLogMiddleware.
        "requests": {"class": "logging.StreamHandler", "formatter": "message"},
        "mail_admins": {"class": "django.utils.log.AdminEmailHandler", "level": "ERROR"},
    },
    "loggers": {
        "django.request": {
            "handlers": ["console", "mail_admins"] if ADMINS else ["console"],
            "level": "ERROR",
            "propagate": False,
        },
        "safeguarding_archive.requests": {
            "handlers": ["requests"],
            "level": os.environ.get("DJANGO_REQUEST_LOG_LEVEL", "INFO"),
            "propagate": False,
        },
    },
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO")},
}
