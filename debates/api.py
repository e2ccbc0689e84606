"""REST API v1: read-only viewsets over the same QuerySets and FilterSets as the pages.

Mounted at /api/v1/ by the project urls. Every list carries facet counts computed as the
pages compute them; `?format=csv` streams the whole filtered list.
"""

from __future__ import annotations

import csv
import hashlib
from collections.abc import Callable, Iterator

from django.core.paginator import InvalidPage
from django.http import StreamingHttpResponse
from django.utils.cache import patch_vary_headers
from django.utils.decorators import method_decorator
from django.views.decorators.http import condition
from django_filters.rest_framework import DjangoFilterBackend
from django_filters.utils import translate_validation
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
    inline_serializer,
)
from rest_framework import exceptions, pagination, renderers, routers, serializers, viewsets
from rest_framework.settings import api_settings
from rest_framework.views import APIView, exception_handler

from . import caching, facets, listings, popolo
from .filters import (
    ContributionFilter,
    DebateFilter,
    SpeakerFilter,
    documented_parameters,
    whole_number,
)
from .models import Party, Topic
from .paging import CountedOncePaginator, SearchPaginator, ranked_page_rows
from .serializers import (
    ContributionSerializer,
    DebateSerializer,
    PartySerializer,
    SpeakerSerializer,
    TopicSerializer,
)

# Pagination -------------------------------------------------------------------------


class StrictPageSize:
    """`page_size` from 1 to 100, or a 400 saying so: DRF silently ignores a bad one, and a
    client that asked for 500 rows deserves to know it got 20."""

    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100

    def get_page_size(self, request):
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        size = whole_number(raw)
        if size is None or not 1 <= size <= self.max_page_size:
            raise exceptions.ValidationError(
                {
                    self.page_size_query_param: [
                        f"Must be a whole number from 1 to {self.max_page_size}."
                    ]
                }
            )
        return size

    def check_parameters(self, request) -> None:
        """Refuse malformed paging parameters, even for a CSV export that ignores them."""
        self.get_page_size(request)
        page = whole_number(request.query_params.get(getattr(self, "page_query_param", ""), "1"))
        if page is None or page < 1:
            raise exceptions.ValidationError({"page": ["Must be a whole number from 1."]})

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"].update(minimum=1, maximum=self.max_page_size)
            elif parameter["name"] == getattr(self, "page_query_param", None):
                parameter["schema"].update(minimum=1)
        return parameters


class PagePagination(StrictPageSize, pagination.PageNumberPagination):
    django_paginator_class = CountedOncePaginator

    def get_paginated_response(self, data):
        response = super().get_paginated_response(data)
        return with_link_header(response, self.get_next_link(), self.get_previous_link())

    def get_paginated_response_schema(self, schema):
        return with_facets_schema(super().get_paginated_response_schema(schema))


class SearchPagination(PagePagination):
    """A search by relevance, page by page, as the search page has it. With a search index
    (SEARCH_INDEX), the exact total and the page come from it. Without, the total is
    counted up to paging.SEARCH_COUNT_LIMIT (past it `count` is that limit and
    `count_is_capped` true), and the page ranked within SEARCH_RANK_TIME_LIMIT or else the
    same matches newest first (`ranked` false). Neither waits on every match of a common
    word."""

    django_paginator_class = SearchPaginator

    def paginate_queryset(self, queryset, request, view=None):
        # PageNumberPagination's own steps, but the page's rows through ranked_page_rows.
        paginator = self.django_paginator_class(
            queryset, self.get_page_size(request), filterset=view.filterset
        )
        page_number = self.get_page_number(request, paginator)
        try:
            self.page = paginator.page(page_number)
        except InvalidPage as error:
            message = self.invalid_page_message.format(page_number=page_number, message=error)
            raise exceptions.NotFound(message) from error
        self.request = request
        rows, self.unranked = ranked_page_rows(
            self.page, queryset, view.filterset, view.get_queryset()
        )
        return rows

    def get_paginated_response(self, data):
        response = super().get_paginated_response(data)
        paginator = self.page.paginator
        capped = paginator.count_is_capped
        response.data["count"] = paginator.count_limit if capped else paginator.count
        response.data["count_is_capped"] = capped
        response.data["ranked"] = not self.unranked
        return response


