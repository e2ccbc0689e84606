"""import_hansard under faults (issue #9): whatever breaks, all or nothing.

After each fault every debates table holds exactly what it held before (row counts and
checksums: tests/checksums.py), the error names the file, and importing again once the
fault is gone gives what a clean import gives. Faults that need a process of their own
(SIGKILL, a dropped connection, a full disk, a fresh database) run `manage.py` against a
scratch database beside the test database, read back by the same checksum helper.
"""

import datetime
import json
import os
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from dataclasses import dataclass
from io import StringIO
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import psycopg
import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction

from tests.checksums import snapshot, without_state
from tests.conftest import SEED_SOURCES

PROJECT_DIR = Path(__file__).resolve().parent.parent
ON_POSTGRESQL = connection.vendor == "postgresql"
ON_SQLITE = connection.vendor == "sqlite"
# Enough documents that an import spends seconds inside its transaction.
GENERATED_DOCUMENTS = 40
# How long an importer must go on writing uncommitted rows before it is interrupted.
IN_FLIGHT_SECONDS = 0.2
IMPORTER_NAME = "import-faults-test"


def run_import(*paths) -> str:
    out = StringIO()
    call_command("import_hansard", *map(str, paths), stdout=out, stderr=StringIO())
    return out.getvalue()


def clean_import(*batches) -> dict[str, str]:
    """The checksums importing ``batches`` in turn gives here, rolled back afterwards."""
    with transaction.atomic():
        for batch in batches:
            run_import(*batch)
        result = without_state(snapshot())
        transaction.set_rollback(True)
    return result


def ordinal(day: int) -> str:
    """9 -> "9th", 22 -> "22nd": as debate pages print a sitting day."""
    suffix = "th" if 11 <= day <= 13 else {1: "st", 2: "nd", 3: "rd"}.get(day % 10, "th")
    return f"{day}{suffix}"


@pytest.fixture(scope="session")
def generated(tmp_path_factory) -> list[str]:
    """Seed-like documents, each its own debate: pages and records, retitled and redated."""
    directory = tmp_path_factory.mktemp("generated")
    page = Path(SEED_SOURCES[3]).read_text(encoding="utf-8")
    record = Path(SEED_SOURCES[1]).read_text(encoding="utf-8")
    paths = []
    for n in range(GENERATED_DOCUMENTS):
        day = datetime.date(2001, 1, 1) + datetime.timedelta(days=n)
        if n % 2:
            text = (
                record.replace("Children, Schools and Families Bill", f"Children Bill {n}")
                .replace("Tuesday, 23 February 2010", f"{day:%A}, {day.day} {day:%B %Y}")
                .replace("CONTRIBUTION_622898", f"CONTRIBUTION_{900000 + n}")
            )
        else:
            text = page.replace(
                "Safeguarding Children Debate", f"Safeguarding Children {n} Debate", 1
            ).replace("Wednesday 13th June 2012", f"{day:%A} {ordinal(day.day)} {day:%B %Y}")
        path = directory / f"generated_{n:03d}.txt"
        path.write_text(text, encoding="utf-8")
        paths.append(str(path))
    return paths


_clean_results: dict[str, dict[str, str]] = {}


@pytest.fixture
def clean_seeds_then_generated(db, generated) -> dict[str, str]:
    """What importing the seeds, then the generated documents, gives a clean archive."""
    if not _clean_results:
        _clean_results["result"] = clean_import(SEED_SOURCES, generated)
    return _clean_results["result"]


# A scratch database for `manage.py` subprocesses ------------------------------------


