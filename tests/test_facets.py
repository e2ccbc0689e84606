"""Facet counts at scale: cached until the archive changes, and a page that degrades
rather than waits when counting takes too long."""

import pytest
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext

from debates.models import ArchiveState, Contribution
from debates.timeouts import QueryTimedOut, time_limit
from tests.factories import ContributionFactory

# Counts to a hundred million: far longer than any limit below, on either database.
SLOW_QUERY = """
    WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 100000000)
    SELECT count(*) FROM n
"""


def house_counts(client, path="/contributions/"):
    caches["pages"].clear()  # the page built again: its counts are what is measured
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    assert response.status_code == 200
    counts = {
        v.value: v.count for f in response.context["facets"] if f.name == "house" for v in f.values
    }
    return counts, len(captured)


def test_facet_counts_are_cached_until_the_archive_changes(seeded, client):
    ArchiveState.touch()
    first, first_queries = house_counts(client)
    again, cached_queries = house_counts(client)
    assert again == first == {"commons": 13}
    assert cached_queries < first_queries

    ContributionFactory(debate__house="lords")  # in the cache's eyes, nothing has changed yet
    assert house_counts(client)[0] == first
    ArchiveState.touch()  # what every committed write does (debates.signals)
    assert house_counts(client)[0] == {"commons": 13, "lords": 1}


def test_a_speakers_page_does_not_reuse_another_speakers_counts(seeded, client):
    years = {}
    for slug in ("tim-loughton", "kevin-brennan"):
        response = client.get(f"/speakers/{slug}/")
        years[slug] = {
            v.value: v.count
            for f in response.context["facets"]
            if f.name == "year"
            for v in f.values
        }
    assert years["tim-loughton"] != years["kevin-brennan"]


def test_facets_left_uncounted_when_time_runs_out_still_list_every_row(seeded, client, settings):
    settings.FACET_TIME_LIMIT = 0
    response = client.get("/contributions/", {"house": "commons"})

    assert response.status_code == 200
    assert len(response.context["page_obj"]) == Contribution.objects.filter(house="commons").count()
    house = next(f for f in response.context["facets"] if f.name == "house")
    assert not house.counted
    assert [(v.value, v.count, v.selected) for v in house.values] == [("commons", None, True)]
    assert "Not counted" in response.content.decode()
    assert "?house=commons" not in house.values[0].query  # its link still removes the filter


def test_the_api_says_which_facets_were_not_counted(seeded, client, settings):
    settings.FACET_TIME_LIMIT = 0
    body = client.get(
        "/api/v1/contributions/", {"house": "commons"}, HTTP_ACCEPT="application/json"
    ).json()

    assert len(body["results"]) == 13
    house = next(f for f in body["facets"] if f["name"] == "house")
    assert house["counted"] is False
    assert [(v["value"], v["count"]) for v in house["values"]] == [("commons", None)]


def test_time_limit_interrupts_a_slow_query_and_leaves_the_connection_usable(db):
    with pytest.raises(QueryTimedOut), time_limit(0.2):
        with connection.cursor() as cursor:
            cursor.execute(SLOW_QUERY)
            cursor.fetchone()

    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        assert cursor.fetchone() == (1,)


def test_time_limit_lets_a_quick_query_through(db):
    with time_limit(5), connection.cursor() as cursor:
        cursor.execute("SELECT 2")
        assert cursor.fetchone() == (2,)
