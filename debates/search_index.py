"""Ranked search from a tantivy index: the best matches first without scoring every match.

The database's own full-text search (FTS5, or PostgreSQL's GIN index) finds matches fast,
but orders them by relevance only after scoring every one: seconds for a common word at
millions of contributions. tantivy (the Rust library behind Quickwit and ParadeDB) keeps
per-block maximum scores, so a top-20 query skips whole blocks that cannot reach the
page (block-max WAND), and counts matches from its posting lists. README's "Search"
section has the measurements that chose it over PostgreSQL's RUM index.

The index is optional (settings.SEARCH_INDEX, a directory): without it, search ranks in the
database as before (debates.search). With it, a search in relevance order, whatever its
filters, takes its page and its total from the index; matching, facets and searches in
date order stay in the database. The index holds, per contribution, the three searched
columns and the columns its filters read, and nothing the pages show: rows come from the
database by primary key.

It follows the archive through ``caching.archive_changed``: at commit, the contributions of
the debates a write changed are indexed again (a load of unknown extent, the whole index).
``manage.py search_index`` builds it from scratch.
"""

from __future__ import annotations

import datetime
import threading
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import tantivy
from django.conf import settings
from django.db import transaction

from .search import WebQuery, parse_web_query

# Relevance weights of the debate title, the speaker's name and the words spoken, as the
# database engines weight them (bm25 weights in FTS5, setweight in PostgreSQL).
FIELD_BOOSTS = {"title": 10.0, "speaker_name": 4.0, "text": 1.0}
# Contributions read from the database per batch while indexing.
INDEX_BATCH = 5_000
WRITER_HEAP_BYTES = 200_000_000
# How long a write waits for another process's writer to let go of the index.
WRITER_WAIT_SECONDS = 30.0

# The ContributionFilter parameters the index can apply itself, each to a field of its
# own; a search with any other filter is ranked by the database.
_TERM_FILTERS = {"house": "house", "location": "location", "department": "department"}
_ROW_FILTERS = {"speaker": "speaker", "party": "party", "debate": "debate", "topic": "topic"}
_IGNORED = {"q", "sort"}


def _schema() -> tantivy.Schema:
    builder = tantivy.SchemaBuilder()
    builder.add_integer_field("id", stored=True, indexed=True, fast=True)
    builder.add_integer_field("debate", indexed=True)
    for name in FIELD_BOOSTS:
        builder.add_text_field(name, tokenizer_name="en_stem", index_option="position")
    for name in _TERM_FILTERS.values():
        builder.add_text_field(name, tokenizer_name="raw", index_option="basic")
    builder.add_integer_field("day", indexed=True, fast=True)  # the sitting, YYYYMMDD
    builder.add_integer_field("year", indexed=True)
    for name in ("speaker", "party", "topic"):
        builder.add_integer_field(name, indexed=True)
    return builder.build()


SCHEMA = _schema()
# The analysis the "en_stem" fields are indexed with, for the words of a query.
_ANALYZER = (
    tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.simple())
    .filter(tantivy.Filter.remove_long(40))
    .filter(tantivy.Filter.lowercase())
    .filter(tantivy.Filter.stemmer("english"))
    .build()
)


# Documents --------------------------------------------------------------------------------


@dataclass(frozen=True)
class IndexedRow:
    """What the index holds of one contribution."""

    id: int
    debate: int
    title: str
    speaker_name: str
    text: str
    house: str
    location: str
    department: str
    sort_key: str
    speaker: int
    party: int | None
    topics: tuple[int, ...]

    def document(self) -> tantivy.Document:
        day = int(self.sort_key[:8])
        document = tantivy.Document(
            id=self.id,
            debate=self.debate,
            title=self.title,
            speaker_name=self.speaker_name,
            text=self.text,
            house=self.house,
            location=self.location,
            department=self.department,
            day=day,
            year=day // 10_000,
            speaker=self.speaker,
        )
        if self.party is not None:
            document.add_integer("party", self.party)
        for topic in self.topics:
            document.add_integer("topic", topic)
        return document


