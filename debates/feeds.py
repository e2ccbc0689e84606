"""Atom feeds of contributions: everything, a speaker's, a topic's, a search's, or any
filtered list's (the same query string as the page it sits beside).

Items come newest sitting first, as the lists do. A feed with bad parameters answers 400
with the reasons, like the pages.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.contrib.syndication.views import Feed
from django.db.models import QuerySet
from django.http import HttpResponseBadRequest, QueryDict
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.text import Truncator

from .filters import ContributionFilter
from .models import Contribution, Speaker, Topic

FEED_SIZE = 50
# Query parameters that page through a list: a feed is always its newest items.
PAGING = ("page", "cursor", "page_size", "sort")


def feed_link(request, feed_url: str) -> str:
    """The feed that follows the page ``request`` is for: its filters, not its paging."""
    query = feed_query(request)
    return feed_url + (f"?{query.urlencode()}" if query else "")


class InvalidFeedQuery(Exception):
    def __init__(self, errors):
        self.errors = errors


@dataclass(frozen=True)
class FeedScope:
    title: str
    link: str
    description: str
    contributions: QuerySet


def sitting_time(day: datetime.date) -> datetime.datetime:
    """A sitting day as a moment (midnight, London): Hansard dates a speech by its day."""
    return datetime.datetime.combine(day, datetime.time(), tzinfo=timezone.get_current_timezone())


def feed_query(request) -> QueryDict:
    """The request's filters, without the parameters that page through a list."""
    query = request.GET.copy()
    for name in PAGING:
        query.pop(name, None)
    return query


class ContributionFeed(Feed):
    """/contributions/feed/?<filters>: the newest contributions matching the filters."""

    feed_type = Atom1Feed
    page_name = "debates:contribution-list"
    title_prefix = "Contributions"

    def __call__(self, request, *args, **kwargs):
        try:
            return super().__call__(request, *args, **kwargs)
        except InvalidFeedQuery as invalid:
            lines = [f"{name}: {' '.join(messages)}" for name, messages in invalid.errors.items()]
            return HttpResponseBadRequest(
                "Invalid query parameters.\n" + "\n".join(lines), content_type="text/plain"
            )

    def base(self, request, **kwargs) -> tuple[str, QuerySet]:
        """The page this feed follows, and the contributions it may show."""
        return reverse(self.page_name), Contribution.objects.for_listing()

    def get_object(self, request, **kwargs) -> FeedScope:
        page, contributions = self.base(request, **kwargs)
        query = feed_query(request)
        filterset = ContributionFilter(query, queryset=contributions)
        if not filterset.is_valid():
            raise InvalidFeedQuery(filterset.errors)
        words = filterset.form.cleaned_data.get("q") or ""
        title = self.title_prefix + (f": “{words.strip()}”" if words.strip() else "")
        return FeedScope(
            title=f"{title} · Safeguarding Debates Archive",
            link=page + (f"?{query.urlencode()}" if query else ""),
            description="The newest speeches in UK parliamentary debates on child "
            "safeguarding" + (" matching these filters." if query else "."),
            # Newest first even for a search: a feed reader wants what is new.
            contributions=filterset.qs.order_by("-sort_key")[:FEED_SIZE],
        )

    def title(self, scope: FeedScope) -> str:
        return scope.title

    def link(self, scope: FeedScope) -> str:
        return scope.link

    def subtitle(self, scope: FeedScope) -> str:
        return scope.description

    def items(self, scope: FeedScope):
        return scope.contributions

    def item_title(self, contribution: Contribution) -> str:
        return f"{contribution.display_name}: {contribution.debate.title}"

    def item_description(self, contribution: Contribution) -> str:
        return Truncator(contribution.opening).words(80)

    def item_link(self, contribution: Contribution) -> str:
        return contribution.get_absolute_url()

    def item_author_name(self, contribution: Contribution) -> str:
        return contribution.speaker.name

    def item_pubdate(self, contribution: Contribution) -> datetime.datetime:
        return sitting_time(contribution.debate.date)

    def item_updateddate(self, contribution: Contribution) -> datetime.datetime:
        return sitting_time(contribution.debate.date)


class SearchFeed(ContributionFeed):
    """/search/feed/?q=...: new speeches matching a search."""

    page_name = "debates:search"
    title_prefix = "Search"


class SpeakerFeed(ContributionFeed):
    """/speakers/<slug>/feed/: a member's newest contributions."""

    def base(self, request, slug):
        self.speaker = get_object_or_404(Speaker, slug=slug)
        contributions = Contribution.objects.for_listing().filter(speaker=self.speaker)
        return self.speaker.get_absolute_url(), contributions

    def get_object(self, request, slug):
        scope = super().get_object(request, slug=slug)
        return FeedScope(
            f"{self.speaker.name} · Safeguarding Debates Archive",
            scope.link,
            f"The newest speeches by {self.speaker.name} in debates on child safeguarding.",
            scope.contributions,
        )


class TopicFeed(ContributionFeed):
    """/topics/<slug>/feed/: the newest contributions on a topic."""

    def base(self, request, slug):
        self.topic = get_object_or_404(Topic, slug=slug)
        contributions = Contribution.objects.for_listing().filter(topics=self.topic)
        return self.topic.get_absolute_url(), contributions

    def get_object(self, request, slug):
        scope = super().get_object(request, slug=slug)
        return FeedScope(
            f"{self.topic.name} · Safeguarding Debates Archive",
            scope.link,
            f"The newest speeches on {self.topic.name} in UK parliamentary debates.",
            scope.contributions,
        )
