"""Searches in relevance order from the tantivy index (debates.search_index), when
SEARCH_INDEX names one: the same matches and totals as the database finds, every filter
applied in the index, and every write reflected by the next search."""

from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction

from debates import search_index
from debates.models import Contribution, Speaker

from .test_invalidation import admin_change

DATA = Path(__file__).resolve().parent / "data"
QUERIES = [
    "children",
    "serious case review",
    '"serious case"',
    "munro -review",
    "social OR munro",
    "Baby Peter",
    "reviews",  # stemmed: finds "review" too
    "Loughton",  # a speaker's name
    "Pelka",  # a debate title
]
FILTERS = [
    {},
    {"house": "commons"},
    {"house": "lords"},
    {"year": "2010"},
    {"year": ["2010", "2013"]},
    {"party": "labour"},
    {"party": ["labour", "conservative"]},
    {"date_after": "2012-01-01"},
    {"date_before": "2012-01-01", "date_after": "2009-01-01"},
    {"topic": "serious-case-reviews"},
    {"location": "Westminster Hall"},
    {"department": "Education"},
]


@pytest.fixture
def indexed(seeded, settings, tmp_path):
    """The seeded archive, with a search index built from it as `manage.py search_index`
    builds one."""
    settings.SEARCH_INDEX = str(tmp_path / "search-index")
    call_command("search_index", verbosity=0)
    return Path(settings.SEARCH_INDEX)


def every_match(client, params: dict) -> tuple[int, list[str]]:
    """The API's total for a search in relevance order, and every key it lists, in order."""
    response = client.get("/api/v1/contributions/", {**params, "page_size": 100})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["ranked"] is True
    assert body["count_is_capped"] is False
    return body["count"], [row["key"] for row in body["results"]]


def in_database(client, settings, params: dict) -> tuple[int, list[str]]:
    index, settings.SEARCH_INDEX = settings.SEARCH_INDEX, None
    try:
        return every_match(client, params)
    finally:
        settings.SEARCH_INDEX = index


@pytest.mark.parametrize("filters", FILTERS, ids=lambda f: ",".join(f) or "unfiltered")
def test_the_index_finds_what_the_database_finds(indexed, client, settings, filters):
    for words in QUERIES:
        params = {"q": words, **filters}
        count, keys = every_match(client, params)
        database_count, database_keys = in_database(client, settings, params)
        assert count == database_count == len(keys), params
        assert sorted(keys) == sorted(database_keys), params


def test_a_search_puts_the_best_match_first(indexed, client):
    # The debate title weighs most: the Daniel Pelka debate's speeches come before a
    # speech elsewhere that names him in passing.
    _, keys = every_match(client, {"q": "Pelka"})
    first = Contribution.objects.get(key=keys[0])
    assert first.debate.title == "Daniel Pelka"


def test_pages_of_a_ranked_search_follow_on(indexed, client):
    _, everything = every_match(client, {"q": "children"})
    pages = []
    for page in (1, 2, 3):
        response = client.get(
            "/api/v1/contributions/", {"q": "children", "page_size": 3, "page": page}
        )
        pages += [row["key"] for row in response.json()["results"]]
    assert pages == everything[:9]


def test_the_search_page_ranks_from_the_index_without_capping_its_count(
    indexed, client, settings, django_assert_max_num_queries
):
    total, _ = in_database(client, settings, {"q": "children"})
    # The archive's state, the page's rows by key, its snippets, the facets' counts, and
    # the rest of what every contribution list reads; none of them per row.
    with django_assert_max_num_queries(20):
        response = client.get("/search/", {"q": "children"})
    page = response.content.decode()
    assert response.status_code == 200
    assert f"{total} contributions matching" in page
    assert "More than" not in page
    assert "newest first" not in page  # no fallback note: ranked
    assert "<mark>" in page  # snippets, from the database, for the page's rows


@pytest.mark.parametrize(
    "words",
    ['"', "-", "OR", "the of and", '"unclosed phrase', "-children", "ü ß ✓ 😀", "a" * 500, "((("],
)
def test_odd_searches_are_answered(indexed, client, words):
    assert client.get("/api/v1/contributions/", {"q": words}).status_code == 200
    assert client.get("/search/", {"q": words}).status_code == 200


def test_an_imported_debate_is_found_by_the_next_search(indexed, client, committed):
    assert every_match(client, {"q": "Solicitor-General prosecutors"})[0] == 0

    with committed():
        call_command("import_hansard", str(DATA / "pages" / "numbered_question.txt"), verbosity=0)

    count, keys = every_match(client, {"q": "prosecutors"})
    assert count == len(keys) > 0
    debates = set(Contribution.objects.filter(key__in=keys).values_list("debate__title", flat=True))
    assert debates == {"Oral Answers to Questions"}


def test_a_contribution_deleted_in_the_admin_is_no_longer_found(
    indexed, client, admin_client, committed
):
    count, keys = every_match(client, {"q": "children"})
    gone = Contribution.objects.get(key=keys[0])

    with committed():
        response = admin_client.post(
            f"/admin/debates/contribution/{gone.pk}/delete/", {"post": "yes"}
        )
        assert response.status_code == 302

    after, still_found = every_match(client, {"q": "children"})
    assert after == count - 1
    assert gone.key not in still_found


def test_a_speaker_renamed_in_the_admin_is_found_by_the_new_name(
    indexed, client, admin_client, committed
):
    speaker = Speaker.objects.get(name="Tim Loughton")
    speeches = speaker.contributions.count()
    assert every_match(client, {"q": "Timothy"})[0] == 0

    with committed():
        admin_change(admin_client, speaker, name="Timothy Loughton")

    assert every_match(client, {"q": "Timothy"})[0] == speeches


def test_a_write_that_rolls_back_leaves_the_index_as_it_was(indexed, client, committed):
    count, keys = every_match(client, {"q": "children"})

    class RolledBack(Exception):
        pass

    with committed(), pytest.raises(RolledBack), transaction.atomic():
        call_command("import_hansard", str(DATA / "pages" / "numbered_question.txt"), verbosity=0)
        raise RolledBack

    assert every_match(client, {"q": "children"}) == (count, keys)


def test_a_filter_the_index_does_not_hold_leaves_the_ranking_to_the_database(indexed):
    index = search_index.search_index()
    held = {"q": "children", "house": "commons"}
    assert index.ranked_page("children", held, 0, 10, version=0) is not None
    assert index.ranked_page("children", {**held, "mood": ["cross"]}, 0, 10, version=0) is None


def test_building_an_index_needs_somewhere_to_put_it(db, settings):
    settings.SEARCH_INDEX = None
    with pytest.raises(CommandError, match="SEARCH_INDEX is not set"):
        call_command("search_index")


def test_a_search_matching_too_many_to_facet_says_its_exact_total(indexed, client, monkeypatch):
    from debates.paging import SearchPaginator

    monkeypatch.setattr(SearchPaginator, "count_limit", 3)  # "children" matches 9
    response = client.get("/search/", {"q": "children"})

    assert "9 contributions matching" in response.text  # exact, not "More than 3"
    assert not any(facet.counted for facet in response.context["facets"])
