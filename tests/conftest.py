from pathlib import Path

import pytest
from django.core.cache import caches
from django.core.management import call_command

from debates import caching

SOURCES_DIR = Path(__file__).resolve().parent.parent / "fixtures" / "sources"
SEED_SOURCES = sorted(str(path) for path in SOURCES_DIR.glob("*.txt"))


@pytest.fixture(autouse=True)
def _plain_static_files(settings):
    # Production uses WhiteNoise's manifest storage, which needs `collectstatic` first;
    # tests render templates without running it.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def _fresh_cache(settings):
    # Facet counts kept per process, as without a shared cache: the pages' pinned query
    # counts then leave out the counts table's own queries. tests/test_count_cache.py
    # runs the shared table that production uses.
    settings.CACHES = {
        **settings.CACHES,
        "counts": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "counts",
        },
    }
    clear_caches()


def clear_caches():
    """Forget throttle counts (the default cache), whole pages, facet and timeline counts
    and the archive's version as last read: each test, and each visit a test measures as a
    first, starts with none."""
    caches["default"].clear()
    caching.clear()


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run a write as if its transaction committed (a test's transaction never does)."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def seeded(db, django_capture_on_commit_callbacks):
    """The committed seed fixtures, as `make db` loads them (and with what their commit
    does: the archive's version moved on)."""
    with django_capture_on_commit_callbacks(execute=True):
        call_command("loaddata", "seed", verbosity=0)