def indexed_rows(contributions) -> Iterator[IndexedRow]:
    """``contributions`` (a queryset) as the index holds them, read in batches by primary
    key so that memory stays flat at any size."""
    from .models import ContributionTopic

    columns = (
        "id",
        "debate_id",
        "search_title",
        "search_speaker",
        "search_text",
        "house",
        "location",
        "debate__department",
        "sort_key",
        "speaker_id",
        "party_id",
    )
    last = 0
    while True:
        batch = list(
            contributions.filter(pk__gt=last).order_by("pk").values_list(*columns)[:INDEX_BATCH]
        )
        if not batch:
            return
        ids = [row[0] for row in batch]
        topics: dict[int, list[int]] = {}
        tags = ContributionTopic.objects.filter(contribution_id__in=ids)
        for contribution, topic in tags.values_list("contribution_id", "topic_id"):
            topics.setdefault(contribution, []).append(topic)
        for row in batch:
            yield IndexedRow(*row[:-1], row[-1], tuple(topics.get(row[0], ())))
        last = ids[-1]


# Queries --------------------------------------------------------------------------------


def _terms(words: tuple[str, ...]) -> list[str]:
    return [token for word in words for token in _ANALYZER.analyze(word)]


def _term_query(words: tuple[str, ...]) -> tantivy.Query | None:
    """A word or a phrase, in any of the searched fields, weighted by field."""
    terms = _terms(words)
    if not terms:
        return None
    per_field = []
    for field, boost in FIELD_BOOSTS.items():
        if len(terms) == 1:
            query = tantivy.Query.term_query(SCHEMA, field, terms[0])
        else:
            query = tantivy.Query.phrase_query(SCHEMA, field, terms)
        per_field.append(query if boost == 1.0 else tantivy.Query.boost_query(query, boost))
    return _any(per_field)


def _any(queries: list[tantivy.Query]) -> tantivy.Query:
    if len(queries) == 1:
        return queries[0]
    return tantivy.Query.boolean_query([(tantivy.Occur.Should, q) for q in queries])


def _words_query(query: WebQuery) -> list[tuple[tantivy.Occur, tantivy.Query]]:
    clauses = []
    for group in query.groups:
        alternatives = [q for words in group if (q := _term_query(words)) is not None]
        if alternatives:
            clauses.append((tantivy.Occur.Must, _any(alternatives)))
    for words in query.excluded:
        if (excluded := _term_query(words)) is not None:
            clauses.append((tantivy.Occur.MustNot, excluded))
    return clauses


def _filter_clauses(filters: dict) -> list[tantivy.Query] | None:
    """The filterset's cleaned values as index queries, or None if one of them is not
    something the index holds."""
    clauses = []
    for name, value in filters.items():
        # An empty choice (None, "", [], or an empty queryset: no query) filters nothing.
        if name in _IGNORED or not value:
            continue
        if name in _TERM_FILTERS:
            values = [value] if isinstance(value, str) else list(value)
            clauses.append(tantivy.Query.term_set_query(SCHEMA, _TERM_FILTERS[name], values))
        elif name in _ROW_FILTERS:
            pks = [row.pk for row in value]
            clauses.append(tantivy.Query.term_set_query(SCHEMA, _ROW_FILTERS[name], pks))
        elif name == "year":
            clauses.append(tantivy.Query.term_set_query(SCHEMA, "year", list(value)))
        elif name in ("date_after", "date_before"):
            day = int(value.strftime("%Y%m%d")) if isinstance(value, datetime.date) else None
            if day is None:
                return None
            after = name == "date_after"
            clauses.append(
                tantivy.Query.range_query(
                    SCHEMA,
                    "day",
                    tantivy.FieldType.Integer,
                    day if after else None,
                    None if after else day,
                )
            )
        else:
            return None
    return clauses


@dataclass(frozen=True)
class RankedPage:
    """A page of a search in relevance order: its contributions' primary keys, best first,
    and how many contributions match in all."""

    pks: list[int]
    count: int


