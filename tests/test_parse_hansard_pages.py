"""Debate page parser: one test per quirk of real parallelparliament.co.uk text.

Where each input under tests/data/pages came from (all parallelparliament.co.uk; age
lines keep the site's no-break spaces):

- constituency_with_comma: /mp/speaker/dept-debates/FCDO?page=16 (Oral Answers,
  28 Oct 2014): "Mr Michael McCann (East Kilbride, Strathaven and Lesmahagow) (Lab)",
  "--- Later in debate ---" separator, bare role "Mr Speaker".
- portrait_name_differs: same page: "Lord Swire Portrait Mr Swire" (later peerage) and
  "None Portrait Several hon. Members" / "rose".
- role_before_name: /mp/vicky-ford/debate/Commons/2022-09-06/...: role with commas
  "The Parliamentary Under-Secretary of State for Foreign, Commonwealth and Development
  Affairs (Vicky Ford)".
- short_form_later: /debate/2016-06-09/commons/commons-chamber/oral-answers-to-questions/
  ministerial-extracts: full form first, "David Evennett Portrait Mr Evennett" later;
  "(Limited Text - Ministerial Extracts only)" and "Read Full debate" above the date.
- numbered_question: /mp/meg-munn/dept-debates/cabinet-office (24 Mar 2015): "2. What
  assessment ...", "(Sheffield, Heeley) (Lab/Co-op)", bare role "The Solicitor-General".
- westminster_hall_with_site_note: /mp/emma-lewell-buck/vs/meg-munn/parliament/2010
  ("Government Child Protection Policy", 24 Jun 2014) with the site's three note lines.
- lords_grand_committee: /lord/baroness-bull/vs/baroness-barran (25 Apr 2024): short-date
  index above, "(Baroness Barran) (Con)" after a role.
- peer_with_party_no_constituency, several_blank_lines: /lord/baroness-barran/vs/
  lord-flight ("British Baccalaureate", 21 Jun 2022); several_blank_lines only multiplies
  the blank lines and adds a whitespace-only line.
- multiple_debates_on_one_page: /lord/baroness-barran/vs/lord-pearson-of-rannoch/
  parliament/2019: two debates, "(Non-Afl)", "- View Speech - Hansard - -"; the copy ends
  mid-word ("from Mecca to hi").
- watch_debate_action_line: /mp/earl-of-dundee/debate/Lords/2025-05-22/... ("Read Full
  debate Read Hansard Text Watch Debate Read Debate Ministerial Extracts").
- cut_off_mid_word: /mp/karen-bradley/debate/Commons/2021-01-13/...: ends "to make this
  wor"; also "(No. 2)" title, "[V]" marker, "Department:" line.
- title_with_HL: /lord/lord-bishop-of-norwich2/dept-debates/cabinet-office
  ("House of Lords Reform Bill [HL]", "The Lord Bishop of Norwich" is a name, not a role).
- urgent_question_note: speech text from /mp/kate-green/dept-debates/cabinet-office; the
  note lines are the site's real urgent-question note; the title, date and the Minister's
  speaker line are reconstructed (the copy showed only "(2 years, 2 months ago)").
- procedural_lines: assembled: seed 004's last paragraph followed by Hansard's closing
  lines of an adjournment debate; Mr Speaker / Tom Tugendhat lines from /mp/lindsay-hoyle/
  vs/tom-tugendhat/parliament/2024; Baroness Barran and the amendment furniture ("Amendment
  1", "Moved by", "Member's explanatory statement") from /debate/2026-01-14/lords/
  lords-chamber/childrens-wellbeing-and-schools-bill; the last three procedural lines are
  Hansard's standard wording, added.
- quotation_paragraphs: Lord Harper from /mp/mark-harper/debate/Lords/2026-02-06/... (date
  from that URL), Baroness Walmsley's Lords-style quote (“have regard to the need”,) from
  /lord/baroness-walmsley/dept-debates/DfE?page=4; the closing two-paragraph quotation is
  constructed to cover a quotation spread over paragraphs.

Expected contracts for all of them are in the .json beside each input (checked by
test_golden_files); the tests here pin the behaviour each input exists for.
"""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest

