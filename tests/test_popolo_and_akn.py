"""The data exports: Popolo JSON of speakers, parties and memberships, checked against the
Popolo project's own JSON Schemas, and each debate as Akoma Ntoso XML, checked against the
OASIS schema (both copied into tests/data with their sources)."""

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from jsonschema import Draft3Validator
from jsonschema.exceptions import ValidationError
from lxml import etree
from referencing import Registry
from referencing.jsonschema import DRAFT3

from debates.models import Contribution, Debate, House, Speaker, SpeakerName
from tests.factories import ContributionFactory, DebateFactory, PartyFactory, SpeakerFactory

DATA = Path(__file__).resolve().parent / "data"
AKN = "{http://docs.oasis-open.org/legaldocml/ns/akn/3.0}"


def popolo_validators() -> dict[str, Draft3Validator]:
    """A validator for each of person, organization and membership, resolving the schemas'
    $refs (http://www.popoloproject.com/schemas/*.json) to the copies in tests/data/popolo:
    an unknown $ref fails instead of fetching."""
    schemas = {p.stem: json.loads(p.read_text()) for p in (DATA / "popolo").glob("*.json")}
    registry = Registry().with_resources(
        (schema["id"].rstrip("#"), DRAFT3.create_resource(schema)) for schema in schemas.values()
    )
    return {
        name: Draft3Validator(schemas[name], registry=registry)
        for name in ("person", "organization", "membership")
    }