class SearchIndex:
    """One index directory, opened once per process, read from a searcher reloaded when
    the archive has changed since (a write commits the index before the archive's
    version moves)."""

    def __init__(self, path: Path) -> None:
        path.mkdir(parents=True, exist_ok=True)
        self.path = path
        self.index = tantivy.Index(SCHEMA, path=str(path), reuse=True)
        self._reloaded_at_version: int | None = None
        self._lock = threading.Lock()

    def searcher(self, version: int) -> tantivy.Searcher:
        with self._lock:
            if self._reloaded_at_version != version:
                self.index.reload()
                self._reloaded_at_version = version
        return self.index.searcher()

    def ranked_page(
        self, text: str, filters: dict, start: int, stop: int, *, version: int
    ) -> RankedPage | None:
        """Rows ``start`` to ``stop`` of a search by relevance (ties newest first is not
        promised: equal scores come in index order), or None if a filter is not one the
        index holds."""
        clauses = _filter_clauses(filters)
        if clauses is None:
            return None
        words = _words_query(parse_web_query(text))
        if not any(occur == tantivy.Occur.Must for occur, _ in words):
            return RankedPage([], 0)  # nothing to look for matches nothing, as in the database
        query = tantivy.Query.boolean_query(
            [*words, *((tantivy.Occur.Must, clause) for clause in clauses)]
        )
        searcher = self.searcher(version)
        result = searcher.search(query, limit=max(stop - start, 1), count=True, offset=start)
        pks = [searcher.doc(address)["id"][0] for _score, address in result.hits]
        return RankedPage(pks[: stop - start], result.count)

    # Writing -------------------------------------------------------------------------

    def _writer(self) -> tantivy.IndexWriter:
        # One writer per index at a time, across processes: wait for another to finish.
        deadline = time.monotonic() + WRITER_WAIT_SECONDS
        while True:
            try:
                return self.index.writer(WRITER_HEAP_BYTES, 1)
            except ValueError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)

    def replace(self, debates: Iterable[int] | None) -> int:
        """Index again the contributions of ``debates`` (None: every contribution, the
        index emptied first), and commit; how many were indexed."""
        from .models import Contribution

        writer = self._writer()
        try:
            if debates is None:
                writer.delete_all_documents()
                rows = Contribution.objects.all()
            else:
                debates = sorted(set(debates))
                for debate in debates:
                    writer.delete_documents_by_term("debate", debate)
                rows = Contribution.objects.filter(debate__in=debates)
            indexed = 0
            for row in indexed_rows(rows):
                writer.add_document(row.document())
                indexed += 1
            writer.commit()
            writer.wait_merging_threads()
        except BaseException:
            writer.rollback()
            raise
        self._reloaded_at_version = None
        return indexed


_opened: dict[str, SearchIndex] = {}


def search_index() -> SearchIndex | None:
    """This process's handle on settings.SEARCH_INDEX, or None if there is none."""
    path = getattr(settings, "SEARCH_INDEX", None)
    if not path:
        return None
    key = str(path)
    if key not in _opened:
        _opened[key] = SearchIndex(Path(path))
    return _opened[key]


class _IndexAtCommit:
    """Indexes again, once the transaction commits, every debate that the calls to
    ``index_changed`` inside it named (or everything)."""

    def __init__(self, index: SearchIndex) -> None:
        self.index = index
        self.debates: set[int] = set()
        self.everything = False
        self.done = False

    def __call__(self) -> None:
        self.done = True
        self.index.replace(None if self.everything else self.debates)


def index_changed(debates: Iterable[int], *, everything: bool) -> None:
    """Called by caching.archive_changed inside a write's transaction: the index follows
    at commit (a rolled-back write changes nothing here either)."""
    from django.db import connection

    index = search_index()
    if index is None:
        return
    queued = [entry[1] for entry in connection.run_on_commit]
    pending = next((c for c in queued if isinstance(c, _IndexAtCommit) and not c.done), None)
    if pending is None:
        pending = _IndexAtCommit(index)
        transaction.on_commit(pending)
    pending.everything |= everything
    pending.debates.update(debates)
