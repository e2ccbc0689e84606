"""Counts shown beside each filter, for the pages and the API alike.

Each facet is counted over the rows that match every *other* filter, so choosing a value
never hides the alternatives: with `house=lords` selected the house facet still shows how
many Commons rows the other filters leave.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Aggregate, Count, Q, QuerySet, Sum
from django.db.models.functions import ExtractYear
from django.http import QueryDict
from django_filters import FilterSet

from . import caching
from .models import ArchiveState, Contribution, ContributionTally, ContributionTopic, House

# How many values a facet lists, most frequent first; selected values are always listed.
FACET_SIZE = 12
# Related rows labelled per query: well under any database's limit on query parameters.
LABEL_BATCH = 500


# A counter returns (value, label, count) rows for a queryset; it is also told the values
# chosen, which it must return whatever their rank, and may leave out values that rank
# below the first FACET_SIZE (ties included), which no page shows.
Counter = Callable[[QuerySet, list[str]], Iterable[tuple[object, str, int]]]


@dataclass(frozen=True)
class FacetValue:
    value: str
    label: str
    count: int | None  # None where the facet could not be counted in time
    selected: bool
    query: str  # the query string that toggles this value, e.g. "?house=lords&topic=x"


@dataclass(frozen=True)
class Facet:
    name: str
    label: str
    values: tuple[FacetValue, ...]
    counted: bool = True  # False: counting ran out of time; values are the chosen ones only


@dataclass(frozen=True)
class FacetSpec:
    name: str  # the filter's query parameter
    label: str
    count: Counter
    by_value: bool = False  # list in value order (years, Houses) rather than by count
    # The same count over ContributionTally rows, for a facet the tally can answer.
    count_tally: Counter | None = None


# What a counter adds up: rows, COUNT(*) rather than COUNT(id), so that PostgreSQL can count
# from a covering index alone; or, over ContributionTally, the contributions each row stands for.
ROWS = Count("*")
TALLIED = Sum("contributions")


def grouped(field: str, n: Aggregate = ROWS) -> Counter:
    """Rows per value of a column of the counted rows: `qs.values(field).annotate(n)`."""

    def count(queryset: QuerySet, selected: list[str]):
        rows = queryset.order_by().exclude(**{f"{field}__isnull": True}).values(field).annotate(n=n)
        return [(row[field], row[field], row["n"]) for row in rows]

    return count


def related(field: str, label: str, *, distinct: str | None = None, n: Aggregate = ROWS) -> Counter:
    """Rows (or ``distinct`` values) per foreign key, shown by the related row's slug.

    Grouped on the key column alone, which its index answers without a join, and labelled
    afterwards for the values a page can show: at millions of rows, joining every row to
    its speaker or debate and grouping on names costs ten times as much.
    """

    def count(queryset: QuerySet, selected: list[str]):
        rows = (
            queryset.order_by()
            .exclude(**{f"{field}__isnull": True})
            .values_list(field)
            .annotate(n=Count(distinct, distinct=True) if distinct else n)
        )
        counts = dict(rows)
        ranked = sorted(counts.values(), reverse=True)
        least_shown = ranked[FACET_SIZE - 1] if len(ranked) >= FACET_SIZE else 0
        wanted = {pk for pk, n in counts.items() if n >= least_shown}
        model = queryset.model._meta.get_field(field).related_model
        labelled = []
        ordered = sorted(wanted)
        for start in range(0, len(ordered), LABEL_BATCH):
            batch = ordered[start : start + LABEL_BATCH]
            labelled += model.objects.filter(pk__in=batch).values_list("pk", "slug", label)
        if selected:  # chosen values are listed whatever their rank
            chosen = model.objects.filter(slug__in=selected).values_list("pk", "slug", label)
            labelled += [row for row in chosen if row[0] in counts and row[0] not in wanted]
        return [(slug, name, counts[pk]) for pk, slug, name in labelled]

    return count


def topics() -> Counter:
    """Rows per topic, counted in the tag table (one row a tag) for the rows counted."""

    def count(queryset: QuerySet, selected: list[str]):
        if queryset.query.extra_tables:
            # SQLite's search joins its FTS5 table by the contributions table's own name,
            # which a subquery would alias away: count through the join instead.
            return related("topics", "name")(queryset, selected)
        tags = ContributionTopic.objects.all()
        if queryset.query.where:  # unfiltered: every tag counts, and no subquery is needed
            tags = tags.filter(contribution__in=queryset.values("pk"))
        return related("topic", "name")(tags, selected)

    return count


def houses(field: str, n: Aggregate = ROWS) -> Counter:
    def count(queryset: QuerySet, selected: list[str]):
        return [
            (value, House(value).label, rows)
            for value, _, rows in grouped(field, n)(queryset, selected)
        ]

    return count


def years(field: str) -> Counter:
    def count(queryset: QuerySet, selected: list[str]):
        rows = (
            queryset.order_by()
            .annotate(year=ExtractYear(field))
            .values("year")
            .annotate(n=Count("*"))
        )
        return [(row["year"], str(row["year"]), row["n"]) for row in rows]

    return count


def tallied_years() -> Counter:
    """Contributions per year, from ContributionTally."""

    def count(queryset: QuerySet, selected: list[str]):
        rows = queryset.order_by().values_list("year").annotate(n=TALLIED)
        return [(str(year), str(year), n) for year, n in rows]

    return count


def sort_key_years() -> Counter:
    """Contributions per year, read from the sort key (see ContributionQuerySet.per_year)."""

    def count(queryset: QuerySet, selected: list[str]):
        return [(str(year), str(year), n) for year, n in queryset.per_year()]

    return count


def through_contributions(field: str, label: str) -> Counter:
    """Debates per speaker or party: counted through the debates' contributions."""

    def count(queryset: QuerySet, selected: list[str]):
        contributions = Contribution.objects.filter(debate__in=queryset.values("pk"))
        return related(field, label, distinct="debate")(contributions, selected)

    return count


