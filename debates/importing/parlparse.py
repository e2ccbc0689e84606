"""Parse ParlParse XML, the form in which TheyWorkForYou publishes Hansard.

A file holds one sitting in one place, named for it: the Commons Chamber
(``debates2011-06-09a.xml``), Westminster Hall (``westminster...``), the Lords
(``lords...``), written ministerial statements (``wms...``, ``lordswms...``) or a public
bill committee (``standing...``). Under a ``<publicwhip>`` root, headings and speeches
follow one another, flat, in the order Hansard printed them::

    <speech id="uk.org.publicwhip/westminhall/2009-10-28a.71.2"
      speakerid="uk.org.publicwhip/member/2006" speakername="Alistair Carmichael"
      colnum="71"  time="009:30:00"
      url="http://www.publications.parliament.uk/.../91028h0001.htm#09102824000209">
      <p pid="a.71.2/1">It is a pleasure to serve again under your chairmanship, ...</p>
    </speech>

The id names the place ("westminhall") and the sitting (2009-10-28, version "a"), so
the date, House and location come from it, or from the file name when an element has
none. Newer files name the speaker with ``person_id="uk.org.publicwhip/person/10373"``,
TheyWorkForYou's id for the person, kept as the speaker's ``twfy_person_id``; older ones
only with ``speakerid="uk.org.publicwhip/member/40123"``, an id for one term of office
that needs TheyWorkForYou's people.xml to become a person, so it is not kept.

What each element becomes:

- ``<major-heading>``, ``<oral-heading>`` and ``<minor-heading>`` each start a debate. A
  minor heading is titled "Major: Minor" under a major heading: a minor heading often
  names business only within its major one ("Topical Questions" within a department's
  questions, "New Clause 1" within a bill), and a debate is one per date, place and
  title, so the minor heading alone would merge unrelated business. Headings keep the
  capitals older files print them in. A note of who is in the chair ("[Mr Joe Benton in
  the Chair]") is cut from a heading, and a heading that is only that starts nothing.
- ``<speech>`` by a person is a contribution: its ``<p>`` paragraphs (inner ``<i>``,
  ``<b>`` and ``<phrase>`` give their text), ``speakeroffice`` as the role, ``colnum`` as
  the column ("c71WH") and ``url`` as its source when no other speech shares that url.
- ``<speech nospeaker="true">`` and speeches by "Hon. Members" or "Noble Lords" are
  procedural paragraphs ("Question put and agreed to.", "Hon. Members: Hear, hear!") of
  the contribution before them, where debate pages print them too. Before the first
  contribution of a debate they belong to no one and are dropped, as pages drop them.
- ``<division>`` is skipped: who voted which way is not speech, and the outcome is the
  procedural text after it ("Question accordingly agreed to."). So is anything else
  (``<gidredirect>``, ...).

Files are not always what they say. Older ones declare ISO-8859-1 but hold Windows-1252
bytes (0x93 for “, 0x96 for –), and use HTML entities (``&nbsp;``, ``&pound;``,
``&mdash;``) that XML does not define, declared in an internal DTD or not at all. So this
module decodes the bytes itself, removes any DTD (its entity declarations are never
expanded: no "billion laughs", no external entities), turns HTML entity references into
characters, and only then lets lxml parse, with entity resolution, DTD loading and
network access off.
"""

from __future__ import annotations

import codecs
import datetime
import html.entities
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import PurePath

from lxml import etree

from debates.importing.errors import SourceFormatError
from debates.importing.pages import classify_paragraphs
from debates.importing.parsed import (
    ParagraphKind,
    ParsedContribution,
    ParsedDebate,
    ParsedDocument,
    ParsedParagraph,
    ParsedSpeaker,
)

FORMAT = "parlparse-xml"
ROOT_TAG = "publicwhip"


@dataclass(frozen=True)
class Place:
    """Where a ParlParse id namespace sat, in the words the other formats use."""

    house: str
    location: str
    column_suffix: str = ""  # Hansard's column suffix: "c71WH", "c99WS"
    kind: str | None = None


