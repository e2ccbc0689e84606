"""generate_corpus: a deterministic synthetic Hansard corpus, written as save() would."""

import datetime
import hashlib
import random
import re
import sqlite3
from collections import Counter
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from bench.corpus import CorpusSize, Vocabulary, column_range, session_of
from debates import caching
from debates.importing.curation import load_topic_vocabulary
from debates.models import (
    Contribution,
    ContributionTopic,
    Debate,
    Speaker,
)
from debates.search import ENGLISH_STOP_WORDS, engine

pytestmark = pytest.mark.django_db

CONTRIBUTIONS = 600
KEY = re.compile(r"^\d{4}-\d{2}-\d{2}-h[cl]-[0-9a-f]{10}$")


def generate(contributions: int = CONTRIBUTIONS, seed: int = 7, **options) -> str:
    out = StringIO()
    call_command("generate_corpus", contributions=contributions, seed=seed, stdout=out, **options)
    return out.getvalue()


def corpus_digest() -> str:
    digest = hashlib.sha256()
    rows = Contribution.objects.order_by("key").values_list("key", "sort_key", "search_text")
    for key, sort_key, text in rows:
        digest.update(f"{key}|{sort_key}|{text}\n".encode())
    return digest.hexdigest()


def empty_archive() -> None:
    Contribution.objects.all().delete()
    Debate.objects.all().delete()
    Speaker.objects.all().delete()


def frequent_word() -> str:
    """The commonest searchable word of the generated speeches."""
    counts = Counter(
        word
        for text in Contribution.objects.values_list("search_text", flat=True)
        for word in re.findall(r"[a-z]{4,}", text.lower())
        if word not in ENGLISH_STOP_WORDS
    )
    return counts.most_common(1)[0][0]


def test_the_same_seed_gives_the_same_corpus_whatever_the_batch_size():
    generate(seed=7)
    first = corpus_digest()
    empty_archive()
    generate(seed=7, batch_size=97)
    assert corpus_digest() == first
    empty_archive()
    generate(seed=8)
    assert corpus_digest() != first


def test_counts_scale_with_the_contributions():
    output = generate()
    size = CorpusSize.for_contributions(CONTRIBUTIONS)
    assert (size.speakers, size.debates) == (50, 12)
    assert Contribution.objects.count() == CONTRIBUTIONS
    assert Debate.objects.count() == size.debates
    assert Speaker.objects.count() == size.speakers
    assert f"{CONTRIBUTIONS} contributions in " in output
    assert caching.archive_state().version >= 1


def test_sizes_at_full_scale():
    assert CorpusSize.for_contributions(1_000_000) == CorpusSize(1_000_000, 4_000, 20_000)
    assert CorpusSize.for_contributions(20_000_000).speakers == 40_000
    # Never a debate without a speech.
    assert CorpusSize.for_contributions(5) == CorpusSize(5, 50, 5)


def test_every_row_carries_what_save_would_derive():
    generate()
    contributions = list(Contribution.objects.select_related("debate", "speaker"))
    for contribution in contributions:
        assert KEY.match(contribution.key)
        assert contribution.key.startswith(contribution.debate.date.isoformat())
        assert contribution.sort_key == Contribution.sort_key_for(
            contribution.debate, contribution.sequence
        )
        assert contribution.search_title == contribution.debate.title
        assert contribution.search_speaker == contribution.speaker.name
        assert contribution.search_text == contribution.text
        assert contribution.party_id == contribution.speaker.party_id
    by_sort_key = [c.pk for c in sorted(contributions, key=lambda c: c.sort_key)]
    by_sitting = sorted(contributions, key=lambda c: (c.debate.date, c.debate.slug, c.sequence))
    assert by_sort_key == [c.pk for c in by_sitting]
    # Saving changes nothing that the generator derived.
    contribution = contributions[0]
    derived = [getattr(contribution, name) for name in Contribution.DERIVED_FIELDS]
    contribution.save()
    contribution.refresh_from_db()
    assert [getattr(contribution, name) for name in Contribution.DERIVED_FIELDS] == derived


def test_speeches_look_like_hansard():
    generate()
    paragraphs = [
        paragraph
        for contribution in Contribution.objects.all()
        for paragraph in contribution.paragraphs
    ]
    kinds = Counter(paragraph["kind"] for paragraph in paragraphs)
    assert set(kinds) <= {"speech", "quotation", "procedural"}
    assert 0.01 < kinds["quotation"] / len(paragraphs) < 0.12
    for paragraph in paragraphs:
        if paragraph["kind"] == "quotation":
            assert paragraph["text"].startswith("“") and paragraph["text"].endswith("”")
    words = [
        len(text.split()) for text in Contribution.objects.values_list("search_text", flat=True)
    ]
    assert 170 < sum(words) / len(words) < 290
    assert Contribution.objects.exclude(column_reference="").count() > CONTRIBUTIONS / 2
    for speaker in Speaker.objects.filter(house="commons"):
        assert speaker.constituency
    assert not Speaker.objects.filter(house="lords").exclude(constituency="").exists()
    assert all(1803 <= year <= 2025 for year in Debate.objects.values_list("date__year", flat=True))