@dataclass
class ScratchDatabase:
    """A migrated database apart from the test database: a file on SQLite, a database
    of its own on the same PostgreSQL server."""

    name: str
    sqlite_file: Path | None = None

    def url(self, **options: str) -> str:
        query = f"?{urlencode(options)}" if options else ""
        if self.sqlite_file:
            return f"sqlite:///{self.sqlite_file}{query}"
        server = urlsplit(os.environ["DATABASE_URL"])
        return f"{server._replace(path=f'/{self.name}', query='').geturl()}{query}"

    def manage(self, *args: str, url: str | None = None) -> subprocess.CompletedProcess:
        """`manage.py <args>` run to the end, as a person would run it."""
        return subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=PROJECT_DIR,
            env=command_env(url or self.url()),
            capture_output=True,
            text=True,
            timeout=180,
            check=False,
        )

    def must(self, *args: str) -> str:
        result = self.manage(*args)
        assert result.returncode == 0, result.stderr
        return result.stdout

    def snapshot(self) -> dict[str, str]:
        return json.loads(
            self.must("shell", "-v", "0", "-c", "import tests.checksums as c; c.main()")
        )

    def start_import(self, *paths: str) -> subprocess.Popen:
        """`manage.py import_hansard <paths>`, left running; named so pg_stat_activity shows it."""
        url = self.url() if self.sqlite_file else self.url(application_name=IMPORTER_NAME)
        return subprocess.Popen(
            [sys.executable, "manage.py", "import_hansard", *paths],
            cwd=PROJECT_DIR,
            env=command_env(url),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )

    def wait_mid_import(self, importer: subprocess.Popen) -> int:
        """Return once ``importer`` has written rows it has not committed, and is still
        writing a moment later: its PostgreSQL backend's pid (on SQLite, its own)."""
        deadline = time.monotonic() + 60
        while (writer := self._uncommitted_writer(importer)) is None:
            assert importer.poll() is None, f"import ended unseen: {importer.communicate()}"
            assert time.monotonic() < deadline, "the import never began writing"
            time.sleep(0.01)
        time.sleep(IN_FLIGHT_SECONDS)
        still = importer.poll() is None and self._uncommitted_writer(importer) == writer
        assert still, "the import committed before it could be interrupted: generate more"
        return writer

    def _uncommitted_writer(self, importer: subprocess.Popen) -> int | None:
        if self.sqlite_file:
            # Only one connection at a time may hold SQLite's write lock: if ours cannot
            # take it, the importer holds it, in a transaction not yet committed.
            probe = sqlite3.connect(self.sqlite_file, timeout=0)
            try:
                probe.execute("BEGIN IMMEDIATE")
                probe.rollback()
                return None
            except sqlite3.OperationalError as error:
                if "locked" not in str(error):
                    raise
                return importer.pid
            finally:
                probe.close()
        # A backend is given a transaction id at its first write.
        return admin_query(
            "SELECT pid FROM pg_stat_activity WHERE datname = %s AND application_name = %s "
            "AND backend_xid IS NOT NULL",
            [self.name, IMPORTER_NAME],
        )


def command_env(database_url: str) -> dict[str, str]:
    secret_key = os.environ.get("DJANGO_SECRET_KEY", "test")
    return {**os.environ, "DATABASE_URL": database_url, "DJANGO_SECRET_KEY": secret_key}


def admin_query(sql: str, params=(), *, attempts: int = 1):
    """One statement on the test server's `postgres` database, outside any transaction."""
    settings = connection.settings_dict
    for attempt in range(attempts):
        try:
            with psycopg.connect(
                dbname="postgres",
                host=settings["HOST"] or None,
                port=settings["PORT"] or None,
                user=settings["USER"] or None,
                password=settings["PASSWORD"] or None,
                autocommit=True,
            ) as admin:
                cursor = admin.execute(sql, params)
                row = cursor.fetchone() if cursor.description else None
                return row[0] if row else None
        except psycopg.errors.ObjectInUse:
            # A template's last user (a finished subprocess) may take a moment to leave.
            if attempt == attempts - 1:
                raise
            time.sleep(0.2)


