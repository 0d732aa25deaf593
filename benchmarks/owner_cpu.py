"""The owner routes of ``benchmarks.side_by_side`` as a share of the version route, in CPU time
of one process: a measure that a shared, loaded machine disturbs far less than a rate under
``wrk`` (other processes take wall time from a server, much less its own CPU time).

The same data as the side-by-side (``benchmarks.seed``: a plan of 4 meals × 6 items, 100
weight entries, a routine) is written through this checkout's real server, which is then
stopped; the app is built in this process on the same database and each route is asked
``--requests`` times through the test client, ``--rounds`` times, the best round kept. Before
timing, every route is read a few times and the objects made so far are frozen out of the
cycle collector (``gc.freeze``), as gunicorn's master does before it forks its workers. The
test client's own work is part of every request, the ceiling's too.

    .venv/bin/python -m benchmarks.owner_cpu
    .venv/bin/python -m benchmarks.owner_cpu --requests 500 --rounds 5
"""

from __future__ import annotations

import argparse
import gc
import os
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks.seed import Seeded, seed
from benchmarks.side_by_side import ANONYMOUS, BEARER, CEILING, ROUTES, issue_key

USERNAME, PASSWORD = "benchmark", "benchmark password 2026"
WARM_UP = 20


def seeded_database(workdir: Path) -> tuple[str, Seeded]:
    """A bootstrapped SQLite file with the benchmark user's data, written over HTTP."""
    from wger_flask.testing import running_server

    database_url = f"sqlite:///{workdir / 'owner.sqlite3'}"
    with running_server(
        workdir, database_url, RATELIMIT_ENABLED="false", GUNICORN_THREADS="1"
    ) as live:
        made = live.flask("user", "create", USERNAME, "--password", PASSWORD)
        if made.returncode != 0:
            raise SystemExit(f"could not create {USERNAME}: {made.stderr}")
        seeded = seed(live.url, USERNAME, PASSWORD, issue_key(live.env, USERNAME))
    return database_url, seeded


def owner_routes(seeded: Seeded, bearer: dict[str, str]) -> list[tuple[str, str, dict[str, str]]]:
    """The ceiling and every authenticated route of the side-by-side, with their headers."""
    routes = []
    for name, path, credentials, extra in ROUTES:
        if credentials == ANONYMOUS and name != CEILING:
            continue
        headers = dict(extra)
        if credentials == BEARER:
            headers.update(bearer)
        elif credentials != ANONYMOUS:
            if seeded.token is None:
                continue
            headers.update(seeded.token)
        routes.append((name, path.format(plan=seeded.plan_id, routine=seeded.routine_id), headers))
    return routes


def cpu_per_request(client: Any, path: str, headers: dict[str, str], requests: int) -> float:
    """Seconds of this process's CPU per request."""
    started = time.process_time()
    for _ in range(requests):
        response = client.get(path, headers=headers)
        if response.status_code != 200:
            raise SystemExit(f"{path}: {response.status_code} {response.get_data()[:200]!r}")
    return (time.process_time() - started) / requests


def seeded_app(workdir: Path) -> tuple[Any, Seeded]:
    """The app as a worker serves it, on a seeded database in ``workdir`` (rate limits off)."""
    database_url, seeded = seeded_database(workdir)
    os.environ.update(
        DATABASE_URL=database_url,
        WGER_INSTANCE_PATH=str(workdir / "instance"),
        RATELIMIT_ENABLED="false",
    )
    from wger_flask import create_app

    return create_app(serving=True), seeded


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--requests", type=int, default=300, help="requests per round and route")
    parser.add_argument("--rounds", type=int, default=3, help="rounds per route; the best is kept")
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="wger-owner-cpu-"))
    try:
        app, seeded = seeded_app(workdir)
        client = app.test_client()
        # a fresh token from the app login (the seed's may be older than its lifetime)
        login = client.post(
            "/allauth/app/v1/auth/login", json={"username": USERNAME, "password": PASSWORD}
        )
        bearer = {"Authorization": f"Bearer {login.get_json()['data']['access']}"}
        routes = owner_routes(seeded, bearer)
        for _, path, headers in routes:
            cpu_per_request(client, path, headers, WARM_UP)
        gc.collect()
        gc.freeze()
        measured = []
        for name, path, headers in routes:
            best = min(
                cpu_per_request(client, path, headers, args.requests) for _ in range(args.rounds)
            )
            measured.append((name, path, best))
        ceiling = measured[0][2]
        print(
            f"\nCPU per request, best of {args.rounds} × {args.requests}; load average "
            f"{os.getloadavg()[0]:.2f}\n"
        )
        print("| route | path | CPU µs per request | share of the ceiling |")
        print("|---|---|---:|---:|")
        for name, path, seconds in measured:
            print(f"| {name} | `{path}` | {seconds * 1e6:.0f} | {ceiling / seconds:.0%} |")
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
