"""The archive against Datasette, scenario by scenario, on one synthetic corpus.

    python -m bench --contributions N [--database sqlite|postgresql] [--redis-url URL]
                    [--page-cache on|off] [--workload warm|long-tail]
                    [--duration S] [--warmup S] [--seed S] --out FILE.json

Builds (once, then reused) a corpus of N contributions with `generate_corpus`, in the
archive's database and as a standalone SQLite file for Datasette; serves the archive with
gunicorn under production settings (DEBUG off) and Datasette (its own virtualenv, from PyPI)
on the same data; then for each scenario, against one server, then the other: a first
visit to a sample of its paths one at a time (what a visitor meets before anything is
cached), then `wrk` over loopback, a warm-up and a measured run: over 200 rotating ids,
filters and search terms (the warm workload), or over at least 50,000 distinct URLs asked
for with a Zipf-like skew (the long-tail workload, bench/longtail.py). Prints a table and
writes the JSON that README and bench/NOTES.md quote, one entry per scenario and mode.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import shutil
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

from bench import longtail

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "bench" / "data"
PYTHON = Path(sys.executable)
DATASETTE_VERSION = "0.65.5"
PG_SERVER = os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432")
SERVERS = ("archive", "datasette")
SEARCH_TERMS = ("review", "children", "social", "safeguarding", "minister", "local", "report")
WORKLOADS = ("warm", "long-tail")
FIRST_VISITS = {"warm": 10, "long-tail": 100}
UNCOUNTED_CHECKS = 200  # distinct paths asked for again after a run, at most


@dataclass(frozen=True)
class Scenario:
    name: str
    archive_paths: list[str]  # in the order asked for
    datasette_paths: list[str]
    # The long-tail workload's distinct (archive, Datasette) URLs, most popular first.
    distinct: list[tuple[str, str]] | None = None
    queries: int | None = None  # distinct searches

    def first_visits(self, server: str, count: int) -> list[str]:
        """``count`` paths none asked for before, spread over the rotation (or the ranks)."""
        side = SERVERS.index(server)
        if self.distinct is not None:
            step = max(1, len(self.distinct) // max(1, count))
            return [pair[side] for pair in self.distinct[::step][:count]]
        paths = (self.archive_paths, self.datasette_paths)[side]
        return paths[:: max(1, len(paths) // count)][:count]

    def described(self) -> dict:
        """What the JSON records of the long-tail workload's URLs."""
        if self.distinct is None:
            return {}
        urls = {
            "archive": len(self.distinct),
            "datasette": len({datasette for _, datasette in self.distinct}),
            "requests_listed": len(self.archive_paths),
        }
        if self.queries is not None:
            urls["queries"] = self.queries
        return {"urls": urls}


@dataclass(frozen=True)
class Corpus:
    contributions: int
    database_url: str
    datasette_file: Path
    servers: frozenset[str]  # the forms made: "archive", "datasette"
    search_index: Path | None  # the archive's tantivy index (SEARCH_INDEX), if measured with one


# Data -------------------------------------------------------------------------------------


def manage(*arguments: str, database_url: str) -> None:
    env = {**os.environ, "DATABASE_URL": database_url, "DJANGO_DEBUG": "1"}
    subprocess.run([PYTHON, "manage.py", *arguments], cwd=ROOT, env=env, check=True)


def use_redis(redis_url: str | None) -> None:
    """The archive's shared caches in this Redis database, for the commands that warm its
    counts and for the server alike, emptied first so that nothing an earlier run cached
    is found; or none (counts in the archive's database, pages per process)."""
    os.environ.pop("REDIS_URL", None)
    if redis_url:
        import redis

        redis.Redis.from_url(redis_url).flushdb()
        os.environ["REDIS_URL"] = redis_url


def generate(contributions: int, seed: int, database_url: str, *options: str) -> None:
    manage("migrate", "--noinput", "-v", "0", database_url=database_url)
    arguments = ["--contributions", str(contributions), "--seed", str(seed), *options]
    manage("generate_corpus", *arguments, database_url=database_url)


