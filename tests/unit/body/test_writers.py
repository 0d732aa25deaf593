"""The body domain's rules, broken through every writer (``tests/writers.py``: the REST routes,
a direct service call through ``rest.writes``; the PowerSync upload as the app 2.x sends a change; the importer joins the list): each refuses the same way, with the same status and the same field named."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from wger_flask.extensions import db
from wger_flask.models.body import Measurement, MeasurementCategory, WeightEntry


def official(app, user, metric_type):
    with app.app_context():
        return str(
            db.session.execute(
                select(MeasurementCategory.id).where(
                    MeasurementCategory.user_id == user.id,
                    MeasurementCategory.metric_type == metric_type,
                )
            ).scalar_one()
        )


@pytest.fixture
def waist(writer, user):
    return writer.create(MeasurementCategory, {"name": "Waist", "unit": "cm"}, user).id


def test_a_weight_entry_per_moment(writer, user):
    first = writer.create(WeightEntry, {"weight": "80.5", "date": "2026-11-01T08:00:00Z"}, user)
    assert first.status == 201 and first.body["weight"] == "80.50"
    again = writer.create(WeightEntry, {"weight": "81", "date": "2026-11-01T08:00:00Z"}, user)
    assert again.status == 400
    assert again.body == {"date": ["You already have a weight entry at this date and time."]}


def test_a_client_chosen_id_is_kept_once(writer, user):
    chosen = "01890a5d-ac96-774b-bcce-b302099a8057"
    made = writer.create(WeightEntry, {"id": chosen, "weight": "80"}, user)
    assert made.status == 201 and made.id == chosen
    taken = writer.create(WeightEntry, {"id": chosen, "weight": "81"}, user)
    if writer.name == "powersync":
        # the app re-sends a create whose answer it lost: the user's own row, left as it was
        assert taken.status == 201 and taken.body["weight"] == "80.00"
        return
    assert taken.status == 400 and taken.body == {"id": ["An object with this id already exists."]}


def test_one_typed_category_per_user(writer, user):
    first = writer.create(MeasurementCategory, {"name": "Fat", "metric_type": "body_fat"}, user)
    assert first.status == 201
    second = writer.create(MeasurementCategory, {"name": "Mine", "metric_type": "body_fat"}, user)
    assert second.status == 400 and list(second.body) == ["metric_type"]
    weight = writer.create(MeasurementCategory, {"name": "W", "metric_type": "body_weight"}, user)
    assert weight.status == 400 and list(weight.body) == ["metric_type"]


def test_official_categories_are_not_deleted(app, writer, user):
    refused = writer.delete(MeasurementCategory, official(app, user, "body_weight"), user)
    assert refused.status == 403
    assert refused.body == {"detail": "Official categories cannot be deleted."}


def test_a_group_the_user_made_is_theirs_to_delete(app, writer, user):
    made = writer.create(
        MeasurementCategory, {"name": "Blood pressure", "metric_type": "blood_pressure"}, user
    )
    assert made.status == 201 and made.body["is_official"] is False
    assert writer.delete(MeasurementCategory, made.id, user).status == 204
    with app.app_context():
        left = db.session.execute(
            select(MeasurementCategory.metric_type).where(MeasurementCategory.user_id == user.id)
        ).scalars()
        assert list(left) == ["body_weight"]  # its components went with it


def test_a_reading_fits_its_category(app, writer, user, waist):
    made = writer.create(
        MeasurementCategory, {"name": "Blood pressure", "metric_type": "blood_pressure"}, user
    )
    group = made.id
    in_group = writer.create(Measurement, {"category": group, "value": 120}, user)
    assert in_group.status == 400 and list(in_group.body) == ["category"]
    weight = official(app, user, "body_weight")
    too_light = writer.create(Measurement, {"category": weight, "value": 5}, user)
    assert too_light.status == 400 and list(too_light.body) == ["value"]
    fine = writer.create(Measurement, {"category": waist, "value": 80}, user)
    assert fine.status == 201 and fine.body["source"] == "user"


def test_another_users_category_is_refused(app, writer, user, other_user):
    theirs = official(app, other_user, "body_weight")
    refused = writer.create(Measurement, {"category": theirs, "value": 80}, user)
    assert refused.status == 403


def test_an_imported_reading_is_updated_not_repeated(app, writer, user, waist):
    imported = {
        "category": waist,
        "value": 80,
        "external_id": "6f1c6d7e-8c49-4f63-9d3b-0e2a0c1d2e3f",
    }
    first = writer.create(Measurement, imported, user)
    again = writer.create(Measurement, {**imported, "value": 82}, user)
    assert first.status == again.status == 201
    assert again.id == first.id and again.body["value"] == 82.0
    with app.app_context():
        count = db.session.execute(select(func.count()).select_from(Measurement)).scalar_one()
    assert count == 1


def test_an_update_keeps_the_rules(writer, user):
    entry = writer.create(WeightEntry, {"weight": "80", "date": "2026-11-01T08:00:00Z"}, user)
    other = writer.create(WeightEntry, {"weight": "80", "date": "2026-11-02T08:00:00Z"}, user)
    clash = writer.update(WeightEntry, other.id, {"date": "2026-11-01T08:00:00Z"}, user)
    assert entry.status == 201 and clash.status == 400 and list(clash.body) == ["date"]


def test_calculated_readings_are_the_servers_through_every_writer(app, writer, user):
    """Computed by whichever writer wrote the inputs; refused when a writer writes or deletes
    one itself."""
    height = writer.create(MeasurementCategory, {"name": "H", "metric_type": "height"}, user)
    bmi = writer.create(MeasurementCategory, {"name": "BMI", "dynamic_type": "BMI"}, user)
    assert height.status == bmi.status == 201
    weight = official(app, user, "body_weight")
    when = "2026-01-02T08:00:00Z"
    assert (
        writer.create(Measurement, {"category": height.id, "value": 200, "date": when}, user).status
        == 201
    )
    assert (
        writer.create(Measurement, {"category": weight, "value": 100, "date": when}, user).status
        == 201
    )
    with app.app_context():
        rows = db.session.execute(
            select(Measurement.id, Measurement.value, Measurement.source).where(
                Measurement.category_id == bmi.id
            )
        ).all()
    assert [(str(value), source) for _, value, source in rows] == [("25.00", "calculated")]
    written = writer.create(Measurement, {"category": bmi.id, "value": 20}, user)
    assert written.status == 400 and list(written.body) == ["category"]
    if writer.name != "import":  # the importer only creates rows
        deleted = writer.delete(Measurement, str(rows[0][0]), user)
        assert deleted.status == 403
        assert deleted.body == {
            "detail": "The entries of a calculated category are made by the server."
        }
