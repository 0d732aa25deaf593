"""Migration ``7d2e9b4c1a05``: every user gets a data stamp of their own, a committed write to
their data renews it, the downgrade removes the column, its triggers and functions without
touching anyone's data, and the upgrade runs again on the downgraded database."""

from __future__ import annotations

import re
import uuid

import sqlalchemy as sa

from tests.migrations import database_at
from wger_flask.extensions import db
from wger_flask.models.body import Measurement, MeasurementCategory

BEFORE = "3b9d6f0a2c71"  # the head before the data stamp
STAMP = "7d2e9b4c1a05"
TRIGGERS = "_stamp_(insert|update|delete)$"
# each table's (PostgreSQL) and the user row's (the catalogue has stamps of its own)
FUNCTIONS = (
    "^(auth_user|core_userprofile|(manager|nutrition|measurements|gallery|trophies|accounts)_.*)"
    "_stamp$"
)


def stamps() -> dict[str, int]:
    query = "SELECT username, data_stamp FROM auth_user"
    return {name: int(value) for name, value in db.session.execute(sa.text(query)).all()}


def stamp_objects() -> set[str]:
    """The triggers and functions of the stamp the database holds."""
    if db.engine.dialect.name == "postgresql":
        triggers = "SELECT tgname FROM pg_trigger"
        functions = set(db.session.execute(sa.text("SELECT proname FROM pg_proc")).scalars())
    else:
        triggers = "SELECT name FROM sqlite_master WHERE type = 'trigger'"
        functions = set()
    names = set(db.session.execute(sa.text(triggers)).scalars())
    return {name for name in names if re.search(TRIGGERS, name)} | {
        name for name in functions if re.search(FUNCTIONS, name)
    }


def columns() -> set[str]:
    return {column["name"] for column in sa.inspect(db.engine).get_columns("auth_user")}


def weigh(category: uuid.UUID, value: int) -> None:
    db.session.add(Measurement(category_id=category, value=value))
    db.session.commit()


def test_the_stamp_comes_renews_and_goes_without_touching_data(request, tmp_path):
    with database_at(BEFORE, request, tmp_path) as old_database:
        from wger_flask.services.accounts import users

        alice = users.create_user("alice", "correct horse battery")
        users.create_user("bob", "correct horse battery")
        db.session.flush()
        waist = MeasurementCategory(user_id=alice.id, name="Waist", unit="cm")
        db.session.add(waist)
        db.session.commit()
        category = waist.id  # the session is closed around each migration step
        weigh(category, 80)

        old_database.upgrade(STAMP)
        assert "measurements_measurement_stamp_update" in stamp_objects()
        first = stamps()
        assert first["alice"] != first["bob"]  # each their own, random
        weigh(category, 81)
        after_write = stamps()
        assert after_write["alice"] != first["alice"]
        assert after_write["bob"] == first["bob"]  # only the writer's own user

        old_database.downgrade(BEFORE)
        assert "data_stamp" not in columns() and "data_stamp_xact" not in columns()
        assert not stamp_objects()
        count = "SELECT count(*) FROM measurements_measurement"
        assert db.session.execute(sa.text(count)).scalar() == 2  # no cascade ran
        weigh(category, 82)  # a write without the triggers

        old_database.upgrade(STAMP)
        again = stamps()
        weigh(category, 83)
        assert stamps()["alice"] != again["alice"]
        assert db.session.execute(sa.text(count)).scalar() == 4
