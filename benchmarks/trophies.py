"""In-process benchmark of trophy tracking: a user with 5 years of history (about 40,000
logs) logs one set at a time; and their ``trophy/progress/``.

Prints, per request, milliseconds (p50, p99) and SQL statements (transaction control left
out): logging a set with trophies on and off (the difference is the added cost), the time
spent in the tracker itself (wall clock, and CPU time of this thread, which a busy machine
disturbs less), and the progress route.

.venv/bin/python -m benchmarks.trophies                      # a fresh SQLite file
.venv/bin/python -m benchmarks.trophies --database-url postgresql://root@127.0.0.1/empty_db
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import time
from decimal import Decimal

from sqlalchemy import event, insert

from benchmarks.routines import TRANSACTION_CONTROL, build_app

YEARS, SESSIONS_A_WEEK, SETS_A_SESSION = 5, 5, 30
EXERCISES = (9, 12, 20)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def make_history(user_id: int) -> int:
    """Five years of sessions (5 a week, 30 sets each) written in bulk; the number of logs."""
    from wger_flask.extensions import db
    from wger_flask.models.routines import WorkoutLog, WorkoutSession
    from wger_flask.models.types import uuid7

    start = dt.date.today() - dt.timedelta(days=365 * YEARS)
    sessions, logs = [], []
    for week in range(52 * YEARS):
        for weekday in range(SESSIONS_A_WEEK):
            day = start + dt.timedelta(weeks=week, days=weekday)
            session_id = uuid7()
            sessions.append({"id": session_id, "user_id": user_id, "date": day, "impression": "2"})
            for number in range(SETS_A_SESSION):
                logs.append(
                    {
                        "id": uuid7(),
                        "user_id": user_id,
                        "session_id": session_id,
                        "exercise_id": EXERCISES[number % len(EXERCISES)],
                        "date": dt.datetime.combine(day, dt.time(7, number), tzinfo=dt.UTC),
                        "weight": Decimal(40 + (week % 40) + number % 5),
                        "weight_unit_id": 1,
                        "repetitions": Decimal(5 + number % 6),
                        "repetitions_unit_id": 1,
                    }
                )
    for chunk in range(0, len(sessions), 5000):
        db.session.execute(insert(WorkoutSession), sessions[chunk : chunk + 5000])
    for chunk in range(0, len(logs), 5000):
        db.session.execute(insert(WorkoutLog), logs[chunk : chunk + 5000])
    return len(logs)


def prepare(app):
    from wger_flask.extensions import db
    from wger_flask.services import trophies
    from wger_flask.services.accounts import tokens, users

    headers, counts = {}, {}
    with app.app_context():
        for name, enabled in (("tracked", True), ("untracked", False)):
            user = users.create_user(f"{name}{time.time_ns()}", "benchmark password")
            user.profile.trophies_enabled = enabled
            db.session.flush()
            counts[name] = make_history(user.id)
            db.session.commit()
            started = time.perf_counter()
            trophies.recompute([user.id])
            db.session.commit()
            if enabled:
                print(f"recompute of {counts[name]} logs: {time.perf_counter() - started:.2f} s")
            headers[name] = {"Authorization": f"Bearer {tokens.mint_access(user)}"}
    return headers, counts


def measure(app, client, method: str, url: str, headers, bodies, statements: list[int]):
    from wger_flask.extensions import db

    with app.app_context():
        engine = db.engine
    counted: list[str] = []

    def count(conn, cursor, statement, parameters, context, executemany):
        if not statement.startswith(TRANSACTION_CONTROL):
            counted.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    timings = []
    try:
        for body in bodies:
            counted.clear()
            started = time.perf_counter()
            response = client.open(url, method=method, json=body, headers=headers)
            timings.append((time.perf_counter() - started) * 1000)
            assert response.status_code in (200, 201), response.get_json()
            statements.append(len(counted))
    finally:
        event.remove(engine, "before_cursor_execute", count)
    return timings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--requests", type=int, default=200)
    arguments = parser.parse_args()
    app = build_app(arguments.database_url)
    headers, counts = prepare(app)
    client = app.test_client()
    from wger_flask.services.trophies import tracker

    spent: list[float] = []
    spent_cpu: list[float] = []
    original = tracker.apply

    def timed_apply(*args, **kwargs):
        started, started_cpu = time.perf_counter(), time.thread_time()
        try:
            return original(*args, **kwargs)
        finally:
            spent.append((time.perf_counter() - started) * 1000)
            spent_cpu.append((time.thread_time() - started_cpu) * 1000)

    tracker.apply = timed_apply
    print(f"history: {counts['tracked']} logs per user; {arguments.requests} requests each")
    results = {}
    for name in ("tracked", "untracked"):
        today = client.post(
            "/api/v2/workoutsession/",
            json={"date": dt.date.today().isoformat(), "time_start": "07:00"},
            headers=headers[name],
        ).get_json()
        bodies = [
            {
                "session": today["id"],
                "exercise": EXERCISES[number % len(EXERCISES)],
                "weight": str(60 + number % 50),
                "repetitions": "8",
            }
            for number in range(arguments.requests)
        ]
        statements: list[int] = []
        spent.clear()
        spent_cpu.clear()
        timings = measure(
            app, client, "POST", "/api/v2/workoutlog/", headers[name], bodies, statements
        )
        results[name] = statistics.median(timings)
        print(
            f"log one set, trophies {'on ' if name == 'tracked' else 'off'}: "
            f"p50 {statistics.median(timings):.2f} ms, p99 {percentile(timings, 0.99):.2f} ms, "
            f"statements {min(statements)}-{max(statements)}"
        )
        if spent:
            print(
                f"  tracker alone: p50 {statistics.median(spent):.2f} ms, "
                f"p99 {percentile(spent, 0.99):.2f} ms wall; CPU p50 "
                f"{statistics.median(spent_cpu):.2f} ms, p99 {percentile(spent_cpu, 0.99):.2f} ms"
            )
    print(
        f"added cost of tracking (difference of medians): {results['tracked'] - results['untracked']:.2f} ms"
    )
    statements = []
    timings = measure(
        app,
        client,
        "GET",
        "/api/v2/trophy/progress/",
        headers["tracked"],
        [None] * arguments.requests,
        statements,
    )
    print(
        f"trophy/progress/: p50 {statistics.median(timings):.2f} ms, "
        f"p99 {percentile(timings, 0.99):.2f} ms, statements {min(statements)}-{max(statements)}"
    )


if __name__ == "__main__":
    main()
