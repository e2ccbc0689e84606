"""The archive against Datasette, scenario by scenario, on one synthetic corpus.

    python -m bench --contributions N [--database sqlite|postgresql] [--duration S]
                    [--warmup S] [--seed S] --out FILE.json

Builds (once, then reused) a corpus of N contributions with `generate_corpus`, in the
archive's database and as a standalone SQLite file for Datasette; serves the archive with
gunicorn under production settings (DEBUG off) and Datasette (its own virtualenv, from PyPI)
on the same data; then for each scenario runs `wrk` over loopback against one, then the
other: a warm-up, then a measured run, with rotating ids and search terms. Prints a table
and writes the JSON that README and bench/NOTES.md quote.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.request
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, urlencode

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "bench" / "data"
PYTHON = Path(sys.executable)
DATASETTE_VERSION = "0.65.5"
PG_SERVER = os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432")
SEARCH_TERMS = ("review", "children", "social", "safeguarding", "minister", "local", "report")


@dataclass(frozen=True)
class Scenario:
    name: str
    archive_paths: list[str]
    datasette_paths: list[str]


@dataclass(frozen=True)
class Corpus:
    database_url: str
    datasette_file: Path


# Data -------------------------------------------------------------------------------------


def manage(*arguments: str, database_url: str) -> None:
    env = {**os.environ, "DATABASE_URL": database_url, "DJANGO_DEBUG": "1"}
    subprocess.run([PYTHON, "manage.py", *arguments], cwd=ROOT, env=env, check=True)


def prepare_corpus(contributions: int, seed: int, database: str) -> Corpus:
    """The corpus in both forms, generated the first time and reused after."""
    DATA.mkdir(parents=True, exist_ok=True)
    name = f"corpus_{contributions}_{seed}"
    datasette_file = DATA / f"{name}_datasette.sqlite3"
    if database == "sqlite":
        database_url = f"sqlite:///{DATA / f'{name}.archive.sqlite3'}"
        ready = (DATA / f"{name}.archive.sqlite3").exists() and datasette_file.exists()
    else:
        import psycopg

        database_url = f"{PG_SERVER}/bench_{name}"
        with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as connection:
            exists = connection.execute(
                "SELECT 1 FROM pg_database WHERE datname = %s", [f"bench_{name}"]
            ).fetchone()
            if not exists or not datasette_file.exists():
                connection.execute(f'DROP DATABASE IF EXISTS "bench_{name}"')
                connection.execute(f'CREATE DATABASE "bench_{name}"')
        ready = bool(exists) and datasette_file.exists()
    if not ready:
        if database == "sqlite":
            (DATA / f"{name}.archive.sqlite3").unlink(missing_ok=True)
        datasette_file.unlink(missing_ok=True)
        manage("migrate", "--noinput", "-v", "0", database_url=database_url)
        manage(
            "generate_corpus",
            "--contributions",
            str(contributions),
            "--seed",
            str(seed),
            "--datasette",
            str(datasette_file),
            database_url=database_url,
        )
    else:
        # A corpus kept from an earlier run, brought to this version of the archive as a
        # deployment would be: migrated, then its counts made as after an import.
        manage("migrate", "--noinput", "-v", "0", database_url=database_url)
        manage("warm_counts", database_url=database_url)
    return Corpus(database_url, datasette_file)


def datasette_executable() -> Path:
    """Datasette in a virtualenv of its own, so its dependencies never meet ours."""
    venv = DATA / "datasette-venv"
    executable = venv / "bin" / "datasette"
    if not executable.exists():
        subprocess.run([sys.executable, "-m", "venv", venv], check=True)
        subprocess.run(
            [venv / "bin" / "pip", "install", "-q", f"datasette=={DATASETTE_VERSION}"], check=True
        )
    return executable


# Servers ----------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until_serving(url: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=5):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer within {seconds} s")


@contextmanager
def serving(command: list, url: str, env: dict | None = None):
    log = tempfile.NamedTemporaryFile(prefix="bench-server-", suffix=".log", delete=False)
    # A session of its own, so stopping it stops what it started too (make's gunicorn).
    process = subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=log, stderr=log, start_new_session=True
    )
    try:
        wait_until_serving(url)
        yield url
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            # Still finishing requests wrk gave up on: the measurement is over, stop it.
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def archive_server(corpus: Corpus, workers: int):
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": corpus.database_url,
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "DJANGO_SECRET_KEY": "benchmark-only-secret-key",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "API_THROTTLE_RATE": "1000000000/second",  # one client sends everything here
    }
    env.pop("DJANGO_DEBUG", None)
    subprocess.run(
        [PYTHON, "manage.py", "collectstatic", "--noinput", "-v", "0"],
        cwd=ROOT,
        env=env,
        check=True,
    )
    gunicorn = PYTHON.parent / "gunicorn"
    command = [gunicorn, "safeguarding_archive.wsgi", "--bind", f"127.0.0.1:{port}"]
    command += ["--workers", str(workers), "--access-logfile", "/dev/null"]
    return serving(command, f"http://127.0.0.1:{port}/bench/hello/", env)


def datasette_server(corpus: Corpus):
    port = free_port()
    command = [datasette_executable(), "serve", "--immutable", corpus.datasette_file]
    command += ["--host", "127.0.0.1", "--port", str(port), "--setting", "num_sql_threads", "4"]
    return serving(command, f"http://127.0.0.1:{port}/-/versions.json")


# Scenarios --------------------------------------------------------------------------------


def scenarios(corpus: Corpus, sample: int = 200, seed: int = 1) -> list[Scenario]:
    """Paths for each scenario, rotating over ids, filters and search terms."""
    rows = sqlite3.connect(corpus.datasette_file).execute(
        "SELECT id, key, house, party, substr(date, 1, 4) FROM contributions "
        "WHERE party != '' ORDER BY random() LIMIT ?",
        [sample],
    )
    picks = rows.fetchall()
    rng = random.Random(seed)
    table = f"/{corpus.datasette_file.name.removesuffix('.sqlite3')}/contributions"
    facets = ["house", "party", "speaker_slug", "location", "debate_slug"]

    def api_pair(house, party, year):
        ours = urlencode({"house": house, "party": slug(party), "year": year, "page_size": 50})
        theirs = urlencode({"house": house, "party": party, "date__startswith": year, "_size": 50})
        return f"/api/v1/contributions/?{ours}", f"{table}.json?{theirs}"

    def facet_pair(filtered, house):
        ours = "/contributions/" + (f"?house={house}" if filtered else "")
        theirs = f"{table}?" + "&".join(f"_facet={f}" for f in facets)
        return ours, theirs + (f"&house={house}" if filtered else "")

    def search_pair(term):
        return f"/search/?q={quote(term)}", f"{table}?_search={quote(term)}&_size=20"

    permalink = [(f"/contributions/{key}/", f"{table}/{row_id}") for row_id, key, *_ in picks]
    api_list = [api_pair(house, party, year) for _, _, house, party, year in picks]
    facet_pages = [facet_pair(rng.random() < 0.5, house) for _, _, house, *_ in picks]
    search_pages = [search_pair(rng.choice(SEARCH_TERMS)) for _ in picks]
    hello = [("/bench/hello/", "/-/versions.json")]
    return [
        Scenario(name, [a for a, _ in pairs], [d for _, d in pairs])
        for name, pairs in (
            ("permalink", permalink),
            ("api_list", api_list),
            ("facets", facet_pages),
            ("search", search_pages),
            ("hello", hello),
        )
    ]


def slug(party: str) -> str:
    from django.utils.text import slugify

    return slugify(party)


# Measuring --------------------------------------------------------------------------------


def wrk(base_url: str, paths: list[str], seconds: int, connections: int) -> dict:
    with tempfile.NamedTemporaryFile("w", suffix=".paths", delete=False) as listing:
        listing.write("\n".join(paths) + "\n")
    command = ["wrk", "-t", "2", "-c", str(connections), "-d", f"{seconds}s", "--timeout", "10s"]
    command += ["-s", str(ROOT / "bench" / "report.lua"), base_url, "--", listing.name]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    report = json.loads(output.strip().splitlines()[-1])
    return {
        "rps": report["rps"],
        "p50_ms": report["p50_ms"],
        "p95_ms": report["p95_ms"],
        "p99_ms": report["p99_ms"],
        "errors": report["http_errors"] + report["socket_errors"],
        "timeouts": report["timeouts"],
    }


def drain(ping_url: str, seconds: float = 180) -> None:
    """Wait until the server has worked off requests wrk abandoned at its deadline, so one
    run's backlog never slows the next (the servers share two cores with wrk)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        started = time.monotonic()
        try:
            with urllib.request.urlopen(ping_url, timeout=seconds):
                pass
        except OSError:
            pass
        if time.monotonic() - started < 0.2:
            return
    raise RuntimeError(f"{ping_url} still busy after {seconds} s")


