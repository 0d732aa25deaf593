"""Migration ``f3b9c2d4e6a8``: weight entries become body-weight measurements (same ids), a
moment held by both is kept once (the measurement), the table is dropped; downgrade copies the
body-weight readings back into a recreated table."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

import sqlalchemy as sa

from tests.migrations import database_at
from wger_flask.extensions import db
from wger_flask.models.body import Measurement, MeasurementCategory
from wger_flask.models.types import GUID, UTCDateTime

BEFORE = "e25a1c0d7b3f"  # the head while weight entries were their own table
AT = dt.datetime(2026, 11, 1, 7, 30, tzinfo=dt.UTC)


def insert_entry(user_id: int, entry_id: uuid.UUID, date: dt.datetime, weight: str) -> None:
    entries = sa.table(
        "weight_weightentry",
        sa.column("id", GUID()),
        sa.column("user_id", sa.Integer),
        sa.column("date", UTCDateTime()),
        sa.column("weight", sa.Numeric(5, 2)),
    )
    db.session.execute(
        entries.insert().values(id=entry_id, user_id=user_id, date=date, weight=Decimal(weight))
    )


def publication() -> set[str] | None:
    """The tables of the ``powersync`` publication (None on SQLite, which has none)."""
    if db.engine.dialect.name != "postgresql":
        return None
    query = "SELECT tablename FROM pg_publication_tables WHERE pubname = 'powersync'"
    return set(db.session.execute(sa.text(query)).scalars())


def body_weights(user_id: int) -> dict[uuid.UUID, tuple]:
    rows = db.session.execute(
        sa.select(Measurement.id, Measurement.date, Measurement.value, Measurement.extra_data)
        .join(MeasurementCategory, Measurement.category_id == MeasurementCategory.id)
        .where(
            MeasurementCategory.user_id == user_id,
            MeasurementCategory.metric_type == "body_weight",
        )
    ).all()
    return {row.id: (row.date, row.value, row.extra_data) for row in rows}


def test_weight_entries_move_into_the_body_weight_category_and_back(request, tmp_path):
    with database_at(BEFORE, request, tmp_path) as old_database:
        from wger_flask.services.accounts import users

        user = users.create_user("old-timer", "correct horse battery")
        pounds = users.create_user("imperial", "correct horse battery")
        bare = users.create_user("bare", "correct horse battery")
        user_id, pounds_id, bare_id = user.id, pounds.id, bare.id
        db.session.execute(
            sa.text("UPDATE core_userprofile SET weight_unit = 'lb' WHERE user_id = :u"),
            {"u": pounds_id},
        )
        # an account made by a direct database write: no body-weight category yet
        db.session.execute(
            sa.delete(MeasurementCategory).where(MeasurementCategory.user_id == bare_id)
        )
        category = db.session.execute(
            sa.select(MeasurementCategory.id).where(
                MeasurementCategory.user_id == user_id,
                MeasurementCategory.metric_type == "body_weight",
            )
        ).scalar_one()
        measured = uuid.uuid4()
        db.session.add(
            Measurement(id=measured, category_id=category, date=AT, value=Decimal("80.10"))
        )
        kept, twice, heavy, imperial, fresh = (uuid.uuid4() for _ in range(5))
        insert_entry(user_id, kept, AT + dt.timedelta(days=1), "80.50")
        insert_entry(user_id, twice, AT, "80.40")  # the measurement's moment
        insert_entry(user_id, heavy, AT + dt.timedelta(days=2), "420")  # 30..600 upstream
        insert_entry(pounds_id, imperial, AT, "176.40")
        insert_entry(bare_id, fresh, AT, "70")
        db.session.commit()

        old_database.upgrade()
        tables = set(sa.inspect(db.engine).get_table_names())
        published = publication()
        mine = body_weights(user_id)
        theirs = body_weights(pounds_id)
        bares = body_weights(bare_id)

        old_database.downgrade(BEFORE)
        copied = dict(
            db.session.execute(
                sa.text("SELECT id, weight FROM weight_weightentry WHERE user_id = :u"),
                {"u": user_id},
            ).all()
        )
        copied_pounds = db.session.execute(
            sa.text("SELECT weight FROM weight_weightentry WHERE user_id = :u"),
            {"u": pounds_id},
        ).scalar_one()
        republished = publication()
        old_database.upgrade()  # and again: the copies merge into the same rows
        again = body_weights(user_id)
    assert "weight_weightentry" not in tables
    if published is not None:  # PostgreSQL: the table left the publication, and came back
        assert "weight_weightentry" not in published and "measurements_measurement" in published
        assert "weight_weightentry" in republished
    assert mine == {
        measured: (AT, Decimal("80.10"), None),  # kept over the entry at its moment
        kept: (AT + dt.timedelta(days=1), Decimal("80.50"), None),
        heavy: (AT + dt.timedelta(days=2), Decimal("420.00"), None),
    }
    # the profile said lb, the category kg: the reading says which
    assert theirs == {imperial: (AT, Decimal("176.40"), {"unit": "lb"})}
    assert list(bares) == [fresh]  # its category was made for it
    assert {uuid.UUID(str(key)): Decimal(str(value)) for key, value in copied.items()} == {
        key: value for key, (_, value, _) in mine.items()
    }
    assert Decimal(str(copied_pounds)) == Decimal("176.4")  # in the profile's unit, as before
    assert again == mine
