"""ContributionTally: the summary the House, party, year and location facets count from,
which must give the counts the contributions themselves give, and only while current."""

import datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from debates import caching
from debates.models import ArchiveState, ContributionTally, ContributionTopic
from tests.conftest import clear_caches
from tests.factories import ContributionFactory, DebateFactory, PartyFactory, SpeakerFactory

TALLIED_FACETS = {"house", "year", "party", "location", "topic"}

COMBINATIONS = [
    {},
    {"house": "commons"},
    {"house": "lords"},
    {"party": "labour"},
    {"party": ["labour", "conservative"]},
    {"year": "2010"},
    {"year": ["1998", "2010"]},
    {"location": "Westminster Hall"},
    {"house": "commons", "party": "labour", "year": "2010"},
    {"house": "lords", "location": "Grand Committee", "year": "1998"},
    # One topic: the tally's rows for that topic.
    {"topic": "munro-review"},
    {"topic": "serious-case-reviews", "house": "commons", "year": "2010"},
    # Filters the tally has no column for, or several topics: every facet but the topic
    # comes from the contributions.
    {"topic": ["munro-review", "serious-case-reviews"]},
    {"house": "commons", "speaker": "tim-loughton"},
    {"party": "labour", "q": "children"},
    {"year": "2010", "date_after": "2010-03-01"},
]


@pytest.fixture
def varied(seeded):
    """The seeds plus contributions in other Houses, places, parties and years."""
    conservative = PartyFactory(name="Conservative", short_name="Con")
    for day, house, location, party in [
        (datetime.date(1998, 5, 6), "lords", "Grand Committee", conservative),
        (datetime.date(1998, 7, 1), "lords", "Lords Chamber", None),
        (datetime.date(2010, 6, 9), "commons", "Westminster Hall", conservative),
        (datetime.date(2010, 11, 2), "commons", "Westminster Hall", PartyFactory()),
    ]:
        debate = DebateFactory(date=day, house=house, location=location)
        for _ in range(2):
            ContributionFactory(debate=debate, speaker=SpeakerFactory(party=party), party=party)
    ArchiveState.touch()  # as the commit of a load does


def facet_counts(client, params) -> dict[str, dict[str, int]]:
    body = client.get("/api/v1/contributions/", params, HTTP_ACCEPT="application/json").json()
    return {f["name"]: {v["value"]: v["count"] for v in f["values"]} for f in body["facets"]}


def test_tallied_counts_equal_the_contributions_counts(varied, client):
    exact = [facet_counts(client, params) for params in COMBINATIONS]

    call_command("warm_counts", stdout=StringIO())  # refreshes the tally
    clear_caches()
    assert ArchiveState.tally_is_current()
    tallied = [facet_counts(client, params) for params in COMBINATIONS]

    assert tallied == exact


def test_facets_count_from_the_tally_where_it_can_answer(varied, client):
    call_command("warm_counts", stdout=StringIO())
    clear_caches()
    with CaptureQueriesContext(connection) as captured:
        client.get("/contributions/", {"house": "commons", "party": "labour", "year": "2010"})

    grouped = [q["sql"] for q in captured if "GROUP BY" in q["sql"]]
    from_tally = [sql for sql in grouped if '"debates_contributiontally"' in sql]
    assert len(from_tally) == len(TALLIED_FACETS)
    assert len(grouped) - len(from_tally) == 2  # speaker and debate: not in the tally


def test_a_write_the_tally_has_not_seen_sends_facets_back_to_the_contributions(varied, client):
    call_command("warm_counts", stdout=StringIO())
    before = facet_counts(client, {"house": "lords"})["year"]

    ContributionFactory(debate=DebateFactory(date=datetime.date(1998, 8, 1), house="lords"))
    ArchiveState.touch()  # an admin edit's commit: the tally is now behind

    assert not ArchiveState.tally_is_current()
    assert facet_counts(client, {"house": "lords"})["year"]["1998"] == before["1998"] + 1


def test_the_tally_is_labelled_with_the_version_it_counted(varied):
    version = caching.archive_version()
    groups = ContributionTally.objects.refresh()

    assert groups == ContributionTally.objects.count() > 0
    assert ArchiveState.objects.get().tallied_version == version
    every = ContributionTally.objects.filter(topic=None)
    assert sum(row.contributions for row in every) == 13 + 8
    tagged = ContributionTally.objects.exclude(topic=None)
    assert sum(row.contributions for row in tagged) == ContributionTopic.objects.count() > 0
