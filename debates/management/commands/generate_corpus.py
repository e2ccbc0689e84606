"""python manage.py generate_corpus --contributions N --seed S [--datasette PATH] ..."""

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection

from bench.corpus import (
    DEFAULT_BATCH_SIZE,
    CorpusError,
    existing_archive_rows,
    generate_corpus,
)
from debates.warming import warm_counts


def positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise ValueError(text)
    return value


class Command(BaseCommand):
    help = (
        "Write a deterministic synthetic Hansard corpus into an empty archive, for "
        "benchmarks: the same --contributions and --seed give the same rows every time."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--contributions", type=positive, required=True, metavar="N")
        parser.add_argument("--seed", type=int, required=True, metavar="S")
        parser.add_argument(
            "--batch-size",
            type=positive,
            default=DEFAULT_BATCH_SIZE,
            metavar="B",
            help=f"Rows per bulk insert (default {DEFAULT_BATCH_SIZE:,}).",
        )
        parser.add_argument(
            "--datasette",
            type=Path,
            metavar="PATH",
            help="Also write the corpus as a new SQLite file laid out for Datasette.",
        )
        parser.add_argument(
            "--datasette-only",
            action="store_true",
            help="Write the --datasette file alone, leaving the archive as it was (for a "
            "corpus too large to keep in both forms on one disk).",
        )
        parser.add_argument(
            "--keep-indexes",
            action="store_true",
            help="Maintain every index row by row instead of building them after the load "
            "(slower; to measure what building after saves).",
        )

    def handle(
        self, *args, contributions, seed, batch_size, datasette, datasette_only, keep_indexes, **_
    ):
        if existing := existing_archive_rows():
            found = ", ".join(f"{count:,} {label}" for label, count in existing.items())
            raise CommandError(
                f"The archive already holds {found}; generate_corpus writes into an empty "
                "archive only. Point DATABASE_URL at a new database and run `manage.py "
                "migrate`, or empty this one with `manage.py flush`."
            )
        try:
            report = generate_corpus(
                contributions,
                seed,
                batch_size=batch_size,
                datasette_path=datasette,
                keep_indexes=keep_indexes,
                datasette_only=datasette_only,
                progress=self._progress if sys.stderr.isatty() else None,
            )
        except CorpusError as error:
            raise CommandError(str(error)) from error
        if connection.vendor == "postgresql" and not datasette_only:
            refresh_planner_statistics()
        if sys.stderr.isatty():
            sys.stderr.write("\n")
        self.stdout.write(
            f"{report.debates:,} debates, {report.speakers:,} speakers, "
            f"{report.topic_tags:,} topic tags"
        )
        self.stdout.write(report.summary)
        if not datasette_only:  # the archive is as it was
            self.stdout.write(warm_counts().summary())

    def _progress(self, written: int, total: int) -> None:
        sys.stderr.write(f"\rcontributions {written:,}/{total:,} ({written / total:.0%})")
        sys.stderr.flush()


def refresh_planner_statistics() -> None:
    """PostgreSQL's statistics and visibility map for tables that went from empty to
    millions of rows in one transaction: without the map the covering facet indexes cannot
    be read alone (an index-only scan). Autovacuum gets there in its own time; a benchmark
    or a first visitor should not wait for it.

    Not on SQLite: with statistics (ANALYZE) its planner reads a House-filtered facet in
    GROUP BY order through the foreign key's index, fetching every row (2 s and more at 1M),
    instead of the covering facet index and a sort (0.2 s): see bench/NOTES.md.
    """
    # VACUUM cannot run inside a transaction, as when a test calls this command.
    statement = "ANALYZE" if connection.in_atomic_block else "VACUUM (ANALYZE)"
    with connection.cursor() as cursor:
        cursor.execute(statement)
