"""Hostile input (issue #9): whatever a visitor or a script sends, the answer is a page,
a redirect, a 400 or a 404, never a server error."""

from base64 import b64encode

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import clear_caches

OK_STATUSES = {200, 301, 302, 304, 400, 404}

HTML_PAGES = [
    "/",
    "/debates/",
    "/contributions/",
    "/speakers/",
    "/topics/",
    "/search/",
    "/topics/munro-review/",
    "/speakers/tim-loughton/",
    "/parties/labour/",
    "/debates/2011-06-09-munro-report/",
    "/contributions/2011-06-09-hc-fd0d42b894/",
    "/debates/2011-06-09-munro-report.akn",
    "/api/",
]
API_ENDPOINTS = [
    "/api/v1/",
    "/api/v1/debates/",
    "/api/v1/contributions/",
    "/api/v1/speakers/",
    "/api/v1/topics/",
    "/api/v1/parties/",
    "/api/v1/debates/2011-06-09-munro-report/",
    "/api/v1/contributions/2011-06-09-hc-fd0d42b894/",
    "/api/v1/speakers/tim-loughton/",
    "/api/v1/topics/munro-review/",
    "/api/v1/parties/labour/",
    "/api/v1/popolo/",
]
SCHEMA = "/api/v1/schema/"

PARAMETERS = [
    "house",
    "location",
    "department",
    "year",
    "date_after",
    "date_before",
    "speaker",
    "party",
    "topic",
    "debate",
    "q",
    "sort",
    "page",
    "page_size",
    "cursor",
    "format",
    "no_such_parameter",
]


def cursor(query: str) -> str:
    """A cursor as DRF encodes one, around whatever position a client cares to forge."""
    return b64encode(query.encode("ascii")).decode("ascii")


HOSTILE_VALUES = [
    "",
    " ",
    "\x00",
    "tim-loughton\x00",
    "a" * 10_000,
    "9" * 10_000,
    str(2**63),
    str(-(2**63) - 1),
    "-1",
    "0",
    "1e309",
    "NaN",
    "2023-02-30",
    "99999-01-01",
    "0001-01-01",
    "9999-12-31",
    "2011-6-9",
    "2011-06-09T00:00:00",
    "\u200fright-to-left\u200e",
    "\u202eevil",
    "e\u0301\u0301\u0301\u0301",
    "\U0001f4a9",
    "\ufeff",
    "\uffff",
    "١٩٩٩",
    "İstanbul straße",
    "\n",
    "\r\nX-Injected: 1",
    '"',
    '"unclosed phrase',
    "*",
    "review*",
    "NEAR(",
    "NEAR(child protection, 2)",
    "OR",
    "OR OR -",
    "-",
    "--",
    "-child",
    "^",
    "^child",
    ":",
    "text:child",
    "(",
    ")",
    "AND NOT",
    "' OR 1=1 --",
    "1; DROP TABLE debates_debate; --",
    "') UNION SELECT password FROM auth_user --",
    "\\",
    "%",
    "%%",
    "%s",
    "%(value)s",
    "%00",
    "%ff%fe",
    "_",
    "{{ 7|add:7 }}",
    "<script>alert(1)</script>",
    # Real values, so the hostile ones meet working filters, pages and formats too.
    "commons",
    "lords",
    "date",
    "-date",
    "title",
    "-contributions",
    "json",
    "csv",
    "api",
    "2",
    "100",
    "2011",
    "2011-06-09",
    "tim-loughton",
    "labour",
    "munro-review",
    "2011-06-09-munro-report",
    "serious case reviews",
    # Forged cursors: positions and offsets no page link would ever carry.
    cursor("p=%00"),
    cursor("p=" + "9" * 500),
    cursor("o=9223372036854775808&r=1&p=2011"),
    cursor("o=-1&r=x"),
    "cD0yMDExLTA2LTA5",
    "!!!not base64!!!",
]

# Text a client can put in a URL: anything but lone surrogates, which UTF-8 cannot encode.
any_text = st.text(st.characters(exclude_categories=["Cs"]), max_size=40)
one_value = st.one_of(
    st.sampled_from(HOSTILE_VALUES),
    any_text,
    st.lists(st.sampled_from(HOSTILE_VALUES[:60]), min_size=2, max_size=4).map(" ".join),
)
# A list becomes a repeated key: `topic=a&topic=b`.
parameter_value = st.one_of(one_value, st.lists(one_value, min_size=2, max_size=3))
query_strings = st.dictionaries(st.sampled_from(PARAMETERS), parameter_value, max_size=4)
headers = st.fixed_dictionaries(
    {},
    optional={
        # text/html is DRF's browsable API, which renders the filter form from the query.
        "Accept": st.sampled_from(
            ["application/json", "text/csv", "text/html", "*/*", "text/csv; q=0.1", "x/\x7f"]
        ),
        "If-None-Match": st.sampled_from(['"x"', "*", "", "W/", '"' + "a" * 5000]),
        "If-Modified-Since": st.sampled_from(
            ["Wed, 30 Feb 2023 00:00:00 GMT", "not a date", "Fri, 31 Dec 9999 23:59:59 GMT"]
        ),
    },
)

HOSTILE_SETTINGS = settings(
    max_examples=40,
    deadline=None,
    database=None,  # nothing written into the working tree; a failure prints its example
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)


