"""The long-tail workload: tens of thousands of distinct URLs per scenario, asked for with
a Zipf-like skew, so that a page cache meets what a public archive meets (a few pages
asked for often, most asked for once) instead of the same 200 paths again and again.

Each scenario's URLs are built from the corpus itself, in pairs (the archive's, then
Datasette's equivalent), in a seeded random order that is their popularity rank:

- permalinks: contributions drawn by id;
- API lists and facet pages: one to three filters (facet pages: none to two) of House,
  party, year, speaker, debate and location taken from one drawn contribution, so the list
  is never empty, or a topic with House, year or party; facet pages also at page numbers
  within the list's length;
- searches: a list of at least ``QUERIES`` distinct queries made from words sampled from
  the corpus's own text (common words, rare words, two words, quoted phrases, exclusions),
  half of them with a filter.

The request sequence names every URL at least once and rank r about
``length * r**-s / H`` times (s = ``ZIPF_EXPONENT``, H the sum over ranks), shuffled: any
stretch of it is a Zipf-like sample, and the whole of it holds every distinct URL.

Datasette has no topics and no page numbers (it pages by ``_next``), so its side of such a
pair leaves them out: it has fewer distinct URLs than the archive. Its searches use its raw
FTS5 mode, which reads quoted phrases and NOT as the archive reads "phrases" and -words.
"""

from __future__ import annotations

import random
import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from urllib.parse import urlencode

from django.utils.text import slugify

URLS = 50_000  # distinct URLs wanted per scenario
QUERIES = 4_000  # distinct searches wanted
TEXTS = 3_000  # contributions whose words make the searches
ZIPF_EXPONENT = 1.1
REQUESTS_PER_URL = 5  # length of the request sequence, per distinct URL
PAGE_SIZE = 20  # the archive's HTML lists
LAST_PAGE = 50  # deepest page number asked for
PAGED = ("", "house", "party", "year", "speaker")  # filters whose lists' lengths are counted
DATASETTE_FACETS = ("house", "party", "speaker_slug", "location", "debate_slug")

# A query function: (SQL for the archive's database, SQL for the Datasette file) -> rows,
# run on whichever form of the corpus is at hand; the two give the same rows.
Read = Callable[[str, str], list[tuple]]


@dataclass(frozen=True)
class Row:
    id: int
    key: str
    house: str
    party: str  # name, or "" for none
    year: str
    speaker: str  # slug
    debate: str  # slug
    location: str


@dataclass(frozen=True)
class Workload:
    name: str
    urls: list[tuple[str, str]]  # distinct (archive, Datasette) URLs, most popular first
    sequence: list[int]  # indexes into ``urls`` in the order they are asked for
    queries: int | None = None  # distinct searches, for the search scenario

    @property
    def archive_paths(self) -> list[str]:
        return [self.urls[i][0] for i in self.sequence]

    @property
    def datasette_paths(self) -> list[str]:
        return [self.urls[i][1] for i in self.sequence]


def zipf_sequence(count: int, rng: random.Random, exponent: float = ZIPF_EXPONENT) -> list[int]:
    """Indexes 0..count-1 in a shuffled order, index i about (i+1)**-exponent as often as
    index 0, and each at least once."""
    weights = [(rank + 1) ** -exponent for rank in range(count)]
    total, length = sum(weights), REQUESTS_PER_URL * count
    sequence = [i for i, w in enumerate(weights) for _ in range(max(1, round(length * w / total)))]
    rng.shuffle(sequence)
    return sequence


def sampled_rows(read: Read, contributions: int, count: int, rng: random.Random) -> list[Row]:
    """``count`` contributions drawn by id, the same from either form of the corpus: the
    generator numbers both forms' rows alike, from 1."""
    drawn = rng.sample(range(1, contributions + 1), min(contributions, count))
    found: dict[int, Row] = {}
    for start in range(0, len(drawn), 1_000):
        listed = ", ".join(map(str, drawn[start : start + 1_000]))
        archive = (
            "SELECT c.id, c.key, c.house, COALESCE(p.name, ''), substr(c.sort_key, 1, 4), "
            "s.slug, d.slug, c.location FROM debates_contribution c "
            "LEFT JOIN debates_party p ON p.id = c.party_id "
            "JOIN debates_speaker s ON s.id = c.speaker_id "
            f"JOIN debates_debate d ON d.id = c.debate_id WHERE c.id IN ({listed})"
        )
        datasette = (
            "SELECT id, key, house, party, substr(date, 1, 4), speaker_slug, debate_slug, "
            f"location FROM contributions WHERE id IN ({listed})"
        )
        found.update((row[0], Row(*row)) for row in read(archive, datasette))
    return [found[i] for i in drawn if i in found]


