"""What a visitor sees on the seeded archive."""

import pytest
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext

from debates import caching
from debates.models import ArchiveState, Contribution, Debate, Party, Speaker, Topic


def test_home_page_shows_counts_from_the_database(seeded, client):
    response = client.get("/")
    assert response.status_code == 200
    totals = response.context["totals"]
    assert totals == {"debates": 4, "contributions": 13, "speakers": 7, "topics": 14}
    assert "Open Parliament Licence v3.0" in response.text


def test_home_page_on_an_empty_archive_says_how_to_load_data(db, client):
    response = client.get("/")
    assert response.status_code == 200
    assert "make db" in response.text


@pytest.mark.parametrize("model", [Debate, Contribution, Speaker, Topic, Party])
def test_every_seeded_page_answers(seeded, client, model):
    for obj in model.objects.all():
        assert client.get(obj.get_absolute_url()).status_code == 200, obj


def test_a_contribution_page_shows_its_citation_and_exact_text(seeded, client):
    contribution = Contribution.objects.get(column_reference="506 c185-6")
    response = client.get(contribution.get_absolute_url())
    assert "HC Deb 23 February 2010, vol 506, cc185-6" in response.text
    assert 'name="citation_author" content="Tim Loughton"' in response.text


def test_quotations_are_shown_as_quotations(seeded, client):
    debate = Debate.objects.get(title="Munro Report")
    response = client.get(debate.get_absolute_url())
    assert "<blockquote" in response.text
    assert "most bureaucracy which limits practitioners’ capacity" in response.text


def test_unknown_slugs_are_404(db, client):
    assert client.get("/debates/no-such-debate/").status_code == 404
    assert client.get("/contributions/1999-01-01-hc-0000000000/").status_code == 404


def test_debate_page_query_count_does_not_grow_with_contributions(
    seeded, client, django_assert_max_num_queries
):
    debate = Debate.objects.get(title="Munro Report")
    # the page cache's key (the debate's stamp, the archive's state), debate, topics,
    # contributions (with speaker and party)
    with django_assert_max_num_queries(5):
        client.get(debate.get_absolute_url())


def test_home_page_query_count_is_fixed(seeded, client, django_assert_num_queries):
    # the archive's version (the page's cache key); four totals, three of them kept in the
    # counts cache under the version (read again for each: in production it is read once
    # a second); date range, houses, topics, recent debates and their topics; the version
    # and the contributions per year for the chart (tests/test_timeline.py), which
    # PostgreSQL counts under a statement_timeout (a savepoint, the timeout, its release)
    with django_assert_num_queries(15 + (3 if connection.vendor == "postgresql" else 0)):
        client.get("/")
    with django_assert_num_queries(1):  # then served from the cache: the version
        client.get("/")


@pytest.mark.parametrize("page", ["permalink", "debate"])
def test_linked_pages_are_built_once_per_version_of_their_debate(
    seeded, client, django_assert_num_queries, django_capture_on_commit_callbacks, page
):
    contribution = Contribution.objects.filter(column_reference__contains="-").first()
    path = (contribution if page == "permalink" else contribution.debate).get_absolute_url()
    first = client.get(path)

    # The cache key: the archive's state (in production read once a second) and when the
    # debate's pages last changed.
    with django_assert_num_queries(2):
        again = client.get(path)
    assert again.content == first.content
    assert "max-age=600" in again["Cache-Control"]

    with django_capture_on_commit_callbacks(execute=True):
        Contribution.objects.filter(pk=contribution.pk).update(display_name="Renamed Member")
        caching.archive_changed(debates=[contribution.debate])
    assert "Renamed Member" in client.get(path).text


@pytest.mark.parametrize(
    "path",
    ["/contributions/?house=commons", "/debates/", "/speakers/", "/search/?q=children"],
)
def test_lists_and_searches_are_built_once_per_archive_version(
    seeded, client, django_assert_num_queries, path
):
    first = client.get(path)

    with django_assert_num_queries(1):  # the archive's version, for the cache key
        again = client.get(path)
    assert again.content == first.content
    assert "max-age=600" in again["Cache-Control"]

    ArchiveState.touch()  # an import: the page is built again
    with CaptureQueriesContext(connection) as rebuilt:
        client.get(path)
    assert len(rebuilt) > 1


@pytest.mark.parametrize("path", ["/contributions/", "/search/?q=children"])
def test_a_page_short_of_its_counts_or_ranking_is_kept_briefly(
    seeded, client, settings, django_assert_num_queries, path
):
    settings.FACET_TIME_LIMIT = settings.SEARCH_RANK_TIME_LIMIT = 0
    settings.DEGRADED_PAGE_SECONDS = 60

    first = client.get(path)

    assert first["Cache-Control"] == "max-age=60"
    with django_assert_num_queries(1):  # the archive's version, for the cache key
        client.get(path)
    settings.DEGRADED_PAGE_SECONDS = 0  # as if the minute had passed
    caches["pages"].clear()
    client.get(path)
    with CaptureQueriesContext(connection) as again:
        client.get(path)
    assert len(again) > 1  # built again, to count what it can
