"""Contributions per year: the chart's geometry, and the chart on the home, topic and speaker
pages (issue #10)."""

import datetime
from html.parser import HTMLParser

import pytest
from django.core.cache import caches
from django.db import connection

from debates.models import ArchiveState, Contribution
from debates.timeline import (
    BASELINE,
    MAX_BAR_WIDTH,
    MAX_LABELS,
    MIN_BAR_HEIGHT,
    MIN_LABEL_GAP,
    PLOT_LEFT,
    PLOT_RIGHT,
    PLOT_TOP,
    draw_timeline,
)

from .factories import ContributionFactory, DebateFactory, SpeakerFactory, TopicFactory

# What the seed holds, per year: all of it, one topic's and one speaker's.
SEED_YEARS = {2010: 1, 2011: 6, 2012: 3, 2013: 3}
MUNRO_REVIEW_YEARS = {2011: 3, 2012: 2, 2013: 1}
TIM_LOUGHTON_YEARS = {2010: 1, 2011: 2, 2012: 2}


# Geometry, without a database ---------------------------------------------------------------


def test_one_year_is_one_full_height_bar_of_limited_width_in_the_middle():
    timeline = draw_timeline([(2010, 5)])

    [bar] = timeline.bars
    assert (bar.year, bar.count) == (2010, 5)
    assert bar.width == MAX_BAR_WIDTH
    assert bar.height == BASELINE - PLOT_TOP
    assert bar.y + bar.height == BASELINE
    assert bar.x + bar.width / 2 == pytest.approx((PLOT_LEFT + PLOT_RIGHT) / 2)
    assert [label.year for label in timeline.labels] == [2010]
    assert timeline.title == "Contributions in 2010: 5"
    assert (
        timeline.description
        == "5 contributions, all in 2010. The table below lists the same count."
    )
    assert bar.label == "2010: 5 contributions"


def test_years_between_are_drawn_as_zero_in_any_order_of_input():
    timeline = draw_timeline([(2013, 3), (2010, 1)])

    assert [(bar.year, bar.count) for bar in timeline.bars] == [
        (2010, 1),
        (2011, 0),
        (2012, 0),
        (2013, 3),
    ]
    assert [bar.height for bar in timeline.bars if not bar.count] == [0, 0]
    assert [bar.year for bar in timeline.years_with_contributions] == [2010, 2013]
    assert timeline.description == (
        "4 contributions in all, one bar for each of the 4 years; 2 of them had none. "
        "The table below lists the same counts."
    )


def test_two_centuries_of_years_fit_side_by_side_with_a_few_spaced_labels():
    counts = [(1803, 1), (1850, 7), (1911, 40), (2011, 412), (2025, 9)]

    timeline = draw_timeline(counts)

    bars = timeline.bars
    assert [bar.year for bar in bars] == list(range(1803, 2026))
    assert bars[0].x >= PLOT_LEFT and bars[-1].x + bars[-1].width <= PLOT_RIGHT
    assert all(a.x + a.width < b.x for a, b in zip(bars, bars[1:], strict=False))
    assert all(bar.width > 0 for bar in bars)
    by_year = {bar.year: bar for bar in bars}
    assert by_year[2011].height == BASELINE - PLOT_TOP  # the busiest year is full height
    assert by_year[1803].height == MIN_BAR_HEIGHT  # one speech is still visible beside 412
    assert by_year[1911].height == pytest.approx(40 / 412 * (BASELINE - PLOT_TOP), abs=0.01)
    assert by_year[1900].height == 0
    labels = [label.year for label in timeline.labels]
    assert labels[0] == 1803 and labels[-1] == 2025
    assert len(labels) <= MAX_LABELS
    assert all(year % 50 == 0 for year in labels[1:-1])
    xs = [label.x for label in timeline.labels]
    assert all(b - a >= MIN_LABEL_GAP for a, b in zip(xs, xs[1:], strict=False))
    assert timeline.title == "Contributions per year, 1803–2025; most in 2011 (412)"
    assert timeline.total == 469


def test_all_zero_years_draw_no_bars_and_say_so():
    timeline = draw_timeline([(2001, 0), (2003, 0)])

    assert [bar.height for bar in timeline.bars] == [0, 0, 0]
    assert timeline.total == 0
    assert timeline.title == "Contributions per year, 2001–2003: none"