class ContributionCursorPagination(StrictPageSize, pagination.CursorPagination):
    """Stable under inserts and as fast on the millionth row as on the first: the cursor
    is a position in the indexed sort key, not an offset."""

    ordering = "-sort_key"

    def get_ordering(self, request, queryset, view):
        return ("sort_key",) if request.query_params.get("sort") == "date" else ("-sort_key",)

    def decode_cursor(self, request):
        cursor = super().decode_cursor(request)
        # No sort key holds a NUL byte, so only a forged cursor can; PostgreSQL would refuse
        # the query with an error rather than find no rows.
        if cursor and cursor.position and "\x00" in cursor.position:
            raise exceptions.NotFound(self.invalid_cursor_message)
        return cursor

    def get_paginated_response(self, data):
        response = super().get_paginated_response(data)
        return with_link_header(response, self.get_next_link(), self.get_previous_link())

    def get_paginated_response_schema(self, schema):
        return with_facets_schema(super().get_paginated_response_schema(schema))


def with_link_header(response, next_url, previous_url):
    links = [f'<{url}>; rel="{rel}"' for rel, url in (("next", next_url), ("prev", previous_url))]
    if next_url or previous_url:
        response["Link"] = ", ".join(link for link in links if "<None>" not in link)
    return response


FACETS_SCHEMA = {
    "type": "array",
    "description": "Counts for each filter's values, each counted with the other filters on.",
    "items": {
        "type": "object",
        "properties": {
            "name": {"type": "string", "example": "house"},
            "label": {"type": "string", "example": "House"},
            "counted": {
                "type": "boolean",
                "description": "False when counting took too long: `values` then holds only "
                "the chosen values, with a null count. Narrow the filters to get counts.",
            },
            "values": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {
                        "value": {"type": "string", "example": "commons"},
                        "label": {"type": "string", "example": "House of Commons"},
                        "count": {"type": "integer", "nullable": True, "example": 4},
                        "selected": {"type": "boolean"},
                        "url": {"type": "string", "format": "uri"},
                    },
                },
            },
        },
    },
}


def with_facets_schema(schema):
    schema["properties"]["facets"] = FACETS_SCHEMA
    return schema


# Rendering, errors, throttling, conditional GET --------------------------------------


class CSVRenderer(renderers.BaseRenderer):
    """Declares `text/csv` for content negotiation; lists stream their own CSV body."""

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        # Only reached for bodies other than a list (e.g. a detail): one row of its fields.
        rows = data if isinstance(data, list) else [data]
        out = _Echo()
        writer = csv.writer(out)
        header = list(rows[0]) if rows else []
        return "".join([writer.writerow(header), *(writer.writerow(r.values()) for r in rows)])


class _Echo:
    """A file-like object that hands back what csv.writer writes, for streaming."""

    def write(self, value: str) -> str:
        return value


def api_exception_handler(exc, context):
    """Every error as `{"detail": ..., "errors": {parameter: [messages]}}`, in JSON even
    when CSV was asked for."""
    if isinstance(exc, exceptions.ValidationError) and isinstance(exc.detail, dict):
        errors = {k: [str(m) for m in v] for k, v in exc.detail.items()}
        exc = exceptions.ValidationError({"detail": "Invalid query parameters.", "errors": errors})
        response = exception_handler(exc, context)
    else:
        response = exception_handler(exc, context)
        if response is not None:
            detail = response.data.get("detail", "") if isinstance(response.data, dict) else ""
            response.data = {"detail": str(detail), "errors": {}}
    request = context.get("request")
    if response is not None and request is not None:
        request.accepted_renderer = renderers.JSONRenderer()
        request.accepted_media_type = "application/json"
    return response


def _archive_changed_at(request, *args, **kwargs):
    return caching.archive_state(request).changed


def _archive_etag(request, *args, **kwargs):
    """Changes when the archive does, and differs per URL and per format asked for."""
    variant = f"{request.get_full_path()}|{request.headers.get('Accept', '')}"
    digest = hashlib.sha256(variant.encode()).hexdigest()[:16]
    return f"{caching.archive_state(request).version}-{digest}"


conditional_on_archive = method_decorator(
    condition(etag_func=_archive_etag, last_modified_func=_archive_changed_at), name="dispatch"
)


