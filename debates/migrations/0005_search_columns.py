"""Full-text search: the columns it indexes, and each database's own index over them.

PostgreSQL: a stored generated tsvector column (debate title A, speaker B, words C) with a
GIN index. SQLite: an FTS5 table mirroring the three columns, kept in step by triggers,
with the Porter stemmer. Other databases get the columns and no index (see search.py).
"""

from django.db import migrations, models

POSTGRESQL_FORWARD = [
    """
    ALTER TABLE debates_contribution ADD COLUMN search_vector tsvector
    GENERATED ALWAYS AS (
        setweight(to_tsvector('english', coalesce(search_title, '')), 'A')
        || setweight(to_tsvector('english', coalesce(search_speaker, '')), 'B')
        || setweight(to_tsvector('english', coalesce(search_text, '')), 'C')
    ) STORED
    """,
    "CREATE INDEX debates_contribution_search_vector ON debates_contribution "
    "USING GIN (search_vector)",
]
POSTGRESQL_BACKWARD = ["ALTER TABLE debates_contribution DROP COLUMN search_vector"]

SQLITE_FORWARD = [
    """
    CREATE VIRTUAL TABLE debates_contribution_fts USING fts5(
        search_title, search_speaker, search_text,
        content='debates_contribution', content_rowid='id',
        tokenize='porter unicode61 remove_diacritics 2'
    )
    """,
    """
    CREATE TRIGGER debates_contribution_fts_insert AFTER INSERT ON debates_contribution BEGIN
        INSERT INTO debates_contribution_fts(rowid, search_title, search_speaker, search_text)
        VALUES (new.id, new.search_title, new.search_speaker, new.search_text);
    END
    """,
    """
    CREATE TRIGGER debates_contribution_fts_delete AFTER DELETE ON debates_contribution BEGIN
        INSERT INTO debates_contribution_fts(
            debates_contribution_fts, rowid, search_title, search_speaker, search_text
        ) VALUES ('delete', old.id, old.search_title, old.search_speaker, old.search_text);
    END
    """,
    """
    CREATE TRIGGER debates_contribution_fts_update AFTER UPDATE ON debates_contribution BEGIN
        INSERT INTO debates_contribution_fts(
            debates_contribution_fts, rowid, search_title, search_speaker, search_text
        ) VALUES ('delete', old.id, old.search_title, old.search_speaker, old.search_text);
        INSERT INTO debates_contribution_fts(rowid, search_title, search_speaker, search_text)
        VALUES (new.id, new.search_title, new.search_speaker, new.search_text);
    END
    """,
    "INSERT INTO debates_contribution_fts(debates_contribution_fts) VALUES ('rebuild')",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER debates_contribution_fts_insert",
    "DROP TRIGGER debates_contribution_fts_delete",
    "DROP TRIGGER debates_contribution_fts_update",
    "DROP TABLE debates_contribution_fts",
]


def fill_search_columns(apps, schema_editor):
    Contribution = apps.get_model("debates", "Contribution")
    rows = Contribution.objects.select_related("debate", "speaker")
    for contribution in rows.iterator(chunk_size=2000):
        contribution.search_title = contribution.debate.title
        contribution.search_speaker = contribution.speaker.name
        contribution.search_text = "\n\n".join(p["text"] for p in contribution.paragraphs)
        contribution.save(update_fields=["search_title", "search_speaker", "search_text"])


def run_for_vendor(statements: dict[str, list[str]]):
    def run(apps, schema_editor):
        for statement in statements.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("debates", "0004_archive_state")]

    operations = [
        migrations.AddField(
            model_name="contribution",
            name="search_speaker",
            field=models.CharField(default="", editable=False, max_length=200),
        ),
        migrations.AddField(
            model_name="contribution",
            name="search_text",
            field=models.TextField(default="", editable=False),
        ),
        migrations.AddField(
            model_name="contribution",
            name="search_title",
            field=models.CharField(default="", editable=False, max_length=500),
        ),
        migrations.RunPython(fill_search_columns, migrations.RunPython.noop),
        migrations.RunPython(
            run_for_vendor({"postgresql": POSTGRESQL_FORWARD, "sqlite": SQLITE_FORWARD}),
            run_for_vendor({"postgresql": POSTGRESQL_BACKWARD, "sqlite": SQLITE_BACKWARD}),
        ),
    ]
