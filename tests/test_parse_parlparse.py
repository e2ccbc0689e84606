"""TheyWorkForYou's ParlParse XML: structure, speakers, encodings and refusals. No database."""

from __future__ import annotations

import codecs
import datetime
from pathlib import Path

import pytest

from debates.importing.detect import parse_document
from debates.importing.errors import SourceFormatError
from debates.importing.parsed import ParagraphKind

DATA = Path(__file__).resolve().parent / "data" / "parlparse"
COMMONS = DATA / "commons_oral_questions_and_procedural.xml"
WESTMINSTER_HALL = DATA / "westminster_hall_windows_1252_and_dtd.xml"
LORDS = DATA / "lords_html_entities_and_noble_lords.xml"
COMMITTEE = DATA / "public_bill_committee_sitting.xml"

HEAD = '<?xml version="1.0" encoding="utf-8"?>\n'


def parse(path: Path):
    return parse_document(path.read_bytes(), path.name)


def one_speech(gid: str, text: str = "Order.", **attributes: str) -> bytes:
    """A file holding one speech, with the id and speaker attributes given."""
    attributes = {"speakername": "Tim Loughton", **attributes}
    attrs = " ".join(f'{name}="{value}"' for name, value in attributes.items())
    return (
        f'{HEAD}<publicwhip>\n<speech id="{gid}" {attrs}>\n<p>{text}</p>\n</speech>\n'
        "</publicwhip>\n"
    ).encode()


def line_of(path: Path, text: str) -> int:
    lines = path.read_bytes().split(b"\n")
    return next(number for number, line in enumerate(lines, start=1) if text.encode() in line)


def test_parlparse_is_detected_whatever_precedes_its_first_angle_bracket():
    data = one_speech("uk.org.publicwhip/debate/2011-06-09a.1.1")
    for variant in (data, codecs.BOM_UTF8 + data, b"\n  " + data):
        assert parse_document(variant, "x.xml").format == "parlparse-xml"


def test_each_heading_starts_a_debate_and_a_minor_heading_is_titled_under_its_major():
    document = parse(COMMONS)
    # The oral heading and the bare "Education" major heading have no speech of their own.
    assert [debate.title for debate in document.debates] == [
        "Education: Munro Review",
        "Munro Report",
    ]
    for debate in document.debates:
        assert (debate.date, debate.house, debate.location) == (
            datetime.date(2011, 6, 9),
            "commons",
            "Commons Chamber",
        )
    assert document.debates[1].line == line_of(COMMONS, "2011-06-09a.433.0")
    assert document.debates[1].source_url.endswith("110609-0003.htm#11060948000001")


def test_a_speech_gives_speaker_person_id_role_column_source_and_line():
    munro_report = parse(COMMONS).debates[1]
    reply = munro_report.contributions[2]
    assert reply.speaker.name == reply.display_name == "Tim Loughton"
    assert reply.speaker.twfy_person_id == 10373
    assert reply.role == "The Parliamentary Under-Secretary of State for Education"
    assert reply.column_reference == "c434"
    assert reply.source_uri.endswith("110609-0003.htm#11060948000012")
    assert reply.source_id == "uk.org.publicwhip/debate/2011-06-09a.434.1"
    assert reply.line == line_of(COMMONS, 'id="uk.org.publicwhip/debate/2011-06-09a.434.1"')


def test_a_url_shared_by_several_speeches_is_no_speech_s_source():
    questions = parse(COMMONS).debates[0]
    assert [c.source_uri for c in questions.contributions] == [None, None, None]


def test_text_without_a_speaker_ends_the_contribution_before_it_as_procedural():
    questions, munro_report = parse(COMMONS).debates
    order = questions.contributions[-1]
    assert [(p.text, p.kind) for p in order.paragraphs] == [
        ("Order.", ParagraphKind.SPEECH),
        ("Hon. Members: Hear, hear!", ParagraphKind.PROCEDURAL),
    ]
    assert order.speech_paragraphs == ["Order."]
    # The division between them is skipped; the decision after it is kept.
    assert [p.text for p in munro_report.contributions[-1].paragraphs] == [
        "Order.",
        "Question put and agreed to.",
    ]


def test_procedural_text_before_any_speaker_is_dropped():
    munro_report = parse(COMMONS).debates[1]
    assert munro_report.contributions[0].speaker.name == "Meg Munn"
    assert not any(
        "Motion made" in p.text for c in munro_report.contributions for p in c.paragraphs
    )


