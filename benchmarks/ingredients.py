"""Load benchmark of the ingredient catalogue at a million rows, with ``/api/v2/version/`` as the
ceiling; then a 100,000-row page (time and worker RSS) and a full ``ingredient-sync`` walk.

.venv/bin/python -m benchmarks.ingredients                      # SQLite file under /tmp
.venv/bin/python -m benchmarks.ingredients --database-url postgresql+psycopg://root@127.0.0.1/wger_bench

The database is reused between runs: it is bootstrapped and topped up with
``flask catalogue synthesize`` until it holds ``--rows`` ingredients (a few minutes, once).
"""

from __future__ import annotations

import http.client
import os
import subprocess
import time
from pathlib import Path
from urllib.parse import urlsplit

import orjson

from benchmarks.harness import common_arguments, measure, print_table, server
from wger_flask.testing import BIN, REPO, flask_command

DEFAULT_DATABASE = "sqlite:////tmp/wger-bench-ingredients.sqlite3"
SEARCH_WORD = "cheddar"


def targets(rows: int) -> list[tuple[str, str]]:
    middle = rows // 2
    return [
        ("version (ceiling)", "/api/v2/version/"),
        ("ingredient list", "/api/v2/ingredient/?limit=20"),
        ("ingredient list limit=100", "/api/v2/ingredient/?limit=100"),
        ("ingredient list, deep offset", f"/api/v2/ingredient/?limit=20&offset={middle}"),
        ("ingredientinfo list", "/api/v2/ingredientinfo/?limit=20"),
        ("ingredientinfo list limit=100", "/api/v2/ingredientinfo/?limit=100"),
        ("ingredient detail", f"/api/v2/ingredient/{middle}/"),
        ("ingredientinfo detail", f"/api/v2/ingredientinfo/{middle}/"),
        ("ingredient search", f"/api/v2/ingredient/?name__search={SEARCH_WORD}"),
        ("ingredient search butter", "/api/v2/ingredient/?name__search=butter"),
        (
            "ingredientinfo search + language",
            f"/api/v2/ingredientinfo/?name__search={SEARCH_WORD}&language__code=en,de",
        ),
        # The ceiling again: on a shared machine it drifts within a run; compare with both.
        ("version (ceiling, again)", "/api/v2/version/"),
    ]


def flask(env: dict[str, str], *args: str) -> str:
    result = flask_command(env, *args, timeout=3600)
    if result.returncode != 0:
        raise RuntimeError(f"flask {' '.join(args)} failed:\n{result.stdout}{result.stderr}")
    return result.stdout


def prepare(database_url: str, rows: int) -> int:
    """Bootstrap the database and top it up to ``rows`` ingredients; returns how many it has."""
    env = {**os.environ, "DATABASE_URL": database_url, "WGER_INSTANCE_PATH": "/tmp"}
    flask(env, "bootstrap")
    have = int(
        subprocess.run(
            [str(BIN / "python"), "-c", COUNT_SNIPPET],
            cwd=REPO,
            env=env,
            check=True,
            capture_output=True,
            text=True,
        ).stdout.split()[-1]
    )
    if have < rows:
        print(f"synthesizing {rows - have:,} ingredients (once; reused by later runs) ...")
        started = time.monotonic()
        flask(env, "catalogue", "synthesize", "--count", str(rows - have))
        print(f"  done in {time.monotonic() - started:.0f} s")
        have = rows
    return have


COUNT_SNIPPET = (
    "from wger_flask import create_app\n"
    "from wger_flask.services.ingredients.counts import total_rows\n"
    "with create_app().app_context(): print(total_rows())"
)


def worker_pids(port: int) -> list[int]:
    """The gunicorn workers serving ``port`` (the children of the arbiter)."""
    pids = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            command = (entry / "cmdline").read_bytes()
            environ = (entry / "environ").read_bytes()
        except OSError:
            continue
        if b"gunicorn" in command and f"PORT={port}\0".encode() in environ:
            pids.append(int(entry.name))
    parents = {pid: _status(pid).get("PPid") for pid in pids}
    return [pid for pid in pids if int(parents[pid] or 0) in pids]


def _status(pid: int) -> dict[str, str]:
    lines = Path(f"/proc/{pid}/status").read_text().splitlines()
    return {key: value.strip() for key, _, value in (line.partition(":") for line in lines)}


def peak_rss_mb(pids: list[int]) -> dict[int, float]:
    return {pid: int(_status(pid)["VmHWM"].split()[0]) / 1024 for pid in pids}