def list_lengths(read: Read, contributions: int) -> dict[tuple[str, str], int]:
    """Rows in the unfiltered list and in each list filtered by one of PAGED, so that
    page numbers asked for exist (a page past the end is a 404)."""
    grouped = {
        "house": (
            "SELECT house, COUNT(*) FROM debates_contribution GROUP BY house",
            "SELECT house, COUNT(*) FROM contributions GROUP BY house",
        ),
        "party": (
            "SELECT p.name, t.n FROM (SELECT party_id, COUNT(*) AS n FROM debates_contribution "
            "GROUP BY party_id) t JOIN debates_party p ON p.id = t.party_id",
            "SELECT party, COUNT(*) FROM contributions GROUP BY party",
        ),
        "year": (
            "SELECT substr(sort_key, 1, 4), COUNT(*) FROM debates_contribution GROUP BY 1",
            "SELECT substr(date, 1, 4), COUNT(*) FROM contributions GROUP BY 1",
        ),
        "speaker": (
            "SELECT s.slug, t.n FROM (SELECT speaker_id, COUNT(*) AS n FROM "
            "debates_contribution GROUP BY speaker_id) t JOIN debates_speaker s "
            "ON s.id = t.speaker_id",
            "SELECT speaker_slug, COUNT(*) FROM contributions GROUP BY speaker_slug",
        ),
    }
    lengths = {("", ""): contributions}
    for name, (archive, datasette) in grouped.items():
        lengths.update(((name, str(value)), count) for value, count in read(archive, datasette))
    return lengths


# Filters ----------------------------------------------------------------------------------

FILTERS = ("house", "party", "year", "speaker", "debate", "location")
BROAD = ("house", "party", "year")  # what a topic is combined with: never an empty list
FACET_FILTERS = (0, 1, 1, 2, 2, 2)  # how many filters a facet page has, drawn from these


def row_filters(
    row: Row,
    rng: random.Random,
    sizes: Sequence[int],
    topics: Sequence[str] = (),
    names: Sequence[str] = FILTERS,
) -> dict:
    """Some of the row's own values (as many as one of ``sizes`` says, of ``names``) as
    filters, so the list holds the row; or one in ten times a topic, with at most one broad
    filter."""
    own = {name: getattr(row, name) for name in names if getattr(row, name)}
    if topics and rng.random() < 0.1:
        broad = sorted(own.keys() & set(BROAD))
        chosen = rng.sample(broad, min(len(broad), rng.randint(0, 1)))
        return {"topic": rng.choice(topics), **{name: own[name] for name in chosen}}
    chosen = rng.sample(sorted(own), min(len(own), rng.choice(sizes)))
    return {name: own[name] for name in names if name in chosen}


def archive_query(filters: dict) -> dict:
    """The archive's parameters: slugs for parties, as its forms send them."""
    query = {}
    for name in ("house", "party", "year", "speaker", "debate", "location", "topic"):
        if name in filters:
            query[name] = slugify(filters[name]) if name == "party" else filters[name]
    return query


def datasette_query(filters: dict) -> dict:
    """Datasette's column filters for the same rows (it has no topics)."""
    columns = {
        "house": "house",
        "party": "party",
        "year": "date__startswith",
        "speaker": "speaker_slug",
        "debate": "debate_slug",
        "location": "location",
    }
    return {column: filters[name] for name, column in columns.items() if name in filters}


def distinct_pairs(
    draw: Callable[[], tuple], urls: Callable[..., tuple[str, str]], wanted: int
) -> list[tuple[str, str]]:
    """The (archive, Datasette) URLs of distinct draws, ``urls(*draw())``, until ``wanted``
    of them or until new ones stop coming (a small corpus has fewer combinations). A draw
    is what makes the archive's URL, so that only new ones are spelt out."""
    seen: dict[tuple, None] = {}
    misses = 0  # in a row
    for _ in range(5 * wanted):
        if len(seen) == wanted or misses == 500:
            break
        drawn = draw()
        misses = misses + 1 if drawn in seen else 0
        seen[drawn] = None
    return [urls(*drawn) for drawn in seen]


# Searches ---------------------------------------------------------------------------------

_WORD = re.compile(r"[a-z]+")


@dataclass(frozen=True)
class Query:
    """One search in the archive's syntax and in Datasette's raw FTS5 syntax."""

    archive: str
    datasette: str


def word_query(*words: str) -> Query:
    return Query(" ".join(words), " ".join(f'"{w}"' for w in words))


def phrase_query(words: Sequence[str]) -> Query:
    phrase = " ".join(words)
    return Query(f'"{phrase}"', f'"{phrase}"')


def excluding_query(word: str, excluded: str) -> Query:
    return Query(f"{word} -{excluded}", f'"{word}" NOT "{excluded}"')