def test_inline_markup_gives_its_text_and_classes_give_paragraph_kinds():
    answer = parse(COMMONS).debates[0].contributions[1]
    assert [(p.text, p.kind) for p in answer.paragraphs] == [
        (
            "We published Professor Munro’s final report on 10 May, and we will respond to "
            "it in full shortly.",
            ParagraphKind.SPEECH,
        ),
        ("“A system that values professional expertise”", ParagraphKind.QUOTATION),
        (
            "That is the direction of travel, and children & families will be better for it.",
            ParagraphKind.SPEECH,
        ),
    ]
    lords_answer = parse(LORDS).debates[0].contributions[1]
    assert lords_answer.paragraphs[0].text.endswith("our support for a solution.")


def test_windows_1252_bytes_in_a_file_declared_iso_8859_1_are_read_as_windows_1252():
    debate = parse(WESTMINSTER_HALL).debates[0]
    texts = [p.text for c in debate.contributions for p in c.paragraphs]
    assert any("book, “10 Rillington Place”, about" in text for text in texts)
    assert any("Register of Members’ Interests" in text for text in texts)
    assert any("called Amicus–a charity" in text for text in texts)
    # Entities the file's own DTD declared are read without the DTD: £ and a no-break space.
    assert any("legal costs run to £1,000 a day." in text for text in texts)


def test_dtd_removal_keeps_the_file_s_line_numbers():
    debate = parse(WESTMINSTER_HALL).debates[0]
    assert debate.line == line_of(WESTMINSTER_HALL, "2009-10-28a.71.0")
    assert [c.line for c in debate.contributions] == [
        line_of(WESTMINSTER_HALL, f'"uk.org.publicwhip/westminhall/2009-10-28a.71.{n}"')
        for n in (2, 3, 5, 6)
    ]


def test_html_entities_xml_does_not_define_are_read_with_no_dtd():
    debate = parse(LORDS).debates[0]
    assert debate.title == "Cyprus — Question"
    assert "has contributed €259 million in an aid package" in (
        debate.contributions[-1].paragraphs[0].text
    )


def test_c1_controls_in_utf8_text_are_read_as_the_windows_1252_characters_they_were():
    data = one_speech(
        "uk.org.publicwhip/debate/2011-06-09a.1.1", text="\u0093Gosh\u0094 \u0096 yes"
    )
    [debate] = parse_document(data, "x.xml").debates
    assert debate.contributions[0].paragraphs[0].text == "“Gosh” – yes"


def test_a_chair_note_is_not_a_title_and_starts_no_debate():
    [hall] = parse(WESTMINSTER_HALL).debates
    assert hall.title == "Death Penalty (Global Abolition)"
    [committee] = parse(COMMITTEE).debates
    assert committee.title == "Children and Families Bill"
    assert [p.kind for p in committee.contributions[0].paragraphs] == [
        ParagraphKind.SPEECH,
        ParagraphKind.QUOTATION,
        ParagraphKind.PROCEDURAL,
    ]


def test_collective_speakers_are_procedural_text_not_people():
    debate = parse(LORDS).debates[0]
    assert "Noble Lords" not in {c.speaker.name for c in debate.contributions}
    assert debate.contributions[2].paragraphs[-1].text == "Noble Lords: Question."
    assert debate.contributions[2].paragraphs[-1].kind == ParagraphKind.PROCEDURAL


def test_member_ids_of_older_files_are_not_taken_for_person_ids():
    debate = parse(WESTMINSTER_HALL).debates[0]
    assert {c.speaker.twfy_person_id for c in debate.contributions} == {None}
    assert parse(LORDS).debates[0].contributions[0].speaker.twfy_person_id == 13660


@pytest.mark.parametrize(
    ("gid", "colnum", "file_name", "expected"),
    [
        ("debate/2011-06-09a.433.2", "433", "x.xml", ("commons", "Commons Chamber", "c433")),
        ("westminhall/2009-10-28a.71.2", "71", "x.xml", ("commons", "Westminster Hall", "c71WH")),
        ("lords/2009-10-28a.1161.7", "1161", "x.xml", ("lords", "Lords Chamber", "c1161")),
        ("lords/2011-01-12a.GC12.3", "GC12", "x.xml", ("lords", "Grand Committee", "c12GC")),
        (
            "wms/2009-10-28a.99.3",
            "99",
            "wms2009-10-28a.xml",
            ("commons", "Written Statements", "c99WS"),
        ),
        (
            "wms/2009-10-28a.99.3",
            "99",
            "lordswms2009-10-28a.xml",
            ("lords", "Written Statements", "c99WS"),
        ),
        (
            "standing/standing2013-03-05_CHILDRENANDFAMILIES_01-0_2013-03-05a.2.1",
            "3",
            "x.xml",
            ("commons", "Public Bill Committees", "c3"),
        ),
    ],
)
def test_house_location_and_column_come_from_the_id_namespace(gid, colnum, file_name, expected):
    data = one_speech(f"uk.org.publicwhip/{gid}", colnum=colnum)
    [debate] = parse_document(data, file_name).debates
    assert (debate.house, debate.location, debate.contributions[0].column_reference) == expected


