"""Load and soak: `make prod` under wrk, on the seeded or a generated database (issue #9).

    python -m bench.soak --database-url URL [--soak 600] [--window 60] [--overload 60]
                         --out FILE.json

1. Serves the archive with `make prod` (gunicorn, DEBUG off, (2 x cores) + 1 workers).
2. Maximum: wrk at rising connection counts on a mixed list of URLs (pages, filters,
   facets, search, permalinks, API lists and details, CSV, static files, /healthz); the best
   req/s with no failed response is the maximum.
3. Soak: each connection paced so the whole offers 80% of that maximum, for --soak seconds
   in windows of --window seconds, recording per window the p99, responses by status class,
   socket errors, the worker PIDs (a new PID is a restart) and the workers' resident memory.
4. Overload: three times the best connection count, unpaced (well past 150% of the
   maximum): latency may rise and 429s may appear, but never a 5xx or a crashed worker.

One client address sends everything, so the API's per-address throttle is raised for the
run (API_THROTTLE_RATE); everything else is `make prod` as documented. Loopback only.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.__main__ import ROOT, free_port, serving

CONNECTIONS = (4, 8, 16, 32)
SOAK_RATE, DRIFT_LIMIT = 0.8, 0.20

# Printed by `manage.py shell` on the database under test: real slugs and keys to rotate.
SAMPLE = """
import json
from debates.models import Contribution, Debate, Speaker, Topic
print(json.dumps({
    "contributions": list(Contribution.objects.order_by("?").values_list("key", flat=True)[:40]),
    "debates": list(Debate.objects.order_by("?").values_list("slug", flat=True)[:20]),
    "speakers": list(Speaker.objects.order_by("?").values_list("slug", flat=True)[:20]),
    "topics": list(Topic.objects.values_list("slug", flat=True)[:10]),
    "parties": list(
        Speaker.objects.exclude(party=None).values_list("party__slug", flat=True).distinct()[:5]
    ),
}))
"""


def mixed_paths(database_url: str) -> list[str]:
    env = {**os.environ, "DATABASE_URL": database_url, "DJANGO_DEBUG": "1"}
    output = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", SAMPLE],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    sample = json.loads(output.strip().splitlines()[-1])
    paths = ["/", "/debates/", "/contributions/", "/speakers/", "/topics/", "/healthz"]
    paths += ["/contributions/?house=commons", "/debates/?year=2010", "/api/", "/api/v1/schema/"]
    paths += [f"/contributions/{key}/" for key in sample["contributions"]]
    paths += [f"/api/v1/contributions/{key}/" for key in sample["contributions"][:10]]
    paths += [f"/debates/{slug}/" for slug in sample["debates"]]
    paths += [f"/speakers/{slug}/" for slug in sample["speakers"]]
    paths += [f"/topics/{slug}/" for slug in sample["topics"]]
    paths += [f"/contributions/?party={slug}" for slug in sample["parties"]]
    paths += [f"/api/v1/contributions/?party={slug}&page_size=50" for slug in sample["parties"]]
    paths += [f"/api/v1/debates/?topic={slug}" for slug in sample["topics"]]
    paths += [f"/search/?q={term}" for term in ("munro", "serious+case+review", "social+workers")]
    paths += ["/api/v1/contributions/?q=review", "/api/v1/speakers/", "/api/v1/topics/"]
    paths += ["/api/v1/debates/?format=csv&year=2011"]
    return paths


# The server --------------------------------------------------------------------------------


def prod_server(database_url: str, port: int):
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DJANGO_SECRET_KEY": "soak-test-only-secret-key-not-for-use-anywhere-else",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "API_THROTTLE_RATE": "1000000000/second",  # one client address sends everything
        "PORT": str(port),
    }
    env.pop("DJANGO_DEBUG", None)
    return serving(["make", "-s", "prod"], f"http://127.0.0.1:{port}/healthz", env)


def gunicorn_workers() -> dict[int, int]:
    """{pid: resident kB} of the workers of the gunicorn that `make prod` started."""
    processes = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
            status = dict(
                line.split(":", 1) for line in (entry / "status").read_text().splitlines()
            )
        except (OSError, ValueError):
            continue
        if "gunicorn" in command and "deploy/gunicorn.conf.py" in command:
            rss = int(status.get("VmRSS", "0 kB").split()[0])
            processes[int(entry.name)] = (int(status["PPid"]), rss)
    # The workers are the leaves: above them are the gunicorn master and, depending on how
    # make runs the recipe, a shell whose command line names gunicorn too.
    parents = {parent for parent, _ in processes.values()}
    return {pid: rss for pid, (_, rss) in processes.items() if pid not in parents}


def all_workers_booted(seconds: float = 60) -> dict[int, int]:
    """The workers, once as many as gunicorn's configuration asks for are running."""
    expected = int(os.environ.get("WEB_CONCURRENCY", 2 * (os.cpu_count() or 1) + 1))
    deadline = time.monotonic() + seconds
    while len(workers := gunicorn_workers()) < expected:
        if time.monotonic() > deadline:
            raise SystemExit(f"only {len(workers)} of {expected} gunicorn workers started")
        time.sleep(0.5)
    return workers


# Load ----------------------------------------------------------------------------------------


