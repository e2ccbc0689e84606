"""Page-numbered lists whose totals are counted once per version of the archive.

A numbered page needs the total number of rows; at millions of rows that COUNT(*) costs as
much as the page itself, on every visit. Totals are kept in the "counts" cache as facet
counts are (debates.facets), so a list is counted once until the next import.

A search for a common word matches a good part of the archive, and counting every match
would take seconds: its pages stop counting at SEARCH_COUNT_LIMIT and say "more than".
Ranking every match takes seconds too: past settings.SEARCH_RANK_TIME_LIMIT a page lists
the same matches newest first (ranked_page_rows).
"""

from __future__ import annotations

import math

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.utils.functional import cached_property

from . import caching, search_index
from .search_index import RankedPage

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
    """The pages of a search. In relevance order, with a search index that holds every
    filter given (debates.search_index), the total is the index's exact count and each
    page comes from the index; otherwise the total is counted in the database up to
    SEARCH_COUNT_LIMIT."""

    count_limit = SEARCH_COUNT_LIMIT

    def __init__(self, object_list, per_page, *, filterset=None, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        # The search's filterset (valid), if the search is in relevance order.
        data = filterset.form.cleaned_data if filterset is not None else {}
        self.filterset = filterset if data.get("q") and not data.get("sort") else None

    def from_index(self, start: int, stop: int) -> RankedPage | None:
        """Rows ``start`` to ``stop`` in relevance order, and the total, from the search
        index; None without one, or for a filter it does not hold."""
        index = search_index.search_index()
        if index is None or self.filterset is None:
            return None
        search = self.filterset.form.cleaned_data
        version = caching.archive_version()
        return index.ranked_page(search["q"], search, start, stop, version=version)

    @cached_property
    def indexed_count(self) -> int | None:
        found = self.from_index(0, 0)
        return None if found is None else found.count

    @cached_property
    def count(self) -> int:
        if self.indexed_count is not None:
            return self.indexed_count
        if self.filterset is not None:
            # Counted without the ranking's join to the full-text table: joined, SQLite
            # may walk a filter's index and match the words again for each row it meets.
            return counted_once(self.filterset.matches_unranked(), self.count_limit)
        return super().count

    @property
    def count_is_capped(self) -> bool:
        return self.indexed_count is None and super().count_is_capped

    @property
    def too_many_to_facet(self) -> bool:
        """Whether the search matches more rows than its facets could be counted over in
        time (more than ``count_limit``): its pages skip them rather than wait for
        settings.FACET_TIME_LIMIT for counts that never come."""
        return self.count > self.count_limit


def ranked_page_rows(page: Page, matches: QuerySet, filterset, rows: QuerySet) -> tuple[list, bool]:
    """``page`` of a search (``matches``, its filterset's rows) in relevance order, and
    whether it had to come newest first instead.

    From the search index when the paginator has one (``rows``, the listing's queryset,
    supplies the page's contributions by primary key). Otherwise ranked in the database if
    that takes no longer than settings.SEARCH_RANK_TIME_LIMIT; else the same page of the
    matches newest first, an indexed order, and True. A search found too slow to rank is
    not ranked again for a while (caching.attempt), as facets found too slow to count are
    not counted."""
    paginator = page.paginator
    # An empty page starts at "row 0" (Page.start_index()).
    start, stop = max(page.start_index() - 1, 0), page.end_index()
    found = paginator.from_index(start, stop) if isinstance(paginator, SearchPaginator) else None
    if found is not None:
        by_pk = rows.in_bulk(found.pks)
        # A row deleted since the index last caught up is left out, not shown broken.
        page.object_list = [by_pk[pk] for pk in found.pks if pk in by_pk]
        return page.object_list, False
    ranked = caching.attempt(
        "ranking", matches, lambda: list(page), seconds=settings.SEARCH_RANK_TIME_LIMIT
    )
    if ranked is not None:
        return ranked, False
    newest_first = filterset.matches_newest_first(rows)
    page.object_list = list(newest_first[start:stop])
    return page.object_list, True
