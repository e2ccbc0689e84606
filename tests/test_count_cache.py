"""The shared counts cache: a table in the archive's database that every app server and
command reads, filled after each import so that first visits find their counts made."""

import math
from contextlib import contextmanager
from dataclasses import replace
from io import StringIO

import pytest
from django.core.cache import caches
from django.core.management import call_command
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext

from debates import caching, facets, listings
from debates.filters import ContributionFilter
from debates.models import ArchiveState, Contribution
from debates.paging import SearchPaginator, counted_once
from debates.timeouts import QueryTimedOut
from debates.views import ContributionListView
from tests.conftest import SEED_SOURCES

ENTRY_PAGES = [
    "/",
    "/contributions/",
    "/contributions/?house=commons",
    "/debates/?house=lords",
    "/speakers/",
    "/topics/serious-case-reviews/",
    "/api/v1/contributions/?house=commons",
    "/api/v1/debates/",
    "/api/v1/speakers/?house=lords",
]


@pytest.fixture
def shared_counts(settings):
    """The counts cache as production has it without Redis (tests otherwise keep counts
    per process: see conftest)."""
    settings.CACHES = {**settings.CACHES, "counts": settings.COUNTS_CACHE_IN_DATABASE}
    return caches["counts"]


def queries_for(client, path: str) -> list[str]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path, HTTP_ACCEPT="text/html,application/json")
    assert response.status_code == 200, path
    return [query["sql"] for query in captured]


def counting(queries: list[str]) -> list[str]:
    """The facet and timeline counts among a page's queries."""
    return [sql for sql in queries if "GROUP BY" in sql and "archive_count_cache" not in sql]


def test_the_counts_table_is_made_by_migrate(db):
    assert "archive_count_cache" in connection.introspection.table_names()


@pytest.mark.parametrize("path", ENTRY_PAGES)
def test_after_warming_a_first_visit_counts_nothing(seeded, client, shared_counts, path):
    cold = counting(queries_for(client, path))
    ArchiveState.touch()  # a new version: every count made so far is stale
    call_command("warm_counts", stdout=StringIO())

    warm = counting(queries_for(client, path))

    assert len(warm) < len(cold)
    # What is left is the page's own grouping (the home page's debates per House, the
    # topic list's tallies), which a repeat visit building the page again makes as well.
    caches["pages"].clear()
    assert warm == counting(queries_for(client, path))


def test_the_page_and_the_api_share_their_counts(seeded, client, shared_counts):
    ArchiveState.touch()  # as the fixtures' load does on commit, which a test never reaches
    queries_for(client, "/contributions/?house=lords&sort=date")
    api = counting(queries_for(client, "/api/v1/contributions/?house=lords"))
    assert api == []


def test_counts_are_kept_in_the_table_every_process_reads(seeded, shared_counts):
    call_command("warm_counts", stdout=StringIO())
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM archive_count_cache")
        assert cursor.fetchone()[0] >= 3 * len(facets.CONTRIBUTION_FACETS)


def test_an_import_that_changes_the_archive_counts_ahead_of_visitors(db, shared_counts):
    out = StringIO()
    call_command("import_hansard", *SEED_SOURCES, stdout=out)
    assert "counted the totals and facets of 37 list pages and" in out.getvalue()

    again = StringIO()
    call_command("import_hansard", *SEED_SOURCES, stdout=again)
    assert "Tallied" not in again.getvalue()  # nothing changed: the counts still hold


def test_a_reloaded_archive_never_reads_the_counts_of_the_one_before(db):
    before = ArchiveState.touch().version
    ArchiveState.objects.all().delete()  # a database dropped and loaded again
    assert ArchiveState.touch().version not in range(before - 1000, before + 1000)


def test_one_deadline_covers_every_facet(seeded, settings, monkeypatch):
    """PostgreSQL's statement_timeout is per statement: the limit is the time that is left,
    so seven slow facets cannot take seven times the limit."""
    settings.FACET_TIME_LIMIT = 1.0
    clock = [1000.0]
    monkeypatch.setattr(caching.time, "monotonic", lambda: clock[0])
    counted = []

    def slow(seconds, name):
        def count(queryset, selected):
            clock[0] += seconds
            counted.append(name)
            return [("x", "x", 1)]

        return count

    specs = [facets.FacetSpec(name, name, slow(0.6, name)) for name in ("a", "b", "c")]
    filterset = ContributionFilter(QueryDict(""), queryset=Contribution.objects.all())
    assert filterset.is_valid()
    result = facets.facet_counts(filterset, specs, QueryDict(""))

    assert counted == ["a", "b"]  # "c" started after the deadline: never run
    assert [facet.counted for facet in result] == [True, True, False]


