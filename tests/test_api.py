"""The REST API: the pages' data and filters as JSON and CSV, for other tools."""

import csv
import datetime
import io

import pytest
from django.core.cache import caches

from debates.models import ArchiveState, Contribution
from tests.factories import ContributionFactory, DebateFactory

PARITY = [
    ("debates", {}),
    ("debates", {"house": "commons", "topic": "munro-review"}),
    ("debates", {"speaker": "tim-loughton", "date_after": "2011-01-01", "sort": "title"}),
    ("debates", {"year": ["2010", "2013"], "party": "labour"}),
    ("contributions", {}),
    (
        "contributions",
        {"speaker": "tim-loughton", "party": "conservative", "topic": "munro-review"},
    ),
    ("contributions", {"date_after": "2011-01-01", "date_before": "2012-12-31", "sort": "date"}),
    ("contributions", {"debate": "2013-10-17-daniel-pelka"}),
    ("speakers", {"party": "labour"}),
    ("speakers", {"house": "commons", "sort": "-contributions"}),
]
IDENTITY = {"debates": "slug", "contributions": "key", "speakers": "slug"}


def api(client, path, **params):
    response = client.get(f"/api/v1/{path}", params, HTTP_ACCEPT="application/json")
    assert response.status_code == 200, response.content
    return response.json()


@pytest.mark.parametrize(("resource", "params"), PARITY)
def test_api_list_returns_what_the_page_shows(seeded, client, resource, params):
    page = client.get(f"/{resource}/", params)
    body = api(client, f"{resource}/", **params)
    field = IDENTITY[resource]
    assert [r[field] for r in body["results"]] == [
        getattr(obj, field) for obj in page.context["page_obj"]
    ]


@pytest.mark.parametrize(("resource", "params"), PARITY)
def test_api_facets_match_the_page(seeded, client, resource, params):
    page = client.get(f"/{resource}/", params)
    body = api(client, f"{resource}/", **params)
    assert {
        f["name"]: [(v["value"], v["count"], v["selected"]) for v in f["values"]]
        for f in body["facets"]
    } == {
        f.name: [(v.value, v.count, v.selected) for v in f.values] for f in page.context["facets"]
    }


def test_facet_urls_toggle_the_filter(seeded, client):
    body = api(client, "debates/", house="commons")
    [commons] = [v for f in body["facets"] if f["name"] == "house" for v in f["values"]]
    assert commons["url"] == "http://testserver/api/v1/debates/?"
    munro = next(
        v
        for f in body["facets"]
        if f["name"] == "topic"
        for v in f["values"]
        if v["value"] == "munro-review"
    )
    assert munro["url"] == "http://testserver/api/v1/debates/?house=commons&topic=munro-review"
    followed = client.get(munro["url"], HTTP_ACCEPT="application/json").json()
    assert followed["count"] == munro["count"] == 3


def test_a_contribution_carries_citation_text_and_links(seeded, client):
    key = Contribution.objects.get(column_reference="506 c185-6").key
    body = api(client, f"contributions/{key}/")
    assert body["citation"] == "HC Deb 23 February 2010, vol 506, cc185-6"
    assert body["volume"] == 506 and body["columns"] == "cc185-6"
    assert body["speaker"] == {
        "name": "Tim Loughton",
        "slug": "tim-loughton",
        "url": "http://testserver/api/v1/speakers/tim-loughton/",
    }
    assert body["party"]["name"] == "Conservative"
    assert body["debate"]["title"] == "Children, Schools and Families Bill"
    assert body["html_url"] == f"http://testserver/contributions/{key}/"
    assert body["source_uri"].endswith("CONTRIBUTION_622898")
    assert body["paragraphs"][0]["kind"] == "speech"
    assert {"name", "slug", "url", "provenance"} <= set(body["topics"][0])
    assert "id" not in body and "pk" not in body