def archive_database(name: str, database: str) -> tuple[str, bool]:
    """The archive's database URL, and whether it holds a generated corpus (generation is
    one transaction: a database with contributions holds all of them)."""
    if database == "sqlite":
        path = DATA / f"{name}.archive.sqlite3"
        url = f"sqlite:///{path}"
        if not path.exists():
            return url, False
        with sqlite3.connect(path) as connection:
            tables = connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
            if "debates_contribution" not in {row[0] for row in tables}:
                return url, False
            return url, bool(connection.execute("SELECT 1 FROM debates_contribution").fetchone())
    import psycopg

    url = f"{PG_SERVER}/bench_{name}"
    with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as connection:
        sql = "SELECT 1 FROM pg_database WHERE datname = %s"
        if not connection.execute(sql, [f"bench_{name}"]).fetchone():
            return url, False
    with psycopg.connect(url) as connection:
        held = connection.execute("SELECT to_regclass('debates_contribution') IS NOT NULL")
        if not held.fetchone()[0]:
            return url, False
        return url, bool(
            connection.execute("SELECT 1 FROM debates_contribution LIMIT 1").fetchone()
        )


def empty_archive(name: str, database: str, url: str) -> None:
    if database == "sqlite":
        for suffix in ("", "-wal", "-shm"):
            (DATA / f"{name}.archive.sqlite3{suffix}").unlink(missing_ok=True)
        return
    import psycopg

    with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "bench_{name}"')
        connection.execute(f'CREATE DATABASE "bench_{name}"')


def datasette_file_complete(path: Path) -> bool:
    """Whether the file is a finished one: its full-text table is made last."""
    if not path.exists():
        return False
    with sqlite3.connect(path) as connection:
        names = connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        return "contributions_fts" in {row[0] for row in names}


def prepare_corpus(
    contributions: int, seed: int, database: str, servers: set[str], search_index: bool
) -> Corpus:
    """The corpus in the forms the measured servers need, generated the first time and
    reused after: both in one run when both are needed, or each alone (the Datasette file
    through a scratch archive that keeps nothing), for a corpus too large to keep in both
    forms on one disk. With ``search_index``, the archive's search index too, built by the
    generator's commit or, for a kept corpus without one, by `manage.py search_index`."""
    DATA.mkdir(parents=True, exist_ok=True)
    name = f"corpus_{contributions}_{seed}"
    datasette_file = DATA / f"{name}_datasette.sqlite3"
    index = DATA / f"{name}_{database}.search-index" if search_index else None
    os.environ.pop("SEARCH_INDEX", None)
    if index is not None:
        os.environ["SEARCH_INDEX"] = str(index)
    database_url, archive_ready = archive_database(name, database)
    file_needed = "datasette" in servers and not datasette_file_complete(datasette_file)
    if file_needed:
        datasette_file.unlink(missing_ok=True)
    if "archive" in servers and not archive_ready:
        empty_archive(name, database, database_url)
        if index is not None:
            shutil.rmtree(index, ignore_errors=True)
        also = ["--datasette", str(datasette_file)] if file_needed else []
        generate(contributions, seed, database_url, *also)
        file_needed = False
    elif "archive" in servers:
        # A corpus kept from an earlier run, brought to this version of the archive as a
        # deployment would be: migrated, then its counts made as after an import.
        manage("migrate", "--noinput", "-v", "0", database_url=database_url)
        manage("warm_counts", database_url=database_url)
        if index is not None and not index.exists():
            manage("search_index", database_url=database_url)
    if file_needed:
        with tempfile.TemporaryDirectory() as scratch:
            scratch_url = f"sqlite:///{Path(scratch) / 'archive.sqlite3'}"
            generate(
                contributions,
                seed,
                scratch_url,
                "--datasette",
                str(datasette_file),
                "--datasette-only",
            )
    return Corpus(contributions, database_url, datasette_file, frozenset(servers), index)


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


