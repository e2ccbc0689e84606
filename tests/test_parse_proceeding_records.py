"""Proceeding contribution record parser.

Where each input under tests/data/records came from:

- commons_bill_debate: a complete real record, Diana Johnson, 14 Oct 2013, as shown by the
  parliamentary-search prototype for hansard.intranet.data.parliament.uk/Commons/
  2013-10-14/1310143000948 (reference "568 c480" with trailing no-break space).
- without_subjects: the same record with its Subjects label and value removed.
- lords_grand_committee_reference: speech lines from CONTRIBUTION_316098 (a Lords Grand
  Committee contribution); the metadata is constructed in the seed's layout with an
  illustrative member ("Lord Example of Testing") and the "716 c216-7GC" reference form.
- multi_subject: speech lines from CONTRIBUTION_592312 (Lords report stage, child
  safeguarding targets); member, date and the three Subjects lines are illustrative.
- peer_named_by_title_spoke_in_commons: Hugo Swire's Commons answer of 28 Oct 2014 (text
  from parallelparliament.co.uk /mp/speaker/dept-debates/FCDO?page=16), filed under his
  later title "Lord Swire"; reference and URI illustrative.
- westminster_hall: Meg Munn's words in "Government Child Protection Policy" (Westminster
  Hall, 24 Jun 2014, parallelparliament.co.uk); party printed "Labour/Co-operative";
  reference "583 c1WH" and URI illustrative.
"""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest

from debates.importing.errors import SourceFormatError
from debates.importing.parsed import ParsedDebate
from debates.importing.records import parse_proceeding_record

RECORDS = Path(__file__).resolve().parent / "data" / "records"
SEED = Path(__file__).resolve().parent.parent / "fixtures" / "sources" / "001_002d381f6ad93285.txt"


def parse(name: str) -> ParsedDebate:
    text = (RECORDS / f"{name}.txt").read_text(encoding="utf-8")
    (debate,) = parse_proceeding_record(text, name).debates
    return debate


def test_seed_record() -> None:
    document = parse_proceeding_record(SEED.read_text(encoding="utf-8"), "seed")
    assert document.format == "contribution-record"
    (debate,) = document.debates
    assert (debate.title, debate.date, debate.house, debate.location) == (
        "Children, Schools and Families Bill",
        datetime.date(2010, 2, 23),
        "commons",
        "Commons Chamber",
    )
    assert (debate.kind, debate.session, debate.subjects) == (
        "bill",
        "2009-10",
        ("Librarians' tools",),
    )
    (contribution,) = debate.contributions
    assert contribution.speaker.name == "Tim Loughton"
    assert contribution.speaker.party == "Conservative"
    assert contribution.speaker.constituency is None
    assert contribution.column_reference == "506 c185-6"
    assert (
        contribution.source_uri == "http://data.parliament.uk/pimsdata/hansard/CONTRIBUTION_622898"
    )
    assert len(contribution.paragraphs) == 3
    assert contribution.line == 1


def test_lords_grand_committee_reference() -> None:
    debate = parse("lords_grand_committee_reference")
    assert (debate.house, debate.location) == ("lords", "Grand Committee")
    assert debate.contributions[0].column_reference == "716 c216-7GC"


def test_peer_named_by_title_spoke_in_commons() -> None:
    debate = parse("peer_named_by_title_spoke_in_commons")
    assert debate.house == "commons"
    assert debate.contributions[0].speaker.name == "Lord Swire"
    assert debate.kind == "oral questions"


def test_without_subjects() -> None:
    debate = parse("without_subjects")
    assert debate.subjects == ()
    assert debate.contributions[0].source_uri == (
        "http://hansard.intranet.data.parliament.uk/Commons/2013-10-14/1310143000948"
    )


def test_westminster_hall() -> None:
    debate = parse("westminster_hall")
    assert (debate.house, debate.location, debate.kind) == (
        "commons",
        "Westminster Hall",
        "westminster hall debate",
    )
    assert debate.contributions[0].column_reference == "583 c1WH"
    assert debate.contributions[0].speaker.party == "Labour (Co-op)"


def test_multi_subject() -> None:
    debate = parse("multi_subject")
    assert debate.subjects == ("Children", "Child protection", "Librarians' tools")
    assert debate.contributions[0].speaker.party == "Crossbench"
    assert debate.location == "Lords Chamber"


def test_unknown_chamber_kept_as_given() -> None:
    text = SEED.read_text(encoding="utf-8").replace(
        "House of Commons chamber", "Northern Ireland Grand Committee"
    )
    (debate,) = parse_proceeding_record(text, "ni").debates
    assert debate.location == "Northern Ireland Grand Committee"


def test_missing_sitting_line_is_an_error() -> None:
    text = SEED.read_text(encoding="utf-8").replace(
        "in the House of Commons on Tuesday, 23 February 2010.\n", ""
    )
    with pytest.raises(SourceFormatError, match="expected 'in the House of Commons") as caught:
        parse_proceeding_record(text, "no-sitting.txt")
    assert caught.value.line == 8  # where the sitting line should have been


def test_unparseable_date_is_an_error() -> None:
    text = SEED.read_text(encoding="utf-8").replace("23 February 2010", "30 February 2010")
    with pytest.raises(SourceFormatError, match="unparseable date") as caught:
        parse_proceeding_record(text, "bad-date.txt")
    assert caught.value.line == 8


def test_record_without_speech_is_an_error() -> None:
    text = SEED.read_text(encoding="utf-8").split("\n", 3)[3]
    with pytest.raises(SourceFormatError, match="no speech text") as caught:
        parse_proceeding_record(text, "no-speech.txt")
    assert caught.value.line == 1


def test_several_records_in_one_file_are_read_one_after_another() -> None:
    """several_records_in_one_file: seed 001 followed by commons_bill_debate, as a person
    copying two records into one file would leave them."""
    text = (RECORDS / "several_records_in_one_file.txt").read_text(encoding="utf-8")
    first, second = parse_proceeding_record(text, "two.txt").debates
    assert first.title == "Children, Schools and Families Bill"
    assert first.contributions[0].source_uri.endswith("CONTRIBUTION_622898")
    assert first.contributions[0].paragraphs[-1].text.endswith("tabloid newspaper.")
    assert second.title == "Anti-social Behaviour, Crime and Policing Bill"
    assert second.contributions[0].speech_paragraphs[0].startswith("I find it extremely")
    assert second.contributions[0].line == 28  # seed 001 is 27 lines


def test_records_of_one_debate_make_one_debate_in_order() -> None:
    seed = SEED.read_text(encoding="utf-8")
    later = seed.replace("CONTRIBUTION_622898", "CONTRIBUTION_622899").replace(
        "The hon. Gentleman is right.", "I give way."
    )
    (debate,) = parse_proceeding_record(seed + "\n" + later, "one-debate.txt").debates
    assert [c.source_uri[-6:] for c in debate.contributions] == ["622898", "622899"]