from debates.importing.errors import SourceFormatError
from debates.importing.pages import is_quotation, parse_hansard_page
from debates.importing.parsed import (
    ParagraphKind,
    ParsedContribution,
    ParsedDocument,
    ParsedParagraph,
)

PAGES = Path(__file__).resolve().parent / "data" / "pages"
AGE = "(13\u00a0years, 7\u00a0months ago)"


def parse(name: str) -> ParsedDocument:
    return parse_hansard_page((PAGES / f"{name}.txt").read_text(encoding="utf-8"), name)


def contributions(name: str) -> list[ParsedContribution]:
    return [c for debate in parse(name).debates for c in debate.contributions]


def minimal_page(*body: str, header: str = "") -> str:
    return "\n".join(
        [
            header,
            "Thursday 9th June 2011",
            "",
            AGE,
            "",
            "Commons Chamber",
            "Read Hansard Text",
            "Mark Tami Portrait Mark Tami (Alyn and Deeside) (Lab)",
            "- Hansard - -",
            "",
            *body,
        ]
    )


def test_constituency_with_commas_stays_whole() -> None:
    mccann = contributions("constituency_with_comma")[1]
    assert mccann.speaker.constituency == "East Kilbride, Strathaven and Lesmahagow"
    assert mccann.speaker.party == "Labour"
    assert mccann.display_name == "Mr Michael McCann"


def test_later_separator_is_not_speech() -> None:
    paragraphs = [p.text for c in contributions("constituency_with_comma") for p in c.paragraphs]
    assert "--- Later in debate ---" not in paragraphs


def test_peer_has_party_but_no_constituency() -> None:
    barran, flight = contributions("peer_with_party_no_constituency")
    assert (barran.speaker.name, barran.speaker.party) == ("Baroness Barran", "Conservative")
    assert flight.speaker.constituency is None
    assert flight.display_name == "Lord Flight"


@pytest.mark.parametrize(
    ("name", "index", "role", "display_name", "party"),
    [
        (
            "role_before_name",
            1,
            "The Parliamentary Under-Secretary of State for Foreign, Commonwealth and "
            "Development Affairs",
            "Vicky Ford",
            None,
        ),
        (
            "lords_grand_committee",
            0,
            "The Parliamentary Under-Secretary of State, Department for Education",
            "Baroness Barran",
            "Conservative",
        ),
        ("numbered_question", 0, "The Solicitor-General", "The Solicitor-General", None),
        ("numbered_question", 2, "The Attorney-General", "Jeremy Wright", None),
        ("constituency_with_comma", 0, "Mr Speaker", "Mr Speaker", None),
        ("urgent_question_note", 1, "The Minister for the Cabinet Office", "Jeremy Quin", None),
    ],
)
def test_role_before_name(
    name: str, index: int, role: str, display_name: str, party: str | None
) -> None:
    contribution = contributions(name)[index]
    assert contribution.role == role
    assert contribution.display_name == display_name
    assert contribution.speaker.constituency is None
    assert contribution.speaker.party == party


def test_bishop_is_named_not_a_role() -> None:
    (bishop,) = contributions("title_with_HL")
    assert bishop.role is None
    assert bishop.display_name == "The Lord Bishop of Norwich"


def test_short_form_later_keeps_portrait_name() -> None:
    first, minister, again, minister_again = contributions("short_form_later")
    assert first.speaker.constituency == "South Basildon and East Thurrock"
    assert again.speaker.name == "Stephen Metcalfe"
    assert again.speaker.constituency is None
    assert minister.display_name == "Mr David Evennett"
    assert (minister_again.speaker.name, minister_again.display_name) == (
        "David Evennett",
        "Mr Evennett",
    )
    assert minister_again.role is None


def test_limited_text_header_gives_title() -> None:
    assert parse("short_form_later").debates[0].title == "Oral Answers to Questions"


def test_portrait_name_differs_from_printed_name() -> None:
    swire = contributions("portrait_name_differs")[1]
    assert (swire.speaker.name, swire.display_name) == ("Lord Swire", "Mr Swire")


def test_several_hon_members_rose_is_no_contribution() -> None:
    names = [c.speaker.name for c in contributions("portrait_name_differs")]
    assert names == ["John Bercow", "Lord Swire", "John Bercow"]


