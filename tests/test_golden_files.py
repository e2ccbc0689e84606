"""Golden tests: every source text parses to exactly the JSON contract stored beside it.

Covers the five seed documents in fixtures/sources (expected JSON in tests/data/golden)
and every quirk input under tests/data/pages and tests/data/records (expected JSON next
to each .txt) and tests/data/parlparse (next to each .xml). To regenerate after a
deliberate parser change::

    UPDATE_GOLDEN=1 .venv/bin/pytest tests/test_golden_files.py

then read every changed JSON by eye before committing: the goldens are only worth what
that review makes them.

Seed expectations checked by eye: 000 Mark Tami is "Alyn and Deeside"/"Labour", title
null (the manifest supplies it); 001 is Tim Loughton, Conservative, Commons, 2010-02-23,
"506 c185-6", CONTRIBUTION_622898, "Commons Chamber", "Children, Schools and Families
Bill"; 002 keeps its two quotation paragraphs; 003 is titled "Safeguarding Children"
with department "Department for Education"; 004's first speaker is "Edward Timpson" shown
as "Mr Edward Timpson" in the role "The Parliamentary Under-Secretary of State for
Education", no constituency or party, title null.

ParlParse expectations checked by eye: the Commons file is two debates ("Education: Munro
Review" with its oral heading dropped, "Munro Report" without the adjournment motion that
comes before any speaker), "Hon. Members: Hear, hear!" and "Question put and agreed to."
end the Speaker's "Order." and are left out of the contract as procedural; Westminster
Hall has the chair note cut from its title, “10 Rillington Place”, Members’ and Amicus–a
decoded from Windows-1252 bytes, columns "c71WH"/"c72WH"; the Lords file reads "€259
million" and "Cyprus — Question" without a DTD, and "Noble Lords: Question." is
procedural; the committee sitting is "Public Bill Committees", its chair note no debate.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from debates.importing.detect import parse_document

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "fixtures" / "sources"
DATA = Path(__file__).resolve().parent / "data"
UPDATE = os.environ.get("UPDATE_GOLDEN") == "1"


def _cases() -> list[tuple[Path, Path]]:
    seeds = [(source, DATA / "golden" / f"{source.stem}.json") for source in SEEDS.glob("*.txt")]
    quirks = [
        (source, source.with_suffix(".json"))
        for folder, pattern in (("pages", "*.txt"), ("records", "*.txt"), ("parlparse", "*.xml"))
        for source in (DATA / folder).glob(pattern)
    ]
    return sorted(seeds + quirks)


@pytest.mark.parametrize(
    ("source", "expected"), _cases(), ids=lambda path: path.relative_to(ROOT).as_posix()
)
def test_parses_to_golden_contract(source: Path, expected: Path) -> None:
    path = source.relative_to(ROOT).as_posix()
    contract = parse_document(source.read_bytes(), path).as_contract()
    if UPDATE:
        expected.parent.mkdir(parents=True, exist_ok=True)
        expected.write_text(
            json.dumps(contract, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
        )
    assert contract == json.loads(expected.read_text(encoding="utf-8"))


def test_every_seed_has_a_golden() -> None:
    assert sorted(p.stem for p in (DATA / "golden").glob("*.json")) == sorted(
        p.stem for p in SEEDS.glob("*.txt")
    )
