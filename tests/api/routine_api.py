"""Helpers of the routine API tests: create through the API and read results."""

from __future__ import annotations

from typing import Any

EXERCISE = 9  # exercises of the shipped catalogue
OTHER_EXERCISE = 12
THIRD_EXERCISE = 20


def create(client, headers: dict, resource: str, **body: Any) -> dict:
    """POST ``body`` to ``resource``; the created object (asserting 201)."""
    response = client.post(f"/api/v2/{resource}/", json=body, headers=headers)
    assert response.status_code == 201, (resource, response.status_code, response.get_json())
    return response.get_json()


def routine(client, headers: dict, **body: Any) -> dict:
    values = {"name": "Push pull", "start": "2024-01-01", "end": "2024-01-28"}
    values.update(body)
    return create(client, headers, "routine", **values)


def plan(client, headers: dict, **routine_body: Any) -> dict[str, Any]:
    """A routine with one day, one slot and one entry (3 × 8 at 50 kg); their ids."""
    made = routine(client, headers, **routine_body)
    day = create(client, headers, "day", routine=made["id"], order=1, name="Push")
    slot = create(client, headers, "slot", day=day["id"], order=1)
    entry = create(client, headers, "slot-entry", slot=slot["id"], exercise=EXERCISE)
    create(client, headers, "sets-config", slot_entry=entry["id"], iteration=1, value=3)
    create(client, headers, "weight-config", slot_entry=entry["id"], iteration=1, value="50")
    create(client, headers, "repetitions-config", slot_entry=entry["id"], iteration=1, value=8)
    return {"routine": made["id"], "day": day["id"], "slot": slot["id"], "entry": entry["id"]}


def results(client, headers: dict, url: str) -> list[dict]:
    response = client.get(url, headers=headers)
    assert response.status_code == 200, response.get_json()
    return response.get_json()["results"]


def ids(client, headers: dict, url: str) -> list[Any]:
    return [row["id"] for row in results(client, headers, url)]
