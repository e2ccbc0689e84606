"""What a parser returns: frozen dataclasses, independent of Django and of the database."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from enum import StrEnum


class ParagraphKind(StrEnum):
    SPEECH = "speech"
    # Quoted material (a blockquote in the original): a report, a letter, a motion.
    QUOTATION = "quotation"
    # Words Hansard prints that are not the member's: "Question put and agreed to."
    PROCEDURAL = "procedural"


@dataclass(frozen=True)
class ParsedParagraph:
    text: str
    kind: ParagraphKind = ParagraphKind.SPEECH


@dataclass(frozen=True)
class ParsedSpeaker:
    """The person as the source names them, with only the facts the source states."""

    name: str
    constituency: str | None = None
    party: str | None = None  # full party name, e.g. "Labour (Co-op)"
    # TheyWorkForYou's id for the person (10373 in "uk.org.publicwhip/person/10373"): it
    # survives changes of name and title, so it identifies the speaker better than a name.
    twfy_person_id: int | None = None


@dataclass(frozen=True)
class ParsedContribution:
    speaker: ParsedSpeaker
    display_name: str  # the name printed at this speech, e.g. "Mr Timpson"
    role: str | None  # e.g. "The Parliamentary Under-Secretary of State for Education"
    paragraphs: tuple[ParsedParagraph, ...]
    column_reference: str | None = None  # e.g. "506 c185-6", "716 c216-7GC"
    source_uri: str | None = None
    line: int = 0  # 1-based line of the source where this contribution starts
    # The source's own id for this speech, where it has one: ParlParse's
    # "uk.org.publicwhip/debate/2011-06-09a.433.2".
    source_id: str | None = None

    @property
    def speech_paragraphs(self) -> list[str]:
        """The member's own words (speech and quotations), without procedural lines."""
        return [p.text for p in self.paragraphs if p.kind != ParagraphKind.PROCEDURAL]


@dataclass(frozen=True)
class ParsedDebate:
    title: str | None
    date: datetime.date
    house: str  # "commons" | "lords"
    location: str | None  # "Commons Chamber", "Westminster Hall", "Grand Committee", ...
    department: str | None = None
    kind: str | None = None  # "bill", "adjournment", "urgent question", ...
    session: str | None = None  # "2009-10"
    source_url: str | None = None
    subjects: tuple[str, ...] = ()
    contributions: tuple[ParsedContribution, ...] = ()
    line: int = 0


@dataclass(frozen=True)
class ParsedDocument:
    path: str
    format: str  # "page" | "contribution-record" | "parlparse-xml"
    debates: tuple[ParsedDebate, ...] = field(default_factory=tuple)

    def as_contract(self) -> dict:
        """The JSON shape that `import_hansard --dry-run --json` promises other tools."""
        return {
            "path": self.path,
            "format": self.format,
            "debates": [
                {
                    "title": debate.title,
                    "date": debate.date.isoformat(),
                    "house": debate.house,
                    "location": debate.location,
                    "department": debate.department,
                    "contributions": [
                        {
                            "speaker": {
                                "name": c.speaker.name,
                                "constituency": c.speaker.constituency,
                                "party": c.speaker.party,
                            },
                            "display_name": c.display_name,
                            "role": c.role,
                            "paragraphs": c.speech_paragraphs,
                            "column_reference": c.column_reference,
                            "source_uri": c.source_uri,
                        }
                        for c in debate.contributions
                    ],
                }
                for debate in self.debates
            ],
        }