def non_blank(counter: Counter) -> Counter:
    def count(queryset: QuerySet, selected: list[str]):
        return [row for row in counter(queryset, selected) if row[0] != ""]

    return count


DEBATE_FACETS = (
    FacetSpec("house", "House", houses("house"), by_value=True),
    FacetSpec("location", "Location", grouped("location")),
    FacetSpec("year", "Year", years("date"), by_value=True),
    FacetSpec("topic", "Topic", related("topics", "name")),
    FacetSpec("speaker", "Speaker", through_contributions("speaker", "name")),
    FacetSpec("party", "Party", through_contributions("party", "name")),
    FacetSpec("department", "Department", non_blank(grouped("department"))),
)

# Also who speaks on a topic most, on its page.
SPEAKER_FACET = FacetSpec("speaker", "Speaker", related("speaker", "name"))

CONTRIBUTION_FACETS = (
    FacetSpec(
        "house", "House", houses("house"), by_value=True, count_tally=houses("house", TALLIED)
    ),
    FacetSpec("year", "Year", sort_key_years(), by_value=True, count_tally=tallied_years()),
    FacetSpec("topic", "Topic", topics(), count_tally=related("topic", "name", n=TALLIED)),
    SPEAKER_FACET,
    FacetSpec(
        "party",
        "Party at the time",
        related("party", "name"),
        count_tally=related("party", "name", n=TALLIED),
    ),
    FacetSpec("debate", "Debate", related("debate", "title")),
    FacetSpec(
        "location", "Location", grouped("location"), count_tally=grouped("location", TALLIED)
    ),
)

# The contribution filters ContributionTally can apply, each as a condition on its rows.
TALLY_FILTERS: dict[str, Callable[[object], Q]] = {
    "house": lambda houses: Q(house__in=houses),
    "location": lambda locations: Q(location__in=locations),
    "party": lambda parties: Q(party__in=parties),
    "year": lambda years: Q(year__in=years),
}

