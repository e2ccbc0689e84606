"""Decoding and format detection: what ``parse_document`` accepts and how it refuses."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from debates.importing.detect import parse_document
from debates.importing.errors import SourceFormatError

SOURCES = Path(__file__).resolve().parent.parent / "fixtures" / "sources"
PAGE = (SOURCES / "000_0993ac307f642859.txt").read_bytes()
RECORD = (SOURCES / "001_002d381f6ad93285.txt").read_bytes()


def test_detects_page() -> None:
    assert parse_document(PAGE, "page.txt").format == "page"


def test_detects_record() -> None:
    assert parse_document(RECORD, "record.txt").format == "contribution-record"


@pytest.mark.parametrize(
    "data",
    [
        codecs.BOM_UTF8 + PAGE,
        PAGE.replace(b"\n", b"\r\n"),
        PAGE.replace(b"\n", b"\r"),
    ],
    ids=["bom", "crlf", "cr"],
)
def test_bom_and_line_endings_tolerated(data: bytes) -> None:
    assert parse_document(data, "page.txt") == parse_document(PAGE, "page.txt")


def test_crlf_record_same_as_lf() -> None:
    crlf = parse_document(RECORD.replace(b"\n", b"\r\n"), "r.txt")
    assert crlf == parse_document(RECORD, "r.txt")


@pytest.mark.parametrize(
    ("data", "message", "line"),
    [
        (b"", "file is empty", 1),
        ("  \n\t\n\u00a0".encode(), "only whitespace", 1),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", r"binary file \(PNG image\)", 1),
        (b"Thursday 9th June 2011\nab\x00cd", r"NUL byte at offset 25", 2),
        (b"Thursday 9th June 2011\n\nSome \xff text", "not valid UTF-8: byte 0xff", 3),
        ("\ufeffabc".encode("utf-16"), "UTF-16", 1),
        (b"text\n\x1b[31mred", "control character U\\+001B", 2),
        (
            b"\n\nThe Victorians built many schools.\nThey were often small.\n",
            "neither a debate page",
            3,
        ),
    ],
    ids=["empty", "whitespace", "png", "nul", "invalid-utf8", "utf16", "control", "prose"],
)
def test_refuses_with_message_and_line(data: bytes, message: str, line: int) -> None:
    with pytest.raises(SourceFormatError, match=message) as caught:
        parse_document(data, "bad.txt")
    assert caught.value.line == line
    assert str(caught.value).startswith(f"bad.txt:{line}: ")


def test_page_with_speaker_but_no_date() -> None:
    data = PAGE.replace(b"Thursday 9th June 2011\n", b"")
    with pytest.raises(SourceFormatError, match="before any debate date line") as caught:
        parse_document(data, "no-date.txt")
    assert caught.value.line == 6


def test_record_missing_sitting_line() -> None:
    data = RECORD.replace(b"in the House of Commons on Tuesday, 23 February 2010.\n", b"")
    with pytest.raises(SourceFormatError, match="in the House of") as caught:
        parse_document(data, "no-sitting.txt")
    assert caught.value.line == 8
