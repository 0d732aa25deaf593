"""The released clients, unmodified, against the real server: the typed client
(``wger-api-client`` 2.7.0) builds a plan with meals, items and diary entries and reads the plan
info and every ``nutritional_values`` route; the MCP server's nutrition tools (``wger-mcp``
2.7.0, called in-process with its own settings, HTTP client and ``Token`` key) do the same
through all 17 of their tools. Every value is compared with one computed here by hand from the
ingredients' figures per 100 g."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import subprocess
import sys
import urllib.request
from decimal import Decimal
from typing import Any

import pytest

from wger_flask.testing import REPO

pytestmark = pytest.mark.e2e

OPTIONAL = ("carbohydrates_sugar", "fat_saturated", "fiber", "sodium")
NUTRIENTS = ("energy", "protein", "carbohydrates", *OPTIONAL[:1], "fat", *OPTIONAL[1:])

MAKE_USER_AND_KEY = """
import sys
from wsgi import app
from wger_flask.extensions import db
from wger_flask.services.accounts import api_keys, users
with app.app_context():
    user = users.create_user(sys.argv[1], "correct horse battery staple")
    key = api_keys.issue(user)
    db.session.commit()
    print(key)
"""


def new_api_key(server, username: str) -> str:
    """A user on the live server's database and their permanent API key."""
    result = subprocess.run(
        [sys.executable, "-c", MAKE_USER_AND_KEY, username],
        cwd=REPO,
        env=server.env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip().splitlines()[-1]


def get_json(url: str) -> Any:
    with urllib.request.urlopen(url, timeout=10) as response:
        return json.loads(response.read())


# ------------------------------------------------------------------------------ by hand


def by_hand(parts: list[tuple[dict, Decimal]]) -> dict[str, float | None]:
    """Sum of (ingredient, grams) parts: each figure per 100 g × grams / 100; an optional
    nutrient is null when no part has a (non-zero) figure for it."""
    totals: dict[str, Decimal | None] = {name: Decimal(0) for name in NUTRIENTS}
    for name in OPTIONAL:
        totals[name] = None
    for ingredient, grams in parts:
        for name in NUTRIENTS:
            figure = ingredient[name]
            if name in OPTIONAL and (figure is None or Decimal(figure) == 0):
                continue
            totals[name] = (totals[name] or Decimal(0)) + Decimal(figure) * grams / 100
    return {name: None if value is None else float(value) for name, value in totals.items()}


@pytest.fixture(scope="module")
def foods(live_server) -> dict[str, Any]:
    """Two shipped ingredients: one with a weight unit (and that unit), one without."""
    unit = get_json(live_server.url + "/api/v2/ingredientweightunit/?limit=1")["results"][0]
    with_unit = get_json(f"{live_server.url}/api/v2/ingredient/{unit['ingredient']}/")
    plain = get_json(live_server.url + "/api/v2/ingredient/?limit=1&ordering=-id")["results"][0]
    assert plain["id"] != with_unit["id"]
    return {"unit": unit, "with_unit": with_unit, "plain": plain}


# ------------------------------------------------------------------------------ typed client


def test_typed_client_builds_a_plan_and_reads_its_values(live_server, foods):
    from wger_api_client import AuthenticatedClient
    from wger_api_client import models as m
    from wger_api_client.api.meal import meal_create, meal_nutritional_values_retrieve
    from wger_api_client.api.mealitem import mealitem_create, mealitem_nutritional_values_retrieve
    from wger_api_client.api.nutritiondiary import (
        nutritiondiary_create,
        nutritiondiary_list,
        nutritiondiary_nutritional_values_retrieve,
    )
    from wger_api_client.api.nutritionplan import (
        nutritionplan_create,
        nutritionplan_nutritional_values_retrieve,
    )
    from wger_api_client.api.nutritionplaninfo import (
        nutritionplaninfo_nutritional_values_retrieve,
        nutritionplaninfo_retrieve,
    )

    key = new_api_key(live_server, "typed")
    client = AuthenticatedClient(
        base_url=live_server.url, token=key, prefix="Token", raise_on_unexpected_status=True
    )
    unit, with_unit, plain = foods["unit"], foods["with_unit"], foods["plain"]

    before = dt.datetime.now(dt.UTC).date()
    plan = nutritionplan_create.sync(
        client=client, body=m.NutritionPlanRequest(description="Typed", goal_energy=2100)
    )
    after = dt.datetime.now(dt.UTC).date()  # the server's day, also when midnight passed
    assert plan.creation_date in {before, after} and plan.goal_energy == 2100
    breakfast = meal_create.sync(
        client=client, body=m.MealRequest(plan=plan.id, name="Breakfast", time="07:30")
    )
    dinner = meal_create.sync(
        client=client, body=m.MealRequest(plan=plan.id, name="Dinner", time="19:00")
    )
    by_unit = mealitem_create.sync(
        client=client,
        body=m.MealItemRequest(
            meal=breakfast.id, ingredient=with_unit["id"], amount="2.5", weight_unit=unit["id"]
        ),
    )
    by_grams = mealitem_create.sync(
        client=client,
        body=m.MealItemRequest(meal=breakfast.id, ingredient=plain["id"], amount="125.50"),
    )
    mealitem_create.sync(
        client=client,
        body=m.MealItemRequest(meal=dinner.id, ingredient=plain["id"], amount="300"),
    )
    entry = nutritiondiary_create.sync(
        client=client,
        body=m.LogItemRequest(
            plan=plan.id,
            meal=breakfast.id,
            ingredient=with_unit["id"],
            amount="2.5",
            weight_unit=unit["id"],
            datetime_=dt.datetime(2026, 5, 4, 7, 45, tzinfo=dt.UTC),
        ),
    )

    unit_grams = Decimal("2.5") * unit["gram"]
    item_unit = by_hand([(with_unit, unit_grams)])
    item_grams = by_hand([(plain, Decimal("125.50"))])
    meal_one = by_hand([(with_unit, unit_grams), (plain, Decimal("125.50"))])
    meal_two = by_hand([(plain, Decimal(300))])
    day = by_hand([(with_unit, unit_grams), (plain, Decimal("125.50")), (plain, Decimal(300))])

    def read(module, pk) -> dict:
        return module.sync(id=pk, client=client).to_dict()

    assert read(mealitem_nutritional_values_retrieve, by_unit.id) == pytest.approx(item_unit)
    assert read(mealitem_nutritional_values_retrieve, by_grams.id) == pytest.approx(item_grams)
    assert read(meal_nutritional_values_retrieve, breakfast.id) == pytest.approx(meal_one)
    assert read(nutritionplan_nutritional_values_retrieve, plan.id) == pytest.approx(day)
    assert read(nutritionplaninfo_nutritional_values_retrieve, plan.id) == pytest.approx(day)
    assert read(nutritiondiary_nutritional_values_retrieve, entry.id) == pytest.approx(item_unit)

    info = nutritionplaninfo_retrieve.sync(id=plan.id, client=client)
    assert [meal.name for meal in info.meals] == ["Breakfast", "Dinner"]
    assert info.meals[0].nutritional_values.to_dict() == pytest.approx(meal_one)
    assert info.meals[1].nutritional_values.to_dict() == pytest.approx(meal_two)
    first = info.meals[0].meal_items[0]
    assert first.ingredient_obj.name == with_unit["name"]
    assert first.weight_unit_obj.gram == unit["gram"]
    catalogue = get_json(f"{live_server.url}/api/v2/ingredientinfo/{with_unit['id']}/")
    assert first.ingredient_obj.to_dict() == m.IngredientInfo.from_dict(catalogue).to_dict()

    diary = nutritiondiary_list.sync(client=client, datetime_date=dt.date(2026, 5, 4))
    assert [row.id for row in diary.results] == [entry.id]


# ------------------------------------------------------------------------------ MCP server


def mcp_server(url: str, key: str):
    from wger_mcp.config import load_settings
    from wger_mcp.server import build_server

    settings = load_settings(
        env_file=None,
        wger_base_url=url,
        wger_api_key=key,
        mcp_transport="stdio",
        mcp_auth="none",
        mcp_tools=["nutrition"],
    )
    return build_server(settings)


async def call(server, tool: str, **arguments: Any) -> Any:
    """A tool's answer as the model would read it (its JSON), failing on a reported error."""
    result = await server.mcp.call_tool(tool, arguments)
    if isinstance(result, tuple):  # (content, structured): the structured answer
        structured = result[1]
        answer = structured["result"] if set(structured) == {"result"} else structured
    else:  # content blocks only: one JSON text per item
        texts = [json.loads(block.text) for block in result]
        answer = texts[0] if len(texts) == 1 and isinstance(texts[0], dict) else texts
    if isinstance(answer, dict):
        assert not answer.get("error"), (tool, answer)
    return answer


def test_mcp_nutrition_tools_against_the_server(live_server, foods):
    key = new_api_key(live_server, "mcp")
    unit, with_unit, plain = foods["unit"], foods["with_unit"], foods["plain"]

    async def scenario() -> None:
        server = mcp_server(live_server.url, key)
        try:
            plan = await call(
                server, "create_nutrition_plan", description="MCP", goal_protein=140.0
            )
            assert plan["goal_protein"] == 140
            meal = await call(server, "create_meal", plan_id=plan["id"], name="Lunch", time="12:30")
            recipe = await call(server, "create_recipe", plan_id=plan["id"], name="Shake")
            await call(
                server,
                "add_ingredient_to_recipe",
                recipe_id=recipe["id"],
                ingredient_id=str(plain["id"]),
                amount_g=250.0,
            )
            fetched = await call(server, "get_recipe", recipe_id=recipe["id"])
            assert fetched["plan"] == plan["id"]
            units = await call(server, "list_ingredient_units", ingredient_id=str(with_unit["id"]))
            assert unit["id"] in [row["id"] for row in units]
            when = "2026-06-01T08:00:00+00:00"
            logged = await call(
                server,
                "log_ingredient",
                plan_id=plan["id"],
                ingredient_id=str(with_unit["id"]),
                amount_g=3.0,
                weight_unit_id=str(unit["id"]),
                meal_id=meal["id"],
                when=when,
            )
            await call(
                server,
                "log_ingredient",
                plan_id=plan["id"],
                ingredient_id=str(plain["id"]),
                amount_g=80.0,
                when=when,
            )
            listed = await call(server, "list_log_items", when="2026-06-01")
            assert len(listed) == 2
            summary = await call(server, "nutrition_summary", when="2026-06-01")
            expected = by_hand([(with_unit, Decimal(3) * unit["gram"]), (plain, Decimal(80))])
            assert summary["totals"]["kcal"] == round(expected["energy"], 1)
            assert summary["totals"]["protein_g"] == round(expected["protein"], 1)
            updated = await call(server, "update_log_item", log_item_id=logged["id"], amount_g=4.0)
            assert updated["amount"] == "4.00"
            patched = await call(
                server, "update_nutrition_plan", plan_id=plan["id"], description="MCP 2"
            )
            assert patched["description"] == "MCP 2"
            plans = await call(server, "list_nutrition_plans")
            assert [row["id"] for row in plans] == [plan["id"]]
            assert (await call(server, "get_nutrition_plan", plan_id=plan["id"]))["id"] == plan[
                "id"
            ]
            deleted = await call(server, "delete_log_item", log_item_id=logged["id"])
            assert deleted["deleted"] is True
            assert len(await call(server, "list_log_items", when="2026-06-01")) == 1
            calories = await call(
                server,
                "calculate_daily_calories",
                weight_kg=80.0,
                height_cm=180.0,
                age=30,
                sex="male",
                apply_to_profile=True,
            )
            # Mifflin-St Jeor: 10 × 80 + 6.25 × 180 − 5 × 30 + 5 = 1780; × 1.55 = 2759
            assert calories["target_kcal"] == 2759
            assert calories["profile_update"] == {"applied": True, "calories": 2759}
            profile = await call(server, "update_user_profile", calories=2500)
            assert profile["calories"] == 2500
            assert (await call(server, "delete_nutrition_plan", plan_id=plan["id"]))["deleted"]
            assert await call(server, "list_nutrition_plans") == []
        finally:
            await server.aclose()

    asyncio.run(scenario())


def test_ownership_over_http(live_server, foods):
    """Another user's plan, meal, item or diary entry is a 404 on every method and on its
    values; a foreign plan or meal in a body is a 403 that writes nothing."""
    owner, attacker = new_api_key(live_server, "owner"), new_api_key(live_server, "attacker")

    def send(method: str, path: str, key: str, body: Any = None) -> tuple[int, Any]:
        request = urllib.request.Request(
            live_server.url + path,
            data=None if body is None else json.dumps(body).encode(),
            method=method,
            headers={"Authorization": f"Token {key}", "Content-Type": "application/json"},
        )
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                raw = response.read()
                return response.status, json.loads(raw) if raw else None
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read() or b"null")

    def created(path: str, body: dict) -> dict:
        status, row = send("POST", path, owner, body)
        assert status == 201, row
        return row

    ingredient = foods["plain"]["id"]
    plan = created("/api/v2/nutritionplan/", {"description": "Owner's"})
    meal = created("/api/v2/meal/", {"plan": plan["id"], "name": "Lunch"})
    item = created(
        "/api/v2/mealitem/", {"meal": meal["id"], "ingredient": ingredient, "amount": "5"}
    )
    entry = created(
        "/api/v2/nutritiondiary/", {"plan": plan["id"], "ingredient": ingredient, "amount": "5"}
    )
    owned = {
        "nutritionplan": plan,
        "nutritionplaninfo": plan,
        "meal": meal,
        "mealitem": item,
        "nutritiondiary": entry,
    }
    before = {
        name: send("GET", f"/api/v2/{name}/{row['id']}/", owner)[1] for name, row in owned.items()
    }
    for name, row in owned.items():
        url = f"/api/v2/{name}/{row['id']}/"
        methods = ["GET"] if name == "nutritionplaninfo" else ["GET", "PATCH", "PUT", "DELETE"]
        for method in methods:
            assert send(method, url, attacker, {"amount": "999"})[0] == 404, (method, url)
        assert send("GET", url + "nutritional_values/", attacker)[0] == 404, url
        assert send("GET", f"/api/v2/{name}/", attacker)[1]["count"] == 0
    foreign_parents = [
        ("/api/v2/meal/", {"plan": plan["id"], "name": "x"}),
        ("/api/v2/mealitem/", {"meal": meal["id"], "ingredient": ingredient, "amount": "1"}),
        ("/api/v2/nutritiondiary/", {"plan": plan["id"], "ingredient": ingredient, "amount": "1"}),
    ]
    for path, body in foreign_parents:
        assert send("POST", path, attacker, body)[0] == 403, path
    after = {
        name: send("GET", f"/api/v2/{name}/{row['id']}/", owner)[1] for name, row in owned.items()
    }
    assert after == before
    assert send("GET", f"/api/v2/meal/?plan={plan['id']}", owner)[1]["count"] == 1
    assert send("GET", "/api/v2/mealitem/", owner)[1]["count"] == 1
    assert send("GET", "/api/v2/nutritiondiary/", owner)[1]["count"] == 1