def test_written_statements_by_peers_are_the_lords_and_of_their_kind():
    data = one_speech(
        "uk.org.publicwhip/wms/2009-10-28a.101.1",
        speakername="Lord Bach",
        speakerid="uk.org.publicwhip/lord/100030",
    )
    [debate] = parse_document(data, "x.xml").debates
    assert (debate.house, debate.kind) == ("lords", "written statement")


def test_the_file_name_dates_a_file_whose_elements_have_no_ids():
    data = f"{HEAD}<publicwhip>\n<speech speakername='Tim Loughton'><p>Yes.</p></speech>\n"
    data += "</publicwhip>\n"
    [debate] = parse_document(data.encode(), "westminster2014-06-24a.xml").debates
    assert (debate.date, debate.location) == (datetime.date(2014, 6, 24), "Westminster Hall")


@pytest.mark.parametrize(
    ("data", "line", "message"),
    [
        (
            f"{HEAD}<publicwhip>\n<speech speakername='A B'>\n<p>open\n</speech>\n</publicwhip>",
            5,  # where </speech> closes what the unclosed <p> of line 4 left open
            "not well-formed XML: Opening and ending tag mismatch: p line 4 and speech",
        ),
        (
            one_speech("uk.org.publicwhip/debate/2011-06-09a.1.1", text="&bogus;").decode(),
            4,
            "Entity 'bogus' not defined",
        ),
        (
            f"{HEAD}<html>\n<body/>\n</html>",
            2,
            "root element is <html>, not ParlParse's <publicwhip>",
        ),
        (
            one_speech("uk.org.publicwhip/spor/2011-06-09a.1.1").decode(),
            3,
            "ParlParse 'spor' documents are not debates this archive imports",
        ),
        (
            one_speech("uk.org.publicwhip/debate/2011-06-09a.1.1", person_id="10373").decode(),
            3,
            "person_id '10373' is not of the form",
        ),
        (
            f"{HEAD}<publicwhip>\n<speech speakername='A B'><p>x</p></speech>\n</publicwhip>",
            3,
            "no sitting date",
        ),
        (
            f"{HEAD}<publicwhip>\n<major-heading id='uk.org.publicwhip/debate/2011-06-09a.1.0'>"
            "Prayers</major-heading>\n</publicwhip>",
            2,
            "no <speech> by a named speaker",
        ),
    ],
    ids=[
        "malformed",
        "unknown-entity",
        "not-parlparse",
        "unsupported-namespace",
        "bad-person-id",
        "no-date",
        "no-speech",
    ],
)
def test_refuses_with_the_line_at_fault(data: str, line: int, message: str):
    with pytest.raises(SourceFormatError, match=message) as caught:
        parse_document(data.encode(), "bad.xml")
    assert caught.value.line == line
    assert str(caught.value).startswith(f"bad.xml:{line}: ")


def test_bytes_that_are_not_the_declared_utf8_are_refused_with_their_line():
    data = f"{HEAD}<publicwhip>\n\n<p>".encode() + b"caf\xe9</p></publicwhip>"
    with pytest.raises(SourceFormatError, match=r"not valid UTF-8 .* byte 0xe9") as caught:
        parse_document(data, "bad.xml")
    assert caught.value.line == 4


@pytest.mark.parametrize(
    "declarations",
    [
        # "Billion laughs": entities that expand into more entities.
        '<!ENTITY lol "lol">\n<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">',
        # An external entity would read a local file into the speech.
        '<!ENTITY lol2 SYSTEM "file:///etc/passwd">',
    ],
    ids=["entity-expansion", "external-entity"],
)
def test_entities_a_dtd_declares_are_never_expanded(declarations: str):
    speech = one_speech("uk.org.publicwhip/debate/2011-06-09a.1.1", text="&lol2;").decode()
    data = speech.replace(HEAD, f"{HEAD}<!DOCTYPE publicwhip [\n{declarations}\n]>\n")
    with pytest.raises(SourceFormatError, match="Entity 'lol2' not defined"):
        parse_document(data.encode(), "hostile.xml")
