"""Parse debate page text copied from the parallelparliament.co.uk mirror of Hansard.

A page holds one or more debates. Each debate has an optional title block, a date line,
an age line that the site computes on the day of the copy, the sitting's location, a
line of site links, then speaker lines, each followed by "- Hansard -" link noise and
the speech as paragraphs separated by blank lines::

    Munro Report

    Debate between Toby Perkins and Meg Munn
    Thursday 9th June 2011

    (12 years, 11 months ago)

    Commons Chamber
    Read Full debate Read Hansard Text Read Debate Ministerial Extracts
    Mark Tami Portrait Mark Tami (Alyn and Deeside) (Lab)
    - Hansard - -

    Does the Minister accept that we have a media who are obsessed with the blame game? ...

A speaker line reads "<portrait name> Portrait <name as printed at the speech>": the
portrait name is the member's current name, the printed one is what Hansard printed that
day, with a role, constituency and party in brackets as Hansard gave them.

The title block takes several shapes: "<Title> Debate" / "Full Debate: Read Full
Debate" / "Department: <X>" above the date; "<Title>" / "Debate between A and B"; or
"<Title>" / "<Member> Excerpts". Pages listing many debates ("All 3 Debates between A
and B") open with an index of short dates ("Thu 9th Jun 2011") and then repeat the block
per debate.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Sequence
from dataclasses import dataclass

from debates.importing.errors import SourceFormatError
from debates.importing.parsed import (
    ParagraphKind,
    ParsedContribution,
    ParsedDebate,
    ParsedDocument,
    ParsedParagraph,
    ParsedSpeaker,
)
from debates.importing.parties import resolve_party

FORMAT = "page"

# The site's names for where a sitting took place, and the House each belongs to.
LOCATION_HOUSES: dict[str, str] = {
    "Commons Chamber": "commons",
    "Westminster Hall": "commons",
    "Public Bill Committees": "commons",
    "General Committees": "commons",
    "Lords Chamber": "lords",
    "Grand Committee": "lords",
}

# What an unlisted section name looks like: a short heading, not a sentence.
SECTION_HEADING_RE = re.compile(r"[A-Z][A-Za-z’' -]{2,60}")

_WEEKDAYS = "Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday"
_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("January", "Jan"),
            ("February", "Feb"),
            ("March", "Mar"),
            ("April", "Apr"),
            ("May",),
            ("June", "Jun"),
            ("July", "Jul"),
            ("August", "Aug"),
            ("September", "Sep", "Sept"),
            ("October", "Oct"),
            ("November", "Nov"),
            ("December", "Dec"),
        ),
        start=1,
    )
    for name in names
}
_MONTH_ALTERNATIVES = "|".join(sorted(_MONTHS, key=len, reverse=True))
# "Thursday 9th June 2011" above a debate, "Thu 9th Jun 2011" in title blocks and indexes.
LONG_DATE_RE = re.compile(
    rf"(?:{_WEEKDAYS}) (\d{{1,2}})(?:st|nd|rd|th) ({_MONTH_ALTERNATIVES}) (\d{{4}})"
)
SHORT_DATE_RE = re.compile(
    rf"(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) (\d{{1,2}})(?:st|nd|rd|th) ({_MONTH_ALTERNATIVES}) (\d{{4}})"
)
# "(13 years, 7 months ago)", with no-break spaces; live pages say "(began 3 weeks ago)".
AGE_RE = re.compile(r"\((?:began\s+)?\d+\s+\w+(?:,\s+\d+\s+\w+)*\s+ago\)")
ACTION_LINE_RE = re.compile(
    r"(?:(?:Read Full [Dd]ebate|Read Hansard Text|Read Debate Ministerial Extracts|Watch Debate)"
    r"\s*)+"
)
# "- Hansard - - - Excerpts", "- Hansard - -", "- View Speech - Hansard - -": site links.
NOISE_LINE_RE = re.compile(r"-(?: (?:-|Hansard|Excerpts|View Speech))+")
SPEAKER_LINE_RE = re.compile(r"(?P<portrait>\S.*?) Portrait (?P<printed>\S.*)")
DEBATE_BETWEEN_RE = re.compile(r"Debate between .+")
# "Meg Munn Excerpts": the member whose excerpts the page shows, just above the date.
EXCERPTS_LINE_RE = re.compile(r"(?!-).+ Excerpts")
LIMITED_TEXT_LINE = "(Limited Text - Ministerial Extracts only)"
FULL_DEBATE_LINE = "Full Debate: Read Full Debate"
DEPARTMENT_RE = re.compile(r"Department: (?P<department>.+)")
DEBATE_HEADING_SUFFIX = " Debate"
# Index lines on pages that list debates: "All 3 Debates between A and B",
# "5 Meg Munn debates involving the Leader of the House".
INDEX_LINE_RE = re.compile(r"(?:All \d+ Debates between .+|\d+ .+ debates involving .+)")
# The site prints this in place of a portrait when nobody in particular speaks
# ("None Portrait Several hon. Members" / "rose"); it is no member's contribution.
NO_PERSON_PORTRAIT = "None"

# Notes the site adds to explain a kind of sitting; never part of the record.
SITE_NOTE_PREFIXES: tuple[str, ...] = (
    "Westminster Hall is an alternative Chamber for MPs",
    "Each debate is chaired by an MP from the Panel of Chairs",
    "Urgent Questions are proposed each morning",
    "Each Urgent Question requires a Government Minister",
    "This text is a record of ministerial contributions",
    "In 1993, the House of Lords Pepper vs. Hart decision",
    "This extract highlights statements made by Government Ministers",
    "This information is provided by Parallel Parliament",
    "The text on this page has been prepared",
    "--- Later in debate ---",
    LIMITED_TEXT_LINE,
)
URGENT_QUESTION_NOTE_PREFIX = "Urgent Questions are proposed each morning"

# Words Hansard prints that no member spoke: decisions, divisions, stage directions,
# time stamps, and the amendment furniture of Lords report pages.
PROCEDURAL_RES: tuple[re.Pattern[str], ...] = tuple(
    re.compile(pattern)
    for pattern in (
        r"Question put(?:[ ,].*)?\.",
        r"Question (?:accordingly )?(?:agreed to|negatived)\.",
        r"Main Question.* (?:put|agreed to)\.",
        r"The (?:House|Committee) divided[:.]?(?: .*)?",
        r"(?:Ordered|Resolved),(?: .*)?",
        r"Sitting (?:suspended|resumed)\b.*",
        r"Debate (?:resumed|adjourned|interrupted)\b.*",
        r"Amendments? .{1,200} (?:agreed to|agreed|withdrawn|negatived|not moved|disagreed to)\.",
        r"Bill (?:accordingly )?read a (?:First|Second|Third) time\b.*",
        r"(?:Clauses?|Schedules?) .{1,60} (?:agreed(?: to)?|ordered to stand part of the Bill)\.",
        r"Motion (?:agreed(?: to)?|withdrawn|negatived|not moved)\.",
        r"(?:House|Committee) adjourned\b.*",
        r"\[[^\]]+\]",
        r"Several hon\. Members rose\W*",
        r"Hon\. Members: .+",
        r"\d{1,2}[.:]\d{2}(?: ?[ap]m)?",
        r"Moved by",
        r"(?:Amendments?|Clause|Schedule) \d+[A-Z]*",
        r"\d+[A-Z]*: (?:After |Before )?(?:Clause|Schedule|Page|Title)\b.*",
        r"Clause \d+[A-Z]*: .+",
    )
)
EXPLANATORY_STATEMENT_RE = re.compile(r".*Member['’]s explanatory statement")

# A bracketed text before a name is a role when it names an office ...
ROLE_WORD_RE = re.compile(
    r"\b(?:Minister|Secretary|Speaker|Chair|Chairman|Chairwoman|Leader|Solicitor|Attorney|"
    r"Advocate|Chancellor|Whip|Paymaster|Treasurer|Comptroller|Chamberlain|Privy Seal|"
    r"Commissioner|President)\b"
)
# ... or starts with "The", unless it is a peer's or bishop's style.
NAME_STYLE_PREFIXES: tuple[str, ...] = (
    "The Lord Bishop of ",
    "The Bishop of ",
    "The Archbishop of ",
    "The Earl of ",
    "The Countess of ",
    "The Duke of ",
    "The Marquess of ",
)
CHAIR_ANNOTATION = "in the Chair"
URGENT_QUESTION_ANNOTATION = "Urgent Question"
# "[V]": took part remotely. A marker of the sitting, not part of the name.
TRAILING_MARKER_RE = re.compile(r"\s*\[[^\]]*\]$")


@dataclass(frozen=True)
class PrintedSpeaker:
    """What a speaker line says about who spoke."""

    speaker: ParsedSpeaker
    display_name: str
    role: str | None
    urgent_question: bool


@dataclass(frozen=True)
class DebateHeader:
    date: datetime.date
    date_index: int  # 0-based index of the date line
    start_index: int  # first line of the title block (or the date line when there is none)
    body_index: int  # first line after location and action lines
    title: str | None
    department: str | None
    location: str


def parse_hansard_page(text: str, path: str) -> ParsedDocument:
    """Parse the text of a debate page (lines separated by "\\n") into its debates."""
    lines = text.split("\n")
    headers = _find_headers(lines, path)
    _reject_speakers_before(lines, headers[0].start_index if headers else len(lines), path)
    debates: list[ParsedDebate] = []
    for position, header in enumerate(headers):
        end = headers[position + 1].start_index if position + 1 < len(headers) else len(lines)
        debate = _parse_debate(lines, header, end)
        if debate.contributions:
            debates.append(debate)
    if not debates:
        where = headers[0].date_index + 1 if headers else 1
        raise SourceFormatError(
            path, where, "no '<name> Portrait <name>' speaker line with speech after the date line"
        )
    return ParsedDocument(path=path, format=FORMAT, debates=tuple(debates))


def looks_like_page(lines: Sequence[str]) -> bool:
    """Whether text has a speaker line or a debate date line, the marks of a page."""
    return any(
        _is_speaker_line(lines, index) or _is_debate_date(lines, index)
        for index in range(len(lines))
    )


def parse_ordinal_date(text: str, path: str, line: int) -> datetime.date | None:
    """The date of a "Thursday 9th June 2011" or "Thu 9th Jun 2011" line, None if not one.

    A line shaped like a date that names no real day is an error, not a non-date.
    """
    match = LONG_DATE_RE.fullmatch(text) or SHORT_DATE_RE.fullmatch(text)
    if match is None:
        return None
    day, month, year = match.groups()
    try:
        return datetime.date(int(year), _MONTHS[month], int(day))
    except ValueError as error:
        raise SourceFormatError(path, line, f"unparseable date {text!r}: {error}") from None


def _find_headers(lines: Sequence[str], path: str) -> list[DebateHeader]:
    headers: list[DebateHeader] = []
    for index in range(len(lines)):
        if not _is_debate_date(lines, index):
            continue
        date = parse_ordinal_date(lines[index].strip(), path, index + 1)
        assert date is not None  # _is_debate_date matched the shape
        location_index = _next_non_blank(lines, index + 1)
        if location_index is not None and AGE_RE.fullmatch(lines[location_index].strip()):
            location_index = _next_non_blank(lines, location_index + 1)
        if location_index is None:
            raise SourceFormatError(path, index + 1, "date line is not followed by a location")
        location = lines[location_index].strip()
        body_index = location_index + 1
        while body_index < len(lines) and ACTION_LINE_RE.fullmatch(lines[body_index].strip()):
            body_index += 1
        # A section the table does not list ("Written Statements", "Petitions") is still a
        # location when site links or a speaker follow it, as they follow every location.
        first_body = _next_non_blank(lines, body_index)
        confirmed = body_index > location_index + 1 or (
            first_body is not None and _is_speaker_line(lines, first_body)
        )
        if location not in LOCATION_HOUSES and not (
            confirmed and SECTION_HEADING_RE.fullmatch(location)
        ):
            raise SourceFormatError(
                path,
                location_index + 1,
                f"expected the sitting's location after the date line (e.g. "
                f"{', '.join(LOCATION_HOUSES)}), found {location[:80]!r}",
            )
        start_index, title, department = _title_block(lines, index)
        headers.append(
            DebateHeader(
                date=date,
                date_index=index,
                start_index=start_index,
                body_index=body_index,
                title=title,
                department=department,
                location=location,
            )
        )
    return headers


def _is_debate_date(lines: Sequence[str], index: int) -> bool:
    """A date line that opens a debate: followed by the age line or the location.

    Short dates also appear in indexes above a title, so they count only with an age line.
    """
    text = lines[index].strip()
    is_long = LONG_DATE_RE.fullmatch(text) is not None
    if not is_long and SHORT_DATE_RE.fullmatch(text) is None:
        return False
    following = _next_non_blank(lines, index + 1)
    if following is None:
        return False
    after = lines[following].strip()
    return AGE_RE.fullmatch(after) is not None or (is_long and after in LOCATION_HOUSES)


def _title_block(lines: Sequence[str], date_index: int) -> tuple[int, str | None, str | None]:
    """Walk up from a date line over its title block: (first line, title, department)."""
    start = date_index
    title: str | None = None
    department: str | None = None
    index = _previous_non_blank(lines, date_index - 1)
    while index is not None and ACTION_LINE_RE.fullmatch(lines[index].strip()):
        start, index = index, _previous_non_blank(lines, index - 1)
    if index is not None and _introduces_date(lines[index].strip()):
        start, index = index, _previous_non_blank(lines, index - 1)
        if index is not None and _could_be_title(lines, index):
            title = lines[index].strip()
            start, index = index, _previous_non_blank(lines, index - 1)
    while index is not None:
        text = lines[index].strip()
        department_match = DEPARTMENT_RE.fullmatch(text)
        if department_match:
            department = department_match["department"]
        elif text == FULL_DEBATE_LINE:
            heading = _previous_non_blank(lines, index - 1)
            if heading is not None and lines[heading].strip().endswith(DEBATE_HEADING_SUFFIX):
                # The site heads the page "<Title> Debate"; the suffix is its own word.
                heading_title = lines[heading].strip().removesuffix(DEBATE_HEADING_SUFFIX)
                title = title or heading_title
                start, index = heading, _previous_non_blank(lines, heading - 1)
                continue
        elif not (SHORT_DATE_RE.fullmatch(text) or INDEX_LINE_RE.fullmatch(text)):
            break
        start, index = index, _previous_non_blank(lines, index - 1)
    return start, title, department


def _introduces_date(text: str) -> bool:
    return bool(
        DEBATE_BETWEEN_RE.fullmatch(text)
        or (EXCERPTS_LINE_RE.fullmatch(text) and not NOISE_LINE_RE.fullmatch(text))
        or text == LIMITED_TEXT_LINE
    )


def _could_be_title(lines: Sequence[str], index: int) -> bool:
    text = lines[index].strip()
    return not (
        SHORT_DATE_RE.fullmatch(text)
        or LONG_DATE_RE.fullmatch(text)
        or INDEX_LINE_RE.fullmatch(text)
        or NOISE_LINE_RE.fullmatch(text)
        or DEPARTMENT_RE.fullmatch(text)
        or text == FULL_DEBATE_LINE
    )


def _reject_speakers_before(lines: Sequence[str], end: int, path: str) -> None:
    for index in range(end):
        if _is_speaker_line(lines, index):
            raise SourceFormatError(
                path,
                index + 1,
                "speaker line comes before any debate date line "
                "(expected e.g. 'Thursday 9th June 2011' above it)",
            )


def _parse_debate(lines: Sequence[str], header: DebateHeader, end: int) -> ParsedDebate:
    contributions: list[ParsedContribution] = []
    urgent_question = False
    current: tuple[int, PrintedSpeaker | None] | None = None
    paragraphs: list[str] = []

    def close() -> None:
        if current is not None and current[1] is not None and paragraphs:
            line, printed = current
            contributions.append(
                ParsedContribution(
                    speaker=printed.speaker,
                    display_name=printed.display_name,
                    role=printed.role,
                    paragraphs=classify_paragraphs(paragraphs),
                    line=line,
                )
            )

    index = header.body_index
    while index < end:
        text = lines[index].strip()
        if _is_speaker_line(lines, index):
            close()
            match = SPEAKER_LINE_RE.fullmatch(text)
            assert match is not None  # _is_speaker_line matched it
            printed = None
            if match["portrait"] != NO_PERSON_PORTRAIT:
                printed = _parse_printed_name(match["portrait"], match["printed"])
                urgent_question = urgent_question or printed.urgent_question
            current, paragraphs = (index + 1, printed), []
        elif text.startswith(URGENT_QUESTION_NOTE_PREFIX):
            urgent_question = True
        elif text and not NOISE_LINE_RE.fullmatch(text) and not text.startswith(SITE_NOTE_PREFIXES):
            # Text before the first speaker line belongs to no one and is site furniture.
            paragraphs.append(text)
        index += 1
    close()
    return ParsedDebate(
        title=header.title,
        date=header.date,
        house=house_of(header.location),
        location=header.location,
        department=header.department,
        kind="urgent question" if urgent_question else None,
        contributions=tuple(contributions),
        line=header.date_index + 1,
    )


def house_of(location: str) -> str:
    """The House a location belongs to; unlisted sections are the Commons' unless named
    for the Lords ("Lords Written Statements")."""
    if location in LOCATION_HOUSES:
        return LOCATION_HOUSES[location]
    return "lords" if "Lords" in location else "commons"


def _is_speaker_line(lines: Sequence[str], index: int) -> bool:
    """A "<name> Portrait <name>" line with the site's link noise on the next line.

    Requiring the noise line keeps prose that mentions e.g. the National Portrait Gallery
    from being read as a speaker.
    """
    if SPEAKER_LINE_RE.fullmatch(lines[index].strip()) is None:
        return False
    return index + 1 < len(lines) and NOISE_LINE_RE.fullmatch(lines[index + 1].strip()) is not None


def _parse_printed_name(portrait: str, printed: str) -> PrintedSpeaker:
    """Split "The Minister for Children and Families (Tim Loughton)" and the like.

    Bracketed groups are read from the end: a party Hansard recognises, then either the
    person's name (after a role) or the constituency (after a name).
    """
    text = printed.strip()
    while TRAILING_MARKER_RE.search(text):
        text = TRAILING_MARKER_RE.sub("", text)
    head, groups = _split_trailing_groups(text)
    urgent_question = URGENT_QUESTION_ANNOTATION in groups
    groups = [group for group in groups if group != URGENT_QUESTION_ANNOTATION]
    chair = CHAIR_ANNOTATION in groups
    groups = [group for group in groups if group != CHAIR_ANNOTATION]
    party = resolve_party(groups[-1]) if groups else None
    if party is not None:
        groups = groups[:-1]
    constituency: str | None = None
    if _is_role(head):
        role: str | None = head
        display_name = groups[0] if groups else head
        if len(groups) > 1:
            constituency = groups[1]
    else:
        role = CHAIR_ANNOTATION if chair else None
        display_name = head
        if groups:
            constituency = groups[0]
    return PrintedSpeaker(
        speaker=ParsedSpeaker(
            name=portrait.strip(),
            constituency=constituency,
            party=party.name if party else None,
        ),
        display_name=display_name,
        role=role,
        urgent_question=urgent_question,
    )


def _split_trailing_groups(text: str) -> tuple[str, list[str]]:
    """("Meg Munn", ["Sheffield, Heeley", "Lab/Co-op"]) from "Meg Munn (Sheffield, Heeley)
    (Lab/Co-op)", keeping nested brackets inside a group."""
    groups: list[str] = []
    while text.endswith(")"):
        depth = 0
        for position in range(len(text) - 1, -1, -1):
            depth += {")": 1, "(": -1}.get(text[position], 0)
            if depth == 0:
                break
        if depth != 0 or position == 0:
            break
        groups.insert(0, text[position + 1 : -1].strip())
        text = text[:position].rstrip()
    return text, groups