ERROR_RESPONSE = inline_serializer(
    "Error",
    {
        "detail": serializers.CharField(),
        "errors": serializers.DictField(child=serializers.ListField(child=serializers.CharField())),
    },
)
ERROR_EXAMPLES = {
    400: OpenApiExample(
        "Invalid filter",
        value={
            "detail": "Invalid query parameters.",
            "errors": {
                "speaker": ["Select a valid choice. nobody is not one of the available choices."]
            },
        },
        response_only=True,
        status_codes=["400"],
    ),
    404: OpenApiExample(
        "Not found",
        value={"detail": "No Debate matches the given query.", "errors": {}},
        response_only=True,
        status_codes=["404"],
    ),
    429: OpenApiExample(
        "Throttled",
        value={"detail": "Request was throttled. Expected available in 12 seconds.", "errors": {}},
        response_only=True,
        status_codes=["429"],
    ),
}


def error(status: int, description: str) -> OpenApiResponse:
    return OpenApiResponse(
        ERROR_RESPONSE, description=description, examples=[ERROR_EXAMPLES[status]]
    )


LIST_ERRORS = {
    400: error(400, "A filter value is invalid; `errors` names each parameter."),
    404: error(404, "The page or cursor does not exist."),
    429: error(429, "Too many requests; see the Retry-After header."),
}
DETAIL_ERRORS = {
    400: error(400, "A query parameter (`format`) is invalid."),
    404: error(404, "No object has this slug or key."),
    429: error(429, "Too many requests; see the Retry-After header."),
}
FORMATS = ("json", "csv")
FORMAT_PARAMETER = OpenApiParameter(
    "format",
    OpenApiTypes.STR,
    enum=list(FORMATS),
    description="`csv` streams the whole filtered list (all pages) as CSV; `json` is the "
    "default. The same as `Accept: text/csv` or `Accept: application/json`.",
)


# Viewsets -----------------------------------------------------------------------------


@conditional_on_archive
class ArchiveViewSet(viewsets.ReadOnlyModelViewSet):
    """Lists with facets and CSV, details by slug or key; read-only."""

    lookup_field = "slug"
    # What a slug or key can be, as the pages' <slug:> routes have it: anything else (a NUL
    # byte, which PostgreSQL refuses in a query) is a 404 before it reaches the database.
    lookup_value_regex = "[-a-zA-Z0-9_]+"
    filter_backends = [DjangoFilterBackend]
    # A faceted list (debates.listings), or None for a plain one (topics, parties).
    listing: listings.Listing | None = None
    csv_columns: tuple[tuple[str, Callable], ...] = ()
    renderer_classes = [*api_settings.DEFAULT_RENDERER_CLASSES, CSVRenderer]

    def initial(self, request, *args, **kwargs):
        # An unknown ?format= is a mistake to report, not a request to serve as JSON.
        if "format" in request.query_params and request.query_params["format"] not in FORMATS:
            raise exceptions.ValidationError({"format": [f"Choose one of: {', '.join(FORMATS)}."]})
        super().initial(request, *args, **kwargs)

    def list(self, request, *args, **kwargs):
        self.paginator.check_parameters(request)  # even for a CSV export, which ignores them
        if request.accepted_renderer.format == "csv":
            return self.stream_csv(self.filter_queryset(self.get_queryset()))
        # A page of a list in JSON is kept whole, as a page of the site is: JSON is what
        # tools ask for again and again; the browsable API is built for each request.
        if type(request.accepted_renderer) is not renderers.JSONRenderer:
            return super().list(request, *args, **kwargs)

        def build():
            response = super(ArchiveViewSet, self).list(request, *args, **kwargs)
            return self.finalize_response(request, response, *args, **kwargs).render()

        # The media type too: its parameters (`; indent=4`) change the bytes.
        scope, variant = caching.archive_scope(request), request.accepted_media_type
        return caching.cached_page(request, scope, build, variant=variant)

    def filter_queryset(self, queryset):
        # What DjangoFilterBackend.filter_queryset does, keeping the filterset: the facets
        # count with its cleaned values instead of validating every slug a second time.
        self.filterset = DjangoFilterBackend().get_filterset(self.request, queryset, self)
        if self.filterset is None:
            return queryset
        if not self.filterset.is_valid():
            raise translate_validation(self.filterset.errors)
        return self.filterset.qs

    def get_paginated_response(self, data):
        response = super().get_paginated_response(data)
        response.data["facets"] = self.facets(self.filterset)
        if not all(facet["counted"] for facet in response.data["facets"]):
            caching.briefly_cached(response)  # short of some counts, as a page of the site is
        return response

    @property
    def filterset_class(self):
        return self.listing.filterset_class if self.listing else None

    def get_queryset(self):
        return self.listing.api_rows() if self.listing else super().get_queryset()

    def facet_seconds(self) -> float | None:
        """How long facets not yet cached may be counted (None: FACET_TIME_LIMIT)."""
        return None

    def facets(self, filterset) -> list[dict]:
        if not self.listing:
            return []
        request = self.request
        counted = facets.facet_counts(
            filterset,
            self.listing.facets,
            request.query_params,
            self.listing.counted(),
            seconds=self.facet_seconds(),
        )
        return [
            {
                "name": facet.name,
                "label": facet.label,
                "counted": facet.counted,
                "values": [
                    {
                        "value": value.value,
                        "label": value.label,
                        "count": value.count,
                        "selected": value.selected,
                        "url": request.build_absolute_uri(request.path + value.query),
                    }
                    for value in facet.values
                ],
            }
            for facet in counted
        ]

    def stream_csv(self, queryset) -> StreamingHttpResponse:
        writer = csv.writer(_Echo())

        def rows() -> Iterator[str]:
            yield writer.writerow([name for name, _ in self.csv_columns])
            for obj in queryset.iterator(chunk_size=2000):
                yield writer.writerow([value(obj, self.request) for _, value in self.csv_columns])

        response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
        name = self.basename.replace("-", "_")
        response["Content-Disposition"] = f'attachment; filename="{name}s.csv"'
        patch_vary_headers(response, ["Accept"])
        return response


