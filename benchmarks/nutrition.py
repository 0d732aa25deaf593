"""In-process benchmark of the nutrition routes: a plan of 6 meals × 8 items (the ingredients
nested as the catalogue renders them) and a diary of a year of entries, 3 a day.

Prints, per route, milliseconds per request (wall clock and CPU of this process, p50 and p99),
the SQL statements each request sends (transaction control left out) and the answer's size.

.venv/bin/python -m benchmarks.nutrition                      # a fresh SQLite file
.venv/bin/python -m benchmarks.nutrition --database-url postgresql+psycopg://root@127.0.0.1/empty_db
"""

from __future__ import annotations

import argparse
import datetime as dt
import decimal
import gc
import time

from sqlalchemy import select

from benchmarks.routines import build_app, counting_statements, time_route

MEALS, ITEMS, DAYS, ENTRIES_A_DAY = 6, 8, 365, 3
FIRST_DAY = dt.date(2025, 1, 1)


def prepare(app) -> tuple[dict[str, str], str]:
    """A user, their Bearer header and the plan (with its year of diary entries)."""
    from wger_flask.extensions import db
    from wger_flask.models.ingredients import IngredientWeightUnit
    from wger_flask.models.nutrition import LogItem, Meal, MealItem, NutritionPlan
    from wger_flask.services.accounts import tokens, users

    with app.app_context():
        user = users.create_user(f"bench{time.time_ns()}", "benchmark password")
        units = db.session.execute(
            select(IngredientWeightUnit.ingredient_id, IngredientWeightUnit.id).limit(ITEMS * MEALS)
        ).all()
        plan = NutritionPlan(user_id=user.id, description="Benchmark", start=FIRST_DAY)
        db.session.add(plan)
        db.session.flush()
        for number in range(MEALS):
            meal = Meal(plan_id=plan.id, name=f"Meal {number}", time=dt.time(6 + 2 * number))
            db.session.add(meal)
            db.session.flush()
            for position in range(ITEMS):
                ingredient, unit = units[(number * ITEMS + position) % len(units)]
                in_units = position % 2 == 0
                db.session.add(
                    MealItem(
                        meal_id=meal.id,
                        ingredient_id=ingredient,
                        weight_unit_id=unit if in_units else None,
                        amount=decimal.Decimal("1.5" if in_units else "125"),
                        order=position + 1,
                    )
                )
        entries = [
            LogItem(
                plan_id=plan.id,
                ingredient_id=units[(day + hour) % len(units)][0],
                amount=decimal.Decimal(100 + hour),
                datetime=dt.datetime.combine(
                    FIRST_DAY + dt.timedelta(days=day), dt.time(7 + 5 * hour), tzinfo=dt.UTC
                ),
            )
            for day in range(DAYS)
            for hour in range(ENTRIES_A_DAY)
        ]
        db.session.add_all(entries)
        db.session.commit()
        headers = {"Authorization": f"Bearer {tokens.mint_access(user)}"}
        return headers, str(plan.id)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=200, help="timed requests per route")
    parser.add_argument("--database-url", help="an empty database (default: a new SQLite file)")
    args = parser.parse_args()
    app = build_app(args.database_url)
    headers, plan_id = prepare(app)
    client = app.test_client()
    gc.collect()
    gc.freeze()  # as gunicorn.conf.py does once a worker has loaded the app
    middle = (FIRST_DAY + dt.timedelta(days=DAYS // 2)).isoformat()
    routes = {
        "plan info (6 × 8)": f"/api/v2/nutritionplaninfo/{plan_id}/",
        "plan nutritional_values": f"/api/v2/nutritionplan/{plan_id}/nutritional_values/",
        "plan info list (1 plan)": "/api/v2/nutritionplaninfo/",
        "diary of a day (of 1,095)": f"/api/v2/nutritiondiary/?datetime__date={middle}",
        "diary, first page (of 1,095)": "/api/v2/nutritiondiary/",
        "reference: userprofile": "/api/v2/userprofile/",
    }
    with app.app_context():
        engine = app.extensions["sqlalchemy"].engine.dialect.name
    print(f"\n## Nutrition routes on {engine} ({args.requests} requests each)\n")
    print("| route | p50 ms | p99 ms | CPU p50 ms | CPU p99 ms | SQL | bytes |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for label, url in routes.items():
        with counting_statements(app) as statements:
            assert client.get(url, headers=headers).status_code == 200
        figures = time_route(client, url, headers, args.requests)
        print(
            f"| {label} | {figures['wall_p50']:.1f} | {figures['wall_p99']:.1f} | "
            f"{figures['cpu_p50']:.1f} | {figures['cpu_p99']:.1f} | {len(statements)} | "
            f"{figures['bytes']:,} |",
            flush=True,
        )
    figures = time_route(client, "/api/v2/version/", {}, args.requests)
    print(f"\nreference: /api/v2/version/ p50 {figures['wall_p50']:.2f} ms in the same process")


if __name__ == "__main__":
    main()
