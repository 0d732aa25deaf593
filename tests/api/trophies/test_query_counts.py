"""Logging a set and reading progress cost the same statements whatever the history's size."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import insert

from tests.api.trophies.helpers import log, session
from wger_flask.extensions import db
from wger_flask.models.routines import WorkoutLog, WorkoutSession
from wger_flask.models.types import uuid7
from wger_flask.services.trophies import recompute


def history(app, user_id: int, days: int, sets_a_day: int) -> None:
    """``days`` past sessions with their sets, written in bulk, then recomputed once."""
    start = dt.date(2020, 1, 1)
    sessions, logs = [], []
    for offset in range(days):
        day = start + dt.timedelta(days=offset * 2)
        session_id = uuid7()
        sessions.append({"id": session_id, "user_id": user_id, "date": day, "impression": "2"})
        for number in range(sets_a_day):
            logs.append(
                {
                    "id": uuid7(),
                    "user_id": user_id,
                    "session_id": session_id,
                    "exercise_id": (9, 12, 20)[number % 3],
                    "date": dt.datetime.combine(day, dt.time(10, number), tzinfo=dt.UTC),
                    "weight": Decimal(40 + number),
                    "weight_unit_id": 1,
                    "repetitions": Decimal(8),
                    "repetitions_unit_id": 1,
                }
            )
    with app.app_context():
        db.session.execute(insert(WorkoutSession), sessions)
        db.session.execute(insert(WorkoutLog), logs)
        recompute([user_id])
        db.session.commit()


def statements_of_one_set(client, headers, count_queries) -> tuple[int, list[str]]:
    today = session(client, headers, "2026-06-01", "07:00")
    log(client, headers, today["id"], weight="60", repetitions="8")  # warm: day, records
    with count_queries() as counter:
        log(client, headers, today["id"], weight="61", repetitions="8")
    return counter.count, counter.statements


def test_logging_a_set_is_constant(app, client, make_user, auth_headers, count_queries):
    small, large = make_user("small"), make_user("large")
    history(app, small.id, 3, 3)
    history(app, large.id, 300, 12)
    small_count, _ = statements_of_one_set(client, auth_headers(small), count_queries)
    large_count, statements = statements_of_one_set(client, auth_headers(large), count_queries)
    assert small_count == large_count, statements
    # the authentication look-up names the trophy catalogue's generation: not tracking
    tracking = [s for s in statements if "trophies_" in s and "data_stamp" not in s]
    assert len(tracking) <= 6, tracking


def test_progress_is_constant(app, client, make_user, auth_headers, count_queries):
    small, large = make_user("small"), make_user("large")
    history(app, small.id, 2, 2)
    history(app, large.id, 300, 12)
    counts = []
    for user in (small, large):
        headers = auth_headers(user)
        with count_queries() as counter:
            response = client.get("/api/v2/trophy/progress/", headers=headers)
        assert response.status_code == 200
        counts.append(counter.count)
    assert counts[0] == counts[1] <= 3, counts


def test_user_statistics_are_constant(app, client, make_user, auth_headers, count_queries):
    small, large = make_user("small"), make_user("large")
    history(app, small.id, 2, 2)
    history(app, large.id, 300, 12)
    counts = []
    for user in (small, large):
        headers = auth_headers(user)
        client.get("/api/v2/user-statistics/", headers=headers)  # warm
        with count_queries() as counter:
            response = client.get("/api/v2/user-statistics/", headers=headers)
        assert response.status_code == 200
        counts.append(counter.count)
    assert counts[0] == counts[1] <= 4, counts
