"""Full-text search, the same tests on SQLite (FTS5) and PostgreSQL (tsvector)."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from debates import search
from debates.models import Contribution
from debates.paging import SearchPaginator
from debates.search import parse_web_query
from tests.conftest import clear_caches
from tests.factories import ContributionFactory, DebateFactory, SpeakerFactory


def hits(client, **params):
    response = client.get("/search/", params)
    assert response.status_code == 200, response.context.get("errors")
    return response


def keys(response):
    return [c.key for c in response.context["page_obj"]]


def said(text, **kwargs):
    return ContributionFactory(paragraphs=[{"kind": "speech", "text": text}], **kwargs)


# On the seed data: the same answers from both engines ------------------------------------

# What each query finds, by speaker: checked by reading the seed texts (the debate title is
# searched with each speech, so "Munro" finds Mark Tami's words in the Munro Report debate).
SEED_QUERIES = [
    ('"serious case reviews" -Ofsted', {"tim-loughton": 3, "edward-timpson": 1}),
    (
        "Munro OR Pelka",
        {
            "tim-loughton": 4,
            "toby-perkins": 2,
            "meg-munn": 1,
            "edward-timpson": 2,
            "mark-tami": 1,
            "geoffrey-robinson": 1,
        },
    ),
    ("baby peter", {"tim-loughton": 2}),
    ("social -workers", {"edward-timpson": 1}),
    ("bureaucracy", {"meg-munn": 1, "tim-loughton": 1}),
    ("kangaroo court", {"toby-perkins": 1}),
]


@pytest.mark.parametrize(("query", "by_speaker"), SEED_QUERIES)
def test_seed_queries_find_the_same_speeches_on_every_database(seeded, client, query, by_speaker):
    found = {}
    for contribution in hits(client, q=query).context["page_obj"]:
        found[contribution.speaker.slug] = found.get(contribution.speaker.slug, 0) + 1
    assert found == by_speaker


def test_the_done_means_query_is_ranked_highlighted_and_filtered(seeded, client):
    response = hits(client, q='"serious case reviews" -Ofsted')
    page = response.text
    assert response.context["paginator"].count == 4
    # PostgreSQL marks each word of a phrase, SQLite the phrase as one: both mark the match.
    assert "reviews</mark>" in page
    for contribution in response.context["page_obj"]:
        assert "ofsted" not in contribution.text.lower()
        assert contribution.snippet and "<mark>" in contribution.snippet


# Query syntax ------------------------------------------------------------------------------


def test_all_words_must_match(db, client):
    both = said("The local safeguarding board met the director.")
    said("The local council met.")
    assert keys(hits(client, q="local board")) == [both.key]


def test_quoted_phrases_match_only_in_order(db, client):
    phrase = said("We need serious case reviews now.")
    said("Reviews of the case were serious.")
    assert keys(hits(client, q='"serious case reviews"')) == [phrase.key]


def test_minus_excludes(db, client):
    kept = said("Social workers deserve support.")
    said("Social workers and Ofsted inspectors.")
    assert keys(hits(client, q="social workers -ofsted")) == [kept.key]


def test_or_finds_either(db, client):
    pelka = said("Daniel Pelka died in Coventry.")
    climbie = said("Victoria Climbie died in London.")
    said("Nobody died.")
    assert set(keys(hits(client, q="Pelka OR Climbie"))) == {pelka.key, climbie.key}


def test_english_stemming_finds_other_forms(db, client):
    review = said("The review was published.")
    reviewing = said("We are reviewing the guidance.")
    said("The report was published.")
    assert set(keys(hits(client, q="reviews"))) == {review.key, reviewing.key}


def test_relevance_puts_title_above_speaker_above_text(db, client):
    in_text = said("A word on fostering, once.")
    by_speaker = said("Nothing relevant here.", speaker=SpeakerFactory(name="Ann Fostering"))
    in_title = said("Nothing relevant here either.", debate=DebateFactory(title="Fostering"))
    assert keys(hits(client, q="fostering")) == [in_title.key, by_speaker.key, in_text.key]


def test_sort_by_date_overrides_relevance(db, client):
    older = said("adoption " * 5, debate=DebateFactory(date=datetime.date(2001, 1, 1)))
    newer = said("adoption once", debate=DebateFactory(date=datetime.date(2020, 1, 1)))
    assert keys(hits(client, q="adoption", sort="-date")) == [newer.key, older.key]
    assert keys(hits(client, q="adoption", sort="date")) == [older.key, newer.key]


def test_snippets_escape_the_speech_and_mark_only_the_match(db, client):
    said('He wrote <script>alert("x")</script> about the serious case review & more.')
    page = hits(client, q="review").text
    # SQLite's snippet keeps the tags as text (escaped); PostgreSQL's drops them: either way
    # nothing the speech contains reaches the page as markup.
    assert "<script>" not in page
    assert "alert(&quot;x&quot;)" in page
    assert "&amp; more" in page
    assert "<mark>review</mark>" in page


def test_search_combines_with_facets_and_counts_them(seeded, client):
    response = hits(client, q="social workers", year="2011")
    assert response.context["paginator"].count == 4
    years = {
        v.value: v.count for f in response.context["facets"] if f.name == "year" for v in f.values
    }
    assert years == {"2011": 4, "2010": 1, "2012": 1, "2013": 1}


def test_a_search_matching_more_than_it_counts_does_not_try_to_count_its_facets(
    seeded, client, monkeypatch
):
    monkeypatch.setattr(SearchPaginator, "count_limit", 3)  # "children" matches 9
    with CaptureQueriesContext(connection) as captured:
        response = hits(client, q="children")

    assert response.context["paginator"].count_is_capped
    assert not any(facet.counted for facet in response.context["facets"])
    assert not [q for q in captured if "GROUP BY" in q["sql"]]
    assert "More than 3 contributions" in response.text
    # Nothing was marked too slow: with time to count (fewer matches), they are counted.
    monkeypatch.setattr(SearchPaginator, "count_limit", 10_000)
    clear_caches()
    assert all(facet.counted for facet in hits(client, q="children").context["facets"])


@pytest.mark.parametrize(
    ("scope", "value"),
    [("speaker", "tim-loughton"), ("debate", "2011-06-09-munro-report"), ("topic", "munro-review")],
)
def test_search_within_a_speaker_a_debate_or_a_topic(seeded, client, scope, value):
    for contribution in hits(client, q="review", **{scope: value}).context["page_obj"]:
        assert {
            "speaker": contribution.speaker.slug,
            "debate": contribution.debate.slug,
            "topic": value if contribution.topics.filter(slug=value).exists() else None,
        }[scope] == value


@pytest.mark.parametrize(
    "page",
    ["/speakers/tim-loughton/", "/debates/2011-06-09-munro-report/", "/topics/munro-review/"],
)
def test_speaker_debate_and_topic_pages_have_a_scoped_search_box(seeded, client, page):
    html = client.get(page).text
    assert 'class="scoped-search"' in html and 'action="/search/"' in html


def test_every_page_has_a_search_box(seeded, client):
    assert 'id="site-q"' in client.get("/debates/").text


# Hostile and odd queries ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "query",
    [
        '"',
        "*",
        "NEAR(",
        "-",
        "--",
        "OR",
        "AND",
        "NOT",
        "(((",
        "'; DROP TABLE debates; --",
        '"unclosed phrase',
        "a" * 500,
        "the",
        "💥 \u202e ﷽",
        "review*",
        "-ofsted -munro",
        "x OR",
    ],
)
def test_odd_queries_answer_200(seeded, client, query):
    hits(client, q=query)


@pytest.mark.parametrize(("query", "message"), [("a" * 501, "at most 500"), ("a\x00b", "Null")])
def test_overlong_or_nul_queries_are_400_with_a_message(seeded, client, query, message):
    response = client.get("/search/", {"q": query})
    assert response.status_code == 400
    assert message in " ".join(response.context["errors"]["q"])


@pytest.mark.parametrize("query", ["the", '" - *'])
def test_a_query_with_no_words_to_find_says_so(seeded, client, query):
    response = hits(client, q=query)
    assert response.context["paginator"].count == 0
    assert "There are no words to look for" in response.text


def test_relevance_is_the_default_sort_and_can_be_chosen_explicitly(seeded, client):
    assert keys(hits(client, q="review", sort="")) == keys(hits(client, q="review"))


def test_an_empty_search_shows_the_form_and_help(seeded, client):
    response = hits(client, q="  ")
    assert "How to search" in response.text
    assert response.context["paginator"].count == 0


# The API ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("query", [q for q, _ in SEED_QUERIES])
def test_api_q_gives_the_same_hits_in_the_same_order(seeded, client, query):
    page = hits(client, q=query)
    body = client.get("/api/v1/contributions/", {"q": query}, HTTP_ACCEPT="application/json").json()
    assert [r["key"] for r in body["results"]] == keys(page)
    assert body["count"] == page.context["paginator"].count  # page-numbered when ranked


def test_api_q_on_debates_finds_debates_with_a_matching_speech(seeded, client):
    body = client.get("/api/v1/debates/", {"q": "Pelka"}, HTTP_ACCEPT="application/json").json()
    assert [d["slug"] for d in body["results"]] == ["2013-10-17-daniel-pelka"]


def test_search_page_queries_do_not_grow_with_hits(db, client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def count():
        clear_caches()  # a first visit's queries, not cached facet counts
        with CaptureQueriesContext(connection) as captured:
            hits(client, q="adoption")
        return len(captured)

    said("adoption one")
    few = count()
    for n in range(12):
        said(f"adoption {n}")
    assert count() == few


# The query parser used for SQLite ---------------------------------------------------------------


def test_web_query_parsing_follows_websearch_rules():
    query = parse_web_query('"serious case" reviews -Ofsted OR Munro -"kangaroo court" the')
    assert query.groups == ((("serious", "case"),), (("reviews",), ("munro",)))
    assert query.excluded == (("ofsted",), ("kangaroo", "court"))
    assert parse_web_query('" * - NEAR(').groups == ((("near",),),)
    assert parse_web_query("the of and").is_empty


@pytest.mark.parametrize("words", ["children", '"serious case"', "Munro -Ofsted", "Pelka OR Munro"])
def test_matching_many_finds_exactly_what_matching_finds(seeded, words):
    engine = search.engine()
    rows = Contribution.objects.filter(house="commons")
    expected = set(engine.matching(rows, words).values_list("key", flat=True))
    assert expected  # each of these finds something in the seeds
    assert set(engine.matching_many(rows, words).values_list("key", flat=True)) == expected


def test_api_search_says_when_it_stopped_counting_and_when_it_could_not_rank(
    seeded, client, monkeypatch, settings
):
    monkeypatch.setattr(SearchPaginator, "count_limit", 3)  # "children" matches 9
    capped = client.get("/api/v1/contributions/", {"q": "children"}).json()
    assert (capped["count"], capped["count_is_capped"], capped["ranked"]) == (3, True, True)
    assert not any(facet["counted"] for facet in capped["facets"])

    monkeypatch.setattr(SearchPaginator, "count_limit", 10_000)
    settings.SEARCH_RANK_TIME_LIMIT = 0
    clear_caches()
    unranked = client.get("/api/v1/contributions/", {"q": "children"}).json()
    newest = client.get("/api/v1/contributions/", {"q": "children", "sort": "-date"}).json()
    assert (unranked["count"], unranked["count_is_capped"], unranked["ranked"]) == (9, False, False)
    assert [r["key"] for r in unranked["results"]] == [r["key"] for r in newest["results"]]
