"""A cache backend for the "pages" cache on several app servers."""

from __future__ import annotations

import time

from django.core.cache import caches
from django.core.cache.backends.base import DEFAULT_TIMEOUT, BaseCache


class LocalCopies(BaseCache):
    """A shared cache (Redis) with a copy of each entry a worker reads kept in that
    worker's memory until the entry expires.

    A page served from Redis costs a round trip: most of a kept permalink's time, and
    more than a page kept in the worker's own memory. Every worker still shares what any
    of them built, and a copy lives no longer than its shared entry, whose expiry is kept
    beside it: a page kept briefly (caching.briefly_cached) is also copied briefly.

    Only for entries never overwritten with a different value before they expire, such
    as whole pages under keys naming the version of what they show (debates.caching): a
    worker would go on serving its copy of the old value.

    OPTIONS: {"SHARED": alias of the shared cache, "LOCAL": alias of the per-process one}
    """

    def __init__(self, location, params):
        super().__init__(params)
        options = params.get("OPTIONS", {})
        self.shared_alias = options["SHARED"]
        self.local_alias = options["LOCAL"]

    @property
    def shared(self) -> BaseCache:
        return caches[self.shared_alias]

    @property
    def local(self) -> BaseCache:
        return caches[self.local_alias]

    def get(self, key, default=None, version=None):
        value = self.local.get(key, self._missing_key, version=version)
        if value is not self._missing_key:
            return value
        stored = self.shared.get(key, version=version)
        if stored is None:
            return default
        expires, value = stored
        self.local.set(key, value, timeout=_seconds_until(expires), version=version)
        return value

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        expires = self.get_backend_timeout(timeout)
        seconds = _seconds_until(expires)
        self.shared.set(key, (expires, value), timeout=seconds, version=version)
        self.local.set(key, value, timeout=seconds, version=version)

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        expires = self.get_backend_timeout(timeout)
        seconds = _seconds_until(expires)
        added = self.shared.add(key, (expires, value), timeout=seconds, version=version)
        if added:
            self.local.set(key, value, timeout=seconds, version=version)
        return added

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        stored = self.shared.get(key, version=version)
        if stored is None:
            return False
        self.set(key, stored[1], timeout, version=version)
        return True

    def delete(self, key, version=None):
        self.local.delete(key, version=version)
        return self.shared.delete(key, version=version)

    def clear(self):
        self.local.clear()
        self.shared.clear()


def _seconds_until(expires: float | None) -> float | None:
    """A timeout for an absolute expiry time (None: never expires)."""
    return None if expires is None else max(expires - time.time(), 0)