def fetch(client, path, params=None, **extra):
    response = client.get(path, params or {}, **extra)
    if response.streaming:
        # A CSV export fails part-way through its body, after the 200 has been sent.
        b"".join(response.streaming_content)
    return response


def answers_sensibly(response, request_headers=()) -> bool:
    # 429 is no pass: the throttle would be hiding whatever the view did with the input.
    allowed = OK_STATUSES | ({406} if "Accept" in request_headers else set())
    return response.status_code in allowed


@pytest.mark.parametrize("path", HTML_PAGES + API_ENDPOINTS)
@HOSTILE_SETTINGS
@given(params=query_strings, request_headers=headers)
def test_hostile_query_strings_never_cause_a_server_error(
    seeded, client, path, params, request_headers
):
    # Throttle counts and cached facet counts live in the caches: every example starts
    # with neither, so none is throttled and none is answered from an earlier one's counts.
    clear_caches()
    response = fetch(client, path, params, headers=request_headers)
    assert answers_sensibly(response, request_headers), (
        response.status_code,
        response.content[:500],
    )


@settings(HOSTILE_SETTINGS, max_examples=10)
@given(
    params=st.fixed_dictionaries(
        {}, optional={"format": one_value, "lang": one_value, "version": one_value}
    )
)
def test_hostile_schema_parameters_never_cause_a_server_error(db, client, params):
    clear_caches()
    response = fetch(client, SCHEMA, params)
    assert answers_sensibly(response), (response.status_code, response.content[:500])


def test_schema_version_cannot_inject_a_header(db, client):
    # drf-spectacular used to copy ?version= into Content-Disposition: a line break in it
    # raised BadHeaderError (a 500).
    response = client.get(SCHEMA, {"version": "1\r\nSet-Cookie: x=1"})
    assert response.status_code == 200
    assert "Set-Cookie" not in response.headers
    assert "1.0.0" in response.headers["Content-Disposition"]


# Regressions: each of these was a 500.


@pytest.mark.parametrize(
    "path", ["/api/v1/debates/a%00b/", "/api/v1/contributions/%00/", "/api/v1/speakers/%00/"]
)
def test_api_slug_with_a_nul_byte_is_not_found(db, client, path):
    # PostgreSQL refuses a NUL byte in a query; the lookup must never send it one.
    response = client.get(path)
    assert response.status_code == 404
    assert "detail" in response.json()


@pytest.mark.parametrize("sort", ["", "date"])
def test_forged_cursor_with_a_nul_byte_is_not_found(db, client, sort):
    response = client.get("/api/v1/contributions/", {"cursor": cursor("p=%00"), "sort": sort})
    assert response.status_code == 404
    assert response.json()["detail"] == "Invalid cursor"


@pytest.mark.parametrize(
    ("path", "parameter"),
    [
        ("/debates/", "year"),
        ("/api/v1/contributions/", "year"),
        ("/api/v1/debates/", "page"),
        ("/api/v1/debates/", "page_size"),
        ("/api/v1/contributions/", "page_size"),
    ],
)
def test_numbers_too_long_for_int_are_a_400(db, client, path, parameter):
    # int() refuses more than 4,300 digits with a ValueError, not a validation error.
    response = client.get(path, {parameter: "9" * 5000})
    assert response.status_code == 400


@pytest.mark.parametrize(
    "path",
    [
        "/debates/../",
        "/debates/%2e%2e/",
        "/debates/%2e%2e/%2e%2e/etc/passwd",
        "/debates/..%2f..%2fetc%2fpasswd/",
        "/contributions/%00/",
        "/contributions/a%00b/",
        "/%ff%fe/",
        "/debates/%ff%fe/",
        "/speakers/%c0%ae%c0%ae/",
        "/speakers/" + "a" * 10_000 + "/",
        "/topics/" + "%e2%80%8f" * 100 + "/",
        "/debates//",
        "/api/v1//debates/",
        "/debates/2011-06-09-munro-report",
        "/contributions/2011-06-09-hc-fd0d42b894/extra/",
        "/parties/%20/",
        "/api/v1/contributions/%00/",
        "/api/v1/debates/%2e%2e/",
        "/api/v1/speakers/" + "a" * 10_000 + "/",
        "/api/v1/topics/%ff%fe/",
        "/api/v1/no-such-resource/",
        "/api/v2/debates/",
        "/static/../safeguarding_archive/settings.py",
        "/static/%2e%2e/safeguarding_archive/settings.py",
    ],
)
def test_odd_addresses_are_not_found_not_server_errors(db, client, path):
    assert fetch(client, path).status_code in {301, 400, 404}


@pytest.mark.parametrize("path", ["//debates/", "//api/v1/debates/", "//evil.example/"])
def test_paths_starting_with_a_double_slash_are_not_found(db, client, path):
    # Given the path itself: the test client would read "//debates/" as a host name.
    assert fetch(client, "/", PATH_INFO=path).status_code == 404


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/contributions.json",
        "/api/v1/contributions.csv?q=%00",
        "/api/v1/debates/2011-06-09-munro-report.csv",
        "/api/v1/debates/2011-06-09-munro-report.xml",
        "/api/v1/debates/2011-06-09-munro-report.%00",
        "/api/v1/speakers/tim-loughton.json?format=csv",
    ],
)
def test_format_suffixes_never_cause_a_server_error(seeded, client, path):
    assert answers_sensibly(fetch(client, path))
