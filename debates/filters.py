"""One FilterSet per resource, shared by the HTML pages and the REST API.

Parameter names are the words people type and are a public contract: `house`, `location`,
`department`, `year`, `date_after`, `date_before`, `speaker`, `party`, `topic`, `debate`,
`sort`. Any facet takes several values (`topic=a&topic=b`), meaning any of them.
"""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import EMPTY_VALUES
from django.db.models import Q, QuerySet
from django_filters import rest_framework as filters
from django_filters.fields import ModelMultipleChoiceField, MultipleChoiceField
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema_field

from . import facets, search
from .models import (
    Contribution,
    ContributionTopic,
    Debate,
    House,
    Party,
    Speaker,
    Topic,
    sort_key_day,
)

EARLIEST_YEAR, LATEST_YEAR = 1800, 2100


def invalid_value(value: str) -> ValidationError:
    # The value goes in params, never into the message itself: a "%" in a query string
    # would otherwise be read as a format directive when the message is rendered.
    return ValidationError(
        "“%(value)s” is not a valid value.", code="invalid", params={"value": value[:40]}
    )


class MultipleValueField(forms.Field):
    """Every value of a repeated query parameter (`location=a&location=b`), cleaned."""

    widget = forms.MultipleHiddenInput
    max_length = 200

    def to_python(self, value):
        if value in self.empty_values:
            return []
        values = value if isinstance(value, list | tuple) else [value]
        return [self.clean_one(str(v)) for v in values if str(v).strip()]

    def clean_one(self, value: str):
        value = value.strip()
        if "\x00" in value or len(value) > self.max_length:
            raise invalid_value(value)
        return value


def whole_number(value: str) -> int | None:
    """``value`` as a number if it is ASCII digits alone (isdigit() alone admits other
    scripts' digits), else None."""
    if not (value.isascii() and value.isdigit()):
        return None
    try:
        return int(value)
    except ValueError:  # more digits than int() reads: sys.get_int_max_str_digits()
        return None


class MultipleYearField(MultipleValueField):
    def clean_one(self, value: str) -> int:
        value = value.strip()
        year = whole_number(value)
        if year is None or not (EARLIEST_YEAR <= year <= LATEST_YEAR):
            raise ValidationError(
                "“%(value)s” is not a year between %(earliest)s and %(latest)s.",
                code="invalid",
                params={"value": value[:40], "earliest": EARLIEST_YEAR, "latest": LATEST_YEAR},
            )
        return year


@extend_schema_field(OpenApiTypes.STR)
class MultipleValueFilter(filters.Filter):
    """Matches rows whose field equals any of the given values."""

    field_class = MultipleValueField

    def filter(self, qs, value):
        if not value:
            return qs
        return qs.filter(**{f"{self.field_name}__in": value})


@extend_schema_field(OpenApiTypes.INT)
class MultipleYearFilter(MultipleValueFilter):
    field_class = MultipleYearField

    def filter(self, qs, value):
        if not value:
            return qs
        return qs.filter(**{f"{self.field_name}__year__in": value})


@extend_schema_field(OpenApiTypes.INT)
class SortKeyYearFilter(MultipleYearFilter):
    """Contributions by sitting year, as a range of the sort key: its index answers it with
    no join to debates and no date function on every row."""

    def filter(self, qs, value):
        if not value:
            return qs
        ranges = Q()
        for year in value:
            ranges |= Q(sort_key__gte=f"{year:04d}", sort_key__lt=f"{year + 1:04d}")
        return qs.filter(ranges)


class SortKeyDateFilter(filters.DateFilter):
    """Contributions on or after (``gte``), or on or before (``lte``), a sitting date,
    compared on the sort key like SortKeyYearFilter."""

    def filter(self, qs, value):
        if value in EMPTY_VALUES:
            return qs
        if self.lookup_expr == "gte":
            return qs.filter(sort_key__gte=sort_key_day(value))
        # "/" sorts just after the "." that follows the date in every key of that day.
        return qs.filter(sort_key__lt=f"{sort_key_day(value)}/")


class IgnoresBlankValues:
    """`?topic=&house=` (a form's "any" option) means no filter, not an invalid value."""

    def clean(self, value):
        if isinstance(value, list | tuple):
            value = [v for v in value if str(v).strip()]
        return super().clean(value)


class ChoicesField(IgnoresBlankValues, MultipleChoiceField):
    pass


class ChoicesFilter(filters.MultipleChoiceFilter):
    field_class = ChoicesField

    def __init__(self, *args, **kwargs):
        # One value per row (a House): an OR of them can never repeat a row, so no DISTINCT,
        # which would make the database sort whole rows of a large listing.
        kwargs.setdefault("distinct", False)
        super().__init__(*args, **kwargs)


