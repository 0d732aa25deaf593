"""GET, HEAD and OPTIONS never write: every list and detail route of every resource, and every
other GET route of the API, sends no INSERT, UPDATE or DELETE (the official measurement
categories and the profile are made at registration, not by a read)."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import delete

from tests.api.routine_api import EXERCISE, create, plan
from wger_flask.extensions import db
from wger_flask.models.accounts import UserProfile

WRITE = re.compile(r"^\s*(INSERT|UPDATE|DELETE|REPLACE|MERGE)\b", re.IGNORECASE)
WRITE_IN_CTE = re.compile(r"^\s*WITH\b.*\b(INSERT|UPDATE|DELETE)\b", re.IGNORECASE | re.DOTALL)


def writes_of(statements: list[str]) -> list[str]:
    return [s for s in statements if WRITE.match(s) or WRITE_IN_CTE.match(s)]


def test_the_detector_sees_writes():
    assert writes_of(["SELECT 1", "INSERT INTO t VALUES (1)", "  update t set a=1"]) == [
        "INSERT INTO t VALUES (1)",
        "  update t set a=1",
    ]


@pytest.fixture
def owned_rows(client, alice):
    """One row of the caller's in every user-owned resource that has a JSON create."""
    made = plan(client, alice)
    create(client, alice, "workoutlog", exercise=EXERCISE, routine=made["routine"],
           repetitions="8", weight="50", date="2024-01-03T18:00:00Z")  # fmt: skip
    nutrition = create(client, alice, "nutritionplan", description="Cut")
    meal = create(client, alice, "meal", plan=nutrition["id"])
    create(client, alice, "mealitem", meal=meal["id"], ingredient=2, amount="100")
    create(client, alice, "nutritiondiary", plan=nutrition["id"], ingredient=2, amount="50")
    create(client, alice, "weightentry", weight="80")
    return made


def api_get_routes(app) -> list[str]:
    """Every GET route under /api/v2/ (its path template, ``<int_key:id>`` read as ``<id>``)."""
    return sorted(
        re.sub(r"<\w+:(\w+)>", r"<\1>", rule.rule)
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith("/api/v2/") and "GET" in rule.methods
    )


def first_id(client, headers, name: str) -> str | None:
    body = client.get(f"/api/v2/{name}/?limit=1", headers=headers).get_json()
    results = body.get("results") if isinstance(body, dict) else None
    return str(results[0]["id"]) if results and "id" in results[0] else None


def test_no_read_route_writes(app, client, alice, owned_rows, count_queries):
    ids = {}
    for resource in app.extensions["wger_resources"]:
        ids[resource.name] = first_id(client, alice, resource.name)
    checked, writing = 0, []
    for template in api_get_routes(app):
        name = template.removeprefix("/api/v2/").split("/", 1)[0]
        if "<" in template:
            if "<id>" not in template or not ids.get(name) or template.count("<") > 1:
                continue
            path = template.replace("<id>", ids[name])
        else:
            path = template
        for method in ("GET", "HEAD", "OPTIONS"):
            with count_queries() as counter:
                response = client.open(path, method=method, headers=alice)
            assert response.status_code < 500, (method, path, response.status_code)
            found = writes_of(counter.statements)
            if found:
                writing.append((method, path, found))
            checked += 1
    assert writing == []
    assert checked > 300  # every list, detail and action route, three methods each


def test_a_profile_read_never_commits(app, client, user, alice, count_queries):
    with app.app_context():
        db.session.execute(delete(UserProfile).where(UserProfile.user_id == user.id))
        db.session.commit()
    with count_queries() as counter:
        response = client.get("/api/v2/userprofile/", headers=alice)
    assert response.status_code == 200
    assert writes_of(counter.statements) == []
    body = response.get_json()
    assert (body["username"], body["weight_unit"], body["workout_duration"]) == ("alice", "kg", 12)
    changed = client.patch("/api/v2/userprofile/", json={"weight_unit": "lb"}, headers=alice)
    assert changed.status_code == 200 and changed.get_json()["weight_unit"] == "lb"


def test_every_new_account_has_its_official_categories_before_any_read(app, client, alice):
    with_official = client.get(
        "/api/v2/measurement-category/?is_official=True&limit=100", headers=alice
    ).get_json()
    assert {row["metric_type"] for row in with_official["results"]} == {"body_weight"}
