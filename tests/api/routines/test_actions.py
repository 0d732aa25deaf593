"""routine/{id}/structure, date-sequence-display, date-sequence-gym, logs, stats: shapes,
computed plans (upstream's rules through the API), ownership and SQL statements."""

import datetime as dt

import pytest

from tests.api.routine_api import EXERCISE, OTHER_EXERCISE, THIRD_EXERCISE, create, plan, routine
from tests.routine_factory import build_logs, build_routine
from wger_flask.blueprints.routines import actions as routine_actions
from wger_flask.extensions import db

ACTIONS = ["structure", "date-sequence-display", "date-sequence-gym", "logs", "stats"]
SET_FIELDS = [
    "slot_entry_id",
    "exercise",
    "sets",
    "max_sets",
    "weight",
    "max_weight",
    "weight_unit",
    "weight_rounding",
    "repetitions",
    "max_repetitions",
    "repetitions_unit",
    "repetitions_rounding",
    "rir",
    "max_rir",
    "rpe",
    "rest",
    "max_rest",
    "type",
    "text_repr",
    "comment",
]
TODAY = dt.date(2024, 6, 1)


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch):
    monkeypatch.setattr(routine_actions, "utc_today", lambda: TODAY)


def get(client, headers, routine_id, action):
    response = client.get(f"/api/v2/routine/{routine_id}/{action}/", headers=headers)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def test_structure_nests_days_slots_entries_and_configs(client, alice):
    made = plan(client, alice)
    body = get(client, alice, made["routine"], "structure")
    assert list(body) == [
        "id", "name", "description", "created", "start", "end", "fit_in_week", "days",
    ]  # fmt: skip
    day = body["days"][0]
    assert day["id"] == made["day"] and list(day)[-1] == "slots"
    slot = day["slots"][0]
    assert list(slot) == ["id", "day", "order", "comment", "entries", "config"]
    entry = slot["entries"][0]
    assert entry["exercise"] == EXERCISE and entry["class_name"] is None
    assert entry["set_nr_configs"][0]["value"] == 3
    assert entry["weight_configs"][0]["value"] == "50.00"
    assert entry["repetitions_configs"][0]["value"] == "8.00"
    assert entry["max_rest_configs"] == [] and entry["rir_configs"] == []


def test_structure_payload_is_marshmallows_dump(app, user):
    """The hand-written structure writer gives exactly the documented schema's dump."""
    from sqlalchemy import select

    from wger_flask.models.routines import Routine, WeightConfig
    from wger_flask.schemas.routines.payloads import StructurePayload
    from wger_flask.schemas.routines.tree import RoutineStructureSchema
    from wger_flask.services.routines.reads import load_tree

    with app.test_request_context("/api/v2/"):
        routine_id = build_routine(user.id, days=2, slots=2, entries=2)
        row = db.session.execute(select(WeightConfig).limit(1)).scalar_one()
        row.requirements = {"rules": ["weight"]}
        db.session.flush()
        tree = load_tree(select(Routine).where(Routine.id == routine_id))
        assert StructurePayload().routine(tree) == RoutineStructureSchema().dump(tree)


def test_the_documented_50_kg_progression_through_the_api(client, alice):
    """One day, so each date is one iteration: 50; +10 % at 4; +2 at 6; +1 at 7; 45 at 8."""
    made = routine(client, alice, start="2024-01-01", end="2024-01-08")
    day = create(client, alice, "day", routine=made["id"])
    slot = create(client, alice, "slot", day=day["id"])
    entry = create(client, alice, "slot-entry", slot=slot["id"], exercise=EXERCISE)["id"]
    for iteration, value, operation, step in [
        (1, "50", "r", "abs"),
        (4, "10", "+", "percent"),
        (6, "2", "+", "abs"),
        (7, "1", "+", "abs"),
        (8, "45", "r", "abs"),
    ]:
        create(client, alice, "weight-config", slot_entry=entry, iteration=iteration,
               value=value, operation=operation, step=step)  # fmt: skip
    dates = get(client, alice, made["id"], "date-sequence-display")
    assert [item["iteration"] for item in dates] == list(range(1, 9))
    weights = [item["slots"][0]["sets"][0]["weight"] for item in dates]
    assert weights == ["50", "50", "50", "55", "55", "57", "58", "45"]
    first = dates[0]["slots"][0]["sets"][0]
    assert list(first) == SET_FIELDS
    assert (first["sets"], first["weight_unit"], first["repetitions"]) == (1, 1, None)
    assert first["text_repr"] == "50 kg"