def test_westminster_hall_site_note_dropped() -> None:
    (debate,) = parse("westminster_hall_with_site_note").debates
    assert (debate.house, debate.location) == ("commons", "Westminster Hall")
    assert debate.title == "Government Child Protection Policy"
    text = " ".join(p.text for c in debate.contributions for p in c.paragraphs)
    assert "Panel of Chairs" not in text
    assert "Parallel Parliament" not in text


def test_lords_grand_committee_is_lords() -> None:
    (debate,) = parse("lords_grand_committee").debates
    assert (debate.house, debate.location, debate.date) == (
        "lords",
        "Grand Committee",
        datetime.date(2024, 4, 25),
    )
    assert debate.title == "Educational Trips and Exchanges"


def test_urgent_question_note_dropped_and_kind_set() -> None:
    (debate,) = parse("urgent_question_note").debates
    assert debate.kind == "urgent question"
    first = debate.contributions[0].paragraphs[0].text
    assert first.startswith("The Minister may not want to discuss")


def test_watch_debate_action_line_dropped() -> None:
    (debate,) = parse("watch_debate_action_line").debates
    assert debate.title == "Children’s Wellbeing and Schools Bill"
    assert debate.contributions[0].paragraphs[0].text.startswith("My Lords, I realise")


def test_several_blank_lines_are_one_separator() -> None:
    assert [len(c.paragraphs) for c in contributions("several_blank_lines")] == [1, 1, 1]


def test_numbered_question_is_speech() -> None:
    munn = contributions("numbered_question")[1]
    assert munn.paragraphs[0].text.startswith("2. What assessment")
    assert munn.paragraphs[0].kind == ParagraphKind.SPEECH
    assert munn.speaker.constituency == "Sheffield, Heeley"
    assert munn.speaker.party == "Labour (Co-op)"


def test_cut_off_mid_word_kept_as_is() -> None:
    (debate,) = parse("cut_off_mid_word").debates
    assert debate.contributions[0].paragraphs[-1].text.endswith("to make this wor")
    assert debate.title == "Sittings in Westminster Hall (Suspension) (No. 2)"
    assert debate.department == "Leader of the House"
    bradley = debate.contributions[0]
    assert (bradley.display_name, bradley.speaker.constituency) == (
        "Karen Bradley",
        "Staffordshire Moorlands",
    )


def test_title_with_hl() -> None:
    assert parse("title_with_HL").debates[0].title == "House of Lords Reform Bill [HL]"


def test_title_with_slash() -> None:
    text = minimal_page(
        "Does the Minister agree?",
        header="Children/Young People: Online Safety [HL]\n\nMark Tami Excerpts",
    )
    (debate,) = parse_hansard_page(text, "slash").debates
    assert debate.title == "Children/Young People: Online Safety [HL]"


def test_multiple_debates_on_one_page() -> None:
    document = parse("multiple_debates_on_one_page")
    assert [(d.title, d.date) for d in document.debates] == [
        ("Education System", datetime.date(2022, 11, 30)),
        ("Schools: Extremism and Intolerance", datetime.date(2022, 3, 28)),
    ]
    # The second title block is not the first debate's last paragraph.
    last = document.debates[0].contributions[-1].paragraphs[-1].text
    assert last.endswith("many of our schools and trusts.")
    assert document.debates[1].contributions[-1].paragraphs[-1].text.endswith("Mecca to hi")
    assert document.debates[0].contributions[0].speaker.party == "Non-affiliated"


def test_procedural_lines_kept_as_procedural() -> None:
    timpson, speaker, tugendhat, barran = contributions("procedural_lines")
    procedural = [p.text for p in timpson.paragraphs if p.kind == ParagraphKind.PROCEDURAL]
    assert procedural == ["Question put and agreed to.", "5.35 pm", "House adjourned."]
    assert timpson.speech_paragraphs == [timpson.paragraphs[0].text]
    assert speaker.paragraphs[-1] == ParsedParagraph("[Interruption.]", ParagraphKind.PROCEDURAL)
    # An interruption inside the member's sentence stays part of the speech.
    assert tugendhat.paragraphs[0].kind == ParagraphKind.SPEECH
    assert len(barran.speech_paragraphs) == 1
    assert "The House divided:" in [p.text for p in barran.paragraphs]


