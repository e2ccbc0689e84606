"""Citation downloads read back by the parsers reference managers use."""

import json

import bibtexparser
import pytest
import rispy
from citeproc import (
    Citation,
    CitationItem,
    CitationStylesBibliography,
    CitationStylesStyle,
    formatter,
)
from citeproc.source.json import CiteProcJSON

from debates.citations import _column_range
from debates.models import Contribution, Debate


def download(client, path):
    response = client.get(path)
    assert response.status_code == 200, response.content
    assert response["Content-Disposition"].startswith("attachment; filename=")
    return response.content.decode()


@pytest.fixture
def contribution(seeded):
    return Contribution.objects.filter(column_reference__contains="-").first()


def test_ris_reads_back_with_the_hansard_fields(client, contribution):
    [record] = rispy.loads(download(client, f"/contributions/{contribution.key}/cite/ris/"))
    assert record["type_of_reference"] == "HEAR"
    assert record["authors"] == [contribution.speaker.name]
    assert record["date"] == f"{contribution.debate.date:%Y/%m/%d}"
    assert record["volume"] == str(contribution.volume)
    assert record["notes"] == [contribution.citation]
    assert record["urls"][0].endswith(contribution.get_absolute_url())
    assert int(record["end_page"]) > int(record["start_page"])


def test_bibtex_reads_back_as_one_entry_with_the_speaker_unsplit(client, contribution):
    library = bibtexparser.parse_string(
        download(client, f"/contributions/{contribution.key}/cite/bibtex/")
    )
    assert not library.failed_blocks
    [entry] = library.entries
    assert entry.key == contribution.key
    # Braced whole in the file, so it reads back as one name, never split into two.
    assert entry["author"] == contribution.speaker.name
    assert entry["year"] == str(contribution.debate.date.year)
    assert contribution.citation in entry["howpublished"]


def test_csl_json_renders_in_citeproc(client, contribution):
    items = json.loads(download(client, f"/contributions/{contribution.key}/cite/csl-json/"))
    bibliography = CitationStylesBibliography(
        CitationStylesStyle("harvard-cite-them-right", validate=False),
        CiteProcJSON(items),
        formatter.plain,
    )
    bibliography.register(Citation([CitationItem(contribution.key)]))
    [rendered] = [str(line) for line in bibliography.bibliography()]
    assert contribution.speaker.name in rendered
    assert str(contribution.debate.date.year) in rendered
    assert items[0]["note"] == contribution.citation


def test_a_debate_is_cited_by_its_span_of_columns(client, contribution):
    debate = contribution.debate
    [record] = rispy.loads(download(client, f"/debates/{debate.slug}/cite/ris/"))
    assert record["title"] == debate.title
    assert "authors" not in record
    assert record["notes"][0].startswith(f"{debate.sitting}, vol ")


def test_latex_specials_in_a_title_are_escaped(seeded, client):
    debate = Debate.objects.first()
    debate.title = "Children & Families: 100% of £5_000 {draft}"
    debate.save()
    library = bibtexparser.parse_string(download(client, f"/debates/{debate.slug}/cite/bibtex/"))
    assert not library.failed_blocks
    assert library.entries[0]["title"] == r"Children \& Families: 100\% of £5\_000 \{draft\}"


def test_unknown_formats_and_keys_are_not_found(seeded, client, contribution):
    assert client.get(f"/contributions/{contribution.key}/cite/word/").status_code == 404
    assert client.get("/contributions/no-such-key/cite/ris/").status_code == 404
    assert client.get("/debates/no-such-debate/cite/bibtex/").status_code == 404


def test_the_permalink_page_offers_the_downloads(client, contribution):
    html = client.get(contribution.get_absolute_url()).content.decode()
    for style in ("ris", "bibtex", "csl-json"):
        assert f"/contributions/{contribution.key}/cite/{style}/" in html


@pytest.mark.parametrize(
    ("column_reference", "first", "last"),
    [
        ("506 c185", "185", None),
        ("506 cc185-6", "185", "186"),
        ("506 cc199-201", "199", "201"),
        ("716 cc216-7GC", "216GC", "217GC"),
        ("498 c71WH", "71WH", None),
    ],
)
def test_column_ranges_expand_hansard_abbreviations(column_reference, first, last):
    contribution = Contribution(column_reference=column_reference)
    assert _column_range(contribution) == (first, last)