def test_a_list_is_counted_once_per_version_of_the_archive(seeded, client):
    ArchiveState.touch()
    first = queries_for(client, "/contributions/?house=commons")
    again = queries_for(client, "/contributions/?house=commons")
    assert any(sql.startswith("SELECT COUNT(*)") for sql in first)
    assert not any(sql.startswith("SELECT COUNT(*)") for sql in again)


def test_a_search_with_more_matches_than_it_counts_says_more_than(seeded, client, monkeypatch):
    matches = client.get("/search/", {"q": "children"}).context["paginator"].count
    assert matches > 3
    monkeypatch.setattr(SearchPaginator, "count_limit", 3)

    response = client.get("/search/", {"q": "children", "house": "commons"})

    assert response.context["paginator"].count_is_capped
    assert "More than 3 contributions matching “children”" in response.text
    assert "Skip to the results" in response.text
    # Pages run as far as was counted: here one of four rows; with the real limit, 500
    # pages of twenty and one more row.
    assert len(response.context["page_obj"]) == 4


def test_a_search_within_its_count_limit_gives_the_exact_number(seeded, client, monkeypatch):
    matches = client.get("/search/", {"q": "children"}).context["paginator"].count
    monkeypatch.setattr(SearchPaginator, "count_limit", matches)

    response = client.get("/search/", {"q": "children", "house": "commons"})

    assert not response.context["paginator"].count_is_capped
    assert f"{matches} contributions matching “children”" in response.text


def test_a_search_too_big_to_rank_in_time_lists_its_matches_newest_first(seeded, client, settings):
    by_date = client.get("/search/", {"q": "children", "sort": "-date"})
    settings.SEARCH_RANK_TIME_LIMIT = 0  # no time at all to rank

    response = client.get("/search/", {"q": "children"})

    assert response.status_code == 200
    assert response.context["unranked"]
    assert "Too many matches to rank by relevance in time" in response.text
    assert [c.key for c in response.context["page_obj"]] == [
        c.key for c in by_date.context["page_obj"]
    ]
    assert response.context["paginator"].count == by_date.context["paginator"].count


def test_a_search_ranked_in_time_says_nothing_of_it(seeded, client):
    response = client.get("/search/", {"q": "children"})
    assert not response.context["unranked"]
    assert "Too many matches to rank" not in response.text


def test_facets_that_ran_out_of_time_are_not_tried_again_for_a_while(
    seeded, client, settings, monkeypatch
):
    # The first facet counts; the second runs out of time, leaving it and the rest uncounted.
    def out_of_time(queryset, selected):
        raise QueryTimedOut

    first, second, *rest = facets.CONTRIBUTION_FACETS
    too_slow = replace(second, count=out_of_time)
    slow_listing = replace(listings.CONTRIBUTIONS, facets=(first, too_slow, *rest))
    monkeypatch.setattr(ContributionListView, "listing", slow_listing)
    client.get("/contributions/", {"house": "commons"})
    monkeypatch.undo()
    caches["pages"].clear()  # the page built again, not the minute's copy of it

    response = client.get("/contributions/", {"house": "commons"})

    uncounted = [facet.name for facet in response.context["facets"] if not facet.counted]
    assert uncounted == [spec.name for spec in (second, *rest)]
    ArchiveState.touch()  # an import: everything is counted afresh
    assert all(f.counted for f in client.get("/contributions/").context["facets"])


def test_a_search_that_could_not_be_ranked_is_not_ranked_again_for_a_while(
    seeded, client, monkeypatch
):
    @contextmanager
    def out_of_time(seconds):  # anything with a time limit runs out of it
        if seconds != math.inf:
            raise QueryTimedOut
        yield

    with monkeypatch.context() as slow:
        slow.setattr(caching, "time_limit", out_of_time)
        assert client.get("/search/", {"q": "children"}).context["unranked"]
    caches["pages"].clear()  # the page built again, not the minute's copy of it

    assert client.get("/search/", {"q": "children"}).context["unranked"]
    assert not client.get("/search/", {"q": "adoption"}).context["unranked"]


def test_rows_no_filter_can_match_count_to_nothing(db):
    impossible = Contribution.objects.filter(pk__in=[])
    assert counted_once(impossible) == counted_once(impossible, 10) == 0