def measure(base_url, paths, warmup, duration, connections, ping_url) -> dict:
    wrk(base_url, paths, warmup, connections)
    drain(ping_url)
    result = wrk(base_url, paths, duration, connections)
    drain(ping_url)
    return result


def table(results: dict) -> str:
    lines = [
        f"{'scenario':<10} {'server':<10} {'req/s':>9} {'p50 ms':>8} {'p95 ms':>8} "
        f"{'p99 ms':>8} {'errors':>7} {'timeouts':>8}"
    ]
    for scenario in results["scenarios"]:
        for server in ("archive", "datasette"):
            r = scenario[server]
            lines.append(
                f"{scenario['name']:<10} {server:<10} {r['rps']:>9.1f} {r['p50_ms']:>8.2f} "
                f"{r['p95_ms']:>8.2f} {r['p99_ms']:>8.2f} {r['errors']:>7} "
                f"{r.get('timeouts', '-'):>8}"
            )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n")[0])
    parser.add_argument("--contributions", type=int, default=100_000)
    parser.add_argument("--database", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--duration", type=int, default=10, help="seconds measured per run")
    parser.add_argument("--warmup", type=int, default=3, help="seconds of warm-up per run")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    corpus = prepare_corpus(args.contributions, args.seed, args.database)
    workers = 2 * (os.cpu_count() or 1) + 1
    results = {
        "contributions": args.contributions,
        "database": args.database,
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, {platform.platform()}",
        "duration_s": args.duration,
        "connections": args.connections,
        "scenarios": [],
    }
    with ExitStack() as servers:
        archive_url = servers.enter_context(archive_server(corpus, workers)).split("/bench/")[0]
        datasette_url = servers.enter_context(datasette_server(corpus)).split("/-/")[0]
        for scenario in scenarios(corpus):
            measured = {"name": scenario.name}
            # One after the other, never at once: the two servers share two cores.
            for server, base, paths, ping in (
                ("archive", archive_url, scenario.archive_paths, "/bench/hello/"),
                ("datasette", datasette_url, scenario.datasette_paths, "/-/versions.json"),
            ):
                measured[server] = measure(
                    base, paths, args.warmup, args.duration, args.connections, base + ping
                )
            # "timeouts" is Datasette's: queries its SQL time limit cut off, and socket
            # timeouts. The archive's facet time limit degrades a page instead of failing
            # it, so any failure of the archive's is counted as an error.
            timeouts = measured["archive"].pop("timeouts")
            measured["archive"]["errors"] += timeouts
            results["scenarios"].append(measured)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2) + "\n")
    print(table(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
