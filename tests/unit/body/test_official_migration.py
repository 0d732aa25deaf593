"""Migration ``8e41c2a7b9d3``: only body weight stays official; the categories registration
used to make official (body fat, the blood-pressure group, height) are handed to their users
with their readings."""

from __future__ import annotations

import uuid

from sqlalchemy import select

from tests.migrations import database_at
from wger_flask.extensions import db
from wger_flask.models.body import Measurement, MeasurementCategory

BEFORE = "5a7c0e23d1f4"  # the head while six categories were official


def test_the_migration_hands_the_other_categories_to_their_users(request, tmp_path):
    with database_at(BEFORE, request, tmp_path) as old_database:
        from wger_flask.services.accounts import users

        user = users.create_user("old-timer", "correct horse battery")
        user_id = user.id
        # as registration made them before: six official categories
        official = {}
        for metric in ("body_fat", "blood_pressure", "height"):
            official[metric] = MeasurementCategory(
                id=uuid.uuid4(), user_id=user_id, name=metric, unit="x",
                metric_type=metric, is_official=True, order=2, dynamic_type="NONE",
            )  # fmt: skip
            db.session.add(official[metric])
        db.session.add(Measurement(id=uuid.uuid4(), category_id=official["height"].id, value=180))
        db.session.commit()
        old_database.upgrade()
        flags = dict(
            db.session.execute(
                select(MeasurementCategory.metric_type, MeasurementCategory.is_official).where(
                    MeasurementCategory.user_id == user_id
                )
            ).all()
        )
        readings = db.session.execute(select(Measurement.value)).scalars().all()
    assert flags == {
        "body_weight": True,
        "body_fat": False,
        "blood_pressure": False,
        "height": False,
    }
    assert readings == [180]  # the user's data stays
