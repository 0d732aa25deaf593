"""PowerSync fixtures: the shipped rules, ingredients, and a user's rows to sync and upload."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from tests.api import ingredient_factory

make_ingredient = ingredient_factory.make_ingredient  # the fixture, for this folder's tests

REPO = Path(__file__).resolve().parents[3]
SYNC_RULES = REPO / "deploy" / "powersync" / "sync_rules.yaml"
DAY = "2026-02-03"
MOMENT = f"{DAY}T10:15:00.000Z"  # as the app's local database holds a moment


def tables_the_rules_read() -> set[str]:
    """The tables named after FROM or JOIN in the shipped sync rules (comments left out)."""
    text = "\n".join(
        line for line in SYNC_RULES.read_text().splitlines() if not line.lstrip().startswith("#")
    )
    return set(re.findall(r"\b(?:FROM|JOIN)\s+([a-z_][a-z0-9_]*)", text))


def post(client, headers, resource: str, **body: Any) -> dict[str, Any]:
    response = client.post(f"/api/v2/{resource}/", json=body, headers=headers)
    assert response.status_code == 201, (resource, response.get_json())
    return response.get_json()


@pytest.fixture
def world(client, alice, make_ingredient) -> dict[str, Any]:
    """Alice's parents for the rows the app makes: a routine, a plan with a meal, a
    measurement category, a session; an exercise and an ingredient with a unit."""
    ingredient = make_ingredient("Oats", units=[("cup", 80)])
    unit = client.get(f"/api/v2/ingredientweightunit/?ingredient={ingredient}").get_json()
    plan = post(client, alice, "nutritionplan", description="Base")
    return {
        "exercise": client.get("/api/v2/exercise/?limit=1").get_json()["results"][0]["id"],
        "routine": post(client, alice, "routine", name="Strength", start=DAY, end="2026-03-03")[
            "id"
        ],
        "plan": plan["id"],
        "meal": post(client, alice, "meal", plan=plan["id"], name="Breakfast")["id"],
        "category": post(client, alice, "measurement-category", name="Arm", unit="cm")["id"],
        "session": post(client, alice, "workoutsession", date=DAY, impression="2")["id"],
        "ingredient": ingredient,
        "unit": unit["results"][0]["id"],
    }