def test_quotation_paragraphs() -> None:
    harper, walmsley = contributions("quotation_paragraphs")
    kinds = [p.kind for p in harper.paragraphs]
    assert kinds == [
        ParagraphKind.SPEECH,
        ParagraphKind.SPEECH,
        ParagraphKind.QUOTATION,
        ParagraphKind.SPEECH,
    ]
    assert [p.kind for p in walmsley.paragraphs][1:] == [
        ParagraphKind.QUOTATION,
        ParagraphKind.SPEECH,
        ParagraphKind.QUOTATION,
        ParagraphKind.QUOTATION,
    ]
    # Quotations are the member's words as far as the contract goes.
    assert len(walmsley.speech_paragraphs) == 5


@pytest.mark.parametrize(
    ("text", "following", "expected"),
    [
        ("“Working Together to Safeguard Children”.", "", True),
        ("“Gosh,” he said, “hold on”.", "", False),
        ("“First paragraph of a report", "“Second paragraph.”", True),
        ("“First paragraph of a report", "We agree.", False),
        ("The first document, “Working Together”, states the law.", "", False),
    ],
)
def test_is_quotation(text: str, following: str, expected: bool) -> None:
    assert is_quotation(text, following) is expected


def test_source_characters_kept_exactly() -> None:
    text = minimal_page("  He said “no”—and\u00a0meant it.  ")
    (contribution,) = parse_hansard_page(text, "exact").debates[0].contributions
    assert contribution.paragraphs[0].text == "He said “no”—and\u00a0meant it."


def test_prose_mentioning_portrait_is_not_a_speaker() -> None:
    text = minimal_page("The National Portrait Gallery holds records.", "Next paragraph.")
    (contribution,) = parse_hansard_page(text, "portrait").debates[0].contributions
    assert len(contribution.paragraphs) == 2


def test_lines_numbers_point_at_date_and_speaker() -> None:
    (debate,) = parse("peer_with_party_no_constituency").debates
    assert debate.line == 4
    assert [c.line for c in debate.contributions] == [10, 15]


def test_speaker_without_date_is_an_error() -> None:
    text = "Munro Report\n\nToby Perkins Portrait Toby Perkins\n- Hansard - -\n\nSpeech."
    with pytest.raises(SourceFormatError, match="before any debate date line") as caught:
        parse_hansard_page(text, "no-date.txt")
    assert caught.value.line == 3


def test_unparseable_date_is_an_error() -> None:
    text = minimal_page("Speech.").replace("Thursday 9th June 2011", "Thursday 31st June 2011")
    with pytest.raises(SourceFormatError, match="unparseable date") as caught:
        parse_hansard_page(text, "bad-date.txt")
    assert caught.value.line == 2


@pytest.mark.parametrize(
    ("section", "house"),
    [("Written Statements", "commons"), ("Lords Written Statements", "lords")],
)
def test_an_unlisted_section_followed_by_site_links_is_a_location(section, house) -> None:
    text = minimal_page("Speech.").replace("Commons Chamber", section)
    [debate] = parse_hansard_page(text, "section.txt").debates
    assert (debate.location, debate.house) == (section, house)


def test_prose_where_the_location_belongs_is_an_error() -> None:
    text = minimal_page("Speech.").replace("Commons Chamber\nRead Hansard Text\n", "")
    text = text.replace(AGE + "\n\n", AGE + "\n\nThe Minister gave a long answer.\n")
    with pytest.raises(SourceFormatError, match="expected the sitting's location") as caught:
        parse_hansard_page(text, "prose.txt")
    assert caught.value.line == 6


def test_date_without_speakers_is_an_error() -> None:
    text = f"Thursday 9th June 2011\n\n{AGE}\n\nCommons Chamber\nRead Hansard Text\n"
    with pytest.raises(SourceFormatError, match="no '<name> Portrait <name>'") as caught:
        parse_hansard_page(text, "empty-debate.txt")
    assert caught.value.line == 1
