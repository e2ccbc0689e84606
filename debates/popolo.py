"""Popolo JSON (https://www.popoloproject.com/) of every speaker in the archive: persons,
the parties and Houses they belong to, and their memberships, for tools that join people
across parliamentary datasets (ParlParse, TheyWorkForYou, EveryPolitician).

Only what the archive holds. A Speaker row records the party, House and constituency a
member has *now*, so each membership is a current one and carries no dates. The first and
last speeches the archive holds are not the dates a membership began or ended (a member
sat long before and after speaking on safeguarding), so no start_date or end_date is
given: a consumer would read them as a sitting member having left.

The document is streamed, one record a line, in a fixed number of queries however many
speakers there are.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from itertools import islice

from django.urls import reverse

from .models import House, Party, Speaker, SpeakerName

# ParlParse's own Popolo (mysociety/parlparse members/people.json) names its people
# "uk.org.publicwhip/person/<id>", TheyWorkForYou's person id, and gives the
# data.parliament.uk (MNIS) member id under the scheme "datadotparl_id": the same names
# here let a consumer join the two files directly.
TWFY_SCHEME = "uk.org.publicwhip"
MEMBER_ID_SCHEME = "datadotparl_id"
ROWS_PER_FETCH = 2000
RECORDS_PER_CHUNK = 500
# One encoder for every record: json.dumps() with options builds a new one per call.
_encode = json.JSONEncoder(ensure_ascii=False).encode

_LINKS = {
    "type": "array",
    "items": {
        "type": "object",
        "required": ["url"],
        "properties": {"url": {"type": "string", "format": "uri"}, "note": {"type": "string"}},
    },
}
_OTHER_NAMES = {
    "type": "array",
    "items": {
        "type": "object",
        "required": ["name"],
        "properties": {"name": {"type": "string"}, "note": {"type": "string"}},
    },
}
# The document's shape for the OpenAPI schema: the Popolo fields this archive fills in.
OPENAPI_SCHEMA = {
    "type": "object",
    "required": ["persons", "organizations", "memberships"],
    "properties": {
        "persons": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["id", "name", "other_names", "identifiers", "links"],
                "properties": {
                    "id": {"type": "string", "example": "speaker/tim-loughton"},
                    "name": {"type": "string", "example": "Tim Loughton"},
                    "other_names": _OTHER_NAMES,
                    "identifiers": {
                        "type": "array",
                        "description": "Only the identifiers the archive knows.",
                        "items": {
                            "type": "object",
                            "required": ["scheme", "identifier"],
                            "properties": {
                                "scheme": {
                                    "type": "string",
                                    "enum": [TWFY_SCHEME, MEMBER_ID_SCHEME],
                                },
                                "identifier": {
                                    "type": "string",
                                    "example": "uk.org.publicwhip/person/10378",
                                },
                            },
                        },
                    },
                    "links": _LINKS,
                },
            },
        },
        "organizations": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["id", "name", "classification"],
                "properties": {
                    "id": {"type": "string", "example": "party/labour"},
                    "name": {"type": "string", "example": "Labour"},
                    "classification": {"type": "string", "enum": ["party", "chamber"]},
                    "other_names": _OTHER_NAMES,
                    "links": _LINKS,
                },
            },
        },
        "memberships": {
            "type": "array",
            "description": "Current memberships, as the archive records them: no dates.",
            "items": {
                "type": "object",
                "required": ["id", "person_id", "organization_id"],
                "properties": {
                    "id": {"type": "string", "example": "speaker/tim-loughton/house/commons"},
                    "person_id": {"type": "string", "example": "speaker/tim-loughton"},
                    "organization_id": {"type": "string", "example": "house/commons"},
                    "on_behalf_of_id": {"type": "string", "example": "party/conservative"},
                    "area": {
                        "type": "object",
                        "properties": {
                            "name": {"type": "string", "example": "East Worthing and Shoreham"},
                            "classification": {"type": "string", "enum": ["constituency"]},
                        },
                    },
                },
            },
        },
    },
}


def person_id(slug: str) -> str:
    """Built from the permanent slug, never a primary key, so it survives a re-import."""
    return f"speaker/{slug}"


def party_id(slug: str) -> str:
    return f"party/{slug}"


def house_id(house: str) -> str:
    return f"house/{house}"


def document(absolute_url: Callable[[str], str]) -> Iterator[str]:
    """The whole Popolo document as chunks of JSON text.

    ``absolute_url`` turns a path into the URL clients should follow (the request's
    build_absolute_uri).
    """
    yield '{"persons": [\n'
    yield from _array_items(persons(absolute_url))
    yield '],\n"organizations": [\n'
    yield from _array_items(organizations(absolute_url))
    yield '],\n"memberships": [\n'
    yield from _array_items(memberships())
    yield "]}\n"


def _array_items(records: Iterable[dict]) -> Iterator[str]:
    """The records of a JSON array, one a line, sent a few hundred at a time: a chunk per
    record would cost more in the server than the encoding does."""
    encoded = map(_encode, records)
    separator = ""
    while batch := list(islice(encoded, RECORDS_PER_CHUNK)):
        yield separator + ",\n".join(batch)
        separator = ",\n"
    yield "\n"


def _page_url(absolute_url: Callable[[str], str], route: str) -> Callable[[str], str]:
    """A route's absolute URL for any slug, from one reverse(): a reverse() costs tens of
    microseconds, which across 40,000 speakers is seconds."""
    marker = "popolo-slug-marker"
    before, after = absolute_url(reverse(route, kwargs={"slug": marker})).split(marker)
    return lambda slug: f"{before}{slug}{after}"


def persons(absolute_url: Callable[[str], str]) -> Iterator[dict]:
    names = defaultdict(list)
    for speaker_pk, name in SpeakerName.objects.order_by("name").values_list("speaker", "name"):
        names[speaker_pk].append(name)
    speaker_url = _page_url(absolute_url, "debates:speaker-detail")
    rows = (
        Speaker.objects.order_by("slug")
        .values_list("pk", "slug", "name", "twfy_person_id", "parliament_member_id")
        .iterator(chunk_size=ROWS_PER_FETCH)
    )
    for pk, slug, name, twfy_person_id, parliament_member_id in rows:
        identifiers = []
        if twfy_person_id is not None:
            identifiers.append(
                {"scheme": TWFY_SCHEME, "identifier": f"{TWFY_SCHEME}/person/{twfy_person_id}"}
            )
        if parliament_member_id is not None:
            identifiers.append(
                {"scheme": MEMBER_ID_SCHEME, "identifier": str(parliament_member_id)}
            )
        yield {
            "id": person_id(slug),
            "name": name,
            "other_names": [
                {"name": form, "note": "As printed in Hansard"}
                for form in names.get(pk, ())
                if form != name
            ],
            "identifiers": identifiers,
            "links": [{"url": speaker_url(slug), "note": "Safeguarding Debates Archive"}],
        }


def organizations(absolute_url: Callable[[str], str]) -> Iterator[dict]:
    party_url = _page_url(absolute_url, "debates:party-detail")
    for slug, name, short_name in Party.objects.order_by("slug").values_list(
        "slug", "name", "short_name"
    ):
        yield {
            "id": party_id(slug),
            "name": name,
            "classification": "party",
            "other_names": [{"name": short_name, "note": "As printed after a member's name"}],
            "links": [{"url": party_url(slug), "note": "Safeguarding Debates Archive"}],
        }
    for house in House:
        yield {"id": house_id(house.value), "name": house.label, "classification": "chamber"}


def memberships() -> Iterator[dict]:
    rows = (
        Speaker.objects.order_by("slug")
        .values_list("slug", "party__slug", "house", "constituency")
        .iterator(chunk_size=ROWS_PER_FETCH)
    )
    for slug, party_slug, house, constituency in rows:
        if party_slug:
            yield {
                "id": f"{person_id(slug)}/{party_id(party_slug)}",
                "person_id": person_id(slug),
                "organization_id": party_id(party_slug),
            }
        if house:
            seat = {
                "id": f"{person_id(slug)}/{house_id(house)}",
                "person_id": person_id(slug),
                "organization_id": house_id(house),
            }
            if party_slug:
                # Popolo's way of saying which party a member sits for.
                seat["on_behalf_of_id"] = party_id(party_slug)
            if constituency and house == House.COMMONS:
                seat["area"] = {"name": constituency, "classification": "constituency"}
            yield seat
