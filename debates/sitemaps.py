"""sitemap.xml: every public page, for search engines (an index of sections, each paged
at 50,000 URLs as the protocol allows)."""

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from .models import Contribution, Debate, Party, Speaker, Topic


class PagesSitemap(Sitemap):
    def items(self):
        return [
            "debates:home",
            "debates:debate-list",
            "debates:contribution-list",
            "debates:speaker-list",
            "debates:topic-list",
            "debates:search",
            "api-guide",
        ]

    def location(self, name):
        return reverse(name)


class RowsSitemap(Sitemap):
    """One model's pages, ordered on a unique indexed column so sitemap pages never shift,
    reading only what the URL needs."""

    def __init__(self, queryset):
        self.queryset = queryset

    def items(self):
        return self.queryset.all()


SITEMAPS = {
    "pages": PagesSitemap(),
    "debates": RowsSitemap(Debate.objects.order_by("pk").only("slug")),
    "contributions": RowsSitemap(Contribution.objects.order_by("sort_key").only("key")),
    "speakers": RowsSitemap(Speaker.objects.order_by("pk").only("slug")),
    "topics": RowsSitemap(Topic.objects.order_by("pk").only("slug")),
    "parties": RowsSitemap(Party.objects.order_by("pk").only("slug")),
}