def popolo(client) -> dict:
    response = client.get("/api/v1/popolo/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    return json.loads(b"".join(response.streaming_content))


def akn(client, debate) -> ET.Element:
    response = client.get(f"/debates/{debate.slug}.akn")
    assert response.status_code == 200, response.content
    return ET.fromstring(response.content)


@pytest.fixture(scope="module")
def akn_schema():
    return etree.XMLSchema(etree.parse(str(DATA / "akn" / "akomantoso30.xsd")))


# Popolo -------------------------------------------------------------------------------


def test_the_popolo_schemas_reject_what_popolo_forbids():
    # Proof that the $refs resolve: an other_name needs a name, in other_name.json.
    with pytest.raises(ValidationError):
        popolo_validators()["person"].validate({"other_names": [{"note": "no name"}]})


def test_popolo_document_is_valid_popolo(seeded, client):
    document = popolo(client)
    validators = popolo_validators()

    for section, schema in [
        ("persons", "person"),
        ("organizations", "organization"),
        ("memberships", "membership"),
    ]:
        assert document[section], section
        for record in document[section]:
            validators[schema].validate(record)
    ids = [record["id"] for section in document.values() for record in section]
    assert len(ids) == len(set(ids))
    for membership in document["memberships"]:
        assert {membership["person_id"], membership["organization_id"]} <= set(ids)


def test_every_speaker_is_a_person_with_their_name_forms_and_page(seeded, client):
    persons = {p["id"]: p for p in popolo(client)["persons"]}

    assert set(persons) == {
        f"speaker/{slug}" for slug in Speaker.objects.values_list("slug", flat=True)
    }
    timpson = persons["speaker/edward-timpson"]
    assert timpson["name"] == "Edward Timpson"
    assert timpson["other_names"] == [
        {"name": "Mr Edward Timpson", "note": "As printed in Hansard"},
        {"name": "Mr Timpson", "note": "As printed in Hansard"},
    ]
    assert timpson["links"] == [
        {
            "url": "http://testserver/speakers/edward-timpson/",
            "note": "Safeguarding Debates Archive",
        }
    ]


def test_parties_and_both_houses_are_organizations(seeded, client):
    organizations = {o["id"]: o for o in popolo(client)["organizations"]}

    assert organizations["party/labour"]["classification"] == "party"
    assert organizations["party/labour"]["other_names"][0]["name"] == "Lab"
    assert organizations["house/commons"] == {
        "id": "house/commons",
        "name": "House of Commons",
        "classification": "chamber",
    }
    assert organizations["house/lords"]["name"] == "House of Lords"


def test_ids_come_from_slugs_so_a_reimport_in_another_order_keeps_them(db, client):
    def build(slugs):
        for slug in slugs:
            SpeakerFactory(
                slug=slug, name=slug.title(), party=PartyFactory(name="Labour"), constituency="Ayr"
            )
        return popolo(client)

    first = build(["alice-able", "bob-baker"])
    Speaker.objects.all().delete()
    again = build(["bob-baker", "alice-able"])  # new primary keys, other way round

    assert again == first


def test_identifiers_are_given_only_where_known(db, client):
    SpeakerFactory(slug="known", twfy_person_id=10378, parliament_member_id=1523)
    SpeakerFactory(slug="twfy-only", twfy_person_id=24800)
    SpeakerFactory(slug="unknown")

    identifiers = {p["id"]: p["identifiers"] for p in popolo(client)["persons"]}

    assert identifiers == {
        "speaker/known": [
            {"scheme": "uk.org.publicwhip", "identifier": "uk.org.publicwhip/person/10378"},
            {"scheme": "datadotparl_id", "identifier": "1523"},
        ],
        "speaker/twfy-only": [
            {"scheme": "uk.org.publicwhip", "identifier": "uk.org.publicwhip/person/24800"}
        ],
        "speaker/unknown": [],
    }


def test_memberships_are_the_current_party_and_house_with_no_invented_dates(db, client):
    labour = PartyFactory(name="Labour")
    crossbench = PartyFactory(name="Crossbench", short_name="XB")
    SpeakerFactory(slug="an-mp", house=House.COMMONS, party=labour, constituency="Chesterfield")
    SpeakerFactory(slug="a-peer", house=House.LORDS, party=crossbench, constituency="")
    SpeakerFactory(slug="nobody-known", house="", party=None, constituency="")

    memberships = {m["id"]: m for m in popolo(client)["memberships"]}

    assert memberships == {
        "speaker/an-mp/party/labour": {
            "id": "speaker/an-mp/party/labour",
            "person_id": "speaker/an-mp",
            "organization_id": "party/labour",
        },
        "speaker/an-mp/house/commons": {
            "id": "speaker/an-mp/house/commons",
            "person_id": "speaker/an-mp",
            "organization_id": "house/commons",
            "on_behalf_of_id": "party/labour",
            "area": {"name": "Chesterfield", "classification": "constituency"},
        },
        "speaker/a-peer/party/crossbench": {
            "id": "speaker/a-peer/party/crossbench",
            "person_id": "speaker/a-peer",
            "organization_id": "party/crossbench",
        },
        "speaker/a-peer/house/lords": {
            "id": "speaker/a-peer/house/lords",
            "person_id": "speaker/a-peer",
            "organization_id": "house/lords",
            "on_behalf_of_id": "party/crossbench",
        },
    }


def test_popolo_queries_do_not_grow_with_speakers(db, client, django_assert_num_queries):
    def read():
        # The archive's state (for the ETag), name forms, speakers, parties, and speakers
        # again for the memberships: the body streams, so count while reading it.
        with django_assert_num_queries(5):
            popolo(client)

    for speaker in SpeakerFactory.create_batch(3):
        SpeakerName.objects.create(speaker=speaker, name=f"Mr {speaker.name}")
    client.get("/api/v1/popolo/")  # the very first request creates the archive's state row
    read()
    for speaker in SpeakerFactory.create_batch(30):
        SpeakerName.objects.create(speaker=speaker, name=f"Mr {speaker.name}")
    read()


def test_popolo_is_not_sent_again_until_the_archive_changes(seeded, client):
    etag = client.get("/api/v1/popolo/")["ETag"]

    assert client.get("/api/v1/popolo/", HTTP_IF_NONE_MATCH=etag).status_code == 304


def test_popolo_is_in_the_openapi_schema_and_the_api_guide(db, client):
    schema = client.get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()

    response = schema["paths"]["/api/v1/popolo/"]["get"]["responses"]["200"]
    body = response["content"]["application/json"]["schema"]
    assert body["type"] == "object"  # one document, not a list
    assert set(body["required"]) == {"persons", "organizations", "memberships"}
    assert "/api/v1/popolo/" in client.get("/api/").content.decode()


# Akoma Ntoso ---------------------------------------------------------------------------


def test_every_seed_debate_is_valid_akoma_ntoso(seeded, client, akn_schema):
    for debate in Debate.objects.all():
        response = client.get(f"/debates/{debate.slug}.akn")
        assert response["Content-Type"] == "application/akn+xml; charset=utf-8"
        assert response["Content-Disposition"] == f'attachment; filename="{debate.slug}.akn.xml"'
        document = etree.fromstring(response.content)
        assert akn_schema.validate(document), (debate.slug, akn_schema.error_log)


def test_each_speech_holds_its_paragraphs_exactly_in_hansard_order(seeded, client):
    debate = next(
        c.debate
        for c in Contribution.objects.select_related("debate")
        if any(p["kind"] == "quotation" for p in c.paragraphs)
    )

    speeches = akn(client, debate).iter(f"{AKN}speech")

    expected = debate.contributions.order_by("sequence")
    for speech, contribution in zip(speeches, expected, strict=True):
        assert speech.get("eId") == f"dbsect_1__speech_{contribution.sequence}"
        assert speech.get("GUID") == f"http://testserver{contribution.get_absolute_url()}"
        assert speech.get("by") == f"#{contribution.speaker.slug}"
        assert speech.find(f"{AKN}from").text == contribution.display_name
        paragraphs = speech.findall(f"{AKN}p")
        assert [p.text for p in paragraphs] == [p["text"] for p in contribution.paragraphs]
        assert [p.get("class") for p in paragraphs] == [
            None if p["kind"] == "speech" else p["kind"] for p in contribution.paragraphs
        ]


def test_identification_and_references_name_the_debate_and_its_speakers(seeded, client):
    debate = Debate.objects.get(slug="2013-10-17-daniel-pelka")
    document = akn(client, debate)
    work = document.find(f".//{AKN}FRBRWork")

    assert work.find(f"{AKN}FRBRuri").get("value") == (
        "/akn/gb/debateRecord/commons/2013-10-17/2013-10-17-daniel-pelka"
    )
    assert work.find(f"{AKN}FRBRdate").get("date") == "2013-10-17"
    assert work.find(f"{AKN}FRBRcountry").get("value") == "gb"
    assert document.find(f".//{AKN}FRBRlanguage").get("language") == "eng"
    people = {p.get("eId"): p.get("showAs") for p in document.iter(f"{AKN}TLCPerson")}
    assert people == {
        c.speaker.slug: c.speaker.name for c in debate.contributions.select_related("speaker")
    }
    assert document.find(f".//{AKN}docTitle").text == debate.title
    assert document.find(f".//{AKN}debateSection/{AKN}heading").text == debate.title


def test_markup_in_the_words_is_escaped_and_characters_xml_cannot_hold_are_dropped(
    db, client, akn_schema
):
    words = 'The <b>"Children & Families"</b> Bill\x0c'
    contribution = ContributionFactory(
        role="Minister for <Children> & Families\x0b",
        paragraphs=[{"kind": "speech", "text": words}],
    )

    response = client.get(f"/debates/{contribution.debate.slug}.akn")

    document = etree.fromstring(response.content)
    assert akn_schema.validate(document), akn_schema.error_log
    [speech] = document.iter(f"{AKN}speech")
    assert speech.find(f"{AKN}p").text == 'The <b>"Children & Families"</b> Bill'
    [role] = document.iter(f"{AKN}TLCRole")
    assert role.get("showAs") == "Minister for <Children> & Families"
    assert speech.get("as") == f"#{role.get('eId')}"


def test_akn_query_count_is_fixed(db, client, django_assert_num_queries):
    debate = DebateFactory()
    ContributionFactory.create_batch(2, debate=debate)
    client.get(f"/debates/{debate.slug}.akn")  # the very first request creates the state row
    # the debate, its contributions with their speakers, the archive's state (the
    # manifestation's date)
    with django_assert_num_queries(3):
        client.get(f"/debates/{debate.slug}.akn")
    ContributionFactory.create_batch(10, debate=debate)
    with django_assert_num_queries(3):
        client.get(f"/debates/{debate.slug}.akn")


def test_an_unknown_debate_is_not_found(db, client):
    assert client.get("/debates/no-such-debate.akn").status_code == 404


def test_format_akn_on_the_debate_page_redirects_to_the_document(seeded, client):
    debate = Debate.objects.first()

    response = client.get(debate.get_absolute_url(), {"format": "akn"})

    assert response.status_code == 301
    assert response["Location"] == f"/debates/{debate.slug}.akn"


def test_the_debate_page_and_the_api_link_the_document(seeded, client):
    debate = Debate.objects.first()

    html = client.get(debate.get_absolute_url()).content.decode()
    body = client.get(f"/api/v1/debates/{debate.slug}/", HTTP_ACCEPT="application/json").json()
    schema = client.get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()

    assert f'href="/debates/{debate.slug}.akn"' in html
    assert "Akoma Ntoso XML" in html
    assert body["akn_url"] == f"http://testserver/debates/{debate.slug}.akn"
    assert "akn_url" in schema["components"]["schemas"]["Debate"]["properties"]
