"""Counting, once an import has committed, what most visits start from.

Facet and timeline counts are exact and cached per version of the archive (debates.facets),
and a page that cannot count in time (settings.FACET_TIME_LIMIT) shows its facets uncounted.
At millions of rows an unfiltered list's facets take longer than that, so a first visitor,
and every visitor while the server is busy, would see them uncounted. Counted here with no
time limit, into the shared "counts" cache, they are ready for every app server at once.

ContributionTally is refreshed first: the House, party, year and location facets of any
page filtered by those alone then count a few thousand tally rows, not the contributions.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

from django.http import QueryDict

from . import facets, timeline
from .listings import LISTINGS, Listing
from .models import Contribution, ContributionTally, House, Topic
from .paging import counted_once


def entry_queries(listing: Listing) -> list[QueryDict]:
    """Where browsing starts: each list unfiltered, each House's and, if it is linked from
    topic pages, each topic's."""
    queries = [QueryDict(""), *(QueryDict(f"house={house}") for house in House.values)]
    if listing.by_topic:
        slugs = Topic.objects.order_by("pk").values_list("slug", flat=True)
        queries += [QueryDict.fromkeys(["topic"], value=slug) for slug in slugs]
    return queries


@dataclass(frozen=True)
class WarmReport:
    tally_rows: int
    facet_sets: int
    timelines: int
    seconds: float

    def summary(self) -> str:
        return (
            f"Tallied contributions in {self.tally_rows:,} groups; counted the totals and "
            f"facets of {self.facet_sets} list pages and {self.timelines} timelines "
            f"in {self.seconds:.1f} s."
        )


def warm_counts() -> WarmReport:
    """Refresh ContributionTally, then count, with no time limit, the totals and facets of
    every entry list (see entry_queries) and the timelines of the home and topic pages,
    for the archive's current version."""
    started = time.monotonic()
    tally_rows = ContributionTally.objects.refresh()
    facet_sets = 0
    for listing in LISTINGS:
        for params in entry_queries(listing):
            filterset = listing.filterset_class(params, queryset=listing.rows())
            if filterset.is_valid():
                counted_once(filterset.qs)
                facets.facet_counts(
                    filterset, listing.facets, params, listing.counted(), seconds=math.inf
                )
                facet_sets += 1
    charts = [Contribution.objects.all()]
    charts += [topic.contributions.all() for topic in Topic.objects.order_by("pk")]
    for contributions in charts:
        timeline.cached_per_year(contributions, seconds=math.inf)
    return WarmReport(tally_rows, facet_sets, len(charts), time.monotonic() - started)