# Location names as debate pages and records give them, so one sitting place is one
# value whichever source it came from ("Public Bill Committees" is the pages' section).
PLACES: dict[str, Place] = {
    "debate": Place("commons", "Commons Chamber"),
    "westminhall": Place("commons", "Westminster Hall", "WH"),
    "lords": Place("lords", "Lords Chamber"),
    "wms": Place("commons", "Written Statements", "WS", kind="written statement"),
    "standing": Place("commons", "Public Bill Committees"),
}
# Lords Grand Committee columns are numbered apart from the Chamber's, "GC12": an id whose
# column part starts "GC" is a Grand Committee sitting.
GRAND_COMMITTEE = Place("lords", "Grand Committee", "GC")
# File name prefixes, for elements without an id.
FILE_NAMESPACES: dict[str, str] = {
    "debates": "debate",
    "westminster": "westminhall",
    "lords": "lords",
    "lordswms": "wms",
    "wms": "wms",
    "standing": "standing",
}

# "uk.org.publicwhip/debate/2011-06-09a.433.2"; a committee's sitting repeats its date after
# the committee's name: "uk.org.publicwhip/standing/standing2008-01-15_A_01-0_2008-01-15a.1.2".
GID_RE = re.compile(
    r"uk\.org\.publicwhip/(?P<namespace>[a-z]+)/(?:[^/]*_)?"
    r"(?P<date>\d{4}-\d{2}-\d{2})[a-z]*\.(?P<column_prefix>[A-Z]*)"
)
FILE_NAME_RE = re.compile(
    r"(?P<prefix>lordswms|debates|westminster|lords|wms|standing)"
    r"(?:.*_)?(?P<date>\d{4}-\d{2}-\d{2})[a-z]*\.xml"
)
PERSON_ID_RE = re.compile(r"uk\.org\.publicwhip/person/(?P<number>\d+)")
LORD_ID_PREFIX = "uk.org.publicwhip/lord/"
# Several people at once, or one nobody identified: no person to file the words under.
COLLECTIVE_SPEAKER_RE = re.compile(
    r"(?:(?:several|some|other|an?)\s+)?(?:(?:right\s+)?hon\.?|noble)?\s*(?:members?|lords?)",
    re.IGNORECASE,
)
# "[Mr Joe Benton in the Chair] — Death Penalty (Global Abolition)"
CHAIR_NOTE_RE = re.compile(r"\[[^\]]*\bin the Chair\]\s*(?:[—–-]\s*)?", re.IGNORECASE)

XML_DECLARATION_BYTES_RE = re.compile(rb"\s*<\?xml\b[^>]*\?>")
XML_DECLARATION_RE = re.compile(r"\A\s*<\?xml\b[^>]*\?>")
ENCODING_RE = re.compile(rb"""encoding\s*=\s*["']([A-Za-z0-9._-]+)["']""")
# A file declared ISO-8859-1 is read as the Windows-1252 it really is; UTF-8 (or no
# declaration) as UTF-8.
WINDOWS_1252_NAMES = frozenset({"iso-8859-1", "iso8859-1", "latin-1", "latin1", "windows-1252"})
UTF8_NAMES = frozenset({"utf-8", "utf8", "us-ascii", "ascii"})
# An internal DTD's "]" may be followed by spaces before its ">".
DOCTYPE_RE = re.compile(r"<!DOCTYPE\s[^\[>]*(?:\[.*?\]\s*)?>", re.DOTALL)
LIBXML2_POSITION_RE = re.compile(r"\s*,?\s*line \d+, column \d+$")
ENTITY_REFERENCE_RE = re.compile(r"&([A-Za-z][A-Za-z0-9]*);")
XML_ENTITIES = frozenset({"amp", "lt", "gt", "quot", "apos"})


def _windows_1252_c1() -> dict[int, str]:
    """U+0080..U+009F as the Windows-1252 characters those bytes stand for.

    A latin-1 decoding, or a latin-1 to UTF-8 conversion done upstream, turns the smart
    quotes and dashes of Windows-1252 text into these C1 controls. The five bytes
    Windows-1252 leaves undefined stay as they are.
    """
    table = {}
    for code in range(0x80, 0xA0):
        try:
            table[code] = bytes([code]).decode("cp1252")
        except UnicodeDecodeError:
            continue
    return table


