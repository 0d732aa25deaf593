"""Routine answers kept per worker under the reader's data stamp (``rest/owner_answers.py``):
a repeated read runs no view and is the fresh answer byte for byte, and every write the answer
depends on is in the next read: a config four levels down (REST, SQL outside a request, another
worker), a cascade delete, the exercise catalogue (units, muscles), another user's public
template, today's date. Another user's public routine tree is served, never kept."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import text

from tests.api.powersync.app_device import Device
from tests.api.routine_api import EXERCISE, create, plan
from tests.kept_answers import assert_hits_are_fresh, read
from wger_flask import create_app
from wger_flask.blueprints.routines import actions as routine_actions
from wger_flask.config import TestConfig
from wger_flask.extensions import db
from wger_flask.rest.owner_answers import ROUTES, owner_answers

TODAY = dt.date(2024, 1, 10)
ACTIONS = ["structure", "date-sequence-display", "date-sequence-gym", "logs", "stats"]


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch):
    monkeypatch.setattr(routine_actions, "utc_today", lambda: TODAY)


@pytest.fixture
def made(client, alice) -> dict[str, Any]:
    """Alice's routine (one day, slot, entry, three configs) with a logged set."""
    ids = plan(client, alice)
    log = {"exercise": EXERCISE, "routine": ids["routine"], "iteration": 1,
           "date": "2024-01-02T10:00:00+00:00", "repetitions": "8", "weight": "50"}  # fmt: skip
    create(client, alice, "workoutlog", **log)
    return ids


def urls(made: dict[str, Any]) -> list[str]:
    routine = made["routine"]
    return [
        "/api/v2/routine/",
        f"/api/v2/routine/{routine}/",
        "/api/v2/templates/",
        "/api/v2/public-templates/",
        *(f"/api/v2/routine/{routine}/{action}/" for action in ACTIONS),
        "/api/v2/day/",
        f"/api/v2/day/{made['day']}/",
        "/api/v2/slot/",
        "/api/v2/slot-entry/",
        f"/api/v2/slot-entry/{made['entry']}/",
        "/api/v2/weight-config/",
        "/api/v2/workoutsession/",
        "/api/v2/workoutlog/",
    ]