def get(connection: http.client.HTTPConnection, path: str) -> bytes:
    connection.request("GET", path)
    response = connection.getresponse()
    body = response.read()
    if response.status != 200:
        raise RuntimeError(f"{path}: {response.status} {body[:200]!r}")
    return body


def big_page(url: str) -> None:
    """One ?limit=100000 page: wall time, size, and the workers' peak RSS around it."""
    parts = urlsplit(url)
    pids = worker_pids(parts.port)
    before = peak_rss_mb(pids)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=300)
    for path in ("/api/v2/ingredient/?limit=100000", "/api/v2/ingredientinfo/?limit=100000"):
        started = time.monotonic()
        body = get(connection, path)
        elapsed = time.monotonic() - started
        results = len(orjson.loads(body)["results"])
        print(f"\n`{path}`: {results:,} rows, {len(body) / 1e6:.1f} MB in {elapsed:.2f} s")
    after = peak_rss_mb(pids)
    for pid in pids:
        print(f"worker {pid}: peak RSS {before[pid]:.0f} MB before, {after[pid]:.0f} MB after")


COLD_QUERIES = [
    "name__search=cheddar",
    "name__search=salmon",
    "name__search=yogurt&language__code=en,de",
    "name__search=butter",
    "name__search=chicken",
    "name__search=4006381333931",
    "language=12",
    "is_vegan=True",
]


def cold_queries(url: str) -> None:
    """Filtered lists the workers have not seen yet: their first answer computes the exact
    count (for a search: the whole ranking); the load table above measures them warm."""
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
    print("\n| first request of | count | ms |\n|---|---:|---:|")
    for query in COLD_QUERIES:
        started = time.monotonic()
        body = orjson.loads(get(connection, f"/api/v2/ingredient/?{query}"))
        elapsed = (time.monotonic() - started) * 1000
        print(f"| `?{query}` | {body['count']:,} | {elapsed:.0f} |")


def sync_walk(url: str, page_size: int = 1000) -> None:
    """Follow ``next`` from the first ingredient-sync page to the last, one client."""
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
    path: str | None = f"/api/v2/ingredient-sync/?page_size={page_size}"
    rows = pages = 0
    started = time.monotonic()
    while path:
        body = orjson.loads(get(connection, path))
        rows += len(body["results"])
        pages += 1
        following = body["next"]
        path = None if following is None else following[len(url) :]
    elapsed = time.monotonic() - started
    print(
        f"\ningredient-sync walk: {rows:,} rows in {pages:,} pages of {page_size} "
        f"in {elapsed:.1f} s ({rows / elapsed:,.0f} rows/s)"
    )


def main() -> None:
    parser = common_arguments(__doc__)
    parser.add_argument("--rows", type=int, default=1_000_000, help="ingredients in the database")
    parser.add_argument("--skip-walk", action="store_true", help="skip the sync walk")
    parser.add_argument(
        "--rounds", type=int, default=1, help="runs of every target; the best rate is kept"
    )
    args = parser.parse_args()
    database_url = args.database_url or DEFAULT_DATABASE
    rows = prepare(database_url, args.rows)
    env = {"WEB_CONCURRENCY": str(args.workers), "GUNICORN_THREADS": str(args.threads)}
    with server(env, database_url, bootstrap=False) as url:
        backend = database_url.split(":", 1)[0]
        print(
            f"server {url} on {backend} with {rows:,} ingredients: {args.workers} workers × "
            f"{args.threads} threads, {args.connections} clients, {args.duration} s per target"
        )
        big_page(url)
        cold_queries(url)
        print(f"load average {os.getloadavg()[0]:.2f} at the start")
        rounds = [
            measure(url, targets(rows), args.duration, args.connections, args.tool)
            for _ in range(max(1, args.rounds))
        ]
        # A shared machine stalls now and then: each target's best round is the one it ran
        # undisturbed in (the ceiling's too).
        results = [
            max(runs, key=lambda r: r.requests_per_second) for runs in zip(*rounds, strict=True)
        ]
        print(f"load average {os.getloadavg()[0]:.2f} at the end; best of {len(rounds)} round(s)")
        ceiling = max(
            (r for r in results if r.path == "/api/v2/version/"),
            key=lambda r: r.requests_per_second,
        )
        print_table(f"Ingredients ({rows:,} rows, {backend})", results, ceiling=ceiling.name)
        if not args.skip_walk:
            sync_walk(url)


if __name__ == "__main__":
    main()
