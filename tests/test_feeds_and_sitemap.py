"""Atom feeds beside the pages they follow, robots.txt and a sitemap of every public page."""

import re

import feedparser
import pytest

from debates.models import Contribution, Debate, Party, Speaker, Topic


def feed(client, path, **params):
    response = client.get(path, params)
    assert response.status_code == 200, response.content
    assert response["Content-Type"].startswith("application/atom+xml")
    parsed = feedparser.parse(response.content)
    assert not parsed.bozo, parsed.get("bozo_exception")
    return parsed


def keys(parsed) -> list[str]:
    return [entry.link.rstrip("/").rsplit("/", 1)[-1] for entry in parsed.entries]


def newest_keys(**filters) -> list[str]:
    rows = Contribution.objects.filter(**filters).order_by("-sort_key")
    return list(rows.values_list("key", flat=True))


def test_the_contributions_feed_lists_the_newest_speeches(seeded, client):
    parsed = feed(client, "/contributions/feed/")
    assert parsed.feed.title == "Contributions · Safeguarding Debates Archive"
    assert keys(parsed) == newest_keys()
    first = parsed.entries[0]
    newest = Contribution.objects.order_by("-sort_key").first()
    assert first.title == f"{newest.display_name}: {newest.debate.title}"
    assert first.author == newest.speaker.name
    assert first.published.startswith(newest.debate.date.isoformat())


def test_a_filtered_feed_follows_the_page_it_sits_beside(seeded, client):
    parsed = feed(client, "/contributions/feed/", year="2010", page="2")
    assert keys(parsed) == newest_keys(sort_key__startswith="2010")
    assert parsed.feed.link.endswith("/contributions/?year=2010")


def test_speaker_topic_and_search_feeds(seeded, client):
    speaker = Speaker.objects.get(slug="tim-loughton")
    assert keys(feed(client, "/speakers/tim-loughton/feed/")) == newest_keys(speaker=speaker)
    assert feed(client, "/speakers/tim-loughton/feed/").feed.title.startswith("Tim Loughton")

    topic = Topic.objects.get(slug="munro-review")
    assert keys(feed(client, "/topics/munro-review/feed/")) == newest_keys(topics=topic)

    searched = feed(client, "/search/feed/", q="Pelka")
    assert searched.feed.title.startswith("Search: “Pelka”")
    assert searched.entries
    assert all("Pelka" in Contribution.objects.get(key=k).search_title for k in keys(searched))


def test_a_feed_with_bad_parameters_says_why(seeded, client):
    response = client.get("/contributions/feed/", {"year": "nineteen"})
    assert response.status_code == 400
    assert "year" in response.content.decode()
    assert client.get("/speakers/nobody/feed/").status_code == 404


@pytest.mark.parametrize(
    ("page", "feed_path"),
    [
        ("/contributions/?house=commons", "/contributions/feed/?house=commons"),
        ("/search/?q=munro", "/search/feed/?q=munro"),
        ("/speakers/tim-loughton/", "/speakers/tim-loughton/feed/"),
        ("/topics/munro-review/", "/topics/munro-review/feed/"),
        ("/", "/contributions/feed/"),
    ],
)
def test_pages_link_their_feed(seeded, client, page, feed_path):
    html = client.get(page).content.decode()
    [link] = re.findall(r'<link rel="alternate" type="application/atom\+xml"[^>]*>', html)
    assert f'href="{feed_path.replace("&", "&amp;")}"' in link


def test_robots_txt_points_to_the_sitemap(db, client):
    body = client.get("/robots.txt").content.decode()
    assert "Sitemap: http://testserver/sitemap.xml" in body
    assert "Disallow: /admin/" in body


def test_the_sitemap_lists_every_public_page(seeded, client):
    index = client.get("/sitemap.xml").content.decode()
    listed = set()
    for section in re.findall(r"<loc>http://testserver(/sitemap-[a-z]+\.xml)</loc>", index):
        page = client.get(section).content.decode()
        listed |= set(re.findall(r"<loc>http://testserver([^<]+)</loc>", page))

    expected = {"/", "/debates/", "/contributions/", "/speakers/", "/topics/", "/search/", "/api/"}
    for model in (Debate, Contribution, Speaker, Topic, Party):
        expected |= {row.get_absolute_url() for row in model.objects.all()}
    assert listed == expected