@pytest.mark.parametrize(
    "path",
    [
        "debates/2013-10-17-daniel-pelka/",
        "speakers/meg-munn/",
        "topics/munro-review/",
        "parties/labour-co-op/",
    ],
)
def test_every_resource_has_details_by_slug_with_links(seeded, client, path):
    body = api(client, path)
    assert body["url"] == f"http://testserver/api/v1/{path}"
    assert body["html_url"].startswith("http://testserver/")
    assert client.get(body["html_url"]).status_code == 200


def test_cursor_pagination_visits_every_row_once_even_when_rows_arrive(db, client):
    ContributionFactory.create_batch(25)
    seen, url = [], "/api/v1/contributions/?page_size=10"
    while url:
        response = client.get(url, HTTP_ACCEPT="application/json")
        body = response.json()
        seen += [r["key"] for r in body["results"]]
        if body["next"]:
            assert f'<{body["next"]}>; rel="next"' in response["Link"]
        if len(seen) == 10:
            # A speech imported mid-walk, newer than everything: it must not shift the walk.
            ContributionFactory(debate=DebateFactory(date=datetime.date(2030, 1, 1)))
        url = body["next"]
    assert len(seen) == len(set(seen)) == 25


def test_csv_streams_every_row_with_citations(seeded, client):
    response = client.get("/api/v1/contributions/", {"format": "csv", "party": "labour"})
    assert response.status_code == 200
    assert response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert len(rows) == Contribution.objects.filter(party__slug="labour").count()
    assert set(rows[0]) >= {"key", "citation", "html_url", "speaker", "party", "text"}
    assert all(row["citation"].startswith("HC Deb ") for row in rows)


def test_csv_is_chosen_by_accept_header_too(seeded, client):
    response = client.get("/api/v1/debates/", HTTP_ACCEPT="text/csv")
    lines = b"".join(response.streaming_content).decode().splitlines()
    assert lines[0].startswith("slug,title,date,house")
    assert len(lines) == 1 + 4


def test_unchanged_responses_are_304(seeded, client):
    first = client.get("/api/v1/debates/", HTTP_ACCEPT="application/json")
    assert first["ETag"] and first["Last-Modified"]
    again = client.get(
        "/api/v1/debates/", HTTP_ACCEPT="application/json", HTTP_IF_NONE_MATCH=first["ETag"]
    )
    assert again.status_code == 304
    since = client.get(
        "/api/v1/debates/2011-06-09-munro-report/",
        HTTP_ACCEPT="application/json",
        HTTP_IF_MODIFIED_SINCE=first["Last-Modified"],
    )
    assert since.status_code == 304

    ArchiveState.touch()  # what an import or an admin edit does

    changed = client.get(
        "/api/v1/debates/", HTTP_ACCEPT="application/json", HTTP_IF_NONE_MATCH=first["ETag"]
    )
    assert changed.status_code == 200


def test_etags_differ_by_query_and_format(seeded, client):
    json_list = client.get("/api/v1/debates/", HTTP_ACCEPT="application/json")
    filtered = client.get("/api/v1/debates/?house=lords", HTTP_ACCEPT="application/json")
    as_csv = client.get("/api/v1/debates/", HTTP_ACCEPT="text/csv")
    assert len({json_list["ETag"], filtered["ETag"], as_csv["ETag"]}) == 3


@pytest.mark.parametrize(
    ("path", "parameter"),
    [
        ("debates/?speaker=nobody", "speaker"),
        ("debates/?date_after=31-12-2010", "date_after"),
        ("contributions/?year=20000", "year"),
        ("contributions/?party=%00", "party"),
        ("contributions/?sort=secret", "sort"),
        ("speakers/?house=upper", "house"),
    ],
)
def test_bad_parameters_are_400_json_naming_them(seeded, client, path, parameter):
    response = client.get(f"/api/v1/{path}")
    assert response.status_code == 400
    body = response.json()
    assert body["detail"] == "Invalid query parameters."
    assert list(body["errors"]) == [parameter]


