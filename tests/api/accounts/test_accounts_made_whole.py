"""The migration that makes existing accounts whole (``c14d21489122``): an account made before
reads stopped writing gets its profile and its official measurement categories, once."""

from __future__ import annotations

from sqlalchemy import delete, func, select

from tests.migrations import database_at
from wger_flask.extensions import db
from wger_flask.models.accounts import UserProfile
from wger_flask.models.body import MeasurementCategory

BEFORE = "2b43a5a6f0fe"  # the head before accounts were made whole at registration


def test_old_accounts_get_their_profile_and_official_categories(request, tmp_path):
    with database_at(BEFORE, request, tmp_path) as old_database:
        from wger_flask.services.accounts import users

        old = users.create_user("old-timer", "correct horse battery")
        typed = users.create_user("typed", "correct horse battery")
        # as such accounts were: no profile, no official categories (made on first read)
        db.session.execute(delete(MeasurementCategory))
        db.session.execute(delete(UserProfile).where(UserProfile.user_id == old.id))
        db.session.add(
            MeasurementCategory(
                user_id=typed.id, name="Mine", unit="kg", metric_type="body_weight",
                is_official=False, order=0, dynamic_type="NONE",
            )
        )  # fmt: skip
        old_id, typed_id = old.id, typed.id
        db.session.commit()
        old_database.upgrade()
        old_database.upgrade()  # nothing left to do
        profiles = db.session.execute(
            select(func.count()).where(UserProfile.user_id == old_id)
        ).scalar_one()
        mine = dict(
            db.session.execute(
                select(MeasurementCategory.metric_type, MeasurementCategory.is_official).where(
                    MeasurementCategory.user_id == old_id
                )
            ).all()
        )
        theirs = dict(
            db.session.execute(
                select(MeasurementCategory.metric_type, MeasurementCategory.is_official).where(
                    MeasurementCategory.user_id == typed_id
                )
            ).all()
        )
    assert profiles == 1
    # made official then; only body weight stays official at the head (8e41c2a7b9d3)
    assert mine == {
        "body_weight": True,
        "body_fat": False,
        "blood_pressure": False,
        "blood_pressure_systolic": False,
        "blood_pressure_diastolic": False,
        "height": False,
    }
    assert theirs["body_weight"] is False  # the user's own typed category keeps its place
    assert len(theirs) == 6
