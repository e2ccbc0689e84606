"""The archive's faceted lists, each declared once: its page (debates.views), its API
endpoint (debates.api) and the counting done ahead of visitors (debates.warming) all read
the same filters, rows, facets and default order from here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

from django.db.models import QuerySet
from django_filters import FilterSet

from . import facets
from .filters import ContributionFilter, DebateFilter, SpeakerFilter
from .models import Contribution, Debate, Speaker


@dataclass(frozen=True)
class Listing:
    filterset_class: type[FilterSet]
    # Every row a page lists, with what a row shows, in the default order (a QuerySet
    # method: models.py).
    rows: Callable[[], QuerySet]
    # The same, with what the API's serializer also shows.
    api_rows: Callable[[], QuerySet]
    # The rows facets count: the listed ones, without annotations that join other tables
    # (which would count the joined rows instead).
    counted: Callable[[], QuerySet]
    facets: tuple[facets.FacetSpec, ...]
    # Each topic's list is counted ahead too: a topic page links to it.
    by_topic: bool = False

    def with_facets(self, *names: str) -> Listing:
        """The same list with only the facets ``names``."""
        return replace(self, facets=tuple(spec for spec in self.facets if spec.name in names))


CONTRIBUTIONS = Listing(
    ContributionFilter,
    rows=Contribution.objects.for_listing,
    api_rows=Contribution.objects.for_api,
    counted=Contribution.objects.all,
    facets=facets.CONTRIBUTION_FACETS,
    by_topic=True,
)
DEBATES = Listing(
    DebateFilter,
    rows=Debate.objects.for_listing,
    api_rows=Debate.objects.for_listing,
    counted=Debate.objects.all,
    facets=facets.DEBATE_FACETS,
    by_topic=True,
)
SPEAKERS = Listing(
    SpeakerFilter,
    rows=Speaker.objects.for_listing,
    api_rows=Speaker.objects.for_api,
    counted=Speaker.objects.all,  # without the listing's count of contributions
    facets=facets.SPEAKER_FACETS,
)
LISTINGS = (CONTRIBUTIONS, DEBATES, SPEAKERS)
