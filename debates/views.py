"""HTML views: each connects a request to a QuerySet method, a FilterSet and a template."""

from django.conf import settings
from django.db.models import Count, Max, Min
from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.views.generic import DetailView, ListView, TemplateView
from django_filters.views import FilterView

from . import akoma_ntoso, caching, citations, facets, feeds, listings, search, timeline
from .models import (
    Contribution,
    ContributionKeyRedirect,
    Debate,
    House,
    Party,
    Speaker,
    SpeakerSlugRedirect,
    Topic,
)
from .paging import CountedOncePaginator, SearchPaginator, counted_once, ranked_page_rows


class CachedPage:
    """A page served whole from the pages cache (caching.cached_page) while what it shows
    is unchanged: the scope ``page_scope()`` names, the archive's version unless the view
    says otherwise. Kept briefly if the view, short of time for part of the page (facets
    left uncounted, a search left unranked), sets ``complete`` to False."""

    complete = True

    def page_scope(self) -> str | None:
        return caching.archive_scope(self.request)

    def dispatch(self, request, *args, **kwargs):
        build = super().dispatch
        return caching.cached_page(
            request, self.page_scope(), lambda: build(request, *args, **kwargs)
        )

    def render_to_response(self, context, **kwargs):
        response = super().render_to_response(context, **kwargs)
        if not self.complete:
            return caching.briefly_cached(response)
        patch_cache_control(response, max_age=settings.PAGE_CACHE_SECONDS)  # browsers too
        return response


class HomeView(CachedPage, TemplateView):
    template_name = "debates/home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # Counted once per version of the archive: at millions of rows a count is no
        # quicker than the page.
        context["totals"] = {
            "debates": counted_once(Debate.objects.all()),
            "contributions": counted_once(Contribution.objects.all()),
            "speakers": counted_once(Speaker.objects.all()),
            "topics": Topic.objects.count(),
        }
        context["date_range"] = Debate.objects.aggregate(first=Min("date"), last=Max("date"))
        context["feed_url"] = reverse("debates:contribution-feed")
        context["houses"] = (
            Debate.objects.order_by("house").values("house").annotate(debates=Count("pk"))
        )
        context["house_choices"] = House.choices
        context["topics"] = Topic.objects.for_listing()
        context["recent_debates"] = Debate.objects.for_listing()[:10]
        context["timeline"] = timeline.contribution_timeline(Contribution.objects.all())
        # No chart: none to draw, or not counted in time.
        self.complete = context["timeline"] is not None or not context["totals"]["contributions"]
        return context


class FacetedListView(CachedPage, FilterView):
    """A filtered, faceted, paginated list whose bad parameters get a 400 that names them.

    django-filter's FilterView answers invalid input with an empty 200 page; a visitor (or
    a script) deserves to know which parameter was wrong.
    """

    listing: listings.Listing
    sort_choices: tuple[tuple[str, str], ...] = (
        ("-date", "Newest first"),
        ("date", "Oldest first"),
    )
    paginate_by = 20
    paginator_class = CountedOncePaginator

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        valid = self.filterset.is_valid()
        context["facets"] = (
            facets.facet_counts(
                self.filterset,
                self.listing.facets,
                self.request.GET,
                self.get_facet_queryset(),
                seconds=self.facet_seconds(context),
            )
            if valid
            else []
        )
        context["selected"] = any(v.selected for facet in context["facets"] for v in facet.values)
        self.complete = all(facet.counted for facet in context["facets"])
        context["errors"] = {} if valid else self.filterset.errors
        context["sort_choices"] = self.sort_choices
        context["date_filters"] = [
            (name, value, facets.toggle_query(self.request.GET, name, value))
            for name in ("date_after", "date_before")
            if (value := self.request.GET.get(name))
        ]
        return context

    def get_filterset_class(self):
        return self.listing.filterset_class

    def get_queryset(self):
        return self.listing.rows()

    def get_facet_queryset(self):
        """The rows facets count."""
        return self.listing.counted()

    def facet_seconds(self, context) -> float | None:
        """How long the page may count facets not yet cached (None: FACET_TIME_LIMIT)."""
        return None

    def get_filterset_kwargs(self, filterset_class):
        # Always bound, even to an empty query: facets need cleaned (empty) filters too.
        return {**super().get_filterset_kwargs(filterset_class), "data": self.request.GET}

    def render_to_response(self, context, **kwargs):
        if not self.filterset.is_valid():
            kwargs["status"] = 400
        return super().render_to_response(context, **kwargs)

    def paginate_queryset(self, queryset, page_size):
        try:
            return super().paginate_queryset(queryset, page_size)
        except Http404 as error:
            raise Http404(
                f"There is no page {self.request.GET.get('page', '')[:20]!r} of these results."
            ) from error