def test_topic_tags_are_rules_whose_phrase_is_in_the_words_and_debates_carry_their_union():
    generate()
    definitions = {
        d.slug: d for d in load_topic_vocabulary(settings.IMPORT_DATA_DIR / "topics.toml")
    }
    tags = list(ContributionTopic.objects.select_related("contribution", "topic"))
    tagged = {tag.contribution_id for tag in tags}
    assert 0.2 < len(tagged) / CONTRIBUTIONS < 0.4
    for tag in tags:
        assert tag.provenance == ContributionTopic.Provenance.RULE
        assert tag.matched_phrase in tag.contribution.search_text
        assert definitions[tag.topic.slug].matched_phrase(tag.contribution.search_text)
    for debate in Debate.objects.prefetch_related("topics"):
        expected = set(
            ContributionTopic.objects.filter(contribution__debate=debate).values_list(
                "topic_id", flat=True
            )
        )
        assert {topic.pk for topic in debate.topics.all()} == expected


def test_search_finds_generated_rows_and_its_index_is_back():
    generate()
    word = frequent_word()
    containing = sum(
        1
        for text in Contribution.objects.values_list("search_text", flat=True)
        if re.search(rf"\b{word}\b", text, re.IGNORECASE)
    )
    # Stemming may match more forms of the word, never fewer rows.
    found = engine().matching(Contribution.objects.all(), word).count()
    assert found >= containing > 0
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT count(*) FROM pg_indexes "
                "WHERE indexname = 'debates_contribution_search_vector'"
            )
            assert cursor.fetchone()[0] == 1
        else:
            cursor.execute(
                "SELECT count(*) FROM sqlite_master "
                "WHERE type = 'trigger' AND name LIKE 'debates_contribution_fts_%'"
            )
            assert cursor.fetchone()[0] == 3


def test_datasette_file_holds_the_same_corpus_with_full_text_search(tmp_path):
    path = tmp_path / "corpus.db"
    generate(datasette=path)
    word = frequent_word()
    database = sqlite3.connect(path)
    try:
        tables = {row[0] for row in database.execute("SELECT name FROM sqlite_master")}
        assert {"contributions", "speakers", "debates", "contributions_fts"} <= tables
        keys = {row[0] for row in database.execute("SELECT key FROM contributions")}
        assert keys == set(Contribution.objects.values_list("key", flat=True))
        assert database.execute("SELECT count(*) FROM speakers").fetchone()[0] == 50
        indexed = {
            row[0]
            for row in database.execute(
                "SELECT il.name FROM pragma_index_list('contributions') AS il"
            )
        }
        for column in ("house", "party", "speaker_slug", "date"):
            assert f"idx_contributions_{column}" in indexed
        fts_sql = database.execute(
            "SELECT sql FROM sqlite_master WHERE name = 'contributions_fts'"
        ).fetchone()[0]
        # What Datasette looks for to offer ?_search= on the contributions table.
        assert "content=[contributions]" in fts_sql
        matches = database.execute(
            "SELECT count(*) FROM contributions_fts WHERE contributions_fts MATCH ?", [word]
        ).fetchone()[0]
        assert matches > 0
        citation = database.execute(
            "SELECT citation FROM contributions WHERE column_reference != '' LIMIT 1"
        ).fetchone()[0]
        assert re.match(r"^H[CL] Deb \d+ \w+ \d{4}, vol \d+, cc?\d", citation)
    finally:
        database.close()


def test_refuses_an_archive_that_already_has_debates():
    generate()
    with pytest.raises(CommandError, match="empty archive"):
        generate(seed=8)
    assert Contribution.objects.count() == CONTRIBUTIONS


def test_refuses_an_existing_datasette_file_and_leaves_the_archive_empty(tmp_path):
    path = tmp_path / "corpus.db"
    path.write_bytes(b"")
    with pytest.raises(CommandError, match="already exists"):
        generate(datasette=path)
    assert not Contribution.objects.exists()


@pytest.mark.django_db(databases=[])
def test_words_are_drawn_in_proportion_to_their_weights():
    weights = [50, 20, 15, 10, 4, 1]
    vocabulary = Vocabulary.weighted(list("abcdef"), weights)
    drawn = Counter(vocabulary.sample(random.Random(3), 200_000))
    for word, weight in zip("abcdef", weights, strict=True):
        assert drawn[word] / 200_000 == pytest.approx(weight / 100, abs=0.005)


def test_hansard_column_ranges_and_sessions():
    assert column_range(185, 186) == "185-6"
    assert column_range(199, 200) == "199-200"
    assert column_range(1209, 1210) == "1209-10"
    assert column_range(45, 45) == "45"
    assert session_of(datetime.date(2010, 2, 23)) == "2009-10"
    assert session_of(datetime.date(2009, 11, 18)) == "2009-10"
    assert session_of(datetime.date(1999, 12, 1)) == "1999-2000"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite is left unanalysed")
def test_postgresql_has_planner_statistics_for_the_new_rows():
    generate()
    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples FROM pg_class WHERE relname = 'debates_contribution'")
        [rows] = cursor.fetchone()
    assert rows > 0  # -1 until the table is first analysed


def test_the_datasette_file_alone_holds_the_same_rows_and_the_archive_stays_empty(tmp_path):
    generate(datasette=tmp_path / "both.db")
    both = sqlite3.connect(tmp_path / "both.db").execute("SELECT * FROM contributions").fetchall()
    empty_archive()

    output = generate(datasette=tmp_path / "alone.db", datasette_only=True)

    alone = sqlite3.connect(tmp_path / "alone.db").execute("SELECT * FROM contributions")
    assert alone.fetchall() == both
    assert f"{CONTRIBUTIONS} contributions in " in output
    assert not Debate.objects.exists() and not Speaker.objects.exists()
