"""Page-numbered lists whose totals are counted once per version of the archive.

A numbered page needs the total number of rows; at millions of rows that COUNT(*) costs as
much as the page itself, on every visit. Totals are kept in the "counts" cache as facet
counts are (debates.facets), so a list is counted once until the next import.

A search for a common word matches a good part of the archive, and counting every match
would take seconds: its pages stop counting at SEARCH_COUNT_LIMIT and say "more than".
Ranking every match takes seconds too: past settings.SEARCH_RANK_TIME_LIMIT a page lists
the same matches newest first (ranked_in_time).
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.core.cache import caches
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.utils.functional import cached_property

from .facets import TIMED_OUT, TIMED_OUT_SECONDS, rows_cache_key
from .timeouts import QueryTimedOut, time_limit

# Past this many matches a search says "more than 10,000": nobody reads further than the
# 500th page of twenty, and counting stops early.
SEARCH_COUNT_LIMIT = 10_000


def counted_once(rows: QuerySet, limit: int | None = None) -> int:
    """How many ``rows`` there are (at most ``limit`` + 1), from the counts cache or
    counted and kept there until the archive next changes."""
    counts_cache = caches["counts"]
    key = rows_cache_key("total", rows, limit)
    total = counts_cache.get(key)
    if total is None:
        if limit is not None:
            # Unordered, so the count stops at the limit instead of ranking every match
            # first; one row past it tells "exactly 10,000" from "more than 10,000".
            rows = rows.order_by()[: limit + 1]
        total = rows.count()
        counts_cache.set(key, total)
    return total


class CountedOncePaginator(Paginator):
    """A Paginator whose total comes from the counts cache, counted at most up to
    ``count_limit`` rows (None: every row)."""

    count_limit: int | None = None

    @cached_property
    def count(self) -> int:
        return counted_once(self.object_list, self.count_limit)

    @property
    def count_is_capped(self) -> bool:
        """Whether there are more rows than were counted (the total is then the limit + 1)."""
        return self.count_limit is not None and self.count > self.count_limit


class SearchPaginator(CountedOncePaginator):
    count_limit = SEARCH_COUNT_LIMIT


def ranked_in_time(
    page: Page, matches: QuerySet, newest_first: Callable[[], QuerySet]
) -> tuple[list, bool]:
    """``page`` of ``matches`` in relevance order, if ranking them takes no longer than
    settings.SEARCH_RANK_TIME_LIMIT; else the same page of ``newest_first()`` (the same
    matches in an indexed order), and True. A search found too slow to rank is not ranked
    again for a while, as facets found too slow to count are not counted."""
    counts_cache = caches["counts"]
    key = rows_cache_key("ranking", matches)
    if counts_cache.get(key) != TIMED_OUT:
        try:
            with time_limit(settings.SEARCH_RANK_TIME_LIMIT):
                return list(page), False
        except QueryTimedOut:
            counts_cache.set(key, TIMED_OUT, timeout=TIMED_OUT_SECONDS)
    page.object_list = list(newest_first()[page.start_index() - 1 : page.end_index()])
    return page.object_list, True