class DebateListView(FacetedListView):
    listing = listings.DEBATES
    sort_choices = (*FacetedListView.sort_choices, ("title", "Title A–Z"))
    template_name = "debates/debate_list.html"


class ContributionListView(FacetedListView):
    listing = listings.CONTRIBUTIONS
    template_name = "debates/contribution_list.html"
    feed_name = "debates:contribution-feed"

    def get_paginator(self, queryset, per_page, **kwargs):
        # A search for a common word matches too many rows to count them all on each visit.
        if self.request.GET.get("q", "").strip():
            filterset = self.filterset if self.filterset.is_valid() else None
            return SearchPaginator(queryset, per_page, filterset=filterset, **kwargs)
        return super().get_paginator(queryset, per_page, **kwargs)

    def facet_seconds(self, context) -> float | None:
        # Counts already made still show (paging.SearchPaginator.too_many_to_facet).
        paginator = context["paginator"]
        return 0 if isinstance(paginator, SearchPaginator) and paginator.too_many_to_facet else None

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["feed_url"] = feeds.feed_link(self.request, reverse(self.feed_name))
        if self.filterset.is_valid() and (words := self.filterset.form.cleaned_data.get("q")):
            context["q"] = words.strip()
            context["no_search_words"] = search.parse_web_query(context["q"]).is_empty
            context["sort_choices"] = (("", "Most relevant"), *self.sort_choices)
            rows, context["unranked"] = self.search_page_rows(context["page_obj"])
            self.complete &= not context["unranked"]
            # Highlighted snippets for the rows on this page only, in one query.
            snippets = search.engine().snippets([row.pk for row in rows], context["q"])
            for row in rows:
                row.snippet = snippets.get(row.pk)
        return context

    def search_page_rows(self, page) -> tuple[list[Contribution], bool]:
        """The page's matches, and whether they come newest first for want of time to
        rank them (see paging.ranked_page_rows)."""
        if self.request.GET.get("sort"):  # an order of the reader's choosing: no ranking
            return list(page), False

        return ranked_page_rows(page, self.object_list, self.filterset, self.get_queryset())


class SearchView(ContributionListView):
    """/search/: the contribution list, with a search box, and nothing until words are given."""

    template_name = "debates/search.html"
    feed_name = "debates:search-feed"

    def get_queryset(self):
        queryset = super().get_queryset()
        return queryset if self.request.GET.get("q", "").strip() else queryset.none()


class SpeakerListView(FacetedListView):
    listing = listings.SPEAKERS
    template_name = "debates/speaker_list.html"
    sort_choices = (("name", "Name"), ("-contributions", "Most contributions"))
    paginate_by = 50


class TopicListView(ListView):
    queryset = Topic.objects.for_listing()
    template_name = "debates/topic_list.html"


class DebateDetailView(CachedPage, DetailView):
    queryset = Debate.objects.for_detail()

    def page_scope(self) -> str | None:
        return caching.debate_scope(self.request, slug=self.kwargs["slug"])

    def get(self, request, *args, **kwargs):
        # ?format= is how the API asks for a format; the XML has an address of its own.
        if request.GET.get("format") == "akn":
            return redirect("debates:debate-akn", slug=kwargs["slug"], permanent=True)
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["contributions"] = list(self.object.contributions.for_debate_page())
        url = self.request.build_absolute_uri(self.object.get_absolute_url())
        context["reference"] = citations.debate_reference(
            self.object, url, context["contributions"]
        )
        return context


class ContributionDetailView(CachedPage, DetailView):
    queryset = Contribution.objects.for_permalink()
    slug_field = slug_url_kwarg = "key"

    def page_scope(self) -> str | None:
        return caching.debate_scope(self.request, contribution_key=self.kwargs["key"])

    def get(self, request, *args, **kwargs):
        # A key retired by a merge answers with a permanent redirect to the speech.
        moved = ContributionKeyRedirect.objects.filter(old_key=kwargs["key"])
        if moved_to := moved.select_related("contribution").first():
            return redirect(moved_to.contribution, permanent=True)
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["previous"], context["next"] = self.object.neighbours()
        url = self.request.build_absolute_uri(self.object.get_absolute_url())
        context["reference"] = citations.contribution_reference(self.object, url)
        return context