def test_no_years_is_no_chart():
    assert draw_timeline([]) is None


def test_tied_busiest_years_are_all_named():
    timeline = draw_timeline([(2010, 2), (2011, 1), (2012, 2), (2013, 2)])
    assert (
        timeline.title == "Contributions per year, 2010–2013; most in 2010, 2012 and 2013 (2 each)"
    )


# On the pages --------------------------------------------------------------------------------


class ChartParser(HTMLParser):
    """The chart as markup: its svg's attributes, and each bar's link, tooltip and height."""

    def __init__(self):
        super().__init__()
        self.svg, self.bars, self.table_links = None, [], []
        self._bar = self._in_title = self._in_table = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "svg" and "timeline-chart" in attrs.get("class", ""):
            self.svg = attrs
        elif tag == "a" and attrs.get("class") == "timeline-year":
            self._bar = {"href": attrs["href"], "title": ""}
            self.bars.append(self._bar)
        elif tag == "title" and self._bar is not None:
            self._in_title = True
        elif tag == "rect" and self._bar is not None and attrs["class"] == "timeline-bar":
            self._bar["height"] = float(attrs["height"])
        elif tag == "details" and attrs.get("class") == "timeline-table":
            self._in_table = True
        elif tag == "a" and self._in_table:
            self.table_links.append(attrs["href"])

    def handle_endtag(self, tag):
        if tag == "title":
            self._in_title = False
        elif tag == "a":
            self._bar = None
        elif tag == "details":
            self._in_table = False

    def handle_data(self, data):
        if self._in_title and self._bar is not None:
            self._bar["title"] += data


def chart_of(response) -> ChartParser:
    assert response.status_code == 200
    parser = ChartParser()
    parser.feed(response.text)
    return parser


@pytest.mark.parametrize(
    ("path", "per_year", "filters", "title"),
    [
        ("/", SEED_YEARS, "", "2010–2013; most in 2011 (6)"),
        (
            "/topics/munro-review/",
            MUNRO_REVIEW_YEARS,
            "topic=munro-review&amp;",
            "2011–2013; most in 2011 (3)",
        ),
        (
            "/speakers/tim-loughton/",
            TIM_LOUGHTON_YEARS,
            "speaker=tim-loughton&amp;",
            "2010–2012; most in 2011 and 2012 (2 each)",
        ),
    ],
)
def test_page_draws_a_named_bar_per_year_with_the_seeds_counts(
    seeded, client, path, per_year, filters, title
):
    response = client.get(path)
    chart = chart_of(response)

    assert chart.svg["role"] == "figure"
    assert chart.svg["aria-labelledby"] == "timeline-title"
    assert f'<title id="timeline-title">Contributions per year, {title}</title>' in response.text
    assert [bar["title"] for bar in chart.bars] == [
        f"{year}: {n} contribution{'s' if n > 1 else ''}" for year, n in per_year.items()
    ]
    assert all(bar["height"] > 0 for bar in chart.bars)
    for year in per_year:
        assert f'href="/contributions/?{filters}year={year}"' in response.text
    assert "<summary>Table of contributions per year</summary>" in response.text


@pytest.mark.parametrize("path", ["/", "/topics/munro-review/", "/speakers/tim-loughton/"])
def test_every_bar_and_table_row_links_to_a_list_of_exactly_its_contributions(seeded, client, path):
    chart = chart_of(client.get(path))

    assert chart.table_links == [bar["href"] for bar in chart.bars]
    for bar in chart.bars:
        listed = client.get(bar["href"])
        assert listed.status_code == 200
        assert listed.context["paginator"].count == int(bar["title"].split(": ")[1].split()[0])


def test_a_gap_in_the_years_is_an_empty_slot_with_no_link(db, client):
    speaker = SpeakerFactory(slug="long-server")
    for year in (2001, 2004):
        debate = DebateFactory(date=datetime.date(year, 5, 1), slug=f"{year}-05-01-debate")
        ContributionFactory(speaker=speaker, debate=debate)

    response = client.get("/speakers/long-server/")

    assert [(bar.year, bar.count) for bar in response.context["timeline"].bars] == [
        (2001, 1),
        (2002, 0),
        (2003, 0),
        (2004, 1),
    ]
    assert [bar["title"] for bar in chart_of(response).bars] == [
        "2001: 1 contribution",
        "2004: 1 contribution",
    ]
    assert "2 of them had none" in response.text


