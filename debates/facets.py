"""Counts shown beside each filter, for the pages and the API alike.

Each facet is counted over the rows that match every *other* filter, so choosing a value
never hides the alternatives: with `house=lords` selected the house facet still shows how
many Commons rows the other filters leave.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db.models import Count, QuerySet
from django.db.models.functions import ExtractYear, Substr
from django.http import QueryDict
from django_filters import FilterSet

from .models import Contribution, House

# How many values a facet lists, most frequent first; selected values are always listed.
FACET_SIZE = 12

Counter = Callable[[QuerySet], Iterable[tuple[object, str, int]]]


@dataclass(frozen=True)
class FacetValue:
    value: str
    label: str
    count: int
    selected: bool
    query: str  # the query string that toggles this value, e.g. "?house=lords&topic=x"


@dataclass(frozen=True)
class Facet:
    name: str
    label: str
    values: tuple[FacetValue, ...]


@dataclass(frozen=True)
class FacetSpec:
    name: str  # the filter's query parameter
    label: str
    count: Counter
    by_value: bool = False  # list in value order (years, Houses) rather than by count


def grouped(field: str, label: str | None = None, *, distinct: str = "pk") -> Counter:
    """Rows per value of ``field``: `qs.values(field).annotate(Count(...))`."""

    def count(queryset: QuerySet):
        fields = [field, label] if label else [field]
        rows = (
            queryset.order_by()
            .exclude(**{f"{field}__isnull": True})
            .values(*fields)
            .annotate(n=Count(distinct, distinct=distinct != "pk"))
        )
        return [(row[field], row[label] if label else row[field], row["n"]) for row in rows]

    return count


def houses(field: str) -> Counter:
    def count(queryset: QuerySet):
        return [(value, House(value).label, n) for value, _, n in grouped(field)(queryset)]

    return count


def years(field: str) -> Counter:
    def count(queryset: QuerySet):
        rows = (
            queryset.order_by()
            .annotate(year=ExtractYear(field))
            .values("year")
            .annotate(n=Count("pk"))
        )
        return [(row["year"], str(row["year"]), row["n"]) for row in rows]

    return count


def sort_key_years() -> Counter:
    """Contributions per year, read from the first four characters of the sort key: no join
    to debates and no date function, which SQLite runs in Python for every row."""

    def count(queryset: QuerySet):
        rows = (
            queryset.order_by()
            .annotate(year=Substr("sort_key", 1, 4))
            .values("year")
            .annotate(n=Count("pk"))
        )
        return [(str(int(row["year"])), str(int(row["year"])), row["n"]) for row in rows]

    return count


def through_contributions(field: str, label: str) -> Counter:
    """Debates per speaker or party: counted through the debates' contributions."""

    def count(queryset: QuerySet):
        contributions = Contribution.objects.filter(debate__in=queryset.values("pk"))
        return grouped(field, label, distinct="debate")(contributions)

    return count


def non_blank(counter: Counter) -> Counter:
    def count(queryset: QuerySet):
        return [row for row in counter(queryset) if row[0] != ""]

    return count


DEBATE_FACETS = (
    FacetSpec("house", "House", houses("house"), by_value=True),
    FacetSpec("location", "Location", grouped("location")),
    FacetSpec("year", "Year", years("date"), by_value=True),
    FacetSpec("topic", "Topic", grouped("topics__slug", "topics__name")),
    FacetSpec("speaker", "Speaker", through_contributions("speaker__slug", "speaker__name")),
    FacetSpec("party", "Party", through_contributions("party__slug", "party__name")),
    FacetSpec("department", "Department", non_blank(grouped("department"))),
)

CONTRIBUTION_FACETS = (
    FacetSpec("house", "House", houses("debate__house"), by_value=True),
    FacetSpec("year", "Year", sort_key_years(), by_value=True),
    FacetSpec("topic", "Topic", grouped("topics__slug", "topics__name")),
    FacetSpec("speaker", "Speaker", grouped("speaker__slug", "speaker__name")),
    FacetSpec("party", "Party at the time", grouped("party__slug", "party__name")),
    FacetSpec("debate", "Debate", grouped("debate__slug", "debate__title")),
    FacetSpec("location", "Location", grouped("debate__location")),
)

SPEAKER_FACETS = (
    FacetSpec("house", "House", houses("house"), by_value=True),
    FacetSpec("party", "Party", grouped("party__slug", "party__name")),
)


def queryset_without(filterset: FilterSet, name: str, queryset: QuerySet) -> QuerySet:
    """``queryset`` with every valid filter applied except ``name`` (and sorting)."""
    for filter_name, value in filterset.form.cleaned_data.items():
        if filter_name not in (name, "sort"):
            queryset = filterset.filters[filter_name].filter(queryset, value)
    return queryset


def toggle_query(params: QueryDict, name: str, value: str) -> str:
    """The query string with ``value`` of ``name`` switched on or off, back on page 1."""
    query = params.copy()
    query.pop("page", None)
    query.pop("cursor", None)
    chosen = query.getlist(name)
    query.setlist(name, [v for v in chosen if v != value] if value in chosen else [*chosen, value])
    encoded = query.urlencode()
    return f"?{encoded}" if encoded else "?"


def facet_counts(
    filterset: FilterSet,
    specs: Iterable[FacetSpec],
    params: QueryDict,
    queryset: QuerySet | None = None,
) -> list[Facet]:
    """Every facet's values with counts; call only when ``filterset.is_valid()``.

    ``queryset`` is what to count, if not the filterset's own rows: it must be free of
    annotations that join other tables, which would count the joined rows instead.
    """
    base = (filterset.queryset if queryset is None else queryset).prefetch_related(None)
    facets = []
    for spec in specs:
        selected = [str(v) for v in params.getlist(spec.name)]
        counted = spec.count(queryset_without(filterset, spec.name, base))
        rows = {str(value): (label, n) for value, label, n in counted}
        if spec.by_value:
            order = sorted(rows, reverse=spec.name == "year")
        else:
            order = sorted(rows, key=lambda v: (-rows[v][1], rows[v][0]))
        shown = order[:FACET_SIZE] + [v for v in selected if v in order[FACET_SIZE:]]
        values = [
            FacetValue(
                value=value,
                label=rows[value][0],
                count=rows[value][1],
                selected=value in selected,
                query=toggle_query(params, spec.name, value),
            )
            for value in shown
        ]
        # A selected value that no row has any more still needs its "remove" link.
        values += [
            FacetValue(v, v, 0, True, toggle_query(params, spec.name, v))
            for v in selected
            if v not in rows
        ]
        facets.append(Facet(spec.name, spec.label, tuple(values)))
    return facets
