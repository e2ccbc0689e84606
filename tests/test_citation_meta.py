"""The citation meta tags on the permalink and debate pages, checked against what Zotero's
"Embedded Metadata" translator reads (issue #10), so that saving a page to Zotero gives the
same reference as the RIS download.

The translator checked is zotero/translators, "Embedded Metadata.js" at commit
dcd14d6f47d3f3db90943d79abdfde17240cc38c (lastUpdated 2024-06-13 15:58:28); its date
parsing is Zotero.Date.strToDate in zotero/zotero, chrome/content/zotero/xpcom/date.js at
commit 0620b16d3e329a1f73605887a59e95fe45abd1e0.
"""

import re
from html.parser import HTMLParser

import pytest

from debates.models import Contribution, Debate

# Every Highwire Press tag the translator reads: the keys of HIGHWIRE_MAPPINGS, then the
# tags addHighwireMetadata() reads itself. It matches each by the end of the meta name.
ZOTERO_HIGHWIRE_TAGS = {
    "citation_title",
    "citation_publication_date",
    "citation_cover_date",
    "citation_date",
    "citation_journal_title",
    "citation_journal_abbrev",
    "citation_inbook_title",
    "citation_book_title",
    "citation_volume",
    "citation_issue",
    "citation_series_title",
    "citation_conference_title",
    "citation_conference",
    "citation_dissertation_institution",
    "citation_technical_report_institution",
    "citation_technical_report_number",
    "citation_publisher",
    "citation_isbn",
    "citation_abstract",
    "citation_doi",
    "citation_public_url",
    "citation_language",
    # handled separately in addHighwireMetadata()
    "citation_author",
    "citation_authors",
    "citation_editor",
    "citation_editors",
    "citation_firstpage",
    "citation_lastpage",
    "citation_issn",
    "citation_ISSN",
    "citation_eIssn",
    "citation_pdf_url",
    "citation_abstract_html_url",
    "citation_fulltext_html_url",
    "citation_pmid",
    "citation_online_date",
    "citation_year",
    "citation_keywords",
}
# The translator's _prefixes: `property="og:title"` and the like go to its RDF import.
ZOTERO_RDF_PREFIXES = {
    "bib",
    "bibo",
    "dc",
    "dcterms",
    "prism",
    "foaf",
    "vcard",
    "link",
    "z",
    "eprint",
    "eprints",
    "og",
    "article",
    "book",
    "music",
    "video",
    "so",
    "codemeta",
    "rdf",
}
# Other meta names the translator reads for what the tags above leave out.
ZOTERO_FALLBACK_NAMES = {"description", "keywords", "author", "language", "lang", "generator"}
# Meta names that are for browsers, not for citations.
BROWSER_NAMES = {"viewport"}

# strToDate's first pattern (_slashRe). A date whose first part has four digits is read
# year, month, day whatever the user's locale; a day first would be read by locale.
ZOTERO_SLASH_DATE = re.compile(
    r"^(.*?)\b([0-9]{1,4})(?:([\-/.\u5e74])([0-9]{1,2}))?"
    r"(?:([\-/.\u6708])([0-9]{1,4}))?((?:\b|[^0-9]).*?)$"
)


def zotero_date(value: str) -> tuple[int, int, int]:
    """(year, month, day) as strToDate reads ``value``, or an assertion error if it would
    read it by the visitor's locale or not at all."""
    match = ZOTERO_SLASH_DATE.match(value)
    assert match, value
    _, year, separator, month, second_separator, day, rest = match.groups()
    assert separator == second_separator and not rest, value  # one separator, nothing else
    assert len(year) == 4 and month and day, value  # the year-first branch, all three parts
    return int(year), int(month), int(day)


class HeadMeta(HTMLParser):
    """The <meta> tags of a page's <head>: the translator reads no others."""

    def __init__(self):
        super().__init__()
        self.names: list[tuple[str, str]] = []
        self.properties: list[tuple[str, str]] = []
        self.canonical = None
        self._in_head = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "head":
            self._in_head = True
        elif tag == "meta" and self._in_head and "content" in attrs:
            if "name" in attrs:
                self.names.append((attrs["name"], attrs["content"]))
            elif "property" in attrs:
                self.properties.append((attrs["property"], attrs["content"]))
        elif tag == "link" and attrs.get("rel") == "canonical":
            self.canonical = attrs["href"]
        elif tag == "meta" and not self._in_head and "citation" in str(attrs.get("name")):
            raise AssertionError(f"citation tag outside <head>: {attrs}")

    def handle_endtag(self, tag):
        if tag == "head":
            self._in_head = False

    def citation(self) -> dict[str, list[str]]:
        tags: dict[str, list[str]] = {}
        for name, content in self.names:
            if name.startswith("citation_"):
                tags.setdefault(name, []).append(content)
        return tags


