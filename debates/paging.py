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

import math
from collections.abc import Callable

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.utils.functional import cached_property

from . import caching

# Past this many matches a search says "more than 10,000": nobody reads further than the
# 500th page of twenty, and counting stops early.
SEARCH_COUNT_LIMIT = 10_000


def counted_once(rows: QuerySet, limit: int | None = None) -> int:
    """How many ``rows`` there are (at most ``limit`` + 1), counted once until the archive
    next changes (caching.remember), however long that takes."""

    def count() -> int:
        # Unordered, so the count stops at the limit instead of ranking every match first;
        # one row past it tells "exactly 10,000" from "more than 10,000".
        limited = rows if limit is None else rows.order_by()[: limit + 1]
        return limited.count()

    return caching.remember("total", rows, count, qualifier=limit, seconds=math.inf)


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
    again for a while (caching.attempt), as facets found too slow to count are not counted."""
    ranked = caching.attempt(
        "ranking", matches, lambda: list(page), seconds=settings.SEARCH_RANK_TIME_LIMIT
    )
    if ranked is not None:
        return ranked, False
    page.object_list = list(newest_first()[page.start_index() - 1 : page.end_index()])
    return page.object_list, True
