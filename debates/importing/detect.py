"""Read a source file's bytes, tell which Hansard format it is in, and parse it.

Three formats are known: debate pages from parallelparliament.co.uk (see ``pages``; a
speaker line looks like "Mark Tami Portrait Mark Tami (Alyn and Deeside) (Lab)"),
data.parliament.uk proceeding contribution records (see ``records``; marked by a line
"Proceeding contribution from") and TheyWorkForYou's ParlParse XML (see ``parlparse``;
a file that opens with "<"). Anything else is rejected with the line at fault.
"""

from __future__ import annotations

import codecs

from debates.importing.errors import SourceFormatError
from debates.importing.pages import looks_like_page, parse_hansard_page
from debates.importing.parlparse import looks_like_parlparse, parse_parlparse_xml
from debates.importing.parsed import ParsedDocument
from debates.importing.records import looks_like_record, parse_proceeding_record

# Signatures of files that are plainly not text, named so the error says what was found.
BINARY_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "PNG image"),
    (b"\xff\xd8\xff", "JPEG image"),
    (b"GIF8", "GIF image"),
    (b"%PDF-", "PDF document"),
    (b"PK\x03\x04", "zip archive (e.g. .docx/.xlsx)"),
    (b"\x1f\x8b", "gzip archive"),
)
# Control characters never found in text; tab, newline, form feed and CR are.
TEXT_CONTROLS = frozenset("\t\n\x0c\r")


def parse_document(data: bytes, path: str) -> ParsedDocument:
    """Decode a source file, detect its format and parse it."""
    if looks_like_parlparse(data):
        # Before decoding: XML declares its own encoding, and ParlParse's is often not UTF-8.
        return parse_parlparse_xml(data, path)
    text = decode_source(data, path)
    lines = text.split("\n")
    if looks_like_record(lines):
        return parse_proceeding_record(text, path)
    if looks_like_page(lines):
        return parse_hansard_page(text, path)
    first = next(index for index, line in enumerate(lines) if line.strip())
    raise SourceFormatError(
        path,
        first + 1,
        "neither a debate page (no '<name> Portrait <name>' speaker line or "
        "'Thursday 9th June 2011' date line) nor a contribution record "
        "(no 'Proceeding contribution from' line)",
    )


def decode_source(data: bytes, path: str) -> str:
    """UTF-8 text with "\\n" line endings; a leading BOM is dropped."""
    if not data:
        raise SourceFormatError(path, 1, "file is empty")
    for signature, name in BINARY_SIGNATURES:
        if data.startswith(signature):
            raise SourceFormatError(path, 1, f"binary file ({name}), not Hansard text")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise SourceFormatError(path, 1, "UTF-16 text; save the file as UTF-8")
    nul = data.find(b"\x00")
    if nul != -1:
        raise SourceFormatError(
            path, _line_of(data, nul), f"binary file (NUL byte at offset {nul}), not Hansard text"
        )
    try:
        text = data.removeprefix(codecs.BOM_UTF8).decode("utf-8")
    except UnicodeDecodeError as error:
        raise SourceFormatError(
            path,
            _line_of(data, error.start),
            f"not valid UTF-8: byte 0x{data[error.start]:02x} at offset {error.start}",
        ) from None
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    for index, line in enumerate(text.split("\n")):
        control = next((c for c in line if c < " " and c not in TEXT_CONTROLS), None)
        if control is not None:
            raise SourceFormatError(
                path,
                index + 1,
                f"binary file (control character U+{ord(control):04X}), not Hansard text",
            )
    if not text.strip():
        raise SourceFormatError(path, 1, "file contains only whitespace")
    return text


def _line_of(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1
