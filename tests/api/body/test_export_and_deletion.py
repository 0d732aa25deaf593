"""The body domain's public functions for accounts: export and file removal; and the rows
going with a deleted user."""

import io

import orjson
from sqlalchemy import func, select

from tests.api.body.conftest import image_bytes
from wger_flask.extensions import db
from wger_flask.models.accounts import User
from wger_flask.models.body import GalleryImage, Measurement, MeasurementCategory, WeightEntry
from wger_flask.services.body import delete_user_files, export_user


def fill(client, headers):
    client.post(
        "/api/v2/weightentry/",
        json={"weight": "80", "date": "2026-11-01T08:00:00Z"},
        headers=headers,
    )
    waist = client.post(
        "/api/v2/measurement-category/", json={"name": "Waist", "unit": "cm"}, headers=headers
    ).get_json()["id"]
    client.post("/api/v2/measurement/", json={"category": waist, "value": 80}, headers=headers)
    client.post(
        "/api/v2/gallery/",
        data={"date": "2026-11-01", "image": (io.BytesIO(image_bytes()), "a.jpg")},
        headers=headers,
        content_type="multipart/form-data",
    )


def test_export_user_is_json_ready_and_only_theirs(app, client, alice, mallory, user):
    fill(client, alice)
    fill(client, mallory)
    with app.app_context():
        exported = export_user(user.id)
    assert set(exported) == {"weight_entries", "measurement_categories", "measurements", "gallery"}
    assert [row["weight"] for row in exported["weight_entries"]] == ["80.00"]
    # one row of truth: the weight is also the body-weight measurement, with the same id
    assert sorted(row["value"] for row in exported["measurements"]) == ["80.00", "80.00"]
    weight_id = exported["weight_entries"][0]["id"]
    assert weight_id in {row["id"] for row in exported["measurements"]}
    assert len(exported["gallery"]) == 1
    assert {row["metric_type"] for row in exported["measurement_categories"]} >= {"body_weight"}
    orjson.dumps(exported)  # JSON-ready


def test_delete_user_files_and_cascade(app, client, alice, mallory, user, other_user, media_root):
    fill(client, alice)
    fill(client, mallory)
    with app.app_context():
        delete_user_files(user.id)
        remaining = [path for path in media_root.rglob("*") if path.is_file()]
        assert [path.parent.name for path in remaining] == [str(other_user.id)]
        db.session.delete(db.session.get(User, user.id))
        db.session.commit()
        for model, column in (
            (WeightEntry, WeightEntry.user_id),
            (MeasurementCategory, MeasurementCategory.user_id),
            (GalleryImage, GalleryImage.user_id),
        ):
            count = db.session.execute(
                select(func.count()).select_from(model).where(column == user.id)
            ).scalar_one()
            assert count == 0, model
        # Mallory's weight (a body-weight measurement) and waist
        assert db.session.execute(select(func.count()).select_from(Measurement)).scalar_one() == 2
