"""Parse "Proceeding contribution" records copied from data.parliament.uk.

A file may hold several records one after another; records of one debate become one
debate with several contributions.

A record is one member's contribution: the speech, one paragraph per line, then the
debate's title and a block of metadata, each label on its own line with its value on
the line(s) after it::

    ... They usually do go right, but that does not make for good news on the front page.
    Children, Schools and Families Bill
    Proceeding contribution from
    Tim Loughton
    (Conservative)
    in the House of Commons on Tuesday, 23 February 2010.
    It occurred during Debate on bills on Children, Schools and Families Bill.
    Type
    Proceeding contribution
    Reference
    506 c185-6
    Session
    2009-10
    Chamber / Committee
    House of Commons chamber
    Subjects
    Librarians' tools
    Timestamp
    2024-12-30 18:03:24 +0000
    URI
    http://data.parliament.uk/pimsdata/hansard/CONTRIBUTION_622898

The member is named as the record names them today, so a peer may be named by a title
taken after the speech: the House comes from the "in the House of ... on" line only.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Sequence
from dataclasses import replace

from debates.importing.errors import SourceFormatError
from debates.importing.pages import classify_paragraphs
from debates.importing.parsed import (
    ParsedContribution,
    ParsedDebate,
    ParsedDocument,
    ParsedSpeaker,
)
from debates.importing.parties import resolve_party

FORMAT = "contribution-record"
MARKER_LINE = "Proceeding contribution from"
SITTING_RE = re.compile(
    r"in the House of (?P<house>Commons|Lords) on (?:[A-Za-z]+, )?"
    r"(?P<day>\d{1,2}) (?P<month>[A-Za-z]+) (?P<year>\d{4})\."
)
PARTY_LINE_RE = re.compile(r"\((?P<party>.+)\)")
OCCURRED_PREFIX = "It occurred during "
MONTHS: dict[str, int] = {
    name: number
    for number, name in enumerate(
        (
            "January",
            "February",
            "March",
            "April",
            "May",
            "June",
            "July",
            "August",
            "September",
            "October",
            "November",
            "December",
        ),
        start=1,
    )
}
LABELS: frozenset[str] = frozenset(
    {
        "Type",
        "Reference",
        "Session",
        "Chamber / Committee",
        "Subjects",
        "Timestamp",
        "URI",
        "In Indexing",
        "In Solr",
    }
)
MULTI_LINE_LABELS: frozenset[str] = frozenset({"Subjects"})
SINGLE_LINE_LABELS: frozenset[str] = LABELS - MULTI_LINE_LABELS
# Chamber names as records give them, mapped to the location names debate pages use, so
# one sitting place is one value whichever source it came from.
LOCATIONS: dict[str, str] = {
    "House of Commons chamber": "Commons Chamber",
    "House of Lords chamber": "Lords Chamber",
    "Westminster Hall": "Westminster Hall",
    "House of Lords Grand Committee": "Grand Committee",
}
# The business a contribution was part of, from "It occurred during <business> on <X>.".
KINDS: dict[str, str] = {
    "Debate on bills": "bill",
    "Adjournment debate": "adjournment",
    "Oral questions": "oral questions",
    "Urgent question": "urgent question",
    "Ministerial statement": "ministerial statement",
    "Opposition day": "opposition day",
    "Westminster Hall debate": "westminster hall debate",
    "Question for short debate": "question for short debate",
    "Debate on motions": "motion",
}


def parse_proceeding_record(text: str, path: str) -> ParsedDocument:
    """Parse the text of one or more proceeding contribution records (lines separated by
    "\\n"); records of the same debate, copied one after another, make one debate."""
    lines = [line.strip() for line in text.split("\n")]
    markers = [index for index, line in enumerate(lines) if line == MARKER_LINE]
    if not markers:
        raise SourceFormatError(path, 1, f"no {MARKER_LINE!r} line: not a contribution record")
    debates: dict[tuple, ParsedDebate] = {}
    start = 0
    for position, marker in enumerate(markers):
        is_last = position == len(markers) - 1
        record, start = _parse_record(lines, start, marker, path, is_last=is_last)
        key = (record.title, record.date, record.house, record.location)
        if key in debates:
            earlier = debates[key]
            record = replace(earlier, contributions=earlier.contributions + record.contributions)
        debates[key] = record
    return ParsedDocument(path=path, format=FORMAT, debates=tuple(debates.values()))


def _parse_record(
    lines: Sequence[str], start: int, marker: int, path: str, *, is_last: bool
) -> tuple[ParsedDebate, int]:
    """The record whose marker line is ``marker``, and the index where the next begins."""
    title_index = _previous_non_blank(lines, marker - 1)
    if title_index is None or title_index < start:
        raise SourceFormatError(path, marker + 1, f"no debate title above {MARKER_LINE!r}")
    speech = [line for line in lines[start:title_index] if line]
    if not speech:
        raise SourceFormatError(path, title_index + 1, "no speech text above the debate title")

    member_index = _next_non_blank(lines, marker + 1)
    if member_index is None:
        raise SourceFormatError(path, marker + 1, f"no member name after {MARKER_LINE!r}")
    party: str | None = None
    sitting_index = _next_non_blank(lines, member_index + 1)
    if sitting_index is not None:
        party_match = PARTY_LINE_RE.fullmatch(lines[sitting_index])
        if party_match:
            resolved = resolve_party(party_match["party"])
            party = resolved.name if resolved else party_match["party"]
            sitting_index = _next_non_blank(lines, sitting_index + 1)
    sitting = SITTING_RE.fullmatch(lines[sitting_index]) if sitting_index is not None else None
    if sitting is None:
        where = sitting_index + 1 if sitting_index is not None else member_index + 1
        raise SourceFormatError(
            path,
            where,
            "expected 'in the House of Commons on <weekday>, <day> <month> <year>.' "
            "(or 'House of Lords') after the member's name",
        )
    assert sitting_index is not None  # the match above came from this line
    date = _sitting_date(sitting, path, sitting_index + 1)
    house = sitting["house"].lower()

    kind: str | None = None
    fields_start = sitting_index + 1
    occurred_index = _next_non_blank(lines, fields_start)
    if occurred_index is not None and lines[occurred_index].startswith(OCCURRED_PREFIX):
        kind = _kind(lines[occurred_index].removeprefix(OCCURRED_PREFIX))
        fields_start = occurred_index + 1
    fields, end = _fields(lines, fields_start, to_the_end=is_last)

    chamber = " ".join(fields.get("Chamber / Committee", ()))
    location = LOCATIONS.get(chamber, chamber) or None
    # "506 c185-6\u00a0": the trailing no-break space is copy residue, not reference.
    reference = " ".join(" ".join(fields.get("Reference", ())).split()) or None
    uri = next(iter(fields.get("URI", ())), None)
    session = next(iter(fields.get("Session", ())), None)

    contribution = ParsedContribution(
        speaker=ParsedSpeaker(name=lines[member_index], party=party),
        display_name=lines[member_index],
        role=None,
        paragraphs=classify_paragraphs(speech),
        column_reference=reference,
        source_uri=uri,
        line=1 + next(index for index in range(start, title_index + 1) if lines[index]),
    )
    debate = ParsedDebate(
        title=lines[title_index],
        date=date,
        house=house,
        location=location,
        kind=kind,
        session=session,
        subjects=tuple(fields.get("Subjects", ())),
        contributions=(contribution,),
        line=title_index + 1,
    )
    return debate, end


def looks_like_record(lines: Sequence[str]) -> bool:
    return any(line.strip() == MARKER_LINE for line in lines)


def _sitting_date(sitting: re.Match[str], path: str, line: int) -> datetime.date:
    month = MONTHS.get(sitting["month"])
    try:
        if month is None:
            raise ValueError(f"unknown month {sitting['month']!r}")
        return datetime.date(int(sitting["year"]), month, int(sitting["day"]))
    except ValueError as error:
        raise SourceFormatError(
            path, line, f"unparseable date in {sitting.group(0)!r}: {error}"
        ) from None


def _kind(business: str) -> str | None:
    for prefix, kind in KINDS.items():
        if business.startswith(prefix):
            return kind
    return None


def _fields(
    lines: Sequence[str], start: int, *, to_the_end: bool
) -> tuple[dict[str, tuple[str, ...]], int]:
    """Label -> value lines for the labelled block from ``start``, and where it ends.

    Only "Subjects" runs over several lines. So when another record follows, the block
    ends at the first line after a one-line value that is not a label: the next speech.
    """
    fields: dict[str, list[str]] = {}
    label: str | None = None
    index = start
    while index < len(lines):
        line = lines[index]
        if line in LABELS:
            label = line
            fields.setdefault(label, [])
        elif line and label is not None:
            if not to_the_end and label in SINGLE_LINE_LABELS and fields[label]:
                break
            fields[label].append(line)
        index += 1
    return {label: tuple(values) for label, values in fields.items()}, index


def _next_non_blank(lines: Sequence[str], start: int) -> int | None:
    for index in range(start, len(lines)):
        if lines[index]:
            return index
    return None


def _previous_non_blank(lines: Sequence[str], start: int) -> int | None:
    for index in range(start, -1, -1):
        if lines[index]:
            return index
    return None