def head_meta(client, path) -> HeadMeta:
    response = client.get(path)
    assert response.status_code == 200
    parser = HeadMeta()
    parser.feed(response.text)
    return parser


@pytest.fixture
def cited(seeded):
    """Tim Loughton's contribution that Hansard cites as "HC Deb 23 February 2010, vol 506,
    cc185-6": a volume and a range of columns."""
    return Contribution.objects.select_related("debate", "speaker").get(
        column_reference="506 c185-6"
    )


def pages(cited):
    uncited = Contribution.objects.filter(column_reference="").first()
    return [
        cited.get_absolute_url(),
        cited.debate.get_absolute_url(),
        uncited.get_absolute_url(),
        uncited.debate.get_absolute_url(),
    ]


def test_every_meta_tag_we_emit_is_one_zotero_reads(client, cited):
    for path in pages(cited):
        meta = head_meta(client, path)
        names = {name for name, _ in meta.names}
        assert names, path
        unread = names - ZOTERO_HIGHWIRE_TAGS - ZOTERO_FALLBACK_NAMES - BROWSER_NAMES
        assert not unread, f"{path}: Zotero reads no {sorted(unread)}"
        prefixes = {re.split(r"[.:_]", prop)[0] for prop, _ in meta.properties}
        assert prefixes <= ZOTERO_RDF_PREFIXES, f"{path}: {prefixes - ZOTERO_RDF_PREFIXES}"
        # processFields() takes the first of a repeated tag: only authors may repeat.
        repeated = [name for name, values in meta.citation().items() if len(values) > 1]
        assert repeated in ([], ["citation_author"]), path


def test_a_permalink_carries_everything_its_citation_needs(client, cited):
    url = f"http://testserver{cited.get_absolute_url()}"
    meta = head_meta(client, cited.get_absolute_url())

    assert meta.citation() == {
        "citation_title": ["Children, Schools and Families Bill"],
        "citation_author": ["Tim Loughton"],
        "citation_date": ["2010/02/23"],
        "citation_journal_title": ["House of Commons Debates"],
        "citation_publisher": ["UK Parliament"],
        "citation_volume": ["506"],
        # "cc185-6": Zotero joins these into its pages as "185-186".
        "citation_firstpage": ["185"],
        "citation_lastpage": ["186"],
        "citation_public_url": [url],
    }
    assert zotero_date(meta.citation()["citation_date"][0]) == (2010, 2, 23)
    assert meta.canonical == url


def test_the_speakers_name_reaches_zotero_as_one_author(client, seeded):
    for contribution in Contribution.objects.select_related("speaker"):
        [author] = head_meta(client, contribution.get_absolute_url()).citation()["citation_author"]
        assert author == contribution.speaker.name
        # processHighwireCreators() splits a lone author tag at ";", and at "," when there
        # are spaces on both sides: a name must have neither to stay one person.
        assert ";" not in author and "," not in author, author


def test_a_permalink_without_columns_says_nothing_of_volume_or_pages(client, seeded):
    contribution = Contribution.objects.filter(column_reference="").select_related("debate")[0]
    tags = head_meta(client, contribution.get_absolute_url()).citation()

    assert not {"citation_volume", "citation_firstpage", "citation_lastpage"} & set(tags)
    assert tags["citation_title"] == [contribution.debate.title]
    assert zotero_date(tags["citation_date"][0]) == (
        contribution.debate.date.year,
        contribution.debate.date.month,
        contribution.debate.date.day,
    )


def test_a_debate_page_is_cited_whole_without_an_author(client, cited):
    debate = cited.debate
    tags = head_meta(client, debate.get_absolute_url()).citation()

    assert "citation_author" not in tags  # a debate has speakers, not an author
    assert tags["citation_title"] == [debate.title]
    assert zotero_date(tags["citation_date"][0]) == (2010, 2, 23)
    assert (tags["citation_volume"], tags["citation_firstpage"]) == (["506"], ["185"])
    assert tags["citation_lastpage"] == ["186"]
    assert tags["citation_public_url"] == [f"http://testserver{debate.get_absolute_url()}"]


def test_every_debate_page_has_its_title_date_and_address(client, seeded):
    for debate in Debate.objects.all():
        tags = head_meta(client, debate.get_absolute_url()).citation()
        assert tags["citation_title"] == [debate.title]
        assert zotero_date(tags["citation_date"][0])[0] == debate.date.year
        assert tags["citation_public_url"] == [f"http://testserver{debate.get_absolute_url()}"]


def test_citation_tags_cost_the_pages_no_queries(client, cited, django_assert_num_queries):
    # the page cache's key (the debate's stamp, the archive's state), redirect check,
    # contribution, its topics, the contributions before and after it
    with django_assert_num_queries(7):
        client.get(cited.get_absolute_url())
    # the page cache's key (as above), debate, its topics, its contributions (the
    # citation's columns come from them)
    with django_assert_num_queries(5):
        client.get(cited.debate.get_absolute_url())