class SlugsField(IgnoresBlankValues, ModelMultipleChoiceField):
    def _check_values(self, value):
        # Refuse what no slug can be before it reaches the database: PostgreSQL rejects
        # a NUL byte in a query with an error, where the visitor deserves a message.
        for item in value:
            if "\x00" in str(item) or len(str(item)) > 200:
                raise invalid_value(str(item))
        return super()._check_values(value)


@extend_schema_field(OpenApiTypes.STR)
class SlugsFilter(filters.ModelMultipleChoiceFilter):
    """`speaker=ed-balls&speaker=tim-loughton`: slugs or stable keys, never primary keys.

    An unknown slug is a 400 naming it, not an empty page.
    """

    field_class = SlugsField

    def __init__(self, *args, model, to_field_name="slug", **kwargs):
        kwargs.setdefault("queryset", model.objects.all())
        # Filtering a foreign key never repeats rows, so no DISTINCT is needed.
        kwargs.setdefault("distinct", False)
        super().__init__(*args, to_field_name=to_field_name, **kwargs)

    def get_filter_predicate(self, v):
        # The slug found the row; compare the foreign key with the row itself, so the
        # query needs no join to the table the slug lives in.
        return {self.field_name: v}


class SearchFilter(filters.CharFilter):
    """`q`: words, "phrases", -exclusions and OR, as websearch_to_tsquery reads them."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", search.MAX_QUERY_LENGTH)
        kwargs.setdefault("label", "Search")
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        if not value or not value.strip():
            return qs
        return self.method(qs, self.field_name, value.strip())


class StableOrderingFilter(filters.OrderingFilter):
    """`sort=date`, `sort=-date`, `sort=title`, always ending on a unique column so pages
    never repeat or skip a row."""

    def __init__(self, *args, tiebreak: tuple[str, ...], **kwargs):
        self.tiebreak = tiebreak
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        if not value:
            return qs
        return qs.order_by(*(self.get_ordering_value(v) for v in value), *self.tiebreak)


def _any_contribution(field: str):
    """Filter debates by their contributions, without the duplicate rows a join makes."""

    def method(queryset, name, value):
        if not value:
            return queryset
        matching = Contribution.objects.filter(**{f"{field}__in": value}).values("debate_id")
        return queryset.filter(pk__in=matching)

    return method


def _tagged(through, owner: str):
    """Filter rows tagged with any of the topics, through the tag table's `owner` column."""

    def method(queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(pk__in=through.objects.filter(topic__in=value).values(owner))

    return method


class DebateFilter(filters.FilterSet):
    house = ChoicesFilter(field_name="house", choices=House.choices)
    location = MultipleValueFilter(field_name="location")
    department = MultipleValueFilter(field_name="department")
    year = MultipleYearFilter(field_name="date")
    date_after = filters.DateFilter(field_name="date", lookup_expr="gte")
    date_before = filters.DateFilter(field_name="date", lookup_expr="lte")
    speaker = SlugsFilter(model=Speaker, method=_any_contribution("speaker"))
    party = SlugsFilter(model=Party, method=_any_contribution("party"))
    topic = SlugsFilter(model=Topic, method=_tagged(Debate.topics.through, "debate_id"))
    q = SearchFilter(method="filter_q")
    sort = StableOrderingFilter(
        fields=(("date", "date"), ("title", "title")),
        tiebreak=("pk",),
        label="Sort",
    )

    class Meta:
        model = Debate
        fields = []  # the declared filters, and nothing generated from the model

    def filter_q(self, queryset, name, value):
        """Debates with a contribution that matches (the debate title is indexed with each)."""
        matching = search.engine().matching(Contribution.objects.all(), value)
        return queryset.filter(pk__in=matching.values("debate_id"))


class ContributionFilter(filters.FilterSet):
    # House, location and sitting date are read from the contribution's own columns
    # (copies of its debate's), so filters need no join; see Contribution.DERIVED_FIELDS.
    house = ChoicesFilter(field_name="house", choices=House.choices)
    location = MultipleValueFilter(field_name="location")
    department = MultipleValueFilter(field_name="debate__department")
    year = SortKeyYearFilter(field_name="sort_key")
    date_after = SortKeyDateFilter(field_name="sort_key", lookup_expr="gte")
    date_before = SortKeyDateFilter(field_name="sort_key", lookup_expr="lte")
    speaker = SlugsFilter(model=Speaker, field_name="speaker")
    party = SlugsFilter(model=Party, field_name="party")
    topic = SlugsFilter(model=Topic, method=_tagged(ContributionTopic, "contribution_id"))
    debate = SlugsFilter(model=Debate, field_name="debate")
    q = SearchFilter(method="filter_q")
    # With `q` and no `sort`, results come by relevance (see filter_q).
    sort = StableOrderingFilter(fields=(("sort_key", "date"),), tiebreak=(), label="Sort")

    class Meta:
        model = Contribution
        fields = []  # the declared filters, and nothing generated from the model

    def filter_q(self, queryset, name, value):
        # Ranking scores every match: worth it only when results come by relevance.
        if self.form.cleaned_data.get("sort"):
            return search.engine().matching(queryset, value)
        return search.engine().ranked(queryset, value).order_by("-rank", "-sort_key")

    def matches_unranked(self) -> QuerySet:
        """The rows of a valid search, filtered as by ``qs`` but neither scored nor ordered:
        what its total counts."""
        filtered = facets.queryset_without(self, "q", self.queryset)
        return search.engine().matching(filtered, self.form.cleaned_data["q"])

    def matches_newest_first(self, queryset: QuerySet) -> QuerySet:
        """The rows of a valid search, ``queryset`` filtered as by ``qs`` but newest first
        instead of by relevance: found without scoring every match, for a search too
        common to rank in time (paging.ranked_page_rows)."""
        filtered = facets.queryset_without(self, "q", queryset)
        words = self.form.cleaned_data["q"]
        return search.engine().matching_many(filtered, words).order_by("-sort_key")


class SpeakerFilter(filters.FilterSet):
    house = ChoicesFilter(field_name="house", choices=House.choices)
    party = SlugsFilter(model=Party, field_name="party")
    topic = SlugsFilter(model=Topic, method=_tagged(ContributionTopic, "contribution__speaker_id"))
    sort = StableOrderingFilter(
        fields=(("name", "name"), ("contribution_count", "contributions")),
        tiebreak=("pk",),
        label="Sort",
    )

    class Meta:
        model = Speaker
        fields = []  # the declared filters, and nothing generated from the model


def _many(name: str, item: dict, description: str, *examples) -> OpenApiParameter:
    return OpenApiParameter(
        name,
        {"type": "array", "items": item},
        style="form",
        explode=True,
        description=f"{description} Repeat the parameter for any of several values.",
        examples=[OpenApiExample(str(example), value=[example]) for example in examples],
    )


TEXT = {"type": "string"}
# A date, or nothing: a search form's blank date box sends the parameter empty.
DATE_OR_EMPTY = {
    "anyOf": [{"type": "string", "format": "date"}, {"type": "string", "maxLength": 0}]
}

# How each filter parameter is documented in the OpenAPI schema, with examples.
PARAMETER_DOCS: dict[str, OpenApiParameter] = {
    p.name: p
    for p in (
        _many(
            "house",
            {"type": "string", "enum": [*House.values, ""]},
            "The House (empty: both).",
            "commons",
        ),
        _many("location", TEXT, "Where the sitting was.", "Westminster Hall"),
        _many("department", TEXT, "The answering department.", "Department for Education"),
        _many(
            "year",
            {"type": "integer", "minimum": EARLIEST_YEAR, "maximum": LATEST_YEAR},
            "Year of the sitting.",
            2011,
        ),
        _many("speaker", TEXT, "Speaker slug.", "tim-loughton"),
        _many("party", TEXT, "Party slug (at the time, for contributions).", "labour"),
        _many("topic", TEXT, "Topic slug.", "serious-case-reviews"),
        _many("debate", TEXT, "Debate slug.", "2011-06-09-munro-report"),
        OpenApiParameter(
            "q",
            {"type": "string", "maxLength": search.MAX_QUERY_LENGTH},
            description='Full-text search: words (all must match), "quoted phrases", '
            "-excluded words, OR; English stemming. Contributions come by relevance unless "
            "`sort` is given (page-numbered then, rather than by cursor).",
            examples=[OpenApiExample("phrase", value='"serious case reviews" -Ofsted')],
        ),
        OpenApiParameter(
            "date_after",
            DATE_OR_EMPTY,
            description="Sittings on or after this date (YYYY-MM-DD); empty means no limit.",
            examples=[OpenApiExample("2010", value="2010-01-01")],
        ),
        OpenApiParameter(
            "date_before",
            DATE_OR_EMPTY,
            description="Sittings on or before this date (YYYY-MM-DD); empty means no limit.",
            examples=[OpenApiExample("2013", value="2013-12-31")],
        ),
    )
}


def documented_parameters(filterset_class) -> list[OpenApiParameter]:
    """The schema parameters for a FilterSet's filters, by their query parameter names."""
    return [doc for name, doc in PARAMETER_DOCS.items() if name in filterset_class.base_filters]
