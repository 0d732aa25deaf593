"""Only body weight is official (migration ``8e41c2a7b9d3``): the categories the server used to
make at registration (body fat, the blood-pressure group, height) are the user's own, deletable
with their readings, as the released MCP server deletes the group it made; body weight still
cannot be deleted, by any writer (the migration: tests/unit/body/test_official_migration.py)."""

from __future__ import annotations

from tests.api.body.test_measurement import CATEGORIES, URL


def rows(client, headers, query=""):
    return client.get(f"{CATEGORIES}?limit=100{query}", headers=headers).get_json()["results"]


def test_a_new_account_has_only_body_weight(client, alice):
    mine = rows(client, alice)
    assert [(row["metric_type"], row["is_official"]) for row in mine] == [("body_weight", True)]


def test_the_blood_pressure_group_a_tool_made_is_the_users_to_delete(client, alice):
    made = client.post(
        CATEGORIES,
        json={"name": "Blood pressure", "unit": "mmHg", "metric_type": "blood_pressure"},
        headers=alice,
    )
    assert made.status_code == 201, made.get_json()
    group = made.get_json()
    assert group["is_official"] is False
    children = rows(client, alice, f"&parent={group['id']}")
    systolic = next(row for row in children if row["metric_type"] == "blood_pressure_systolic")
    reading = client.post(URL, json={"category": systolic["id"], "value": 120}, headers=alice)
    assert reading.status_code == 201

    assert client.delete(f"{CATEGORIES}{group['id']}/", headers=alice).status_code == 204
    assert [row["metric_type"] for row in rows(client, alice)] == ["body_weight"]
    assert client.get(f"{URL}{reading.get_json()['id']}/", headers=alice).status_code == 404


def test_body_weight_still_cannot_be_deleted(client, alice, mallory):
    body_weight = rows(client, alice, "&metric_type=body_weight")[0]
    refused = client.delete(f"{CATEGORIES}{body_weight['id']}/", headers=alice)
    assert refused.status_code == 403
    assert refused.get_json() == {"detail": "Official categories cannot be deleted."}
    # another user's category is not theirs to try on
    assert client.delete(f"{CATEGORIES}{body_weight['id']}/", headers=mallory).status_code == 404


def test_a_second_blood_pressure_group_is_still_refused(client, alice):
    body = {"name": "Blood pressure", "metric_type": "blood_pressure"}
    assert client.post(CATEGORIES, json=body, headers=alice).status_code == 201
    again = client.post(CATEGORIES, json=body, headers=alice)
    assert again.status_code == 400 and "metric_type" in again.get_json()
