"""The incremental tracker against the full recompute: after any sequence of writes (new,
changed and deleted sessions and logs, in and out of order), recomputing from the logs changes
nothing. Random histories, seeded: a failure names its seed."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

import pytest
from sqlalchemy import select

from wger_flask.extensions import db
from wger_flask.models.accounts import UserProfile
from wger_flask.models.routines import WorkoutLog, WorkoutSession
from wger_flask.models.trophies import UserStatistics, UserTrophy
from wger_flask.services.trophies import recompute

EXERCISES = (9, 12, 20)
STAT_FIELDS = [
    column.key
    for column in UserStatistics.__table__.c
    if column.key not in ("id", "user_id", "last_updated", "stale")
]


def snapshot(user_id: int) -> tuple:
    db.session.expire_all()
    stats = db.session.execute(
        select(UserStatistics).where(UserStatistics.user_id == user_id)
    ).scalar_one()
    trophies = db.session.execute(
        select(UserTrophy.trophy_id, UserTrophy.log_id, UserTrophy.one_rep_max).where(
            UserTrophy.user_id == user_id
        )
    ).all()
    values = {name: getattr(stats, name) for name in STAT_FIELDS}
    earned = sorted((t, str(log), float(best or 0)) for t, log, best in trophies)
    return values, earned


def agree(recomputed: tuple, incremental: tuple) -> None:
    differing = {
        name: (value, incremental[0][name])
        for name, value in recomputed[0].items()
        if value != incremental[0][name]
    }
    assert not differing, differing
    assert recomputed[1] == incremental[1]


def random_log(rng: random.Random, user_id: int, session: WorkoutSession) -> WorkoutLog:
    moment = dt.datetime.combine(session.date, dt.time(rng.randrange(5, 23)), tzinfo=dt.UTC)
    return WorkoutLog(
        user_id=user_id,
        session_id=session.id,
        exercise_id=rng.choice(EXERCISES),
        date=moment + dt.timedelta(minutes=rng.randrange(60)),
        weight=Decimal(rng.randrange(20, 140, 5)),
        weight_unit_id=rng.choice((1, 1, 2)),
        repetitions=Decimal(rng.randrange(1, 12)),
        repetitions_unit_id=1,
        rir=rng.choice((None, Decimal(1), Decimal(2))),
    )


def step(rng: random.Random, user_id: int, start: dt.date) -> None:
    """One random write, committed: add, change or delete a session or a log."""
    sessions = (
        db.session.execute(select(WorkoutSession).where(WorkoutSession.user_id == user_id))
        .scalars()
        .all()
    )
    logs = (
        db.session.execute(select(WorkoutLog).where(WorkoutLog.user_id == user_id)).scalars().all()
    )
    action = rng.random()
    if action < 0.35 or not sessions:
        day = start + dt.timedelta(days=rng.randrange(70))
        time = dt.time(rng.randrange(4, 24), rng.choice((0, 30))) if rng.random() < 0.7 else None
        made = WorkoutSession(user_id=user_id, date=day, time_start=time)
        db.session.add(made)
        db.session.flush()
        for _ in range(rng.randrange(0, 4)):
            db.session.add(random_log(rng, user_id, made))
    elif action < 0.65:
        db.session.add(random_log(rng, user_id, rng.choice(sessions)))
    elif action < 0.75 and logs:
        changed = rng.choice(logs)
        changed.weight = Decimal(rng.randrange(20, 160, 5))
        if rng.random() < 0.5:
            changed.date = changed.date - dt.timedelta(days=rng.randrange(1, 20))
    elif action < 0.85:
        moved = rng.choice(sessions)
        moved.date = moved.date + dt.timedelta(days=rng.randrange(-3, 4))
        moved.time_start = dt.time(rng.randrange(0, 24))
    elif action < 0.93 and logs:
        db.session.delete(rng.choice(logs))
    else:
        db.session.delete(rng.choice(sessions))
    db.session.commit()


@pytest.mark.parametrize("seed", range(6))
def test_incremental_state_equals_a_recompute(app, make_user, seed):
    rng = random.Random(seed)
    user = make_user(f"lifter{seed}")
    with app.app_context():
        start = dt.date(2025, 12, 1)
        for _ in range(60):
            step(rng, user.id, start)
            if rng.random() < 0.2:  # now and then: the state must already be the recompute's
                incremental = snapshot(user.id)
                recompute([user.id])
                agree(snapshot(user.id), incremental)
        incremental = snapshot(user.id)
        recompute([user.id])
        db.session.commit()
        agree(snapshot(user.id), incremental)
        assert incremental[0]["total_workouts"] > 0


def test_switched_off_nothing_moves_and_switching_on_catches_up(app, make_user):
    user = make_user("resting")
    with app.app_context():
        made = WorkoutSession(user_id=user.id, date=dt.date(2026, 3, 1))
        db.session.add(made)
        db.session.commit()
        before = snapshot(user.id)
        profile = db.session.execute(
            select(UserProfile).where(UserProfile.user_id == user.id)
        ).scalar_one()
        profile.trophies_enabled = False
        db.session.commit()
        db.session.add(WorkoutSession(user_id=user.id, date=dt.date(2026, 3, 2)))
        db.session.commit()
        stale = db.session.execute(
            select(UserStatistics.total_workouts, UserStatistics.stale).where(
                UserStatistics.user_id == user.id
            )
        ).one()
        assert tuple(stale) == (before[0]["total_workouts"], True)
        profile.trophies_enabled = True
        db.session.commit()
        after = snapshot(user.id)
        assert after[0]["total_workouts"] == 2 and after[0]["longest_streak"] == 2