def archive_server(corpus: Corpus, workers: int, page_cache: str):
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
    # Off: every page and API list built for each request (the archive's PAGE_CACHE
    # setting); on is the archive's default.
    env.pop("PAGE_CACHE", None)
    if page_cache == "off":
        env["PAGE_CACHE"] = "off"
    env.pop("SEARCH_INDEX", None)
    if corpus.search_index is not None:
        env["SEARCH_INDEX"] = str(corpus.search_index)
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


def datasette_server(corpus: Corpus, immutable: bool):
    port = free_port()
    datasette = datasette_executable()
    command = [datasette, "serve"]
    if immutable:
        # Served immutable, Datasette counts every table's rows before it answers: over a
        # minute at 10M rows. Counted once ahead, as its documentation advises for large
        # files (which reads the whole file: at 10M, longer than the measurement).
        inspected = corpus.datasette_file.with_suffix(".inspect.json")
        made = corpus.datasette_file.stat().st_mtime
        if not inspected.exists() or inspected.stat().st_mtime < made:
            inspect = [datasette, "inspect", corpus.datasette_file, "--inspect-file", inspected]
            subprocess.run(inspect, check=True)
        command += ["--immutable", corpus.datasette_file, "--inspect-file", inspected]
    else:
        command += [corpus.datasette_file]
    command += ["--host", "127.0.0.1", "--port", str(port), "--setting", "num_sql_threads", "4"]
    return serving(command, f"http://127.0.0.1:{port}/-/versions.json")


# Scenarios --------------------------------------------------------------------------------


def picked_contributions(corpus: Corpus, sample: int, seed: int) -> list[tuple]:
    """(id, key, house, party, year) of ``sample`` contributions with a party, drawn by
    id, the same whichever form of the corpus is read: the generator numbers the rows of
    both alike, from 1."""
    drawn = random.Random(seed).sample(
        range(1, corpus.contributions + 1), min(corpus.contributions, 3 * sample)
    )
    listed = ", ".join(map(str, drawn))
    rows = corpus_rows(
        corpus,
        "SELECT c.id, c.key, c.house, COALESCE(p.name, ''), substr(c.sort_key, 1, 4) "
        "FROM debates_contribution c LEFT JOIN debates_party p ON p.id = c.party_id "
        f"WHERE c.id IN ({listed})",
        "SELECT id, key, house, party, substr(date, 1, 4) FROM contributions "
        f"WHERE id IN ({listed})",
    )
    by_id = {row[0]: row for row in rows}
    return [by_id[i] for i in drawn if i in by_id and by_id[i][3]][:sample]


def corpus_rows(corpus: Corpus, archive_sql: str, datasette_sql: str) -> list[tuple]:
    """The rows of a query on the archive's database if it was made, else of the same
    query on the Datasette file: both forms hold the same rows."""
    if "archive" not in corpus.servers:
        with sqlite3.connect(corpus.datasette_file) as connection:
            return connection.execute(datasette_sql).fetchall()
    if corpus.database_url.startswith("sqlite:///"):
        with sqlite3.connect(corpus.database_url.removeprefix("sqlite:///")) as connection:
            return connection.execute(archive_sql).fetchall()
    import psycopg

    with psycopg.connect(corpus.database_url) as connection:
        return connection.execute(archive_sql).fetchall()


def scenarios(corpus: Corpus, sample: int = 200, seed: int = 1) -> list[Scenario]:
    """Paths for each scenario, rotating over ids, filters and search terms."""
    picks = picked_contributions(corpus, sample, seed)
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


