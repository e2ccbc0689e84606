"""Citation downloads for a contribution or a debate: RIS, BibTeX and CSL-JSON, the three
formats Zotero, EndNote, Mendeley and pandoc import.

A Reference holds what every format says; each format is one plain function of it.
"""

from __future__ import annotations

import datetime
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass

from .models import Contribution, Debate


@dataclass(frozen=True)
class Reference:
    key: str  # the permanent key or slug: the record's id in every format
    title: str
    author: str | None  # a speaker's name as printed in the archive; None for a debate
    date: datetime.date
    house: str  # "House of Commons"
    series: str  # "House of Commons Debates"
    citation: str  # Hansard's own form, "HC Deb 23 February 2010, vol 506, cc185-6"
    url: str
    volume: int | None = None
    first_column: str | None = None
    last_column: str | None = None


# "cc185-6", "c71WH", "cc216-7GC": the column numbers, and the letters Hansard adds after
# them for Westminster Hall (WH), Grand Committee (GC), written statements (WS) and so on.
COLUMNS = re.compile(r"c{1,2}(?P<first>\d+)(?:-(?P<last>\d+))?(?P<suffix>[A-Z]*)")


def _column_range(contribution: Contribution) -> tuple[str | None, str | None]:
    """("185", "186") from "cc185-6", ("216GC", "217GC") from "cc216-7GC": Hansard
    abbreviates the last column's leading digits and prints the suffix once."""
    match = COLUMNS.fullmatch(contribution.columns or "")
    if match is None:
        return (contribution.columns or None), None
    first, last, suffix = match["first"], match["last"], match["suffix"]
    if last and len(last) < len(first):
        last = first[: len(first) - len(last)] + last
    return first + suffix, (last + suffix if last else None)


def contribution_reference(contribution: Contribution, url: str) -> Reference:
    debate = contribution.debate
    first, last = _column_range(contribution)
    return Reference(
        key=contribution.key,
        title=f"{debate.title}: {contribution.display_name}",
        author=contribution.speaker.name,
        date=debate.date,
        house=debate.get_house_display(),
        series=f"{debate.get_house_display()} Debates",
        citation=contribution.citation,
        url=url,
        volume=contribution.volume,
        first_column=first,
        last_column=last,
    )


def debate_reference(
    debate: Debate, url: str, contributions: Iterable[Contribution] | None = None
) -> Reference:
    """A debate cited whole: the columns from its first to its last held contribution.

    ``contributions`` are the debate's in order, if the caller has them already (the debate
    page does), so that citing it costs no query of its own.
    """
    if contributions is None:
        contributions = debate.contributions.order_by("sequence")
    cited = [c for c in contributions if c.volume is not None]
    first = _column_range(cited[0])[0] if cited else None
    last_first, last_last = _column_range(cited[-1]) if cited else (None, None)
    last = last_last or last_first
    citation = f"{debate.sitting}, {debate.title}"
    if cited:
        citation = f"{debate.sitting}, vol {cited[0].volume}, " + (
            f"cc{first}-{last}" if last and last != first else f"c{first}"
        )
    return Reference(
        key=debate.slug,
        title=debate.title,
        author=None,
        date=debate.date,
        house=debate.get_house_display(),
        series=f"{debate.get_house_display()} Debates",
        citation=citation,
        url=url,
        volume=cited[0].volume if cited else None,
        first_column=first,
        last_column=last if last != first else None,
    )


# RIS --------------------------------------------------------------------------------------


def ris(reference: Reference) -> str:
    """RIS, as EndNote and Zotero read it: a hearing (HEAR), Zotero's type for debates."""
    lines = [("TY", "HEAR"), ("ID", reference.key), ("TI", reference.title)]
    if reference.author:
        lines.append(("AU", reference.author))
    lines += [
        ("PY", str(reference.date.year)),
        ("DA", f"{reference.date:%Y/%m/%d}"),
        ("T2", reference.series),
        ("PB", "UK Parliament"),
        ("CY", "London"),
    ]
    if reference.volume is not None:
        lines.append(("VL", str(reference.volume)))
    if reference.first_column:
        lines.append(("SP", reference.first_column))
    if reference.last_column:
        lines.append(("EP", reference.last_column))
    lines += [("UR", reference.url), ("N1", reference.citation), ("ER", "")]
    return "".join(f"{tag}  - {value}\r\n" for tag, value in lines)


# BibTeX -----------------------------------------------------------------------------------

_LATEX_SPECIAL = re.compile(r"([&%$#_{}~^\\])")
_LATEX_REPLACEMENTS = {
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
    "\\": r"\textbackslash{}",
}


def _latex(text: str) -> str:
    return _LATEX_SPECIAL.sub(lambda m: _LATEX_REPLACEMENTS.get(m[1], "\\" + m[1]), text)


def bibtex(reference: Reference) -> str:
    """A @misc entry (BibTeX has no type for debates); the speaker's name is braced whole,
    so "Baroness Smith of Basildon" is never split into first and last names."""
    fields = [("title", f"{{{_latex(reference.title)}}}")]
    if reference.author:
        fields.append(("author", f"{{{_latex(reference.author)}}}"))
    fields += [
        ("year", str(reference.date.year)),
        ("month", reference.date.strftime("%b").lower()),
        ("date", reference.date.isoformat()),
        ("organization", f"{{{_latex(reference.house)}}}"),
        ("publisher", "{UK Parliament}"),
        ("howpublished", f"{{{_latex(reference.citation)}}}"),
        ("url", f"{{{reference.url}}}"),
    ]
    if reference.volume is not None:
        fields.append(("volume", str(reference.volume)))
    if reference.first_column:
        last = f"--{reference.last_column}" if reference.last_column else ""
        fields.append(("pages", f"{{{reference.first_column}{last}}}"))
    body = ",\n".join(f"  {name} = {value}" for name, value in fields)
    return f"@misc{{{reference.key},\n{body}\n}}\n"


# CSL-JSON ---------------------------------------------------------------------------------


def csl_json(reference: Reference) -> str:
    """A CSL-JSON list of one "speech" item, as citeproc processors and Zotero read it."""
    item = {
        "id": reference.key,
        "type": "speech",
        "title": reference.title,
        "container-title": reference.series,
        "collection-title": "Hansard",
        "publisher": "UK Parliament",
        "publisher-place": "London",
        "event-title": reference.house,
        "issued": {"date-parts": [[reference.date.year, reference.date.month, reference.date.day]]},
        "URL": reference.url,
        "note": reference.citation,
    }
    if reference.author:
        item["author"] = [{"literal": reference.author}]
    if reference.volume is not None:
        item["volume"] = str(reference.volume)
    if reference.first_column:
        item["page"] = "-".join(c for c in (reference.first_column, reference.last_column) if c)
    return json.dumps([item], ensure_ascii=False, indent=2) + "\n"


# format name: (function, media type, file extension)
FORMATS = {
    "ris": (ris, "application/x-research-info-systems", "ris"),
    "bibtex": (bibtex, "application/x-bibtex", "bib"),
    "csl-json": (csl_json, "application/vnd.citationstyles.csl+json", "json"),
}
