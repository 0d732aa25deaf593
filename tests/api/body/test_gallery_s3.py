"""The gallery with its files in S3-compatible storage (a real moto server on loopback):
uploads, serving, replacing, deleting with the row, the account's deletion and export, all
through the one storage layer; nothing lands on the local disk."""

from __future__ import annotations

import io

from PIL import Image

from tests.api.body.conftest import image_bytes
from tests.api.body.test_gallery import URL, media_path, stored_files, upload
from wger_flask.extensions import db
from wger_flask.models.accounts import User
from wger_flask.services.accounts import lifecycle


def test_upload_serve_replace_delete(s3_app, client, alice, media_root, s3_server, s3_bucket):
    response = upload(client, alice, image_bytes("JPEG", (64, 48)))
    assert response.status_code == 201, response.get_json()
    row = response.get_json()
    key = media_path(row["image"]).removeprefix("media/")
    assert s3_server.keys(s3_bucket) == [key]
    assert stored_files(media_root) == []  # nothing on this host's disk
    served = client.get("/" + media_path(row["image"]))
    assert served.status_code == 200 and served.mimetype == "image/jpeg"
    assert served.headers["X-Content-Type-Options"] == "nosniff"
    assert Image.open(io.BytesIO(served.data)).size == (64, 48)

    detail = f"{URL}{row['id']}/"
    replaced = upload(client, alice, image_bytes("PNG", (30, 20)), method="patch", url=detail)
    assert replaced.status_code == 200
    new_key = media_path(replaced.get_json()["image"]).removeprefix("media/")
    assert s3_server.keys(s3_bucket) == [new_key]  # the old object went after the commit
    assert client.delete(detail, headers=alice).status_code == 204
    assert s3_server.keys(s3_bucket) == []


def test_a_refused_upload_stores_nothing(s3_app, client, alice, s3_server, s3_bucket):
    response = upload(client, alice, b"GIF89a not really")
    assert response.status_code == 400 and "image" in response.get_json()
    assert s3_server.keys(s3_bucket) == []


def test_account_deletion_removes_the_users_objects_only(
    s3_app,
    client,
    alice,
    mallory,
    user,
    s3_server,
    s3_bucket,
):
    upload(client, alice, image_bytes())
    upload(client, alice, image_bytes())
    theirs = upload(client, mallory, image_bytes()).get_json()
    with s3_app.test_request_context():
        exported = lifecycle.export_user(db.session.get(User, user.id))
        assert len(exported["data"]["body"]["gallery"]) == 2
        lifecycle.delete_user(db.session.get(User, user.id))
        db.session.commit()
    assert s3_server.keys(s3_bucket) == [media_path(theirs["image"]).removeprefix("media/")]