C1_AS_WINDOWS_1252 = _windows_1252_c1()


def looks_like_parlparse(data: bytes) -> bool:
    """Whether a file is XML (or meant to be): it opens with "<" once any BOM and
    leading space are skipped. Debate pages and records open with words."""
    return data.removeprefix(codecs.BOM_UTF8).lstrip().startswith(b"<")


def parse_parlparse_xml(data: bytes, path: str) -> ParsedDocument:
    """Parse the bytes of one ParlParse XML file into its debates."""
    root = _parse_xml(data, path)
    if root.tag != ROOT_TAG:
        raise SourceFormatError(
            path, root.sourceline, f"root element is <{root.tag}>, not ParlParse's <{ROOT_TAG}>"
        )
    reader = _Reader(path, root)
    debates = reader.read()
    if not debates:
        raise SourceFormatError(
            path, root.sourceline, "no <speech> by a named speaker: nothing to import"
        )
    return ParsedDocument(path=path, format=FORMAT, debates=tuple(debates))


# Decoding and parsing ------------------------------------------------------------------


def _parse_xml(data: bytes, path: str) -> etree._Element:
    text = _decode(data, path)
    # The text goes to lxml as UTF-8, which the declaration may deny; the DTD goes so that
    # no entity it declares is ever expanded.
    text = _blank_out(XML_DECLARATION_RE, text)
    text = _blank_out(DOCTYPE_RE, text)
    text = ENTITY_REFERENCE_RE.sub(_html_entity_as_character_reference, text)
    parser = etree.XMLParser(
        resolve_entities=False,
        load_dtd=False,
        no_network=True,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )
    try:
        return etree.fromstring(text.encode("utf-8"), parser)
    except etree.XMLSyntaxError as error:
        # libxml2 ends its message with ", line 7, column 12"; the line leads ours.
        message = LIBXML2_POSITION_RE.sub("", " ".join(error.msg.split()))
        line, column = error.position
        raise SourceFormatError(
            path, line or None, f"not well-formed XML: {message} (column {column})"
        ) from None


def _decode(data: bytes, path: str) -> str:
    data = data.removeprefix(codecs.BOM_UTF8)
    declaration = XML_DECLARATION_BYTES_RE.match(data)
    declared = ENCODING_RE.search(declaration.group(0)) if declaration else None
    encoding = declared.group(1).decode("ascii").lower() if declared else "utf-8"
    if encoding in WINDOWS_1252_NAMES:
        text = data.decode("latin-1")  # every byte is a character; C1 ones are fixed below
    elif encoding in UTF8_NAMES:
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as error:
            raise SourceFormatError(
                path,
                data.count(b"\n", 0, error.start) + 1,
                f"not valid UTF-8 (the file declares {encoding}): byte "
                f"0x{data[error.start]:02x} at offset {error.start}",
            ) from None
    else:
        raise SourceFormatError(
            path, 1, f"encoding {encoding!r} is not one ParlParse uses (UTF-8 or ISO-8859-1)"
        )
    return text.translate(C1_AS_WINDOWS_1252)


def _blank_out(pattern: re.Pattern[str], text: str) -> str:
    """``text`` without the first match of ``pattern``, its line breaks kept so that
    errors and contributions still name the file's own line numbers."""
    return pattern.sub(lambda match: "\n" * match.group(0).count("\n"), text, count=1)


def _html_entity_as_character_reference(match: re.Match[str]) -> str:
    name = match.group(1)
    if name in XML_ENTITIES:
        return match.group(0)
    characters = html.entities.html5.get(f"{name};")
    if characters is None:
        return match.group(0)  # left for the XML parser to report, with its line
    return "".join(f"&#{ord(character)};" for character in characters)


# Reading the elements ------------------------------------------------------------------


@dataclass(frozen=True)
class Sitting:
    date: datetime.date
    place: Place


@dataclass
class _Contribution:
    """A contribution being read: procedural text after it may still join it."""

    speech: etree._Element
    speaker: ParsedSpeaker
    role: str | None
    paragraphs: list[ParsedParagraph]
    url: str | None
    column_reference: str | None


