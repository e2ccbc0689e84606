"""Faceted browsing on the seeded archive: filters, counts, sorting and bad input."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from debates.models import Contribution
from tests.conftest import clear_caches
from tests.factories import ContributionFactory, DebateFactory, TopicFactory


def listing(client, path, **params):
    response = client.get(path, params)
    assert response.status_code == 200, response.context.get("errors")
    return response


def facet(response, name):
    return {v.value: v for f in response.context["facets"] if f.name == name for v in f.values}


@pytest.mark.parametrize(
    ("params", "titles"),
    [
        (
            {},
            [
                "Daniel Pelka",
                "Safeguarding Children",
                "Munro Report",
                "Children, Schools and Families Bill",
            ],
        ),
        ({"topic": "munro-review"}, ["Daniel Pelka", "Safeguarding Children", "Munro Report"]),
        ({"speaker": "meg-munn"}, ["Munro Report"]),
        ({"party": "labour-co-op"}, ["Munro Report"]),
        ({"year": ["2010", "2013"]}, ["Daniel Pelka", "Children, Schools and Families Bill"]),
        (
            {"date_after": "2011-01-01", "date_before": "2012-12-31"},
            ["Safeguarding Children", "Munro Report"],
        ),
        ({"department": "Department for Education"}, ["Safeguarding Children"]),
        ({"house": "lords"}, []),
        (
            {"sort": "title"},
            [
                "Children, Schools and Families Bill",
                "Daniel Pelka",
                "Munro Report",
                "Safeguarding Children",
            ],
        ),
        (
            {"sort": "date"},
            [
                "Children, Schools and Families Bill",
                "Munro Report",
                "Safeguarding Children",
                "Daniel Pelka",
            ],
        ),
    ],
)
def test_debate_list_filters_and_sorts(seeded, client, params, titles):
    response = listing(client, "/debates/", **params)
    assert [d.title for d in response.context["page_obj"]] == titles


@pytest.mark.parametrize(
    ("params", "count"),
    [
        ({}, 13),
        ({"speaker": "tim-loughton"}, 5),
        ({"speaker": "tim-loughton", "year": "2011"}, 2),
        ({"party": "labour"}, 5),
        ({"topic": "serious-case-reviews"}, 8),
        ({"debate": "2013-10-17-daniel-pelka"}, 3),
        ({"topic": ["munro-review", "child-deaths"]}, 9),
    ],
)
def test_contribution_list_filters(seeded, client, params, count):
    assert listing(client, "/contributions/", **params).context["paginator"].count == count


def test_contribution_rows_show_speaker_debate_opening_and_citation(seeded, client):
    response = listing(
        client, "/contributions/", debate="2010-02-23-children-schools-and-families-bill"
    )
    assert "Tim Loughton" in response.text
    assert "HC Deb 23 February 2010, vol 506, cc185-6" in response.text
    assert "The hon. Gentleman is right. It is no good just looking" in response.text


def test_a_facet_counts_rows_as_if_its_own_filter_were_off(seeded, client):
    response = listing(client, "/debates/", house="commons", topic="munro-review")
    houses = facet(response, "house")
    assert houses["commons"].selected and houses["commons"].count == 3
    topics = facet(response, "topic")
    # Other topics stay visible, counted within the House filter only.
    assert topics["serious-case-reviews"].count == 4
    assert topics["munro-review"].count == 3 and topics["munro-review"].selected


FILTER_COMBINATIONS = [
    ("/debates/", {}),
    ("/debates/", {"house": "commons"}),
    ("/debates/", {"topic": "munro-review", "year": "2011"}),
    ("/debates/", {"speaker": "tim-loughton", "date_after": "2011-01-01"}),
    ("/contributions/", {}),
    ("/contributions/", {"party": "labour"}),
    ("/contributions/", {"topic": "serious-case-reviews", "house": "commons"}),
    ("/contributions/", {"speaker": "edward-timpson", "year": "2013"}),
    ("/speakers/", {}),
    ("/speakers/", {"party": "conservative"}),
]


@pytest.mark.parametrize(("path", "params"), FILTER_COMBINATIONS)
def test_every_facet_count_is_the_number_of_rows_its_link_shows(seeded, client, path, params):
    response = listing(client, path, **params)
    for shown in response.context["facets"]:
        if any(v.selected for v in shown.values):
            continue  # adding a value to a chosen facet widens it: not a count of its own
        for value in shown.values:
            followed = client.get(path + value.query)
            assert followed.context["paginator"].count == value.count, (shown.name, value)


def test_selected_values_can_be_removed_one_at_a_time(seeded, client):
    response = listing(client, "/debates/", house="commons", topic="munro-review")
    remove_topic = facet(response, "topic")["munro-review"].query
    assert remove_topic == "?house=commons"
    assert 'href="?topic=munro-review"' in response.text  # the House chip removes the House


def test_a_date_chip_removes_its_date(seeded, client):
    response = listing(client, "/debates/", house="commons", date_after="2011-01-01")
    [(name, value, query)] = response.context["date_filters"]
    assert (name, value, query) == ("date_after", "2011-01-01", "?house=commons")


def test_facet_links_start_again_at_page_one(seeded, client):
    response = listing(client, "/debates/", house="commons", page="1")
    assert "page=" not in facet(response, "topic")["munro-review"].query


@pytest.mark.parametrize(
    ("path", "params", "parameter"),
    [
        ("/debates/", {"date_after": "not-a-date"}, "date_after"),
        ("/debates/", {"date_before": "2011-02-30"}, "date_before"),
        ("/debates/", {"speaker": "nobody-at-all"}, "speaker"),
        ("/debates/", {"topic": "x" * 300}, "topic"),
        ("/debates/", {"year": "99999999999999999999"}, "year"),
        ("/debates/", {"year": "١٩٩٩"}, "year"),
        ("/debates/", {"house": "senate"}, "house"),
        ("/debates/", {"location": "Commons\x00Chamber"}, "location"),
        ("/debates/", {"sort": "password"}, "sort"),
        ("/contributions/", {"party": "whig"}, "party"),
        ("/contributions/", {"debate": "\x00"}, "debate"),
        ("/speakers/", {"house": "both"}, "house"),
        ("/speakers/tim-loughton/", {"topic": "nope"}, "topic"),
    ],
)
def test_bad_filter_values_give_400_naming_the_parameter(seeded, client, path, params, parameter):
    response = client.get(path, params)
    assert response.status_code == 400
    assert parameter in response.context["errors"]
    assert f"<code>{parameter}</code>" in response.text


def test_blank_values_from_a_form_mean_no_filter(seeded, client):
    response = listing(client, "/debates/", house="", topic="", date_after="")
    assert response.context["paginator"].count == 4


@pytest.mark.parametrize("page", ["99", "0", "last-but-one", "\x00"])
def test_pages_out_of_range_are_404_with_a_message(seeded, client, page):
    response = client.get("/debates/", {"page": page})
    assert response.status_code == 404


def test_speaker_page_lists_their_contributions_with_facets(seeded, client):
    response = listing(client, "/speakers/tim-loughton/", year="2012")
    assert response.context["paginator"].count == 2
    assert set(facet(response, "year")) == {"2010", "2011", "2012"}
    assert "East Worthing and Shoreham" in response.text


def test_topic_page_shows_debates_contributions_and_speakers(seeded, client):
    response = client.get("/topics/munro-review/")
    assert response.context["debate_count"] == 3
    assert response.context["contribution_count"] == 6
    speaker, contributions = response.context["speakers"][0]
    assert speaker.name == "Tim Loughton"
    assert (
        contributions
        == Contribution.objects.filter(speaker=speaker, topics__slug="munro-review").count()
    )


def test_a_topic_page_short_of_time_to_rank_its_speakers_says_so(seeded, client, settings):
    settings.FACET_TIME_LIMIT = 0
    response = client.get("/topics/munro-review/")
    assert response.context["speakers"] is None
    assert "Not counted in time" in response.text
    assert response["Cache-Control"] == f"max-age={settings.DEGRADED_PAGE_SECONDS}"


def test_permalink_shows_neighbours_and_meta_tags(seeded, client):
    middle = Contribution.objects.get(debate__slug="2013-10-17-daniel-pelka", sequence=2)
    response = client.get(middle.get_absolute_url())
    assert response.context["previous"].sequence == 1
    assert response.context["next"].sequence == 3
    for tag in (
        'name="citation_title" content="Daniel Pelka"',
        'property="og:title"',
        "citation_date",
    ):
        assert tag in response.text


def test_merged_contribution_keys_redirect_permanently(seeded, client):
    kept = Contribution.objects.get(debate__slug="2013-10-17-daniel-pelka", sequence=2)
    duplicate = ContributionFactory(debate=kept.debate, sequence=99, key="2013-10-17-hc-dupdupdup1")
    kept.merge(duplicate)
    response = client.get("/contributions/2013-10-17-hc-dupdupdup1/")
    assert response.status_code == 301
    assert response["Location"] == kept.get_absolute_url()


def test_every_paragraph_has_an_anchor_and_a_link(seeded, client):
    contribution = Contribution.objects.get(column_reference="506 c185-6")
    response = client.get(contribution.debate.get_absolute_url())
    for number in range(1, len(contribution.paragraphs) + 1):
        anchor = f"{contribution.key}-p{number}"
        assert f'id="{anchor}"' in response.text
        assert f'href="{contribution.get_absolute_url()}#{anchor}"' in response.text


def queries_for(client, path):
    clear_caches()  # count the queries of a first visit, not of cached facet counts
    with CaptureQueriesContext(connection) as captured:
        assert client.get(path).status_code == 200
    return len(captured)


@pytest.mark.parametrize(
    "path", ["/", "/debates/", "/contributions/", "/speakers/", "/topics/", "/topics/t-0/"]
)
def test_page_queries_do_not_grow_with_rows(db, client, path):
    topic = TopicFactory(slug="t-0")

    def add_rows(n):
        for _ in range(n):
            contribution = ContributionFactory()
            contribution.topics.add(topic)
            contribution.debate.topics.add(topic)

    add_rows(2)
    few = queries_for(client, path)
    add_rows(15)
    assert queries_for(client, path) == few


def test_debate_and_speaker_pages_queries_do_not_grow_with_contributions(db, client):
    debate = DebateFactory()
    first = ContributionFactory(debate=debate)
    few_debate = queries_for(client, debate.get_absolute_url())
    few_speaker = queries_for(client, first.speaker.get_absolute_url())
    for _ in range(10):
        ContributionFactory(debate=debate, speaker=first.speaker)
    assert queries_for(client, debate.get_absolute_url()) == few_debate
    assert queries_for(client, first.speaker.get_absolute_url()) == few_speaker


def test_debate_list_query_count_is_pinned(seeded, client, django_assert_num_queries):
    # the archive's version (for the page's cache key, and in production not read again
    # within ARCHIVE_VERSION_SECONDS) and again for the count (cached after), page, topics
    # of the page, the version again (facets), one query per facet (7) and one more to label
    # each foreign-key facet (topic, speaker, party), and the transaction that stores them
    # (in a test, a savepoint and its release); on PostgreSQL, the savepoint,
    # statement_timeout and release that bound each facet's count (3 x 7)
    with django_assert_num_queries(18 + (3 * 7 if connection.vendor == "postgresql" else 0)):
        client.get("/debates/")