def wrk(base_url, paths_file, seconds, connections, pause_ms=0.0) -> dict:
    command = ["wrk", "-t", "2", "-c", str(connections), "-d", f"{seconds}s", "--timeout", "10s"]
    command += ["-s", str(ROOT / "bench" / "soak.lua"), base_url, "--", paths_file]
    command += [str(int(pause_ms))]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    return json.loads(output.strip().splitlines()[-1])


def failed(result: dict) -> int:
    return result["client_errors"] + result["server_errors"] + result["socket_errors"]


def find_maximum(base_url, paths_file, seconds) -> tuple[dict, int]:
    best, best_connections = None, CONNECTIONS[0]
    for connections in CONNECTIONS:
        result = wrk(base_url, paths_file, seconds, connections)
        print(
            f"  {connections:>3} connections: {result['rps']:.1f} req/s, "
            f"p99 {result['p99_ms']:.1f} ms, failed {failed(result)}",
            flush=True,
        )
        if failed(result) == 0 and (best is None or result["rps"] > best["rps"]):
            best, best_connections = result, connections
    if best is None:
        raise SystemExit("every run had failed responses: fix them before soaking")
    return best, best_connections


def pace(connections: int, rate: float, base_url, paths_file) -> float:
    """Milliseconds each connection waits between requests so all offer ``rate`` req/s,
    corrected once for the time the requests themselves take."""
    pause = connections * 1000 / rate
    trial = wrk(base_url, paths_file, 15, connections, pause)
    if not trial["rps"]:  # nothing finished in the trial: no measure to correct by
        return pause
    service_ms = max(0.0, connections * 1000 / trial["rps"] - pause)
    return max(0.0, pause - service_ms)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.soak", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--label", required=True, help='e.g. "seeded" or "1M SQLite"')
    parser.add_argument("--probe", type=int, default=20, help="seconds per maximum probe")
    parser.add_argument("--soak", type=int, default=600, help="seconds of soak")
    parser.add_argument("--window", type=int, default=60, help="seconds per soak window")
    parser.add_argument("--overload", type=int, default=60, help="seconds of overload")
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)

    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    with tempfile.NamedTemporaryFile("w", suffix=".paths", delete=False) as listing:
        listing.write("\n".join(mixed_paths(args.database_url)) + "\n")
    with prod_server(args.database_url, port):
        workers_at_start = all_workers_booted()
        print(f"maximum ({len(workers_at_start)} workers):", flush=True)
        maximum, connections = find_maximum(base_url, listing.name, args.probe)
        target = SOAK_RATE * maximum["rps"]
        pause = pace(connections, target, base_url, listing.name)
        print(f"soak at {target:.0f} req/s ({connections} connections, {pause:.0f} ms pause):")
        windows = []
        for _ in range(max(1, args.soak // args.window)):
            result = wrk(base_url, listing.name, args.window, connections, pause)
            workers = gunicorn_workers()
            result["worker_pids"] = sorted(workers)
            result["worker_rss_kb"] = sum(workers.values())
            windows.append(result)
            print(
                f"  {result['rps']:.1f} req/s, p99 {result['p99_ms']:.1f} ms, "
                f"failed {failed(result)}, workers {len(workers)}, "
                f"RSS {result['worker_rss_kb'] // 1024} MB",
                flush=True,
            )
        overload = wrk(base_url, listing.name, args.overload, connections * 3)
        workers_at_end = gunicorn_workers()
    print(
        f"overload: {overload['rps']:.1f} req/s, p99 {overload['p99_ms']:.1f} ms, "
        f"429s {overload['throttled']}, 5xx {overload['server_errors']}"
    )

    restarts = len({pid for w in windows for pid in w["worker_pids"]} - set(workers_at_start))
    first_p99, last_p99 = windows[0]["p99_ms"], windows[-1]["p99_ms"]
    summary = {
        "label": args.label,
        "database": args.database_url.split(":", 1)[0],
        "machine": f"{os.cpu_count()} cores",
        "urls": sum(1 for _ in open(listing.name)),
        "maximum": {**maximum, "connections": connections},
        "soak": {
            "target_rps": round(target, 1),
            "seconds": len(windows) * args.window,
            "windows": windows,
            "failed": sum(failed(w) for w in windows),
            "throttled": sum(w["throttled"] for w in windows),
            "worker_restarts": restarts,
            "p99_drift": round((last_p99 - first_p99) / first_p99, 3) if first_p99 else 0.0,
            "worker_rss_mb": [
                windows[0]["worker_rss_kb"] // 1024,
                windows[-1]["worker_rss_kb"] // 1024,
            ],
        },
        "overload": {
            **overload,
            "connections": connections * 3,
            "workers_alive": len(workers_at_end),
            "workers_replaced": len(set(workers_at_end) - set(workers_at_start)),
        },
    }
    soak = summary["soak"]
    summary["passed"] = (
        soak["failed"] == 0
        and soak["throttled"] == 0
        and restarts == 0
        and abs(soak["p99_drift"]) <= DRIFT_LIMIT
        and overload["server_errors"] == 0
        and summary["overload"]["workers_replaced"] == 0
    )
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(summary, indent=2) + "\n")
    print(json.dumps({k: v for k, v in soak.items() if k != "windows"}))
    print("PASSED" if summary["passed"] else "FAILED")
    return 0 if summary["passed"] else 1


if __name__ == "__main__":
    sys.exit(main())
