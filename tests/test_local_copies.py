"""The "pages" cache on several app servers: shared through Redis, copied into each worker
(safeguarding_archive.cache.LocalCopies). Here two workers share one cache standing in
for Redis."""

import os
import subprocess
import sys
import time

import pytest
from django.core.cache import caches


def local_cache(name):
    return {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": name}


@pytest.fixture
def clock(monkeypatch):
    now = [1_000_000.0]
    monkeypatch.setattr(time, "time", lambda: now[0])
    return now


@pytest.fixture
def workers(settings, clock):
    """Two workers' "pages" caches, each with a memory of its own, over one shared cache."""
    settings.CACHES = {
        **settings.CACHES,
        "shared": local_cache("shared"),
        **{
            worker: {
                "BACKEND": "safeguarding_archive.cache.LocalCopies",
                "OPTIONS": {"SHARED": "shared", "LOCAL": f"{worker}-memory"},
            }
            for worker in ("first", "second")
        },
        **{f"{worker}-memory": local_cache(f"{worker}-memory") for worker in ("first", "second")},
    }
    for alias in ("shared", "first-memory", "second-memory"):
        caches[alias].clear()
    return caches["first"], caches["second"]


def test_what_one_worker_keeps_every_worker_reads(workers):
    first, second = workers
    first.set("page", b"<html>", 600)
    assert second.get("page") == b"<html>"
    assert second.get("another-page") is None


def test_a_worker_reads_its_copy_without_asking_the_shared_cache(workers):
    first, second = workers
    first.set("page", b"<html>", 600)
    second.get("page")
    caches["shared"].clear()  # what a round trip to Redis would find now
    assert second.get("page") == b"<html>"
    assert first.get("page") == b"<html>"  # kept when it was made


def test_a_copy_expires_when_the_shared_entry_does(workers, clock):
    first, second = workers
    first.set("brief-page", b"<html>", 60)
    clock[0] += 50
    assert second.get("brief-page") == b"<html>"  # copied with 10 seconds left
    clock[0] += 11
    assert second.get("brief-page") is None
    assert first.get("brief-page") is None


def test_add_keeps_the_first_value_and_delete_forgets_every_copy(workers):
    first, second = workers
    assert first.add("page", b"first", 600)
    assert not second.add("page", b"second", 600)
    assert second.get("page") == b"first"
    second.delete("page")
    assert caches["second-memory"].get("page") is None
    assert caches["shared"].get("page") is None


def test_touch_gives_an_entry_a_new_expiry(workers, clock):
    first, second = workers
    first.set("page", b"<html>", 60)
    assert second.touch("page", 600)
    clock[0] += 100
    assert caches["shared"].get("page") is not None
    assert not second.touch("no-such-page", 600)


def test_with_redis_pages_are_shared_through_it_and_copied_into_each_worker():
    # Settings are read once per process: asked in one of its own, with REDIS_URL set
    # (connecting to no server: caches connect on first use).
    script = (
        "from django.core.cache import caches; pages = caches['pages']; "
        "print(type(pages).__name__, type(pages.shared).__name__, type(pages.local).__name__)"
    )
    environment = {
        **os.environ,
        "REDIS_URL": "redis://127.0.0.1:1/0",
        "DJANGO_SETTINGS_MODULE": "safeguarding_archive.settings",
    }
    shell = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {script}"],
        env=environment,
        capture_output=True,
        text=True,
        check=True,
    )
    assert shell.stdout.split() == ["LocalCopies", "RedisCache", "LocMemCache"]