class SpeakerDetailView(FacetedListView):
    """A speaker and their contributions, with the contribution facets (topic, year, debate)."""

    listing = listings.CONTRIBUTIONS.with_facets("topic", "year", "debate")
    template_name = "debates/speaker_detail.html"

    def get(self, request, *args, **kwargs):
        moved = SpeakerSlugRedirect.objects.filter(old_slug=kwargs["slug"])
        if moved_to := moved.select_related("speaker").first():
            return redirect(moved_to.speaker, permanent=True)
        self.speaker = get_object_or_404(Speaker.objects.for_detail(), slug=kwargs["slug"])
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        return super().get_queryset().filter(speaker=self.speaker)

    def get_facet_queryset(self):
        return super().get_facet_queryset().filter(speaker=self.speaker)

    def get_context_data(self, **kwargs):
        feed = reverse("debates:speaker-feed", kwargs={"slug": self.speaker.slug})
        # All their contributions, whatever the filters: the chart is of the speaker.
        chart = timeline.contribution_timeline(
            self.speaker.contributions.all(), speaker=self.speaker.slug
        )
        context = super().get_context_data(
            speaker=self.speaker,
            feed_url=feeds.feed_link(self.request, feed),
            timeline=chart,
            **kwargs,
        )
        self.complete &= chart is not None  # no chart: none to draw, or not counted in time
        return context


class TopicDetailView(CachedPage, DetailView):
    queryset = Topic.objects.select_related("parent").prefetch_related("children")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        topic = self.object
        context["debates"] = topic.debates.for_listing()[:20]
        context["debate_count"] = counted_once(topic.debates.all())
        context["contributions"] = Contribution.objects.for_listing().filter(topics=topic)[:20]
        context["contribution_count"] = counted_once(topic.contributions.all())
        context["speakers"] = self.speakers_on(topic)
        context["feed_url"] = reverse("debates:topic-feed", kwargs={"slug": topic.slug})
        context["timeline"] = timeline.contribution_timeline(
            topic.contributions.all(), topic=topic.slug
        )
        # No chart: none to draw, or not counted in time.
        self.complete = context["timeline"] is not None or not context["contribution_count"]
        self.complete &= context["speakers"] is not None
        return context

    @staticmethod
    def speakers_on(topic: Topic) -> list[tuple[Speaker, int]] | None:
        """Who speaks on ``topic`` most, with how many of their contributions it tags, or
        None if not counted in time: the speaker facet of /contributions/?topic=, so
        counted (and cached, and warmed after an import) once for both pages. At 10M
        contributions, joining a topic's tags to its speakers on each visit took 3.8 s."""
        params = QueryDict.fromkeys(["topic"], value=topic.slug)
        listing = listings.CONTRIBUTIONS.with_facets("speaker")
        tagged = listing.filterset_class(params, queryset=listing.rows())
        tagged.is_valid()
        (facet,) = facets.facet_counts(tagged, listing.facets, params, listing.counted())
        if not facet.counted:
            return None
        speakers = Speaker.objects.select_related("party").in_bulk(
            [value.value for value in facet.values], field_name="slug"
        )
        return [(speakers[value.value], value.count) for value in facet.values]


class PartyDetailView(DetailView):
    model = Party

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["speakers"] = self.object.speakers.order_by("name", "pk")
        return context


class ApiGuideView(TemplateView):
    """ "Using the API": a short guide with curl examples, linked from every page."""

    template_name = "debates/api_guide.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["base"] = self.request.build_absolute_uri("/api/v1/")
        context["example"] = Contribution.objects.for_listing().first()
        return context


def citation_download(request, reference: citations.Reference, style: str) -> HttpResponse:
    if style not in citations.FORMATS:
        raise Http404(f"No citation format {style[:20]!r}: choose {', '.join(citations.FORMATS)}.")
    render, media_type, extension = citations.FORMATS[style]
    response = HttpResponse(render(reference), content_type=f"{media_type}; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{reference.key}.{extension}"'
    return response


def contribution_citation(request, key: str, style: str) -> HttpResponse:
    contribution = get_object_or_404(Contribution.objects.for_permalink(), key=key)
    url = request.build_absolute_uri(contribution.get_absolute_url())
    return citation_download(request, citations.contribution_reference(contribution, url), style)


def debate_citation(request, slug: str, style: str) -> HttpResponse:
    debate = get_object_or_404(Debate, slug=slug)
    url = request.build_absolute_uri(debate.get_absolute_url())
    return citation_download(request, citations.debate_reference(debate, url), style)


def debate_akoma_ntoso(request, slug: str) -> HttpResponse:
    debate = get_object_or_404(Debate, slug=slug)
    document = akoma_ntoso.debate_document(
        debate,
        debate.contributions.for_debate_page(),
        absolute_url=request.build_absolute_uri,
        generated=caching.archive_state(request).changed.date(),
    )
    response = HttpResponse(document, content_type=f"{akoma_ntoso.MEDIA_TYPE}; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{debate.slug}.akn.xml"'
    return response
