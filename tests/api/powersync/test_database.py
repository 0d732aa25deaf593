"""The database as the PowerSync service reads it: every table of the shipped rules exists and
(PostgreSQL) is in the ``powersync`` publication, the link tables have ids, and the synced
ingredients are exactly those some plan or diary uses, kept by triggers."""

from __future__ import annotations

import importlib.util
import uuid

import pytest
import sqlalchemy as sa
from alembic.migration import MigrationContext
from alembic.operations import Operations

from tests.api.powersync.conftest import REPO, tables_the_rules_read
from wger_flask.extensions import db
from wger_flask.models.catalogue import Exercise, Muscle

# the latest migration that says which tables the publication holds (and publishes them)
MIGRATION = next(
    (REPO / "migrations" / "versions").glob(
        "*_f3b9c2d4e6a8_weights_are_body_weight_measurements.py"
    )
)


def migration_module():
    spec = importlib.util.spec_from_file_location("powersync_migration", MIGRATION)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def is_postgresql(app) -> bool:
    with app.app_context():
        return db.engine.dialect.name == "postgresql"


def test_the_rules_read_the_tables_of_upstreams_rules():
    tables = tables_the_rules_read()
    assert len(tables) == 30  # upstream's 31 but weight_weightentry: body-weight measurements
    assert {
        "nutrition_synced_ingredient",
        "measurements_measurement",
        "manager_workoutlog",
    } <= tables
    assert "weight_weightentry" not in tables
    assert "nutrition_ingredient" not in tables  # the catalogue itself is never synced


def test_every_table_the_rules_read_exists(app):
    with app.app_context():
        existing = set(sa.inspect(db.session.connection()).get_table_names())
    assert tables_the_rules_read() - existing == set()


def published_tables() -> set[str]:
    return set(
        db.session.execute(
            sa.text(
                "SELECT tablename FROM pg_publication_tables WHERE pubname = 'powersync' "
                "AND schemaname = current_schema()"
            )
        ).scalars()
    )


def test_the_publication_holds_exactly_the_tables_the_rules_read(app):
    if not is_postgresql(app):
        pytest.skip("the powersync publication is PostgreSQL's (SQLite has no replication)")
    with app.app_context():
        assert published_tables() == tables_the_rules_read()


def test_the_publication_step_is_idempotent(app):
    if not is_postgresql(app):
        pytest.skip("the powersync publication is PostgreSQL's (SQLite has no replication)")
    module = migration_module()
    with app.app_context():
        connection = db.session.connection()
        connection.exec_driver_sql("ALTER PUBLICATION powersync DROP TABLE core_language")
        with Operations.context(MigrationContext.configure(connection)):
            module.publish()  # adds the missing table
            module.publish()  # and changes nothing the second time
        assert published_tables() == tables_the_rules_read()
        assert set(module.PUBLISHED) == tables_the_rules_read()


def test_the_link_tables_have_ids(app):
    with app.app_context():
        inspector = sa.inspect(db.session.connection())
        for table in (
            "exercises_exercise_muscles",
            "exercises_exercise_muscles_secondary",
            "exercises_exercise_equipment",
        ):
            assert inspector.get_pk_constraint(table)["constrained_columns"] == ["id"], table
            pairs = [set(u["column_names"]) for u in inspector.get_unique_constraints(table)]
            assert {"exercise_id"} < pairs[0], table
        exercise = db.session.execute(sa.select(Exercise).limit(1)).scalar_one()
        muscle = db.session.execute(
            sa.select(Muscle).where(Muscle.id.not_in([m.id for m in exercise.muscles])).limit(1)
        ).scalar_one()
        exercise.muscles.append(muscle)
        db.session.flush()
        row = db.session.execute(
            sa.text(
                "SELECT id FROM exercises_exercise_muscles WHERE exercise_id = :e AND muscle_id = :m"
            ),
            {"e": exercise.id, "m": muscle.id},
        ).scalar_one()
        assert isinstance(row, int) and row > 0


# ------------------------------------------------------------------------------ synced ingredients


def synced_ids() -> set[int]:
    return set(db.session.execute(sa.text("SELECT id FROM nutrition_synced_ingredient")).scalars())


def test_the_shadow_table_has_every_column_of_the_catalogue(app):
    with app.app_context():
        inspector = sa.inspect(db.session.connection())
        catalogue = [c["name"] for c in inspector.get_columns("nutrition_ingredient")]
        shadow = [c["name"] for c in inspector.get_columns("nutrition_synced_ingredient")]
    assert shadow == catalogue


def test_only_used_ingredients_are_synced_and_they_follow_changes(
    app, client, alice, make_ingredient
):
    eaten, planned, unused = (make_ingredient(name) for name in ("Eaten", "Planned", "Unused"))
    with app.app_context():
        assert synced_ids() & {eaten, planned, unused} == set()
    plan = client.post("/api/v2/nutritionplan/", json={}, headers=alice).get_json()
    meal = client.post("/api/v2/meal/", json={"plan": plan["id"]}, headers=alice).get_json()
    item = client.post(
        "/api/v2/mealitem/",
        json={"meal": meal["id"], "ingredient": planned, "amount": "100"},
        headers=alice,
    )
    diary = client.post(
        "/api/v2/nutritiondiary/",
        json={"plan": plan["id"], "ingredient": eaten, "amount": "50"},
        headers=alice,
    )
    assert (item.status_code, diary.status_code) == (201, 201)
    with app.app_context():
        assert synced_ids() & {eaten, planned, unused} == {eaten, planned}
        # a change of the ingredient reaches its synced copy; a deletion removes it
        db.session.execute(
            sa.text("UPDATE nutrition_ingredient SET name = 'Renamed', energy = 321 WHERE id = :i"),
            {"i": eaten},
        )
        copy = db.session.execute(
            sa.text("SELECT name, energy FROM nutrition_synced_ingredient WHERE id = :i"),
            {"i": eaten},
        ).one()
        assert tuple(copy) == ("Renamed", 321)
        db.session.execute(
            sa.text("DELETE FROM nutrition_ingredient WHERE id = :i"), {"i": planned}
        )
        assert synced_ids() & {eaten, planned, unused} == {eaten}
        db.session.rollback()


def test_changing_an_items_ingredient_syncs_the_new_one(app, client, alice, make_ingredient):
    first, second = make_ingredient("First"), make_ingredient("Second")
    plan = client.post("/api/v2/nutritionplan/", json={}, headers=alice).get_json()
    entry = client.post(
        "/api/v2/nutritiondiary/",
        json={"plan": plan["id"], "ingredient": first, "amount": "50"},
        headers=alice,
    ).get_json()
    response = client.patch(
        f"/api/v2/nutritiondiary/{entry['id']}/", json={"ingredient": second}, headers=alice
    )
    assert response.status_code == 200
    with app.app_context():
        assert synced_ids() >= {first, second}
    assert uuid.UUID(entry["id"])
