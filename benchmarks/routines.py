"""In-process benchmark of a routine's computed routes: a routine of 7 days × 6 slots ×
3 entries × 10 config rows, over 4 weeks, 12 weeks and the longest allowed (120 days).

Prints, per route, milliseconds per request (wall clock and CPU of this process, p50 and
p99), the SQL statements each request sends (transaction control left out) and the size of
the answer.

.venv/bin/python -m benchmarks.routines                      # a fresh SQLite file
.venv/bin/python -m benchmarks.routines --database-url postgresql://root@127.0.0.1/empty_db
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import os
import statistics
import tempfile
import time
from collections.abc import Iterator

from sqlalchemy import event

LENGTHS = {"4 weeks": 27, "12 weeks": 83, "120 days": 120}
ROUTES = ["structure", "date-sequence-display", "date-sequence-gym"]
TRANSACTION_CONTROL = ("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE")


def build_app(database_url: str | None):
    """The app on ``database_url`` (default: a new SQLite file), migrated, catalogue loaded."""
    workdir = tempfile.mkdtemp(prefix="wger-routine-bench-")
    os.environ["WGER_INSTANCE_PATH"] = workdir
    from wger_flask import create_app
    from wger_flask.cli import load_catalogue, migrate_database
    from wger_flask.config import TestConfig

    app = create_app(TestConfig(database_url or f"sqlite:///{workdir}/bench.sqlite3"))
    with app.app_context():
        migrate_database()
        load_catalogue()
    return app


def prepare(app) -> tuple[dict[str, str], dict[str, int]]:
    """A user, their Bearer header and one sized routine per length."""
    from tests.routine_factory import build_routine
    from wger_flask.extensions import db
    from wger_flask.services.accounts import tokens, users

    with app.app_context():
        user = users.create_user(f"bench{time.time_ns()}", "benchmark password")
        db.session.commit()
        routines = {
            label: build_routine(user.id, length_days=days, name=label)
            for label, days in LENGTHS.items()
        }
        db.session.commit()
        headers = {"Authorization": f"Bearer {tokens.mint_access(user)}"}
    return headers, routines


@contextlib.contextmanager
def counting_statements(app) -> Iterator[list[str]]:
    from wger_flask.extensions import db

    statements: list[str] = []
    with app.app_context():
        engine = db.engine

    def count(conn, cursor, statement, parameters, context, executemany):
        if not statement.startswith(TRANSACTION_CONTROL):
            statements.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", count)


def time_route(client, url: str, headers: dict[str, str], requests: int) -> dict[str, float]:
    for _ in range(5):  # warm-up
        assert client.get(url, headers=headers).status_code == 200
    wall, cpu = [], []
    for _ in range(requests):
        started_wall, started_cpu = time.perf_counter(), time.process_time()
        response = client.get(url, headers=headers)
        cpu.append((time.process_time() - started_cpu) * 1000)
        wall.append((time.perf_counter() - started_wall) * 1000)
        assert response.status_code == 200
    return {
        "wall_p50": statistics.median(wall),
        "wall_p99": statistics.quantiles(wall, n=100)[98],
        "cpu_p50": statistics.median(cpu),
        "cpu_p99": statistics.quantiles(cpu, n=100)[98],
        "bytes": len(response.data),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=100, help="timed requests per route")
    parser.add_argument("--database-url", help="an empty database (default: a new SQLite file)")
    args = parser.parse_args()
    app = build_app(args.database_url)
    headers, routines = prepare(app)
    client = app.test_client()
    gc.collect()
    gc.freeze()  # as gunicorn.conf.py does once a worker has loaded the app
    print(f"\n## Routine routes, 7 × 6 × 3 × 10 config rows ({args.requests} requests each)\n")
    print("| route | length | p50 ms | p99 ms | CPU p50 ms | CPU p99 ms | SQL | bytes |")
    print("|---|---|---:|---:|---:|---:|---:|---:|")
    for route in ROUTES:
        for label, routine_id in routines.items():
            url = f"/api/v2/routine/{routine_id}/{route}/"
            with counting_statements(app) as statements:
                client.get(url, headers=headers)
            figures = time_route(client, url, headers, args.requests)
            print(
                f"| {route} | {label} | {figures['wall_p50']:.1f} | {figures['wall_p99']:.1f} | "
                f"{figures['cpu_p50']:.1f} | {figures['cpu_p99']:.1f} | {len(statements)} | "
                f"{figures['bytes']:,} |",
                flush=True,
            )
            if route == "structure":
                break  # the structure does not depend on the routine's length
    figures = time_route(client, "/api/v2/version/", {}, args.requests)
    print(f"\nreference: /api/v2/version/ p50 {figures['wall_p50']:.2f} ms in the same process")


if __name__ == "__main__":
    main()