def _is_role(head: str) -> bool:
    if ROLE_WORD_RE.search(head):
        return True
    return head.startswith("The ") and not head.startswith(NAME_STYLE_PREFIXES)


def classify_paragraphs(paragraphs: Sequence[str]) -> tuple[ParsedParagraph, ...]:
    """Each paragraph with its kind: procedural, quotation or the member's speech."""
    kinds: list[ParagraphKind] = []
    after_explanatory_statement = False
    for position, text in enumerate(paragraphs):
        following = paragraphs[position + 1] if position + 1 < len(paragraphs) else ""
        if after_explanatory_statement or any(p.fullmatch(text) for p in PROCEDURAL_RES):
            kind = ParagraphKind.PROCEDURAL
        elif EXPLANATORY_STATEMENT_RE.fullmatch(text):
            # The statement and the paragraph after it explain an amendment for the clerks.
            kind = ParagraphKind.PROCEDURAL
        elif is_quotation(text, following):
            kind = ParagraphKind.QUOTATION
        else:
            kind = ParagraphKind.SPEECH
        after_explanatory_statement = bool(EXPLANATORY_STATEMENT_RE.fullmatch(text))
        kinds.append(kind)
    return tuple(ParsedParagraph(text, kind) for text, kind in zip(paragraphs, kinds, strict=True))


QUOTED_PARAGRAPH_RE = re.compile(r"“[^”]*”[.,;:!?]*")


def is_quotation(text: str, following: str) -> bool:
    """A paragraph wholly inside curly double quotes.

    Hansard opens each paragraph of a long quotation with “ and closes only the last, so
    an unclosed “ paragraph is a quotation when the next paragraph opens with “ too.
    """
    if QUOTED_PARAGRAPH_RE.fullmatch(text):
        return True
    return text.startswith("“") and "”" not in text and following.startswith("“")


def _next_non_blank(lines: Sequence[str], start: int) -> int | None:
    for index in range(start, len(lines)):
        if lines[index].strip():
            return index
    return None


def _previous_non_blank(lines: Sequence[str], start: int) -> int | None:
    for index in range(start, -1, -1):
        if lines[index].strip():
            return index
    return None