SPEAKER_FACETS = (
    FacetSpec("house", "House", houses("house"), by_value=True),
    FacetSpec("party", "Party", related("party", "name")),
)


def tally_without(filterset: FilterSet, name: str, base: QuerySet) -> QuerySet | None:
    """The ContributionTally rows that stand for the contributions a facet counts (every
    valid filter applied except ``name``), or None if the tally cannot say: a filter it
    has no column for (a speaker, a search), several topics (a contribution with two of
    them would count twice), or a page's own restriction on ``base``.

    The topic facet counts the tally's topic rows; any other facet, its rows for every
    contribution, or for those of the one topic chosen.
    """
    if base.model is not Contribution or base.query.where:
        return None
    condition, topic_rows = Q(), name == "topic"
    for filter_name, value in filterset.form.cleaned_data.items():
        # An unused filter cleans to None, an empty list or an empty queryset of choices
        if filter_name in (name, "sort") or not value:
            continue
        if filter_name == "topic" and len(value) == 1:
            condition &= Q(topic__in=value)
            topic_rows = True
        elif filter_name in TALLY_FILTERS:
            condition &= TALLY_FILTERS[filter_name](value)
        else:
            return None
    return ContributionTally.objects.filter(condition, topic__isnull=not topic_rows)


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
    *,
    seconds: float | None = None,
) -> list[Facet]:
    """Every facet's values with counts; call only when ``filterset.is_valid()``.

    ``queryset`` is what to count, if not the filterset's own rows: it must be free of
    annotations that join other tables, which would count the joined rows instead.

    Counts are exact. They are cached until the archive next changes (an import), and
    counting stops after ``seconds`` (settings.FACET_TIME_LIMIT unless given; math.inf
    for no limit): the facets left uncounted come back with ``counted=False`` and only
    their chosen values, rather than the page timing out.
    """
    base = (filterset.queryset if queryset is None else queryset).prefetch_related(None)
    if seconds is None:
        seconds = settings.FACET_TIME_LIMIT
    counted = _count_all(filterset, specs, params, base, seconds)
    facets = []
    for spec in specs:
        selected = [str(v) for v in params.getlist(spec.name)]
        if spec.name not in counted:
            values = [
                FacetValue(v, v, None, True, toggle_query(params, spec.name, v)) for v in selected
            ]
            facets.append(Facet(spec.name, spec.label, tuple(values), counted=False))
            continue
        rows = {str(value): (label, n) for value, label, n in counted[spec.name]}
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


def _count_all(
    filterset: FilterSet,
    specs: Iterable[FacetSpec],
    params: QueryDict,
    base: QuerySet,
    seconds: float,
) -> dict[str, list[tuple[object, str, int]]]:
    """Each facet's rows by name, kept or counted within ``seconds`` in all
    (caching.remember_many); a facet missing from the result could not be counted in time.

    What each is made from names the facet, its chosen values and the SQL of the rows it
    counts, which names every other filter and the page's own restriction (a speaker's
    page counts only their speeches).
    """
    # Asked once, and only if a facet could count from the tally.
    tally_is_current = functools.cache(ArchiveState.tally_is_current)

    def counting(spec: FacetSpec, queryset: QuerySet, selected: list[str], sql: str | None):
        def count():
            if sql is None:  # a filter no row can match
                return []
            tally = tally_without(filterset, spec.name, base) if spec.count_tally else None
            if tally is not None and tally_is_current():
                return list(spec.count_tally(tally, selected))
            return list(spec.count(queryset, selected))

        return count

    names, computations = {}, {}
    for spec in specs:
        selected = [str(v) for v in params.getlist(spec.name)]
        queryset = queryset_without(filterset, spec.name, base)
        sql = caching.counted_rows_sql(queryset)
        described = caching.rows_described(queryset, qualifier=f"{spec.name}|{sorted(selected)}")
        names[described] = spec.name
        computations[described] = counting(spec, queryset, selected, sql)
    counted = caching.remember_many("facets", computations, seconds=seconds)
    return {names[described]: rows for described, rows in counted.items()}