def test_gym_mode_interleaves_the_documented_superset(client, alice):
    """Exercises with 4, 2 and 3 sets: E1 E2 E3 E1 E2 E3 E1 E3 E1."""
    made = routine(client, alice, start="2024-01-01", end="2024-01-01")
    day = create(client, alice, "day", routine=made["id"])
    slot = create(client, alice, "slot", day=day["id"], comment="superset")
    for exercise, sets in [(EXERCISE, 4), (OTHER_EXERCISE, 2), (THIRD_EXERCISE, 3)]:
        entry = create(client, alice, "slot-entry", slot=slot["id"], exercise=exercise)
        create(client, alice, "sets-config", slot_entry=entry["id"], iteration=1, value=sets)
    gym = get(client, alice, made["id"], "date-sequence-gym")[0]["slots"][0]
    order = [item["exercise"] for item in gym["sets"]]
    e1, e2, e3 = EXERCISE, OTHER_EXERCISE, THIRD_EXERCISE
    assert order == [e1, e2, e3, e1, e2, e3, e1, e3, e1]
    assert gym["is_superset"] is True and gym["exercises"] == [e1, e2, e3]
    assert {item["sets"] for item in gym["sets"]} == {1}
    display = get(client, alice, made["id"], "date-sequence-display")[0]["slots"][0]
    assert [(item["exercise"], item["sets"]) for item in display["sets"]] == [
        (e1, 4), (e2, 2), (e3, 3),
    ]  # fmt: skip
    assert display["sets"][0]["text_repr"] == "4 Sets"


def test_display_mode_groups_consecutive_slots_of_one_exercise(client, alice):
    made = plan(client, alice, start="2024-01-01", end="2024-01-01")
    second = create(client, alice, "slot", day=made["day"], order=2, comment="back-off")
    entry = create(client, alice, "slot-entry", slot=second["id"], exercise=EXERCISE)
    create(client, alice, "weight-config", slot_entry=entry["id"], iteration=1, value="40")
    display = get(client, alice, made["routine"], "date-sequence-display")[0]["slots"]
    assert len(display) == 1
    assert [item["weight"] for item in display[0]["sets"]] == ["50", "40"]
    assert display[0]["sets"][0]["text_repr"] == "3 Sets, 8 × 50 kg"
    gym = get(client, alice, made["routine"], "date-sequence-gym")[0]["slots"]
    assert [len(slot["sets"]) for slot in gym] == [3, 1]
    assert gym[0]["sets"][0]["text_repr"] == "8 × 50 kg"


def test_a_day_that_needs_logs_waits_for_a_session(client, alice):
    """Documentation table 2 through the API: day 3 repeats until a session is logged."""
    made = routine(client, alice, start="2024-01-01", end="2024-01-10")
    days = [
        create(client, alice, "day", routine=made["id"], order=number,
               need_logs_to_advance=number == 3)["id"]
        for number in (1, 2, 3)
    ]  # fmt: skip
    for date in ("2024-01-03", "2024-01-08"):
        create(client, alice, "workoutsession", routine=made["id"], day=days[2], date=date)
    dates = get(client, alice, made["id"], "date-sequence-display")
    sequence = [(days.index(item["day"]["id"]) + 1, item["iteration"]) for item in dates]
    assert sequence == [
        (1, 1), (2, 1), (3, 1),
        (1, 2), (2, 2), (3, 2), (3, 2), (3, 2),
        (1, 3), (2, 3),
    ]  # fmt: skip


def test_fit_in_week_leaves_the_week_empty(client, alice):
    made = routine(client, alice, start="2024-01-01", end="2024-01-10", fit_in_week=True)
    for number in (1, 2, 3):
        create(client, alice, "day", routine=made["id"], order=number, is_rest=number == 2)
    dates = get(client, alice, made["id"], "date-sequence-gym")
    assert [item["day"] is None for item in dates] == [False] * 3 + [True] * 4 + [False] * 3
    assert [item["iteration"] for item in dates] == [1, 1, 1, 1, 1, 1, 1, 2, 2, 2]
    assert dates[3]["slots"] == [] and dates[3]["label"] is None
    assert dates[1]["day"]["is_rest"] is True


def test_requirements_read_the_logs_of_the_previous_iteration(client, alice):
    made = plan(client, alice, start="2024-01-01", end="2024-01-03")
    create(client, alice, "weight-config", slot_entry=made["entry"], iteration=2, value="5",
           operation="+", requirements={"rules": ["weight", "repetitions"]})  # fmt: skip

    def weights():
        dates = get(client, alice, made["routine"], "date-sequence-display")
        return [item["slots"][0]["sets"][0]["weight"] for item in dates]

    assert weights() == ["50", "50", "50"]
    log = {"exercise": EXERCISE, "routine": made["routine"], "slot_entry": made["entry"]}
    create(client, alice, "workoutlog", **log, iteration=1, weight="50", repetitions="7")
    assert weights() == ["50", "50", "50"]  # 7 of 8 repetitions: not met
    create(client, alice, "workoutlog", **log, iteration=1, weight="50", repetitions="8")
    assert weights() == ["50", "55", "55"]


def test_a_routine_without_days_has_an_empty_plan(client, alice):
    made = routine(client, alice)
    assert get(client, alice, made["id"], "date-sequence-gym") == []
    assert get(client, alice, made["id"], "structure")["days"] == []