@dataclass
class _Debate:
    title: str | None
    line: int
    url: str | None
    sitting: Sitting | None = None
    contributions: list[_Contribution] = field(default_factory=list)


class _Reader:
    def __init__(self, path: str, root: etree._Element):
        self.path = path
        self.root = root
        # Written statements of both Houses share the "wms" namespace; the Lords' are
        # filed as lordswms... and made by peers.
        self.lords_statements = PurePath(path).name.startswith("lordswms") or any(
            (element.get("speakerid") or "").startswith(LORD_ID_PREFIX) for element in root
        )
        self.file_sitting = self._sitting_from_file_name()
        self.debates: list[_Debate] = []
        self.major: str | None = None

    def read(self) -> list[ParsedDebate]:
        current: _Debate | None = None
        for element in self.root:
            if element.tag in ("major-heading", "oral-heading", "minor-heading"):
                heading = self._heading_text(element)
                if heading is None:
                    continue
                if element.tag != "minor-heading":
                    title = self.major = heading
                elif self.major:
                    title = f"{self.major}: {heading}"
                else:
                    title = heading
                current = _Debate(title=title, line=element.sourceline, url=_url(element))
                current.sitting = self._sitting(element, required=False)
                self.debates.append(current)
            elif element.tag == "speech":
                if current is None:
                    current = _Debate(title=None, line=element.sourceline, url=None)
                    self.debates.append(current)
                self._speech(element, current)
        return self._finish()

    def _heading_text(self, element: etree._Element) -> str | None:
        return CHAIR_NOTE_RE.sub("", _text(element)).strip() or None

    def _speech(self, element: etree._Element, debate: _Debate) -> None:
        if debate.sitting is None:
            debate.sitting = self._sitting(element, required=True)
        pieces = _paragraph_pieces(element)
        name = (element.get("speakername") or "").strip().rstrip(":").strip()
        nospeaker = (element.get("nospeaker") or "").lower() == "true"
        if nospeaker or not name or COLLECTIVE_SPEAKER_RE.fullmatch(name):
            if debate.contributions and pieces:
                texts = [text for text, _ in pieces]
                if name:
                    texts[0] = f"{name}: {texts[0]}"
                debate.contributions[-1].paragraphs.extend(
                    ParsedParagraph(text, ParagraphKind.PROCEDURAL) for text in texts
                )
            return
        if not pieces:
            return
        kinds = classify_paragraphs([text for text, _ in pieces])
        paragraphs = [
            ParsedParagraph(text, _kind(css_class, classified.kind))
            for (text, css_class), classified in zip(pieces, kinds, strict=True)
        ]
        debate.contributions.append(
            _Contribution(
                speech=element,
                speaker=ParsedSpeaker(name=name, twfy_person_id=self._person_id(element)),
                role=(element.get("speakeroffice") or "").strip() or None,
                paragraphs=paragraphs,
                url=_url(element),
                column_reference=self._column_reference(element, debate.sitting.place),
            )
        )

    def _person_id(self, element: etree._Element) -> int | None:
        value = element.get("person_id")
        if not value:
            return None
        match = PERSON_ID_RE.fullmatch(value.strip())
        if match is None:
            raise SourceFormatError(
                self.path,
                element.sourceline,
                f"person_id {value!r} is not of the form 'uk.org.publicwhip/person/10373'",
            )
        return int(match["number"])

    def _column_reference(self, element: etree._Element, place: Place) -> str | None:
        column = re.search(r"\d+", element.get("colnum") or "")
        return f"c{column.group(0)}{place.column_suffix}" if column else None

    def _sitting(self, element: etree._Element, *, required: bool) -> Sitting | None:
        match = GID_RE.match(element.get("id") or "")
        if match is None:
            if self.file_sitting is None and required:
                raise SourceFormatError(
                    self.path,
                    element.sourceline,
                    "no sitting date: the element has no ParlParse id (like "
                    "'uk.org.publicwhip/debate/2011-06-09a.433.2') and the file name does "
                    "not carry one (like 'debates2011-06-09a.xml')",
                )
            return self.file_sitting
        date = self._date(match["date"], element)
        place = self._place(match["namespace"], match["column_prefix"], element)
        return Sitting(date, place)

    def _sitting_from_file_name(self) -> Sitting | None:
        """The sitting a ParlParse file name gives, if it is one: a fallback only, so a
        renamed file whose name says nothing valid is no error."""
        match = FILE_NAME_RE.fullmatch(PurePath(self.path).name)
        if match is None:
            return None
        try:
            date = datetime.date.fromisoformat(match["date"])
        except ValueError:
            return None
        return Sitting(date, self._place(FILE_NAMESPACES[match["prefix"]], "", self.root))

    def _date(self, text: str, element: etree._Element) -> datetime.date:
        try:
            return datetime.date.fromisoformat(text)
        except ValueError as error:
            raise SourceFormatError(
                self.path, element.sourceline, f"unparseable sitting date {text!r}: {error}"
            ) from None

    def _place(self, namespace: str, column_prefix: str, element: etree._Element) -> Place:
        if namespace not in PLACES:
            raise SourceFormatError(
                self.path,
                element.sourceline,
                f"ParlParse {namespace!r} documents are not debates this archive imports "
                f"(it reads {', '.join(PLACES)})",
            )
        if namespace == "lords" and column_prefix == "GC":
            return GRAND_COMMITTEE
        place = PLACES[namespace]
        if namespace == "wms" and self.lords_statements:
            return Place("lords", place.location, place.column_suffix, place.kind)
        return place

    def _finish(self) -> list[ParsedDebate]:
        # A url shared by several speeches (a page address without an anchor) cannot
        # identify any one of them, and a contribution's source must.
        urls = Counter(c.url for d in self.debates for c in d.contributions if c.url)
        debates = []
        for debate in self.debates:
            if not debate.contributions:
                continue
            assert debate.sitting is not None  # set by the first speech at the latest
            debates.append(
                ParsedDebate(
                    title=debate.title,
                    date=debate.sitting.date,
                    house=debate.sitting.place.house,
                    location=debate.sitting.place.location,
                    kind=debate.sitting.place.kind,
                    source_url=debate.url,
                    contributions=tuple(
                        ParsedContribution(
                            speaker=c.speaker,
                            display_name=c.speaker.name,
                            role=c.role,
                            paragraphs=tuple(c.paragraphs),
                            column_reference=c.column_reference,
                            source_uri=c.url if c.url and urls[c.url] == 1 else None,
                            line=c.speech.sourceline,
                            source_id=c.speech.get("id") or None,
                        )
                        for c in debate.contributions
                    ),
                    line=debate.line,
                )
            )
        return debates


