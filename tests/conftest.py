from pathlib import Path

import pytest
from django.core.cache import cache
from django.core.management import call_command

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
def _fresh_cache():
    # The API's throttle counts live in the cache; each test starts with none.
    cache.clear()


@pytest.fixture
def seeded(db):
    """The committed seed fixtures, as `make db` loads them."""
    call_command("loaddata", "seed", verbosity=0)