def page_url(obj, request) -> str:
    return request.build_absolute_uri(obj.get_absolute_url())


def slug_of(field: str) -> Callable:
    def value(obj, request):
        related = getattr(obj, field)
        return related.slug if related else ""

    return value


def name_of(field: str) -> Callable:
    def value(obj, request):
        related = getattr(obj, field)
        return related.name if related else ""

    return value


def topic_slugs(contribution, request) -> str:
    return "; ".join(tag.topic.slug for tag in contribution.contributiontopic_set.all())


def attribute(name: str) -> Callable:
    return lambda obj, request: getattr(obj, name)


LIST_PARAMETERS = [FORMAT_PARAMETER]


@extend_schema_view(
    list=extend_schema(
        parameters=[*LIST_PARAMETERS, *documented_parameters(DebateFilter)],
        responses={200: DebateSerializer(many=True), **LIST_ERRORS},
    ),
    retrieve=extend_schema(
        parameters=[FORMAT_PARAMETER], responses={200: DebateSerializer, **DETAIL_ERRORS}
    ),
)
class DebateViewSet(ArchiveViewSet):
    """Debates: one item of business on one sitting day, newest first."""

    listing = listings.DEBATES
    serializer_class = DebateSerializer
    pagination_class = PagePagination
    csv_columns = (
        ("slug", attribute("slug")),
        ("title", attribute("title")),
        ("date", attribute("date")),
        ("house", attribute("house")),
        ("location", attribute("location")),
        ("department", attribute("department")),
        ("kind", attribute("kind")),
        ("session", attribute("session")),
        ("topics", lambda debate, request: "; ".join(t.slug for t in debate.topics.all())),
        ("source_url", attribute("source_url")),
        ("html_url", page_url),
    )


@extend_schema_view(
    list=extend_schema(
        parameters=[*LIST_PARAMETERS, *documented_parameters(ContributionFilter)],
        responses={200: ContributionSerializer(many=True), **LIST_ERRORS},
    ),
    retrieve=extend_schema(
        parameters=[FORMAT_PARAMETER], responses={200: ContributionSerializer, **DETAIL_ERRORS}
    ),
)
class ContributionViewSet(ArchiveViewSet):
    """Contributions: one speech each, newest first (`sort=date` for oldest first),
    paged by cursor."""

    listing = listings.CONTRIBUTIONS
    serializer_class = ContributionSerializer
    pagination_class = ContributionCursorPagination
    lookup_field = "key"

    @property
    def paginator(self):
        # Search results in relevance order have no cursor position: they come by page
        # number, as a search engine's do. Any other listing walks the sort key by cursor.
        if not hasattr(self, "_paginator"):
            params = self.request.query_params if self.request else {}
            ranked = params.get("q", "").strip() and not params.get("sort")
            self._paginator = SearchPagination() if ranked else self.pagination_class()
        return self._paginator

    def facet_seconds(self) -> float | None:
        # As on the search page: a search matching too many rows is not faceted.
        searched = isinstance(self.paginator, SearchPagination)
        return 0 if searched and self.paginator.page.paginator.too_many_to_facet else None

    csv_columns = (
        ("key", attribute("key")),
        ("citation", attribute("citation")),
        ("date", lambda c, request: c.debate.date),
        ("house", lambda c, request: c.debate.house),
        ("debate", lambda c, request: c.debate.title),
        ("debate_slug", lambda c, request: c.debate.slug),
        ("sequence", attribute("sequence")),
        ("speaker", name_of("speaker")),
        ("speaker_slug", slug_of("speaker")),
        ("display_name", attribute("display_name")),
        ("role", attribute("role")),
        ("party", name_of("party")),
        ("column_reference", attribute("column_reference")),
        ("source_uri", attribute("source_uri")),
        ("topics", topic_slugs),
        ("html_url", page_url),
        ("text", attribute("text")),
    )


