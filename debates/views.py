from django.db.models import Count, Max, Min
from django.shortcuts import redirect
from django.views.generic import DetailView, TemplateView

from .models import Contribution, Debate, Party, Speaker, SpeakerSlugRedirect, Topic


class HomeView(TemplateView):
    template_name = "debates/home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["totals"] = {
            "debates": Debate.objects.count(),
            "contributions": Contribution.objects.count(),
            "speakers": Speaker.objects.count(),
            "topics": Topic.objects.count(),
        }
        context["date_range"] = Debate.objects.aggregate(first=Min("date"), last=Max("date"))
        context["houses"] = (
            Debate.objects.order_by("house").values("house").annotate(debates=Count("pk"))
        )
        context["topics"] = Topic.objects.annotate(debate_count=Count("debates")).order_by("name")
        context["recent_debates"] = Debate.objects.for_listing()[:10]
        return context


class DebateDetailView(DetailView):
    queryset = Debate.objects.prefetch_related("topics")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["contributions"] = self.object.contributions.select_related(
            "speaker", "party"
        ).order_by("sequence")
        return context


class ContributionDetailView(DetailView):
    queryset = Contribution.objects.select_related("debate", "speaker", "party")
    slug_field = slug_url_kwarg = "key"


class SpeakerDetailView(DetailView):
    queryset = Speaker.objects.select_related("party").prefetch_related("names")

    def get(self, request, *args, **kwargs):
        # A slug retired by a merge answers with a permanent redirect to the person.
        moved = SpeakerSlugRedirect.objects.filter(old_slug=kwargs["slug"]).select_related(
            "speaker"
        )
        if moved_to := moved.first():
            return redirect(moved_to.speaker, permanent=True)
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["contributions"] = Contribution.objects.for_listing().filter(speaker=self.object)
        return context


class TopicDetailView(DetailView):
    queryset = Topic.objects.select_related("parent")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["debates"] = self.object.debates.for_listing()
        return context


class PartyDetailView(DetailView):
    model = Party

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["speakers"] = self.object.speakers.order_by("name")
        return context