def test_logs_group_the_routines_logs_by_session(client, alice):
    made = plan(client, alice)
    log = {"exercise": EXERCISE, "routine": made["routine"], "slot_entry": made["entry"]}
    first = create(client, alice, "workoutlog", **log, repetitions="8", weight="50",
                   date="2024-01-02T10:00:00+00:00")  # fmt: skip
    create(client, alice, "workoutlog", exercise=EXERCISE, repetitions="5")  # no routine
    body = get(client, alice, made["routine"], "logs")
    assert len(body) == 1
    assert body[0]["session"]["date"] == "2024-01-02"
    assert [item["id"] for item in body[0]["logs"]] == [first["id"]]
    assert body[0]["logs"][0] == first


def test_stats_sum_volume_and_sets(client, alice):
    made = plan(client, alice)
    log = {"exercise": EXERCISE, "routine": made["routine"], "iteration": 1,
           "date": "2024-01-02T10:00:00+00:00"}  # fmt: skip
    create(client, alice, "workoutlog", **log, repetitions="10", weight="100")
    create(client, alice, "workoutlog", **log, repetitions="5", weight="80")
    create(client, alice, "workoutlog", **log, repetitions="5", weight="80", weight_unit=2)
    body = get(client, alice, made["routine"], "stats")
    assert list(body) == ["intensity", "sets", "volume"]
    volume = body["volume"]
    assert list(volume) == ["iteration", "weekly", "daily", "mesocycle"]
    assert volume["mesocycle"]["total"] == "1400.00"
    assert volume["mesocycle"]["exercises"] == {str(EXERCISE): 1400.0}
    assert volume["daily"]["2024-01-02"]["total"] == "1400.00"
    assert volume["weekly"]["1"]["upper_body"] == "0.00"
    assert body["sets"]["iteration"]["1"]["total"] == "2.00"
    assert body["intensity"]["mesocycle"]["total"] == "0.82"  # (0.7498 + 0.8888) / 2


def test_actions_of_another_users_routine(client, alice, mallory):
    private = plan(client, mallory)["routine"]
    shared = plan(client, mallory, is_template=True, is_public=True)["routine"]
    for action in ACTIONS:
        url = f"/api/v2/routine/{private}/{action}/"
        assert client.get(url, headers=alice).status_code == 404, action
        assert client.get(url).status_code == 401, action
        assert client.post(url, json={}, headers=alice).status_code == 405, action
    for action in ("structure", "date-sequence-display", "date-sequence-gym"):
        assert client.get(f"/api/v2/routine/{shared}/{action}/", headers=alice).status_code == 200
    for action in ("logs", "stats"):  # the owner's workout history stays theirs
        response = client.get(f"/api/v2/routine/{shared}/{action}/", headers=alice)
        assert response.status_code == 403, action
        assert client.get(f"/api/v2/routine/{shared}/{action}/", headers=mallory).status_code == 200


@pytest.mark.parametrize("action", ["structure", "date-sequence-display", "date-sequence-gym"])
def test_statements_do_not_grow_with_the_routine(app, client, user, auth_headers, count_queries,
                                                 action):  # fmt: skip
    with app.app_context():
        small = build_routine(user.id, days=1, slots=1, entries=1, length_days=6)
        large = build_routine(user.id, days=7, slots=6, entries=3, length_days=83)
        db.session.commit()
    headers = auth_headers(user)
    counts = []
    for routine_id in (small, large):
        with count_queries() as counter:
            response = client.get(f"/api/v2/routine/{routine_id}/{action}/", headers=headers)
        assert response.status_code == 200
        counts.append(counter.count)
    assert counts[0] == counts[1] <= 9, counts


@pytest.mark.parametrize("action", ["logs", "stats"])
def test_statements_do_not_grow_with_the_logs(app, client, user, auth_headers, count_queries,
                                              action):  # fmt: skip
    with app.app_context():
        small = build_routine(user.id, days=1, slots=1, entries=1)
        build_logs(user.id, small, sessions=1, logs=1)
        large = build_routine(user.id, days=1, slots=1, entries=1)
        build_logs(user.id, large, sessions=12, logs=8)
        db.session.commit()
    headers = auth_headers(user)
    counts, sizes = [], []
    for routine_id in (small, large):
        with count_queries() as counter:
            response = client.get(f"/api/v2/routine/{routine_id}/{action}/", headers=headers)
        assert response.status_code == 200
        counts.append(counter.count)
        sizes.append(len(response.data))
    assert counts[0] == counts[1] <= 6, counts
    assert sizes[0] < sizes[1]  # the large routine's answer holds its many logs


def test_a_routine_at_the_end_of_the_calendar(client, alice):
    made = plan(client, alice, start="9999-12-20", end="9999-12-31", fit_in_week=True)
    dates = get(client, alice, made["routine"], "date-sequence-gym")
    assert dates[-1]["date"] == "9999-12-31" and len(dates) == 12