@pytest.fixture(scope="session")
def migrated_template(tmp_path_factory):
    directory = tmp_path_factory.mktemp("scratch")
    name = f"import_faults_{os.getpid()}"
    if ON_SQLITE:
        template = ScratchDatabase(name, sqlite_file=directory / f"{name}.sqlite3")
    else:
        admin_query(f'CREATE DATABASE "{name}"')
        template = ScratchDatabase(name)
    template.must("migrate", "--noinput", "-v", "0")
    yield template
    if ON_POSTGRESQL:
        admin_query(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def scratch(migrated_template, tmp_path):
    """A fresh, migrated, empty database for this test alone."""
    name = f"{migrated_template.name}_{os.urandom(4).hex()}"
    if ON_SQLITE:
        shutil.copyfile(migrated_template.sqlite_file, tmp_path / f"{name}.sqlite3")
        yield ScratchDatabase(name, sqlite_file=tmp_path / f"{name}.sqlite3")
        return
    admin_query(f'CREATE DATABASE "{name}" TEMPLATE "{migrated_template.name}"', attempts=25)
    yield ScratchDatabase(name)
    admin_query(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


# 1. A malformed document among good ones -----------------------------------------------


@pytest.mark.parametrize(
    ("good", "bad", "message"),
    [
        # Refused while parsing, before the transaction opens.
        ("Thursday 9th June 2011", "Thursday 31st June 2011", "unparseable date"),
        # Parsed, then refused inside the transaction, after two documents were written.
        (
            "\nMunro Report\n",
            "\nMunro Report" + " and child protection" * 25 + "\n",
            "debate title is",
        ),
    ],
    ids=["malformed-date", "title-too-long-for-its-column"],
)
def test_a_bad_third_document_of_five_imports_nothing_and_the_fixed_rerun_converges(
    db, tmp_path, good, bad, message
):
    copies = [tmp_path / Path(source).name for source in SEED_SOURCES]
    for source, copy in zip(SEED_SOURCES, copies, strict=True):
        shutil.copyfile(source, copy)
    run_import(copies[4])  # the archive is not empty beforehand
    expected = clean_import(SEED_SOURCES)
    before = snapshot()

    original = copies[2].read_text(encoding="utf-8")
    copies[2].write_text(original.replace(good, bad, 1), encoding="utf-8")
    with pytest.raises(CommandError) as raised:
        run_import(*copies)

    assert str(raised.value).startswith(f"{copies[2]}:8: ")  # the debate's date line
    assert message in str(raised.value)
    assert snapshot() == before
    copies[2].write_text(original, encoding="utf-8")
    run_import(*copies)
    assert without_state(snapshot()) == expected


# 2. SIGKILL mid-import -------------------------------------------------------------------


def test_a_killed_import_commits_nothing_and_a_rerun_converges(
    scratch, generated, clean_seeds_then_generated
):
    scratch.must("import_hansard", *SEED_SOURCES)
    before = scratch.snapshot()

    importer = scratch.start_import(*generated)
    scratch.wait_mid_import(importer)
    importer.send_signal(signal.SIGKILL)
    importer.communicate()

    assert importer.returncode == -signal.SIGKILL
    assert scratch.snapshot() == before
    scratch.must("import_hansard", *generated)
    assert without_state(scratch.snapshot()) == clean_seeds_then_generated


# 3. The connection dropped mid-import (PostgreSQL) ---------------------------------------


def assert_names_a_document(stderr: str, paths: list[str], reason: str) -> None:
    documents = "|".join(re.escape(path) for path in paths)
    pattern = (
        rf"CommandError: (?:{documents}): database error while importing document "
        rf"(\d+) of {len(paths)}; nothing was imported: .*(?:{reason})"
    )
    assert "Traceback" not in stderr
    match = re.search(pattern, stderr)
    assert match, stderr
    assert 1 < int(match[1]) < len(paths), "the fault struck at an edge, not mid-import"


@pytest.mark.skipif(not ON_POSTGRESQL, reason="pg_terminate_backend is PostgreSQL's")
def test_a_dropped_connection_fails_naming_the_file_and_commits_nothing(
    scratch, generated, clean_seeds_then_generated
):
    scratch.must("import_hansard", *SEED_SOURCES)
    before = scratch.snapshot()

    importer = scratch.start_import(*generated)
    backend = scratch.wait_mid_import(importer)
    admin_query("SELECT pg_terminate_backend(%s)", [backend])
    _, stderr = importer.communicate(timeout=60)

    assert importer.returncode == 1
    # psycopg reports the server's FATAL message, or only the closed socket if that came first.
    assert_names_a_document(
        stderr, generated, "terminating connection|server closed the connection"
    )
    assert scratch.snapshot() == before
    scratch.must("import_hansard", *generated)
    assert without_state(scratch.snapshot()) == clean_seeds_then_generated


# 4. The same file twice ------------------------------------------------------------------


def test_the_same_files_twice_in_one_command_import_once(db, tmp_path):
    expected = clean_import(SEED_SOURCES)
    renamed = tmp_path / "renamed-copy.txt"
    shutil.copyfile(SEED_SOURCES[1], renamed)

    run_import(*SEED_SOURCES, *SEED_SOURCES, renamed)

    assert without_state(snapshot()) == expected


def test_a_second_run_of_the_same_files_changes_no_row(db):
    run_import(*SEED_SOURCES)
    first = snapshot()

    output = run_import(*reversed(SEED_SOURCES))

    assert "Nothing changed" in output
    assert snapshot() == first


# 5. Disk full (SQLite) -------------------------------------------------------------------


@pytest.mark.skipif(not ON_SQLITE, reason="a page limit is SQLite's; PostgreSQL's disk is not ours")
def test_a_full_disk_fails_naming_the_file_and_a_rerun_with_room_converges(
    scratch, generated, clean_seeds_then_generated
):
    scratch.must("import_hansard", *SEED_SOURCES)
    before = scratch.snapshot()
    with sqlite3.connect(scratch.sqlite_file) as database:
        [pages] = database.execute("PRAGMA page_count").fetchone()

    # Room for a few documents, not for all of them.
    full = scratch.url(init_command=f"PRAGMA max_page_count = {pages + 100}")
    result = scratch.manage("import_hansard", *generated, url=full)

    assert result.returncode == 1
    assert_names_a_document(result.stderr, generated, "database or disk is full")
    assert scratch.snapshot() == before
    scratch.must("import_hansard", *generated)
    assert without_state(scratch.snapshot()) == clean_seeds_then_generated


# 6. dumpdata -> a fresh database -> loaddata --------------------------------------------


def test_dumpdata_then_loaddata_into_a_fresh_database_round_trips_every_row(
    db, scratch, generated, tmp_path
):
    run_import(*SEED_SOURCES)
    run_import(*generated[:10])
    dump = tmp_path / "archive.json"
    # As `make fixtures` dumps: ArchiveState is when the archive changed, and the tally
    # what it counts to, not its data.
    call_command(
        "dumpdata",
        "debates",
        exclude=["debates.archivestate", "debates.contributiontally"],
        use_natural_primary_keys=True,
        use_natural_foreign_keys=True,
        output=str(dump),
        verbosity=0,
    )

    scratch.must("loaddata", str(dump))

    assert without_state(scratch.snapshot()) == without_state(snapshot())
