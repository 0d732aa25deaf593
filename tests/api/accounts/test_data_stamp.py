"""The data stamp: every table holding a user's data renews its user's ``auth_user.data_stamp``
in the database, on insert, update and delete, whoever writes (migration ``7d2e9b4c1a05``).

The table list is taken from the models (every model with ``__owner__``) plus the tables the
cached answers read that have no owner path (``EXTRA``): a new owner table without its triggers
fails here, before the owner answer cache could serve a stale answer from it.
"""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select, text

from tests.api.ingredient_factory import make_ingredient  # noqa: F401 (a fixture)
from tests.api.routine_api import EXERCISE, create, plan
from wger_flask.database import Model
from wger_flask.extensions import db
from wger_flask.models.accounts import User
from wger_flask.services.catalogue import permissions

EXTRA = {"trophies_sessionfact", "accounts_userpermission"}
EVENTS = ("insert", "update", "delete")
CONFIGS = (
    "max-repetitions-config",
    "max-rest-config",
    "max-rir-config",
    "max-sets-config",
    "max-weight-config",
    "rest-config",
    "rir-config",
)


def owner_tables() -> set[str]:
    tables = {
        mapper.class_.__table__.name
        for mapper in Model.registry.mappers
        if hasattr(mapper.class_, "__owner__")
    }
    return tables | EXTRA


def triggers(app) -> set[str]:
    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            query = "SELECT tgname FROM pg_trigger WHERE NOT tgisinternal"
        else:
            query = "SELECT name FROM sqlite_master WHERE type = 'trigger'"
        return set(db.session.execute(text(query)).scalars())


def stamp(app, user: Any) -> int:
    with app.app_context():
        return int(db.session.execute(select(User.data_stamp).where(User.id == user.id)).scalar())


def test_every_owner_table_renews_the_stamp(app):
    present = triggers(app)
    missing = [
        f"{table}_stamp_{event}"
        for table in sorted(owner_tables())
        for event in EVENTS
        if f"{table}_stamp_{event}" not in present
    ]
    assert not missing, f"tables of a user's data without their stamp trigger: {missing}"
    assert "auth_user_stamp_update" in present  # the user row itself


@pytest.fixture
def everything(app, client, user, alice, make_ingredient) -> dict[str, Any]:  # noqa: F811
    """A row of alice's in as many owner tables as the API writes."""
    made = plan(client, alice)
    for resource in CONFIGS:
        create(client, alice, resource, slot_entry=made["entry"], iteration=1, value=1)
    log = {"exercise": EXERCISE, "routine": made["routine"], "slot_entry": made["entry"]}
    create(client, alice, "workoutlog", **log, iteration=1, weight="50", repetitions="8")
    ingredient = make_ingredient()
    nutrition = create(client, alice, "nutritionplan", description="Cut")
    meal = create(client, alice, "meal", plan=nutrition["id"])
    create(client, alice, "mealitem", meal=meal["id"], ingredient=ingredient, amount="100")
    create(client, alice, "nutritiondiary", plan=nutrition["id"], ingredient=ingredient,
           amount="50")  # fmt: skip
    create(client, alice, "weightentry", date="2024-01-02T08:00:00Z", weight="80")
    with app.app_context():
        permissions.grant(db.session.get(User, user.id), "exercises.add_exercise")
        db.session.commit()
    return made


def test_a_write_to_any_row_renews_its_users_stamp(app, user, everything):
    """An UPDATE that changes nothing still renews (a trigger cannot tell), through however
    many parents the table's rows reach their user by."""
    with app.app_context():
        metadata = Model.metadata
    touched = []
    for table in sorted(owner_tables()):
        with app.app_context():
            rows = db.session.execute(text(f"SELECT count(*) FROM {table}")).scalar()
        if not rows:
            continue
        column = next(iter(metadata.tables[table].primary_key.columns)).name
        before = stamp(app, user)
        with app.app_context():
            db.session.execute(text(f"UPDATE {table} SET {column} = {column}"))
            db.session.commit()
        assert stamp(app, user) != before, table
        touched.append(table)
    # every table the routine, nutrition and body routes write
    assert {
        "manager_maxrirconfig",
        "manager_slotentry",
        "nutrition_mealitem",
        "nutrition_logitem",
        "measurements_measurement",
        "manager_workoutlog",
        "accounts_userpermission",
        "core_userprofile",
    } <= set(touched)


def test_a_cascade_and_a_plain_delete_renew_the_stamp(
    app, client, user, alice, everything, other_user
):
    """Another user's stamp stays: only the rows' own user is renewed."""
    before, theirs = stamp(app, user), stamp(app, other_user)
    with app.app_context():
        db.session.execute(text("DELETE FROM manager_maxweightconfig"))
        db.session.commit()
    after_config = stamp(app, user)
    assert after_config != before
    response = client.delete(f"/api/v2/routine/{everything['routine']}/", headers=alice)
    assert response.status_code == 204
    assert stamp(app, user) != after_config
    assert stamp(app, other_user) == theirs


def test_a_new_user_starts_at_a_stamp_of_its_own(make_user, app):
    """Random, not 0: a user id handed out again (SQLite reuses the highest) or a database
    restored from a backup does not meet the answers kept for an earlier state."""
    first, second = make_user("first"), make_user("second")
    assert stamp(app, first) != stamp(app, second)


def test_a_change_of_the_user_row_renews_it(app, user):
    before = stamp(app, user)
    with app.app_context():
        db.session.get(User, user.id).email = "new@example.com"
        db.session.commit()
    assert stamp(app, user) != before


def test_a_row_moved_to_another_users_parent_renews_both(app, user, other_user):
    """An update resolves the row's user before and after: a reading moved from one user's
    category to another's renews both stamps."""
    from wger_flask.models.body import Measurement, MeasurementCategory

    with app.app_context():
        mine = MeasurementCategory(user_id=user.id, name="Waist", unit="cm")
        theirs = MeasurementCategory(user_id=other_user.id, name="Waist", unit="cm")
        db.session.add_all([mine, theirs])
        db.session.flush()
        reading = Measurement(category_id=mine.id, value=80)
        db.session.add(reading)
        db.session.commit()
        reading_id, their_category = reading.id, theirs.id
    before = (stamp(app, user), stamp(app, other_user))
    with app.app_context():
        db.session.get(Measurement, reading_id).category_id = their_category
        db.session.commit()
    assert stamp(app, user) != before[0]
    assert stamp(app, other_user) != before[1]
