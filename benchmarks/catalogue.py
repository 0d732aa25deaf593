"""Load benchmark of the exercise catalogue, with ``/api/v2/version/`` as the ceiling; and,
with ``--tiers``, what a request costs in-process at each tier of what the catalogue keeps.

.venv/bin/python -m benchmarks.catalogue            # starts gunicorn itself (2 workers)
.venv/bin/python -m benchmarks.catalogue --url http://127.0.0.1:8000
.venv/bin/python -m benchmarks.catalogue --tiers    # in-process: kept answer / pieces / cold

The tiers (``docs/catalogue.md``): a **kept answer** (one look-up of the catalogue
generation), a page **assembled from kept pieces** (kept answers dropped before each request:
the generation and the page statement), and a **cold** page (everything dropped: every
exercise of the page rendered). Each prints milliseconds per request (median of ``--repeat``)
and SQL statements per request. Side by side with another server: ``benchmarks.side_by_side``.
"""

from __future__ import annotations

import contextlib
import shutil
import statistics
import tempfile
import time
from pathlib import Path

from sqlalchemy import event

from benchmarks.harness import common_arguments, measure, print_table, server

TARGETS = [
    ("version (ceiling)", "/api/v2/version/"),
    ("muscle list", "/api/v2/muscle/"),
    ("exercise list", "/api/v2/exercise/"),
    ("exercise detail", "/api/v2/exercise/9/"),
    ("exerciseinfo list", "/api/v2/exerciseinfo/"),
    ("exerciseinfo limit=100", "/api/v2/exerciseinfo/?limit=100"),
    ("exerciseinfo detail", "/api/v2/exerciseinfo/9/"),
    ("exerciseinfo search", "/api/v2/exerciseinfo/?name__search=curl&language__code=en"),
    ("exercise-translation list", "/api/v2/exercise-translation/"),
]
TIER_PATHS = [
    "/api/v2/exerciseinfo/?limit=20",
    "/api/v2/exerciseinfo/?limit=100",
    "/api/v2/exerciseinfo/?name__search=curl&language__code=en",
]


def tiers(repeat: int) -> None:
    """Time each tier in-process against a freshly bootstrapped SQLite database."""
    from wger_flask import create_app
    from wger_flask.config import TestConfig
    from wger_flask.extensions import db
    from wger_flask.services.catalogue import rendering

    workdir = Path(tempfile.mkdtemp(prefix="wger-tiers-"))
    try:
        app = create_app(TestConfig(f"sqlite:///{workdir / 'tiers.sqlite3'}"))
        with app.app_context():
            from wger_flask.cli import load_catalogue, migrate_database

            migrate_database()
            load_catalogue()
            engine = db.engine
        statements = [0]
        event.listen(
            engine, "before_cursor_execute", lambda *_: statements.__setitem__(0, statements[0] + 1)
        )
        client = app.test_client()
        stores = rendering.rendered(app)
        drop = {
            "kept answer": lambda: None,
            "from kept pieces": stores.responses.clear,
            "cold": stores.clear,
        }
        print(
            "SQL statements are counted through SQLAlchemy: add 1 to each, the generation "
            "look-up, which runs on the driver directly.\n"
        )
        print("| page | tier | ms per request (median) | SQL statements |")
        print("|---|---|---:|---:|")
        for path in TIER_PATHS:
            for tier, before in drop.items():
                client.get(path)  # warm: pieces and answer kept
                times, counts = [], []
                for _ in range(repeat):
                    before()
                    statements[0] = 0
                    started = time.perf_counter()
                    response = client.get(path)
                    times.append((time.perf_counter() - started) * 1000)
                    counts.append(statements[0])
                    assert response.status_code == 200
                print(f"| `{path}` | {tier} | {statistics.median(times):.2f} | {max(counts)} |")
        with app.app_context():
            db.engine.dispose()
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def main() -> None:
    parser = common_arguments(__doc__)
    parser.add_argument("--tiers", action="store_true", help="in-process cost of each tier")
    parser.add_argument("--repeat", type=int, default=50, help="requests per tier (--tiers)")
    args = parser.parse_args()
    if args.tiers:
        tiers(args.repeat)
        return
    env = {"WEB_CONCURRENCY": str(args.workers), "GUNICORN_THREADS": str(args.threads)}
    context = contextlib.nullcontext(args.url) if args.url else server(env, args.database_url)
    with context as url:
        print(
            f"server {url}: {args.workers} workers × {args.threads} threads, "
            f"{args.connections} clients, {args.duration} s per target"
        )
        results = measure(url, TARGETS, args.duration, args.connections, args.tool)
    print_table("Exercise catalogue", results, ceiling="version (ceiling)")


if __name__ == "__main__":
    main()