@pytest.mark.parametrize(
    "path",
    [
        "debates/no-such-debate/",
        "contributions/1999-01-01-hc-0000000000/",
        "debates/?page=99",
        "contributions/?cursor=not-a-cursor",
        "no-such-resource/",
    ],
)
def test_missing_things_are_404_json(seeded, client, path):
    response = client.get(f"/api/v1/{path}")
    assert response.status_code == 404
    assert set(response.json()) == {"detail", "errors"}


def test_writing_is_405_json(seeded, client):
    response = client.post("/api/v1/debates/", {"title": "x"})
    assert response.status_code == 405
    assert response.json()["errors"] == {}


def test_throttled_clients_get_429_with_retry_after(seeded, client, settings):
    settings.API_THROTTLE_RATE = "2/minute"
    for _ in range(2):
        assert client.get("/api/v1/parties/").status_code == 200
    response = client.get("/api/v1/parties/")
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert "throttled" in response.json()["detail"]


def test_any_origin_may_read_but_not_write(seeded, client):
    read = client.get("/api/v1/debates/", HTTP_ORIGIN="https://example.org")
    assert read["Access-Control-Allow-Origin"] == "*"
    preflight = client.options(
        "/api/v1/debates/",
        HTTP_ORIGIN="https://example.org",
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="DELETE",
    )
    assert "DELETE" not in preflight.get("Access-Control-Allow-Methods", "")


def test_schema_documents_filters_and_errors(seeded, client):
    schema = client.get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    operation = schema["paths"]["/api/v1/contributions/"]["get"]
    parameters = {p["name"] for p in operation["parameters"]}
    assert {
        "speaker",
        "party",
        "topic",
        "date_after",
        "date_before",
        "cursor",
        "format",
    } <= parameters
    assert {"200", "400", "404", "429"} <= set(operation["responses"])
    assert all(
        "example" in p or "examples" in p for p in operation["parameters"] if p["name"] == "speaker"
    )


def test_docs_are_served_from_our_own_static_files(seeded, client):
    html = client.get("/api/v1/docs/").content.decode()
    assert "/static/drf_spectacular_sidecar/" in html
    assert "cdn" not in html.lower()


@pytest.mark.parametrize("resource", ["debates", "contributions", "speakers", "topics", "parties"])
def test_api_list_queries_do_not_grow_with_rows(db, client, resource):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def count():
        with CaptureQueriesContext(connection) as captured:
            assert (
                client.get(f"/api/v1/{resource}/", HTTP_ACCEPT="application/json").status_code
                == 200
            )
        return len(captured)

    ContributionFactory.create_batch(2)
    count()  # the very first request creates the archive's state row
    few = count()
    ContributionFactory.create_batch(12)
    assert count() == few


def test_api_lists_are_built_once_per_archive_version(seeded, client, django_assert_num_queries):
    path = "/api/v1/contributions/?house=commons&page_size=5"
    first = client.get(path)

    with django_assert_num_queries(1):  # the archive's state: ETag, Last-Modified, cache key
        again = client.get(path)
    assert again.json() == first.json()
    assert again["Link"] == first["Link"]
    # The same data in every format the list speaks, each as asked for.
    assert client.get(path, HTTP_ACCEPT="text/csv")["Content-Type"].startswith("text/csv")
    indented = client.get(path, HTTP_ACCEPT="application/json; indent=2")
    assert indented.json() == first.json() and b'\n  "' in indented.content

    Contribution.objects.filter(house="commons").update(display_name="Renamed Member")
    ArchiveState.touch()  # at commit, which a test never reaches
    assert client.get(path).json()["results"][0]["display_name"] == "Renamed Member"


def test_api_lists_short_of_their_counts_are_kept_briefly(seeded, client, settings):
    settings.FACET_TIME_LIMIT = 0
    settings.DEGRADED_PAGE_SECONDS = 0  # as if the minute they are kept had passed
    path = "/api/v1/contributions/?house=commons"
    assert not any(facet["counted"] for facet in client.get(path).json()["facets"])

    settings.FACET_TIME_LIMIT = 5
    caches["counts"].clear()  # forget that they ran out of time: the list is built again
    assert all(facet["counted"] for facet in client.get(path).json()["facets"])