def long_tail_scenarios(corpus: Corpus, seed: int) -> list[Scenario]:
    """Each scenario over at least longtail.URLS distinct URLs with a Zipf-like skew (as
    many as a small corpus has), and the hello page as ever."""
    from debates.importing.curation import load_topic_vocabulary
    from debates.search import ENGLISH_STOP_WORDS

    topics = [t.slug for t in load_topic_vocabulary(ROOT / "fixtures" / "topics.toml")]
    table = f"/{corpus.datasette_file.name.removesuffix('.sqlite3')}/contributions"
    made = longtail.workloads(
        lambda archive_sql, datasette_sql: corpus_rows(corpus, archive_sql, datasette_sql),
        corpus.contributions,
        table,
        topics,
        ENGLISH_STOP_WORDS,
        seed,
    )
    hello = Scenario("hello", ["/bench/hello/"], ["/-/versions.json"])
    return [
        *(Scenario(w.name, w.archive_paths, w.datasette_paths, w.urls, w.queries) for w in made),
        hello,
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
    try:
        output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    finally:
        os.unlink(listing.name)
    report = json.loads(output.strip().splitlines()[-1])
    return {
        "requests": report["requests"],
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


def first_visits(base_url: str, paths: list[str], timeout: float = 10) -> dict:
    """Each path asked for once, one at a time: latencies before any cache has seen them
    (a path that fails or takes longer than ``timeout`` counts as taking ``timeout``)."""
    latencies, failures = [], 0
    for path in paths:
        started = time.monotonic()
        try:
            with urllib.request.urlopen(base_url + path, timeout=timeout) as response:
                response.read()
        except OSError:  # HTTP errors included; a timeout too
            failures += 1
        latencies.append(min(timeout, time.monotonic() - started) * 1000)
    latencies.sort()

    def percentile(share: float) -> float:
        return round(latencies[min(len(latencies) - 1, int(share * len(latencies)))], 2)

    return {
        "visits": len(paths),
        "p50_ms": percentile(0.5),
        "p95_ms": percentile(0.95),
        "max_ms": round(latencies[-1], 2),
        "errors": failures,
    }


# How a response of the archive says a facet was left uncounted for want of time: the
# pages' note, the API's flag.
UNCOUNTED_MARKS = (b'class="facet-uncounted"', b'"counted":false')


def uncounted_responses(base_url: str, paths: list[str]) -> tuple[int, int, int]:
    """How many of the first UNCOUNTED_CHECKS distinct paths, asked for once more after the
    measured run, answer with a facet left uncounted (the counts a scenario was measured
    with are exact only if none), how many were asked, and how many got no answer (an
    error, a timeout, a worker killed for taking too long)."""
    uncounted = checked = failed = 0
    for path in dict.fromkeys(paths):
        if checked == UNCOUNTED_CHECKS:
            break
        checked += 1
        try:
            with urllib.request.urlopen(base_url + path, timeout=60) as response:
                body = response.read()
        except OSError:  # HTTP errors and dropped connections included
            failed += 1
            continue
        uncounted += any(mark in body for mark in UNCOUNTED_MARKS)
    return uncounted, checked, failed


def measure(base_url, paths, cold_paths, warmup, duration, connections, ping_url) -> dict:
    cold = first_visits(base_url, cold_paths)
    drain(ping_url)
    wrk(base_url, paths, warmup, connections)
    drain(ping_url)
    result = wrk(base_url, paths, duration, connections)
    drain(ping_url)
    return {**result, "first_visits": cold}


def mode_of(scenario: dict) -> tuple[str, str]:
    """(page cache, workload) of a scenario's entry; entries written before either was
    recorded were measured with the page cache on and the warm workload."""
    return scenario.get("page_cache", "on"), scenario.get("workload", "warm")


def table(results: dict) -> str:
    lines = [
        f"{'scenario':<10} {'cache':<5} {'workload':<9} {'server':<10} {'req/s':>9} "
        f"{'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'errors':>7} {'timeouts':>8} "
        f"{'first p50':>10} {'first p95':>10}"
    ]
    for scenario in results["scenarios"]:
        page_cache, workload = mode_of(scenario)
        for server in SERVERS:
            if server not in scenario:
                continue
            r = scenario[server]
            first = r["first_visits"]
            lines.append(
                f"{scenario['name']:<10} {page_cache:<5} {workload:<9} {server:<10} "
                f"{r['rps']:>9.1f} {r['p50_ms']:>8.2f} "
                f"{r['p95_ms']:>8.2f} {r['p99_ms']:>8.2f} {r['errors']:>7} "
                f"{r.get('timeouts', '-'):>8} {first['p50_ms']:>10.2f} {first['p95_ms']:>10.2f}"
            )
    return "\n".join(lines)


def with_earlier_results(results: dict, path: Path, one_server: bool) -> dict:
    """``results`` of one mode (page cache and workload), with what an earlier run of the
    same corpus and load wrote to ``path``: the other modes' entries as they were, and for
    a run of ``one_server``, the other server's results of this mode, scenario by scenario.
    A file of another corpus or load is replaced by a run of both servers."""
    if not path.exists():
        return results
    earlier = json.loads(path.read_text())
    same = ("contributions", "database", "connections", "duration_s")
    if any(earlier.get(key) != results[key] for key in same):
        if not one_server:
            return results
        raise SystemExit(f"{path} holds results of another corpus or load; choose another --out.")
    measured_modes = {mode_of(scenario) for scenario in results["scenarios"]}
    by_key = {(s["name"], *mode_of(s)): s for s in earlier["scenarios"]}
    for scenario in results["scenarios"]:
        for server in SERVERS:
            earlier_scenario = by_key.get((scenario["name"], *mode_of(scenario)), {})
            if server in earlier_scenario and server not in scenario:
                scenario[server] = earlier_scenario[server]
    # Entries written before the mode was recorded say what it was from now on.
    kept = [
        {"name": s["name"], "page_cache": mode_of(s)[0], "workload": mode_of(s)[1], **s}
        for s in earlier["scenarios"]
        if mode_of(s) not in measured_modes
    ]
    results["scenarios"] = kept + results["scenarios"]
    results["redis"] = results["redis"] or earlier.get("redis", False)
    if "datasette_immutable" in earlier:
        results.setdefault("datasette_immutable", earlier["datasette_immutable"])
    return results


def report_fewer_urls(measured: list[Scenario], contributions: int) -> None:
    """Say which scenarios have fewer distinct URLs than the long-tail workload asks for, as
    a small corpus has (fewer contributions, filter combinations or words): measured all
    the same, with what there is."""
    for scenario in measured:
        if scenario.distinct is not None and len(scenario.distinct) < longtail.URLS:
            print(
                f"long-tail: {scenario.name} has {len(scenario.distinct):,} distinct URLs, "
                f"fewer than {longtail.URLS:,}, in a corpus of {contributions:,} contributions",
                file=sys.stderr,
            )
        if scenario.queries is not None and scenario.queries < longtail.QUERIES:
            print(
                f"long-tail: {scenario.queries:,} distinct searches, fewer than "
                f"{longtail.QUERIES:,}, from the words of {contributions:,} contributions",
                file=sys.stderr,
            )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n")[0])
    parser.add_argument("--contributions", type=int, default=100_000)
    parser.add_argument("--database", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--duration", type=int, default=10, help="seconds measured per run")
    parser.add_argument("--warmup", type=int, default=3, help="seconds of warm-up per run")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument(
        "--redis-url",
        help="serve the archive with its shared caches in this Redis database (emptied "
        "first), as a deployment on several app servers would",
    )
    parser.add_argument(
        "--page-cache",
        choices=["on", "off"],
        default="on",
        help="off: the archive builds every page and API list for each request (its "
        "PAGE_CACHE setting), to measure the archive rather than its cache",
    )
    parser.add_argument(
        "--search-index",
        choices=["on", "off"],
        default="on",
        help="on: the archive ranks searches from its tantivy index (SEARCH_INDEX, built "
        "beside the corpus); off: in the database",
    )
    parser.add_argument(
        "--workload",
        choices=WORKLOADS,
        default="warm",
        help="warm: 200 rotating paths per scenario, cached after the warm-up; long-tail: at "
        f"least {longtail.URLS:,} distinct URLs per scenario with a Zipf-like skew",
    )
    parser.add_argument(
        "--first-visits",
        type=int,
        metavar="N",
        help="paths visited cold per run (default: "
        + ", ".join(f"{n} {workload}" for workload, n in FIRST_VISITS.items())
        + ")",
    )
    parser.add_argument(
        "--servers",
        choices=["both", *SERVERS],
        default="both",
        help="measure one server alone, adding its results to those of the other already "
        "in --out (for a corpus too large to keep in both forms on one disk)",
    )
    parser.add_argument(
        "--datasette-mutable",
        action="store_true",
        help="serve Datasette's file as it does by default (tables counted lazily, within "
        "its time limit) instead of immutable with its counts made ahead, which at 10M reads "
        "the whole file first",
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    measured_servers = set(SERVERS) if args.servers == "both" else {args.servers}
    use_redis(args.redis_url)
    corpus = prepare_corpus(
        args.contributions,
        args.seed,
        args.database,
        measured_servers,
        search_index=args.search_index == "on",
    )
    workers = 2 * (os.cpu_count() or 1) + 1
    cold_sample = args.first_visits or FIRST_VISITS[args.workload]
    results = {
        "contributions": args.contributions,
        "database": args.database,
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, {platform.platform()}",
        "duration_s": args.duration,
        "connections": args.connections,
        "redis": bool(args.redis_url),
        "scenarios": [],
    }
    if "datasette" in measured_servers:
        results["datasette_immutable"] = not args.datasette_mutable
    with ExitStack() as servers:
        urls = {}
        if "archive" in measured_servers:
            archive = archive_server(corpus, workers, args.page_cache)
            urls["archive"] = servers.enter_context(archive).split("/bench/")[0]
        if "datasette" in measured_servers:
            datasette = datasette_server(corpus, immutable=not args.datasette_mutable)
            urls["datasette"] = servers.enter_context(datasette).split("/-/")[0]
        if args.workload == "long-tail":
            measured_scenarios = long_tail_scenarios(corpus, args.seed)
            report_fewer_urls(measured_scenarios, corpus.contributions)
        else:
            measured_scenarios = scenarios(corpus)
        for scenario in measured_scenarios:
            measured = {
                "name": scenario.name,
                "page_cache": args.page_cache,
                "workload": args.workload,
                "search_index": args.search_index,
                **scenario.described(),
            }
            # One after the other, never at once: the two servers share two cores.
            for server, paths, ping in (
                ("archive", scenario.archive_paths, "/bench/hello/"),
                ("datasette", scenario.datasette_paths, "/-/versions.json"),
            ):
                if server not in urls:
                    continue
                base = urls[server]
                measured[server] = measure(
                    base,
                    paths,
                    scenario.first_visits(server, cold_sample),
                    args.warmup,
                    args.duration,
                    args.connections,
                    base + ping,
                )
            # "timeouts" is Datasette's: queries its SQL time limit cut off, and socket
            # timeouts. The archive's facet time limit degrades a page instead of failing
            # it, so any failure of the archive's is counted as an error.
            if "archive" in measured:
                measured["archive"]["errors"] += measured["archive"].pop("timeouts")
                uncounted, checked, failed = uncounted_responses(
                    urls["archive"], scenario.archive_paths
                )
                measured["archive"]["uncounted"] = uncounted
                measured["archive"]["unanswered_checks"] = failed
                if scenario.distinct is not None:  # a sample of the distinct paths
                    measured["archive"]["uncounted_checked"] = checked
            results["scenarios"].append(measured)
    results = with_earlier_results(results, args.out, one_server=args.servers != "both")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2) + "\n")
    print(table(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
