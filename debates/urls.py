from django.urls import path

from . import feeds, views

app_name = "debates"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("debates/", views.DebateListView.as_view(), name="debate-list"),
    path("debates/<slug:slug>/", views.DebateDetailView.as_view(), name="debate-detail"),
    path("debates/<slug:slug>.akn", views.debate_akoma_ntoso, name="debate-akn"),
    path("debates/<slug:slug>/cite/<slug:style>/", views.debate_citation, name="debate-cite"),
    path("contributions/", views.ContributionListView.as_view(), name="contribution-list"),
    path("contributions/feed/", feeds.ContributionFeed(), name="contribution-feed"),
    path(
        "contributions/<slug:key>/",
        views.ContributionDetailView.as_view(),
        name="contribution-detail",
    ),
    path(
        "contributions/<slug:key>/cite/<slug:style>/",
        views.contribution_citation,
        name="contribution-cite",
    ),
    path("search/", views.SearchView.as_view(), name="search"),
    path("search/feed/", feeds.SearchFeed(), name="search-feed"),
    path("speakers/", views.SpeakerListView.as_view(), name="speaker-list"),
    path("speakers/<slug:slug>/", views.SpeakerDetailView.as_view(), name="speaker-detail"),
    path("speakers/<slug:slug>/feed/", feeds.SpeakerFeed(), name="speaker-feed"),
    path("topics/", views.TopicListView.as_view(), name="topic-list"),
    path("topics/<slug:slug>/", views.TopicDetailView.as_view(), name="topic-detail"),
    path("topics/<slug:slug>/feed/", feeds.TopicFeed(), name="topic-feed"),
    path("parties/<slug:slug>/", views.PartyDetailView.as_view(), name="party-detail"),
]
