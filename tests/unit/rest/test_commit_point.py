"""The one commit point: a row another request deleted between this request's read and its
write is a 404, not a 500 (found by the schema fuzz: PATCH workoutlog racing DELETE day)."""

from sqlalchemy import delete

from wger_flask.database import db
from wger_flask.models.body import MeasurementCategory


def test_an_update_of_a_row_deleted_meanwhile_is_a_404(app, user):
    from werkzeug.exceptions import HTTPException

    from wger_flask.rest.transaction import commit

    with app.app_context():
        category = MeasurementCategory(user_id=user.id, name="Waist", unit="cm")
        db.session.add(category)
        commit()
        category.name = "Hips"  # read and changed here ...
        # ... and deleted meanwhile, as another request's DELETE would (SQL, behind the ORM's back)
        with db.session.no_autoflush:
            db.session.execute(
                delete(MeasurementCategory)
                .where(MeasurementCategory.id == category.id)
                .execution_options(synchronize_session=False)
            )
        try:
            commit()
        except HTTPException as refused:
            assert refused.code == 404
        else:
            raise AssertionError("the stale update was committed")
        # rolled back (here with the simulated DELETE, which shared the transaction): the
        # session serves the next statement, and the stale change was never written
        assert db.session.get(MeasurementCategory, category.id).name == "Waist"