@extend_schema_view(
    list=extend_schema(
        parameters=[*LIST_PARAMETERS, *documented_parameters(SpeakerFilter)],
        responses={200: SpeakerSerializer(many=True), **LIST_ERRORS},
    ),
    retrieve=extend_schema(
        parameters=[FORMAT_PARAMETER], responses={200: SpeakerSerializer, **DETAIL_ERRORS}
    ),
)
class SpeakerViewSet(ArchiveViewSet):
    """Speakers: members of either House who spoke in an archived debate."""

    listing = listings.SPEAKERS
    serializer_class = SpeakerSerializer
    pagination_class = PagePagination
    csv_columns = (
        ("slug", attribute("slug")),
        ("name", attribute("name")),
        ("house", attribute("house")),
        ("party", name_of("party")),
        ("constituency", attribute("constituency")),
        ("contribution_count", attribute("contribution_count")),
        ("html_url", page_url),
    )


@extend_schema_view(
    list=extend_schema(
        parameters=LIST_PARAMETERS, responses={200: TopicSerializer(many=True), **LIST_ERRORS}
    ),
    retrieve=extend_schema(
        parameters=[FORMAT_PARAMETER], responses={200: TopicSerializer, **DETAIL_ERRORS}
    ),
)
class TopicViewSet(ArchiveViewSet):
    """Topics: the archive's curated safeguarding vocabulary."""

    queryset = Topic.objects.for_listing().select_related("parent")
    serializer_class = TopicSerializer
    pagination_class = PagePagination
    csv_columns = (
        ("slug", attribute("slug")),
        ("name", attribute("name")),
        ("description", attribute("description")),
        ("debate_count", attribute("debate_count")),
        ("contribution_count", attribute("contribution_count")),
        ("html_url", page_url),
    )


@extend_schema_view(
    list=extend_schema(
        parameters=LIST_PARAMETERS, responses={200: PartySerializer(many=True), **LIST_ERRORS}
    ),
    retrieve=extend_schema(
        parameters=[FORMAT_PARAMETER], responses={200: PartySerializer, **DETAIL_ERRORS}
    ),
)
class PartyViewSet(ArchiveViewSet):
    """Parties, by full name and the short name Hansard prints."""

    queryset = Party.objects.order_by("name", "pk")
    serializer_class = PartySerializer
    pagination_class = PagePagination
    csv_columns = (
        ("slug", attribute("slug")),
        ("name", attribute("name")),
        ("short_name", attribute("short_name")),
        ("html_url", page_url),
    )


@conditional_on_archive
@extend_schema(
    summary="Speakers, parties and Houses as Popolo JSON",
    responses={
        200: OpenApiResponse(
            popolo.OPENAPI_SCHEMA,
            description="One Popolo document (https://www.popoloproject.com/), streamed: "
            "every speaker as a person, parties and both Houses as organizations, and each "
            "speaker's current party and House as memberships (with the constituency for "
            "members of the Commons). Ids are permanent.",
        ),
        429: error(429, "Too many requests; see the Retry-After header."),
    },
)
class PopoloView(APIView):
    """Every speaker in the archive, and the parties and Houses they belong to, as Popolo."""

    renderer_classes = [renderers.JSONRenderer]

    def get(self, request):
        return StreamingHttpResponse(
            popolo.document(request.build_absolute_uri), content_type="application/json"
        )


router = routers.DefaultRouter()
router.register("debates", DebateViewSet, basename="debate")
router.register("contributions", ContributionViewSet, basename="contribution")
router.register("speakers", SpeakerViewSet, basename="speaker")
router.register("topics", TopicViewSet, basename="topic")
router.register("parties", PartyViewSet, basename="party")
