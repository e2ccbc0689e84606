"""import_hansard on TheyWorkForYou's ParlParse XML: the dry-run contract, all-or-nothing
imports, idempotency, and speakers merged across formats by their person id."""

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from debates.models import Contribution, Debate, Source, Speaker
from tests.conftest import SEED_SOURCES

DATA = Path(__file__).resolve().parent / "data" / "parlparse"
COMMONS = str(DATA / "commons_oral_questions_and_procedural.xml")
PARLPARSE_FILES = [
    COMMONS,
    str(DATA / "westminster_hall_windows_1252_and_dtd.xml"),
    str(DATA / "lords_html_entities_and_noble_lords.xml"),
    str(DATA / "public_bill_committee_sitting.xml"),
]
MUNRO_REPORT_PAGES = [SEED_SOURCES[0], SEED_SOURCES[2]]


def run_import(*paths, **options) -> str:
    out = StringIO()
    call_command("import_hansard", *paths, stdout=out, stderr=StringIO(), **options)
    return out.getvalue()


def speech_file(tmp_path, name: str, speaker: str, *, date="2011-06-14", person_id=10373) -> str:
    """A one-speech Commons Chamber file."""
    path = tmp_path / name
    path.write_text(
        '<?xml version="1.0" encoding="utf-8"?>\n<publicwhip>\n'
        f'<major-heading id="uk.org.publicwhip/debate/{date}a.700.0">Child Protection'
        "</major-heading>\n"
        f'<speech id="uk.org.publicwhip/debate/{date}a.700.1" speakername="{speaker}" '
        f'person_id="uk.org.publicwhip/person/{person_id}" colnum="700">\n'
        "<p>Every local safeguarding children board will publish its serious case reviews.</p>\n"
        "</speech>\n</publicwhip>\n",
        encoding="utf-8",
    )
    return str(path)


def test_dry_run_prints_parlparse_in_the_contract_the_other_formats_use(db):
    payload = json.loads(run_import(COMMONS, SEED_SOURCES[0], dry_run=True, as_json=True))
    parlparse, page = payload["documents"]

    assert parlparse["format"] == "parlparse-xml"
    assert [d["title"] for d in parlparse["debates"]] == ["Education: Munro Review", "Munro Report"]
    assert parlparse.keys() == page.keys()
    assert parlparse["debates"][1].keys() == page["debates"][0].keys()
    reply = parlparse["debates"][1]["contributions"][2]
    assert reply.keys() == page["debates"][0]["contributions"][0].keys()
    assert reply["speaker"] == {"name": "Tim Loughton", "constituency": None, "party": None}
    assert reply["column_reference"] == "c434"


def test_importing_parlparse_files_files_each_place_and_keeps_person_ids(db):
    run_import(*PARLPARSE_FILES)

    assert Source.objects.filter(format="parlparse-xml").count() == 4
    assert set(Debate.objects.values_list("title", "house", "location")) == {
        ("Education: Munro Review", "commons", "Commons Chamber"),
        ("Munro Report", "commons", "Commons Chamber"),
        ("Death Penalty (Global Abolition)", "commons", "Westminster Hall"),
        ("Cyprus — Question", "lords", "Lords Chamber"),
        ("Children and Families Bill", "commons", "Public Bill Committees"),
    }
    assert Speaker.objects.get(twfy_person_id=10373).name == "Tim Loughton"
    assert not Speaker.objects.filter(name__in=["Hon. Members", "Noble Lords"]).exists()
    reply = Contribution.objects.get(source_uri__endswith="#11060948000012")
    assert reply.citation == "HC Deb 9 June 2011, Munro Report"
    assert reply.column_reference == "c434"


def test_importing_parlparse_twice_changes_nothing_and_says_so(db):
    run_import(*PARLPARSE_FILES)
    keys = set(Contribution.objects.values_list("key", flat=True))

    output = run_import(*PARLPARSE_FILES)

    assert f"contributions: 0 created, 0 updated, {len(keys)} unchanged" in output
    assert "speakers: 0 created, 0 updated" in output
    assert "Nothing changed" in output
    assert set(Contribution.objects.values_list("key", flat=True)) == keys


def test_the_same_words_twice_in_one_sitting_are_two_contributions_with_stable_keys(db):
    run_import(COMMONS)
    orders = Contribution.objects.filter(speaker__twfy_person_id=10040).order_by("key")
    keys = list(orders.values_list("key", flat=True))

    assert [order.debate.title for order in orders.order_by("debate__title")] == [
        "Education: Munro Review",
        "Munro Report",
    ]
    assert len(set(keys)) == 2
    run_import(COMMONS)
    assert list(orders.values_list("key", flat=True)) == keys


def test_a_malformed_parlparse_file_among_good_ones_imports_nothing(db, tmp_path):
    bad = tmp_path / "debates2011-06-10a.xml"
    bad.write_bytes(Path(COMMONS).read_bytes().replace(b"</minor-heading>", b"</minor>", 1))

    with pytest.raises(CommandError, match="not well-formed XML") as raised:
        run_import(SEED_SOURCES[0], COMMONS, str(bad))

    assert str(raised.value).startswith(f"{bad}:17: ")
    assert not Debate.objects.exists()
    assert not Speaker.objects.exists()


def test_a_parlparse_file_refused_while_loading_rolls_back_those_written_before_it(db, tmp_path):
    too_long = speech_file(tmp_path, "debates2011-06-14a.xml", "A" * 201, person_id=20000)

    message = f"{too_long}:4: contribution display name is 201 characters long"
    with pytest.raises(CommandError, match=message):
        run_import(*PARLPARSE_FILES, too_long)

    assert not Source.objects.exists()
    assert not Contribution.objects.exists()
    assert not Speaker.objects.exists()


def test_a_speaker_found_by_name_on_a_page_gets_the_person_id_and_one_speech_stays_one(db):
    run_import(*MUNRO_REPORT_PAGES)
    loughton = Speaker.objects.get(name="Tim Loughton")
    assert loughton.twfy_person_id is None

    run_import(COMMONS)

    loughton.refresh_from_db()
    assert loughton.twfy_person_id == 10373
    assert Speaker.objects.filter(name="Tim Loughton").count() == 1
    # The Munro Report speeches the pages carried are the same contributions, now with two
    # sources, in the one "Munro Report" debate.
    tami = Contribution.objects.get(speaker__name="Mark Tami")
    assert sorted(tami.sources.values_list("format", flat=True)) == ["page", "parlparse-xml"]
    assert Debate.objects.filter(title="Munro Report").count() == 1
    assert "Nothing changed" in run_import(*MUNRO_REPORT_PAGES, COMMONS)


def test_the_person_id_finds_a_speaker_printed_under_another_name(db, tmp_path):
    run_import(COMMONS)
    speakers = Speaker.objects.count()

    run_import(speech_file(tmp_path, "debates2011-06-14a.xml", "Timothy Loughton"))

    assert Speaker.objects.count() == speakers
    loughton = Speaker.objects.get(twfy_person_id=10373)
    assert "Timothy Loughton" in set(loughton.names.values_list("name", flat=True))
    assert loughton.contributions.filter(debate__title="Child Protection").exists()


def test_a_namesake_with_another_person_id_is_another_speaker(db, tmp_path):
    run_import(COMMONS)

    run_import(speech_file(tmp_path, "debates2011-06-14a.xml", "Tim Loughton", person_id=99999))

    assert set(
        Speaker.objects.filter(name="Tim Loughton").values_list("twfy_person_id", flat=True)
    ) == {10373, 99999}
