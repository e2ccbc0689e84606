"""Full-text search over contributions: one interface, two engines, chosen by the database.

Queries are written as people type them, with PostgreSQL's `websearch_to_tsquery`
semantics: words (all must match), "quoted phrases", -excluded words and OR. Matching
uses English stemming ("reviews" finds "review") and ranks by relevance, weighting the
debate title above the speaker's name above the words spoken.

- PostgreSQL: `websearch_to_tsquery` against the generated, GIN-indexed `search_vector`
  column; `ts_rank`; `ts_headline` for snippets.
- SQLite: the FTS5 table `debates_contribution_fts` (Porter stemmer), kept in step by
  triggers; the query translated to FTS5 syntax; `bm25()`; `snippet()`.

Both tables come from migration 0005. Snippets are computed for the rows on the page only.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.contrib.postgres.search import (
    SearchHeadline,
    SearchQuery,
    SearchRank,
    SearchVectorField,
)
from django.db import connection
from django.db.models import F, QuerySet, Value
from django.db.models.expressions import RawSQL
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

MAX_QUERY_LENGTH = 500
SNIPPET_WORDS = 32

# Marks around matched words in engine output: control characters never found in Hansard
# text (the importer rejects them), so the text can be escaped first and the marks turned
# into <mark> after, leaving nothing else unescaped.
MATCH_START, MATCH_END = "\x02", "\x03"

# PostgreSQL's English stop words (its english.stop). websearch_to_tsquery drops them; the
# SQLite translation drops them too, so both engines answer a query alike.
ENGLISH_STOP_WORDS = frozenset(
    """i me my myself we our ours ourselves you your yours yourself yourselves he him his
    himself she her hers herself it its itself they them their theirs themselves what which
    who whom this that these those am is are was were be been being have has had having do
    does did doing a an the and but if or because as until while of at by for with about
    against between into through during before after above below to from up down in out on
    off over under again further then once here there when where why how all any both each
    few more most other some such no nor not only own same so than too very s t can will
    just don should now""".split()
)


def highlighted(raw: str) -> SafeString:
    """Engine output as safe HTML: everything escaped except our <mark> elements."""
    return mark_safe(  # escaped right here; the only markup added is our own <mark>
        escape(raw).replace(MATCH_START, "<mark>").replace(MATCH_END, "</mark>")
    )


# Parsing websearch syntax, for engines that lack it -----------------------------------


@dataclass(frozen=True)
class WebQuery:
    """A parsed query: every group must match (a group is alternatives joined by OR, each a
    word or a phrase), and no excluded term may."""

    groups: tuple[tuple[tuple[str, ...], ...], ...] = ()
    excluded: tuple[tuple[str, ...], ...] = field(default=())

    @property
    def is_empty(self) -> bool:
        return not self.groups and not self.excluded


_TOKEN = re.compile(r'(-?)"([^"]*)"?|(\S+)')
_WORD = re.compile(r"\w+")


def parse_web_query(text: str) -> WebQuery:
    """Read a query the way websearch_to_tsquery does.

    >>> parse_web_query('"serious case" reviews -Ofsted OR Munro').groups
    ((('serious', 'case'),), (('reviews',), ('munro',)))
    """
    groups: list[list[tuple[str, ...]]] = []
    excluded: list[tuple[str, ...]] = []
    join_next = False
    for match in _TOKEN.finditer(text):
        negated, phrase, bare = match.groups()
        if bare == "OR":
            join_next = bool(groups)
            continue
        if bare is not None:
            negated = "-" if bare.startswith("-") else ""
            phrase = bare.lstrip("-")
            words = tuple(w.casefold() for w in _WORD.findall(phrase))
            if len(words) == 1 and words[0] in ENGLISH_STOP_WORDS:
                words = ()
        else:
            words = tuple(w.casefold() for w in _WORD.findall(phrase))
        if not words:
            join_next = False
            continue
        if negated:
            excluded.append(words)
        elif join_next:
            groups[-1].append(words)
        else:
            groups.append([words])
        join_next = False
    return WebQuery(tuple(tuple(g) for g in groups), tuple(excluded))


def _fts5_term(words: tuple[str, ...]) -> str:
    # Every term quoted: whatever a person typed, FTS5 reads it as text, never as syntax.
    return '"' + " ".join(w.replace('"', '""') for w in words) + '"'


def _fts5_any(terms) -> str:
    return "(" + " OR ".join(_fts5_term(t) for t in terms) + ")"


# The engines -----------------------------------------------------------------------------


class PostgresSearch:
    def _query(self, text: str) -> SearchQuery:
        return SearchQuery(text, config="english", search_type="websearch")

    def matching(self, queryset: QuerySet, text: str) -> QuerySet:
        """The rows that match, unordered; usable inside a subquery."""
        # Unqualified, so it names the column whatever alias the table has (in a subquery,
        # Django calls it U0); no other table in these queries has such a column.
        vector = RawSQL("search_vector", [], SearchVectorField())
        return queryset.alias(search_vector=vector).filter(search_vector=self._query(text))

    def matching_many(self, queryset: QuerySet, text: str) -> QuerySet:
        # PostgreSQL's statistics already tell it when a word is common.
        return self.matching(queryset, text)

    def ranked(self, queryset: QuerySet, text: str) -> QuerySet:
        """The rows that match, with a `rank` to order by (higher is better)."""
        matching = self.matching(queryset, text)
        return matching.alias(rank=SearchRank(F("search_vector"), self._query(text)))

    def snippets(self, pks: list[int], text: str) -> dict[int, SafeString]:
        from .models import Contribution

        rows = Contribution.objects.filter(pk__in=pks).annotate(
            snippet=SearchHeadline(
                "search_text",
                self._query(text),
                config="english",
                start_sel=MATCH_START,
                stop_sel=MATCH_END,
                max_words=SNIPPET_WORDS,
                min_words=SNIPPET_WORDS // 2,
                max_fragments=2,
                fragment_delimiter=" … ",
            )
        )
        return {pk: highlighted(snippet) for pk, snippet in rows.values_list("pk", "snippet")}


class SqliteSearch:
    TABLE = "debates_contribution_fts"

    def _expression(self, query: WebQuery) -> str:
        expression = " AND ".join(_fts5_any(group) for group in query.groups)
        if query.excluded:
            expression += " NOT " + _fts5_any(query.excluded)
        return expression

    def _without_groups(self, queryset: QuerySet, query: WebQuery) -> QuerySet:
        # Nothing to look for (an empty or all-stop-word query) matches nothing, as in
        # PostgreSQL; exclusions alone match whatever lacks them, all ranked alike.
        unranked = queryset.alias(rank=Value(0.0))
        if not query.excluded:
            return unranked.none()
        return unranked.exclude(pk__in=self._matches(_fts5_any(query.excluded)))

    def matching(self, queryset: QuerySet, text: str) -> QuerySet:
        """The rows that match, unordered; usable inside a subquery."""
        query = parse_web_query(text)
        if not query.groups:
            return self._without_groups(queryset, query)
        return queryset.filter(pk__in=self._matches(self._expression(query)))

    def matching_many(self, queryset: QuerySet, text: str) -> QuerySet:
        """``matching``, for words known to match a large part of the archive, to be read
        in the queryset's own indexed order (newest first).

        SQLite, without statistics, would fetch and sort every match (4 s for a word in
        half of a million contributions); comparing ``id + 0``, which no index answers,
        makes it walk the order's index instead and stop at the page's last row (~0.1 s).
        """
        query = parse_web_query(text)
        if not query.groups:
            return self._without_groups(queryset, query)
        matches = self._matches(self._expression(query))
        return queryset.alias(id_unindexed=F("id") + 0).filter(id_unindexed__in=matches)

    def ranked(self, queryset: QuerySet, text: str) -> QuerySet:
        """The rows that match, with a `rank` to order by (higher is better).

        The FTS5 table is joined into the query, so bm25() is computed once per match in
        the same pass that finds them; a per-row subquery would run the full-text query
        once for every matching row. Only `extra()` can join a table Django has no model
        for; the table names are qualified, so this is for a top-level queryset only.
        """
        query = parse_web_query(text)
        if not query.groups:
            return self._without_groups(queryset, query)
        table = self.TABLE
        return queryset.extra(  # fixed SQL; the words typed go in as a parameter
            select={"rank": f"-bm25({table}, 10.0, 4.0, 1.0)"},
            tables=[table],
            where=[f"{table}.rowid = debates_contribution.id", f"{table} MATCH %s"],
            params=[self._expression(query)],
        )

    def _matches(self, expression: str) -> RawSQL:
        return RawSQL(f"SELECT rowid FROM {self.TABLE} WHERE {self.TABLE} MATCH %s", [expression])

    def snippets(self, pks: list[int], text: str) -> dict[int, SafeString]:
        query = parse_web_query(text)
        if not pks or not query.groups:
            return {}
        terms = [term for group in query.groups for term in group]
        placeholders = ", ".join("%s" for _ in pks)
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT rowid, snippet({self.TABLE}, 2, %s, %s, ' … ', %s) FROM {self.TABLE} "
                f"WHERE {self.TABLE} MATCH %s AND rowid IN ({placeholders})",
                [MATCH_START, MATCH_END, SNIPPET_WORDS, _fts5_any(terms), *pks],
            )
            return {pk: highlighted(snippet) for pk, snippet in cursor.fetchall()}


def engine() -> PostgresSearch | SqliteSearch:
    """The search engine for the database in use."""
    if connection.vendor == "postgresql":
        return PostgresSearch()
    if connection.vendor == "sqlite":
        return SqliteSearch()
    raise NotImplementedError(f"No full-text search for {connection.vendor} (see migration 0005)")