def _kind(css_class: str, classified: ParagraphKind) -> ParagraphKind:
    """Hansard's own typesetting, where it says more than the words do."""
    classes = css_class.split()
    if "italic" in classes:
        # Stage directions and decisions: "Motion made, and Question proposed, ...".
        return ParagraphKind.PROCEDURAL
    if "indent" in classes and classified == ParagraphKind.SPEECH:
        # Indented text is quoted matter: a motion, a letter, the words of a question.
        return ParagraphKind.QUOTATION
    return classified


def _paragraph_pieces(speech: etree._Element) -> list[tuple[str, str]]:
    """(text, class) of each paragraph: each child element, or each row of a table."""
    pieces = [(_collapse(speech.text or ""), "")]
    for child in speech:
        if child.tag == "table":
            rows = child.iter("tr")
            pieces.extend((" ".join(_text(cell) for cell in row), "") for row in rows)
        else:
            pieces.append((_text(child), child.get("class") or ""))
        pieces.append((_collapse(child.tail or ""), ""))
    return [(text, css_class) for text, css_class in pieces if text]


def _text(element: etree._Element) -> str:
    # Inline markup joins without spaces: "a solution<b>.</b>" reads "a solution.".
    return _collapse("".join(element.itertext()))


def _collapse(text: str) -> str:
    return " ".join(text.split())


def _url(element: etree._Element) -> str | None:
    url = (element.get("url") or "").strip()
    return url if url.startswith(("http://", "https://")) else None
