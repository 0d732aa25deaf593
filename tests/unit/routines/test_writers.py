"""The routines domain's rules, broken through every writer (``tests/writers.py``): the REST
routes and a direct service call through ``rest.writes`` (the PowerSync upload as the app 2.x sends a change; the importer joins the list) refuse the same way, with the same status and the same field named."""

from __future__ import annotations

from sqlalchemy import func, select

from tests.api.routine_api import EXERCISE
from wger_flask.extensions import db
from wger_flask.models.routines import (
    Day,
    Routine,
    SetsConfig,
    Slot,
    SlotEntry,
    WorkoutLog,
    WorkoutSession,
)

ROUTINE = {"name": "Push pull", "start": "2024-01-01", "end": "2024-01-28"}


def test_a_routine_ends_after_it_starts_within_120_days(writer, user):
    backwards = writer.create(Routine, {**ROUTINE, "end": "2023-12-31"}, user)
    assert backwards.status == 400
    assert backwards.body == {"end": ["The end date cannot be before the start date."]}
    too_long = writer.create(Routine, {**ROUTINE, "end": "2024-06-01"}, user)
    assert too_long.status == 400
    assert too_long.body == {"end": ["A routine can not last more than 120 days."]}


def test_only_a_template_is_public(writer, user):
    made = writer.create(Routine, {**ROUTINE, "is_public": True}, user)
    assert made.status == 201 and made.body["is_public"] is False
    template = writer.create(Routine, {**ROUTINE, "is_template": True, "is_public": True}, user)
    assert template.body["is_public"] is True


def test_another_users_routine_is_refused_as_a_parent(writer, user, other_user):
    theirs = writer.create(Routine, ROUTINE, other_user)
    refused = writer.create(Day, {"routine": theirs.id, "order": 1, "name": "Push"}, user)
    assert refused.status == 403


def test_a_rest_day_has_no_slots(app, writer, user):
    routine = writer.create(Routine, ROUTINE, user)
    day = writer.create(Day, {"routine": routine.id, "order": 1, "name": "Push"}, user)
    writer.create(Slot, {"day": day.id, "order": 1}, user)
    rested = writer.update(Day, day.id, {"is_rest": True}, user)
    assert rested.status == 200
    with app.app_context():
        count = db.session.execute(select(func.count()).where(Slot.day_id == day.id)).scalar_one()
    assert count == 0


def test_entries_and_configs_get_their_defaults(writer, user):
    routine = writer.create(Routine, ROUTINE, user)
    day = writer.create(Day, {"routine": routine.id, "order": 1, "name": "Push"}, user)
    slot = writer.create(Slot, {"day": day.id, "order": 1}, user)
    first = writer.create(SlotEntry, {"slot": slot.id, "exercise": EXERCISE}, user)
    second = writer.create(SlotEntry, {"slot": slot.id, "exercise": EXERCISE}, user)
    assert (first.body["order"], second.body["order"]) == (1, 2)
    assert (first.body["repetition_unit"], first.body["weight_unit"]) == (1, 1)
    baseline = writer.create(
        SetsConfig, {"slot_entry": first.id, "iteration": 1, "value": 3, "operation": "+"}, user
    )
    assert (baseline.body["operation"], baseline.body["step"]) == ("r", "na")


def test_a_session_ends_after_it_starts(writer, user):
    backwards = writer.create(
        WorkoutSession,
        {"datetime_start": "2024-01-02T10:00:00Z", "datetime_end": "2024-01-02T09:00:00Z"},
        user,
    )
    assert backwards.status == 400
    assert backwards.body == {"datetime_end": ["The end cannot be before the start."]}


def test_a_log_needs_repetitions_or_weight_and_joins_its_session(app, writer, user):
    empty = writer.create(WorkoutLog, {"exercise": EXERCISE}, user)
    assert empty.status == 400 and list(empty.body) == ["non_field_errors"]
    body = {"exercise": EXERCISE, "repetitions": "8", "date": "2024-01-03T18:00:00Z"}
    first = writer.create(WorkoutLog, body, user)
    second = writer.create(WorkoutLog, {**body, "weight": "50"}, user)
    assert first.status == second.status == 201
    assert first.body["session"] == second.body["session"] is not None
    with app.app_context():
        sessions = db.session.execute(
            select(func.count())
            .select_from(WorkoutSession)
            .where(WorkoutSession.user_id == user.id)
        ).scalar_one()
    assert sessions == 1


def test_statistics_follow_a_log_whoever_writes_it(app, writer, user):
    """The trophies domain listens to this app's sessions: no writer has to remember it."""
    from wger_flask.models.trophies import UserStatistics

    body = {"exercise": EXERCISE, "repetitions": "10", "weight": "50"}
    assert writer.create(WorkoutLog, {**body, "date": "2024-01-03T18:00:00Z"}, user).status == 201
    assert writer.create(WorkoutLog, {**body, "date": "2024-01-04T18:00:00Z"}, user).status == 201
    with app.app_context():
        stats = db.session.execute(
            select(UserStatistics).where(UserStatistics.user_id == user.id)
        ).scalar_one()
        assert stats.total_workouts == 2
        assert stats.volume_mg == 2 * 10 * 50 * 1_000_000