def test_nothing_is_drawn_without_contributions(db, client):
    TopicFactory(slug="unspoken")
    for path in ("/", "/topics/unspoken/"):
        response = client.get(path)
        assert response.status_code == 200
        assert response.context["timeline"] is None
        assert "timeline-chart" not in response.text


def test_a_page_whose_years_cannot_be_counted_in_time_goes_without_its_chart(
    seeded, client, settings
):
    settings.FACET_TIME_LIMIT = 0
    for path in ("/", "/topics/munro-review/", "/speakers/tim-loughton/"):
        response = client.get(path)
        assert response.status_code == 200
        assert response.context["timeline"] is None
        assert "timeline-chart" not in response.text

    settings.FACET_TIME_LIMIT = 2  # no count was kept: the page built again draws it
    caches["pages"].clear()  # (the page itself is kept a minute: tests/test_pages.py)
    assert client.get("/").context["timeline"] is not None


def test_counts_are_cached_until_the_archive_changes(seeded, client):
    client.get("/")
    debate = DebateFactory(date=datetime.date(1999, 3, 1), slug="1999-03-01-debate")
    # Saved inside the test's transaction, which never commits: the archive's version, which
    # debates.signals moves on at commit, stays where it was.
    ContributionFactory(debate=debate)

    caches["pages"].clear()  # the page built again: its counts are what is tested
    cached = client.get("/").context["timeline"]
    assert 1999 not in [bar.year for bar in cached.bars]

    ArchiveState.touch()  # what the commit of an import or an admin edit does
    fresh = client.get("/").context["timeline"]
    assert (fresh.bars[0].year, fresh.bars[0].count) == (1999, 1)


# Query counts -------------------------------------------------------------------------------

# PostgreSQL bounds each facet count and the chart's with a savepoint and a
# statement_timeout of the time left (3 queries each).
FACET_TIME_LIMIT_QUERIES = 3 if connection.vendor == "postgresql" else 0


@pytest.mark.parametrize(
    ("path", "first_visit", "cached"),
    [
        # the home page's queries (tests/test_pages.py), among them the archive's version
        # and the contributions per year; then served from the cache: the version
        pytest.param("/", 15 + FACET_TIME_LIMIT_QUERIES, 1, id="home"),
        # the archive's version (the page's cache key), topic, its children, the version
        # and the count of its debates (kept after), the version and the count of its
        # contributions; the speaker facet of its contributions: the topic filter's topic,
        # the version, the count and its labels, then those speakers with their parties;
        # the version and the contributions per year; debates, their topics, contributions;
        # then served from the cache: the version
        pytest.param("/topics/munro-review/", 17 + 2 * FACET_TIME_LIMIT_QUERIES, 1, id="topic"),
        # redirects, speaker, their names, the archive's version (the page's cache key) and
        # again for the count (cached after), page, the version (facets), facet counts (3
        # plus 2 labels) and the savepoint and release that store them, then the chart's:
        # the version and the years; then served from the cache: the version
        pytest.param("/speakers/tim-loughton/", 17 + 4 * FACET_TIME_LIMIT_QUERIES, 1, id="speaker"),
    ],
)
def test_the_chart_costs_one_grouped_query_and_then_none(
    seeded, client, django_assert_num_queries, path, first_visit, cached
):
    with django_assert_num_queries(first_visit):
        client.get(path)
    with django_assert_num_queries(cached):
        client.get(path)


def test_the_years_are_grouped_in_one_query_that_reads_only_contributions(
    seeded, django_assert_num_queries
):
    with django_assert_num_queries(1) as captured:
        years = Contribution.objects.per_year()
    assert years == sorted(SEED_YEARS.items())
    [query] = captured.captured_queries
    assert "GROUP BY" in query["sql"]
    assert "debates_debate" not in query["sql"]