def test_the_routine_routes_are_kept(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    kept = {endpoint for endpoint in ROUTES if endpoint.startswith("routines.")}
    assert kept <= endpoints
    assert {
        "routines.routine-list",
        "routines.routine-detail",
        "routines.public-templates-list",
        "routines.routine-structure",
        "routines.routine-date-sequence-display",
        "routines.routine-date-sequence-gym",
        "routines.routine-logs",
        "routines.routine-stats",
        "routines.weight-config-list",
        "routines.workoutlog-list",
    } <= kept


def test_a_hit_is_the_fresh_answer_in_one_statement(app, client, alice, made, count_queries):
    assert_hits_are_fresh(app, client, alice, urls(made), count_queries)


def structure(client, headers: dict, routine_id: int) -> dict:
    return read(client, headers, f"/api/v2/routine/{routine_id}/structure/").get_json()


def first_weight(client, headers: dict, routine_id: int) -> tuple[Decimal, Decimal]:
    """The first entry's weight in the structure and in the gym sequence's first set."""
    entry = structure(client, headers, routine_id)["days"][0]["slots"][0]["entries"][0]
    gym = read(client, headers, f"/api/v2/routine/{routine_id}/date-sequence-gym/").get_json()
    sets = gym[0]["slots"][0]["sets"]
    return Decimal(entry["weight_configs"][0]["value"]), Decimal(sets[0]["weight"])


def weight_config(client, headers: dict, entry: int) -> dict:
    url = f"/api/v2/weight-config/?slot_entry={entry}"
    return read(client, headers, url).get_json()["results"][0]


def test_a_config_four_levels_down_is_in_the_next_read(client, alice, made):
    routine = made["routine"]
    assert first_weight(client, alice, routine) == (Decimal("50.00"),) * 2
    config = weight_config(client, alice, made["entry"])
    response = client.patch(
        f"/api/v2/weight-config/{config['id']}/", json={"value": "62.5"}, headers=alice
    )
    assert response.status_code == 200, response.get_json()
    assert first_weight(client, alice, routine) == (Decimal("62.50"),) * 2
    assert weight_config(client, alice, made["entry"])["value"] == "62.50"


def test_sql_outside_a_request_and_another_worker_are_in_the_next_read(
    app, client, alice, made, database_url
):
    routine = made["routine"]
    assert first_weight(client, alice, routine) == (Decimal("50.00"),) * 2
    with app.app_context():
        db.session.execute(text("UPDATE manager_weightconfig SET value = 70"))
        db.session.commit()
    assert first_weight(client, alice, routine) == (Decimal("70.00"),) * 2
    other = create_app(TestConfig(database_url))
    config = weight_config(other.test_client(), alice, made["entry"])
    response = other.test_client().patch(
        f"/api/v2/weight-config/{config['id']}/", json={"value": "40"}, headers=alice
    )
    assert response.status_code == 200
    assert owner_answers(other) is not owner_answers(app)
    assert first_weight(client, alice, routine) == (Decimal("40.00"),) * 2


def test_a_cascade_delete_is_in_the_next_read(client, alice, made):
    routine = made["routine"]
    assert len(structure(client, alice, routine)["days"]) == 1
    assert len(read(client, alice, "/api/v2/weight-config/").get_json()["results"]) == 1
    assert client.delete(f"/api/v2/day/{made['day']}/", headers=alice).status_code == 204
    assert structure(client, alice, routine)["days"] == []
    assert read(client, alice, "/api/v2/weight-config/").get_json()["results"] == []
    assert read(client, alice, "/api/v2/slot-entry/").get_json()["results"] == []
    assert client.delete(f"/api/v2/routine/{routine}/", headers=alice).status_code == 204
    assert client.get(f"/api/v2/routine/{routine}/structure/", headers=alice).status_code == 404
    assert read(client, alice, "/api/v2/routine/").get_json()["results"] == []
    assert read(client, alice, "/api/v2/workoutlog/").get_json()["results"] == []


def test_the_exercise_catalogue_is_in_the_next_read(app, client, alice, made):
    """The date sequences name the units, the statistics group by the exercises' muscles:
    the catalogue's generation is in their key."""
    sequence = f"/api/v2/routine/{made['routine']}/date-sequence-display/"
    stats = f"/api/v2/routine/{made['routine']}/stats/"
    assert "Zentner" not in read(client, alice, sequence).get_data(as_text=True)
    muscles = read(client, alice, stats).get_json()["volume"]["mesocycle"]["muscle"]
    with app.app_context():
        unit = db.session.execute(
            text("SELECT weight_unit_id FROM manager_slotentry WHERE id = :id"),
            {"id": made["entry"]},
        ).scalar()
        db.session.execute(
            text("UPDATE core_weightunit SET name = 'Zentner' WHERE id = :id"), {"id": unit}
        )
        unused = db.session.execute(
            text(
                "SELECT id FROM exercises_muscle WHERE id NOT IN (SELECT muscle_id FROM "
                "exercises_exercise_muscles WHERE exercise_id = :exercise) ORDER BY id LIMIT 1"
            ),
            {"exercise": EXERCISE},
        ).scalar()
        db.session.execute(
            text("INSERT INTO exercises_exercise_muscles (exercise_id, muscle_id) VALUES (:e, :m)"),
            {"e": EXERCISE, "m": unused},
        )
        db.session.commit()
    assert "Zentner" in read(client, alice, sequence).get_data(as_text=True)
    now = read(client, alice, stats).get_json()["volume"]["mesocycle"]["muscle"]
    assert str(unused) in now and str(unused) not in muscles


def test_today_is_in_the_date_sequences_key(client, alice, monkeypatch):
    """A day that needs logs to advance repeats once its date has passed without a session:
    the same routine, no write, another answer on another day."""
    ids = plan(client, alice, start="2024-01-01", end="2024-01-06")
    response = client.patch(
        f"/api/v2/day/{ids['day']}/", json={"need_logs_to_advance": True}, headers=alice
    )
    assert response.status_code == 200
    create(client, alice, "day", routine=ids["routine"], order=2, name="Pull")
    url = f"/api/v2/routine/{ids['routine']}/date-sequence-display/"

    def days() -> list[str]:
        return [
            row["day"]["name"] if row["day"] else None
            for row in read(client, alice, url).get_json()
        ]

    monkeypatch.setattr(routine_actions, "utc_today", lambda: dt.date(2023, 12, 1))
    before = days()
    assert before[:2] == ["Push", "Pull"]
    monkeypatch.setattr(routine_actions, "utc_today", lambda: dt.date(2024, 1, 6))
    after = days()
    assert after[:2] == ["Push", "Push"] and after != before


def names(client, headers: dict, url: str) -> list[str]:
    return [row["name"] for row in read(client, headers, url).get_json()["results"]]


def test_another_users_public_template_is_in_the_next_read(client, alice, mallory, made):
    """Mallory's writes renew her stamp, not Alice's: the public routines' generation is in
    the key of Alice's lists and of ``routine/{id}/``."""
    assert names(client, alice, "/api/v2/routine/") == ["Push pull"]
    assert names(client, alice, "/api/v2/public-templates/") == []
    shared = plan(client, mallory, name="Shared", is_template=True, is_public=True)["routine"]
    assert sorted(names(client, alice, "/api/v2/routine/")) == ["Push pull", "Shared"]
    assert names(client, alice, "/api/v2/public-templates/") == ["Shared"]
    detail = f"/api/v2/routine/{shared}/"
    assert read(client, alice, detail).get_json()["name"] == "Shared"
    patch = client.patch(detail, json={"name": "Renamed"}, headers=mallory)
    assert patch.status_code == 200, patch.get_json()
    assert sorted(names(client, alice, "/api/v2/routine/")) == ["Push pull", "Renamed"]
    assert read(client, alice, detail).get_json()["name"] == "Renamed"
    patch = client.patch(detail, json={"is_public": False}, headers=mallory)
    assert patch.status_code == 200
    assert names(client, alice, "/api/v2/routine/") == ["Push pull"]
    assert names(client, alice, "/api/v2/public-templates/") == []
    assert client.get(detail, headers=alice).status_code == 404


def test_another_users_public_tree_is_served_never_kept(client, alice, mallory, count_queries):
    shared = plan(client, mallory, is_template=True, is_public=True)
    url = f"/api/v2/routine/{shared['routine']}/structure/"
    assert len(structure(client, alice, shared["routine"])["days"]) == 1
    with count_queries() as counter:
        read(client, alice, url)
    assert len(counter.statements) > 1  # the view ran again
    create(client, mallory, "day", routine=shared["routine"], order=2, name="Legs")
    assert len(structure(client, alice, shared["routine"])["days"]) == 2
    # her own read of it is kept, under her stamp
    read(client, mallory, url)
    with count_queries() as counter:
        read(client, mallory, url)
    assert len(counter.statements) == 1


def test_a_user_never_gets_another_users_answer(client, alice, mallory, made):
    theirs = plan(client, mallory, name="Mine")
    for url in ("/api/v2/routine/", "/api/v2/day/", "/api/v2/workoutlog/"):
        read(client, alice, url)
    assert names(client, mallory, "/api/v2/routine/") == ["Mine"]
    assert [row["id"] for row in read(client, mallory, "/api/v2/day/").get_json()["results"]] == [
        theirs["day"]
    ]
    assert read(client, mallory, "/api/v2/workoutlog/").get_json()["results"] == []
    for action in ACTIONS:
        url = f"/api/v2/routine/{made['routine']}/{action}/"
        read(client, alice, url)
        assert client.get(url, headers=mallory).status_code == 404, action


def test_a_deleted_account_takes_its_public_templates_from_the_next_read(
    app, client, alice, mallory, other_user, made
):
    """The account's delete cascades to its routines, each delete moving the generation."""
    plan(client, mallory, name="Shared", is_template=True, is_public=True)
    assert sorted(names(client, alice, "/api/v2/routine/")) == ["Push pull", "Shared"]
    with app.app_context():
        db.session.execute(text("DELETE FROM auth_user WHERE id = :id"), {"id": other_user.id})
        db.session.commit()
    assert names(client, alice, "/api/v2/routine/") == ["Push pull"]
    assert names(client, alice, "/api/v2/public-templates/") == []


def test_an_upload_is_in_the_next_read(client, alice, made):
    """The mobile app's PowerSync upload writes without a REST view: the stamp still moves."""
    routine = made["routine"]
    assert structure(client, alice, routine)["name"] == "Push pull"
    assert names(client, alice, "/api/v2/routine/") == ["Push pull"]
    Device(client, alice).patch("manager_routine", routine, {"name": "Uploaded"})
    assert structure(client, alice, routine)["name"] == "Uploaded"
    assert names(client, alice, "/api/v2/routine/") == ["Uploaded"]