def search_queries(texts: Sequence[str], rng: random.Random, stop_words) -> list[Query]:
    """At least QUERIES distinct searches (fewer only if the texts run out of words), from
    words as common and as rare in ``texts`` as in the corpus they were sampled from."""
    runs = [_WORD.findall(text.lower()) for text in texts]
    counts = Counter(w for run in runs for w in run if w not in stop_words and len(w) > 2)
    ranked = [w for w, _ in counts.most_common()]
    common = ranked[:300]
    rare = [w for w in ranked if counts[w] <= 2] or ranked[-300:]
    middle = ranked[300 : len(ranked) - len(rare)] or ranked
    phrases = [
        run[i : i + length]
        for run in runs
        for length in (2, 3)
        for i in range(0, len(run) - length, 17)  # a few from each text
        if run[i] not in stop_words and run[i + length - 1] not in stop_words
    ]
    if not common:
        return []
    kinds = (
        lambda: word_query(rng.choice(common)),
        lambda: word_query(rng.choice(rare)),
        lambda: word_query(rng.choice(middle)),
        lambda: word_query(rng.choice(common), rng.choice(common)),
        lambda: word_query(rng.choice(common), rng.choice(rare)),
        lambda: word_query(rng.choice(middle), rng.choice(middle)),
        lambda: phrase_query(rng.choice(phrases)) if phrases else word_query(rng.choice(rare)),
        lambda: excluding_query(rng.choice(common), rng.choice(common)),
        lambda: excluding_query(rng.choice(middle), rng.choice(common)),
    )
    queries: dict[str, Query] = {}
    for _ in range(50 * QUERIES):
        query = rng.choice(kinds)()
        queries.setdefault(query.archive, query)
        if len(queries) >= QUERIES:
            break
    return list(queries.values())


def sampled_texts(read: Read, rows: Sequence[Row]) -> list[str]:
    listed = ", ".join(str(row.id) for row in rows[:TEXTS])
    archive = f"SELECT search_text FROM debates_contribution WHERE id IN ({listed})"
    datasette = f"SELECT text FROM contributions WHERE id IN ({listed})"
    return [text for (text,) in read(archive, datasette)]


# Scenarios --------------------------------------------------------------------------------


def workloads(
    read: Read,
    contributions: int,
    table: str,
    topics: Sequence[str],
    stop_words,
    seed: int,
) -> list[Workload]:
    """The long-tail workload of each scenario, the same for a seed whichever form of the
    corpus is read. ``table`` is Datasette's contributions table's path."""
    rng = random.Random(f"{seed}:long-tail")
    rows = sampled_rows(read, contributions, URLS, rng)
    lengths = list_lengths(read, contributions)

    permalinks = [(f"/contributions/{row.key}/", f"{table}/{row.id}") for row in rows]

    def api_list() -> tuple:
        return (tuple(row_filters(rng.choice(rows), rng, (1, 2, 3), topics).items()),)

    def api_list_urls(filters: tuple) -> tuple[str, str]:
        ours = urlencode({**archive_query(dict(filters)), "page_size": 50})
        theirs = urlencode({**datasette_query(dict(filters)), "_size": 50})
        return f"/api/v1/contributions/?{ours}", f"{table}.json?{theirs}"

    def facet_page() -> tuple:
        filters = tuple(row_filters(rng.choice(rows), rng, FACET_FILTERS, topics).items())
        share = rng.random() ** 3  # mostly the first pages, as readers page
        page = 1
        (name, value), *others = filters or (("", ""),)
        if not others and name in PAGED:
            listed = lengths.get((name, str(value)), 0)
            page = 1 + int(share * min(LAST_PAGE, -(-listed // PAGE_SIZE)))
        return filters, page

    def facet_page_urls(filters: tuple, page: int) -> tuple[str, str]:
        query = {**archive_query(dict(filters)), **({"page": page} if page > 1 else {})}
        ours = "/contributions/" + (f"?{urlencode(query)}" if query else "")
        facets = [("_facet", facet) for facet in DATASETTE_FACETS]
        theirs = urlencode([*facets, *datasette_query(dict(filters)).items()])
        return ours, f"{table}?{theirs}"

    queries = search_queries(sampled_texts(read, rows), rng, stop_words)

    def search() -> tuple:
        query = rng.choice(queries)
        filtered = rng.random() < 0.5
        filters = row_filters(rng.choice(rows), rng, (1,), names=BROAD) if filtered else {}
        return query, tuple(filters.items())

    def search_urls(query: Query, filters: tuple) -> tuple[str, str]:
        ours = urlencode({"q": query.archive, **archive_query(dict(filters))})
        theirs = urlencode(
            {"_search": query.datasette, "_searchmode": "raw", **datasette_query(dict(filters))}
        )
        return f"/search/?{ours}", f"{table}?{theirs}&_size=20"

    made = [
        ("permalink", permalinks[:URLS], None),
        ("api_list", distinct_pairs(api_list, api_list_urls, URLS), None),
        ("facets", distinct_pairs(facet_page, facet_page_urls, URLS), None),
        ("search", distinct_pairs(search, search_urls, URLS) if queries else [], len(queries)),
    ]
    return [
        Workload(name, urls, zipf_sequence(len(urls), rng), queries) for name, urls, queries in made
    ]
