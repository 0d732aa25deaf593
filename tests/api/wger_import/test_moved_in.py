"""The people of the upstream fixture after ``flask import-wger``: they sign in with their old
passwords (upgraded to argon2id on the way), mara_lifts with her authenticator app and a
recovery code, tomasz_w with his API key; olaf_h stays locked out, ines.r unverified; the
photos are served without their GPS data; a second import changes nothing."""

from __future__ import annotations

import hashlib
import io

import pyotp
import pytest
from PIL import Image
from sqlalchemy import select

from tests.accounts_helpers import LOGIN, TWO_FACTOR, bearer
from tests.api.wger_import.conftest import FIXTURE, source_url, table_counts
from wger_flask.extensions import db

GPS_IFD = 0x8825


def _person(imported, username: str) -> dict:
    found = [u for u in imported.manifest["users"] if u["username"] == username]
    found += [u for u in imported.manifest["other_users_in_db"] if u["username"] == username]
    return found[0]


def _stored_hash(imported, username: str) -> str:
    with imported.app.app_context():
        return imported.user(username).password_hash


def _login(client, username: str, password: str):
    return client.post(LOGIN, json={"username": username, "password": password})


@pytest.mark.parametrize("username", ["tomasz_w", "ines.r", "admin"])
def test_a_user_signs_in_with_the_old_password_and_the_hash_is_upgraded(imported, username):
    person = _person(imported, username)
    before = _stored_hash(imported, username)
    expected = person.get("auth_user_password_prefix", "pbkdf2_sha256")
    assert before.startswith(f"{expected}$"), "imported as upstream stored it"
    client = imported.app.test_client()
    assert _login(client, username, person["password"] + "x").status_code == 400
    assert _stored_hash(imported, username) == before, "a wrong password upgrades nothing"
    response = _login(client, username, person["password"])
    assert response.status_code == 200, response.get_json()
    access = response.get_json()["data"]["access"]
    me = client.get("/api/v2/userprofile/", headers=bearer(access))
    assert me.get_json()["username"] == username
    assert _stored_hash(imported, username).startswith("$argon2id$")
    assert _login(client, username, person["password"]).status_code == 200, "and again"


def test_mara_signs_in_with_her_authenticator_app_and_a_recovery_code(imported):
    mara = _person(imported, "mara_lifts")
    client = imported.app.test_client()
    pending = _login(client, "mara_lifts", mara["password"])
    assert pending.status_code == 401
    flows = {flow["id"]: flow for flow in pending.get_json()["data"]["flows"]}
    assert flows["mfa_authenticate"]["is_pending"] is True
    token = pending.get_json()["meta"]["session_token"]
    code = pyotp.TOTP(mara["totp"]["secret"]).now()  # what her phone shows now
    done = client.post(TWO_FACTOR, json={"code": code}, headers={"X-Session-Token": token})
    assert done.status_code == 200, done.get_json()
    access = done.get_json()["data"]["access"]

    listed = client.get("/allauth/app/v1/account/authenticators", headers=bearer(access))
    recovery = [a for a in listed.get_json()["data"] if a["type"] == "recovery_codes"][0]
    assert (recovery["total_code_count"], recovery["unused_code_count"]) == (10, 10)

    first_code = mara["totp"]["recovery_codes"][0]
    for attempt, status in ((first_code, 200), (first_code, 400)):  # a code works once
        token = _login(client, "mara_lifts", mara["password"]).get_json()["meta"]["session_token"]
        answer = client.post(TWO_FACTOR, json={"code": attempt}, headers={"X-Session-Token": token})
        assert answer.status_code == status, answer.get_json()
    token = _login(client, "mara_lifts", mara["password"]).get_json()["meta"]["session_token"]
    other = mara["totp"]["recovery_codes"][-1]
    assert (
        client.post(
            TWO_FACTOR, json={"code": other}, headers={"X-Session-Token": token}
        ).status_code
        == 200
    )


def test_tomasz_keeps_his_api_key_stored_only_as_a_digest(imported):
    from wger_flask.models.accounts import ApiKey

    key = _person(imported, "tomasz_w")["api_key"]
    client = imported.app.test_client()
    response = client.get("/api/v2/userprofile/", headers={"Authorization": f"Token {key}"})
    assert response.status_code == 200
    assert response.get_json()["username"] == "tomasz_w"
    with imported.app.app_context():
        stored = db.session.execute(select(ApiKey)).scalars().all()
        assert [row.digest for row in stored] == [hashlib.sha256(key.encode()).hexdigest()]
    wrong = client.get("/api/v2/userprofile/", headers={"Authorization": f"Token {key[:-1]}0"})
    assert wrong.status_code == 401


def test_olaf_stays_deactivated(imported):
    olaf = _person(imported, "olaf_h")
    response = _login(imported.app.test_client(), "olaf_h", olaf["password"])
    assert response.status_code == 400
    assert response.get_json()["errors"][0]["code"] == "account_inactive"
    assert "access" not in (response.get_json().get("data") or {})


def test_ines_address_stays_unverified_and_the_others_verified(imported):
    with imported.app.app_context():
        verified = {
            name: imported.user(name).email_verified
            for name in ("mara_lifts", "tomasz_w", "ines.r", "olaf_h")
        }
    assert verified == {"mara_lifts": True, "tomasz_w": True, "ines.r": False, "olaf_h": True}


@pytest.mark.parametrize("username", ["mara_lifts", "tomasz_w"])
def test_the_photos_are_served_without_their_gps_data(imported, username):
    from wger_flask.services.accounts import tokens

    with imported.app.app_context():
        headers = bearer(tokens.mint_access(imported.user(username)))
    client = imported.app.test_client()
    photos = client.get("/api/v2/gallery/?ordering=id", headers=headers).get_json()["results"]
    assert len(photos) == 2
    with_gps = 0
    for photo, name in zip(photos, _upstream_files(imported, username), strict=True):
        original = Image.open(FIXTURE / "media" / name)
        with_gps += bool(original.getexif().get_ifd(GPS_IFD))
        served = client.get(photo["image"].split("localhost", 1)[1])
        assert served.status_code == 200
        picture = Image.open(io.BytesIO(served.data))
        assert picture.format == original.format
        assert (picture.width, picture.height) == (original.width, original.height)
        assert (photo["width"], photo["height"]) == (original.width, original.height)
        exif = picture.getexif()
        assert not exif.get_ifd(GPS_IFD) and GPS_IFD not in exif
        assert "exif" not in picture.info
    if username == "mara_lifts":
        assert with_gps == 1, "the fixture's JPEG carries GPS upstream (the test means it)"


def _upstream_files(imported, username: str) -> list[str]:
    user_id = _person(imported, username)["id"]
    return sorted(
        (
            name
            for name in imported.manifest["media_files"]
            if name.startswith(f"gallery/{user_id}/")
        ),
        key=lambda name: _gallery_order(imported, name),
    )


def _gallery_order(imported, name: str) -> int:
    import sqlite3

    with sqlite3.connect(f"file:{FIXTURE / 'upstream-A.sqlite3'}?mode=ro", uri=True) as source:
        return source.execute("SELECT id FROM gallery_image WHERE image = ?", (name,)).fetchone()[0]


def test_the_dry_run_reported_what_the_import_then_did(imported):
    dry, real = imported.dry_run_output, imported.output
    assert "users: 5 would import" in dry
    assert "users: 5 imported" in real

    def table_lines(output: str) -> list[list[str]]:
        return [
            line.split()
            for line in output.splitlines()
            if line.startswith(("manager_", "nutrition_", "weight_", "gallery_", "auth_user"))
        ]

    assert table_lines(dry) == table_lines(real)
    for name, source, imported_rows, present, skipped in table_lines(real):
        assert source == imported_rows and present == skipped == "0", name


def test_a_second_import_changes_nothing(imported):
    before = table_counts(imported.app)
    files = sorted(path.name for path in imported.media_root.rglob("*.*"))
    again = imported.app.test_cli_runner().invoke(
        args=["import-wger", source_url(), "--media", str(FIXTURE / "media")]
    )
    assert again.exit_code == 0, again.output
    assert "users: 5 unchanged" in again.output
    assert table_counts(imported.app) == before
    assert sorted(path.name for path in imported.media_root.rglob("*.*")) == files


def test_the_contributed_exercise_came_with_its_translation_alias_comment_and_author(imported):
    custom = imported.manifest["custom_exercises"][0]
    client = imported.app.test_client()
    info = client.get(f"/api/v2/exerciseinfo/{custom['exercise_id']}/").get_json()
    assert info["uuid"] == str(__import__("uuid").UUID(custom["uuid"]))
    english = [t for t in info["translations"] if t["language"] == 2][0]
    assert english["name"] == custom["name"]
    assert [a["alias"] for a in english["aliases"]] == ["Landmine press variant"]
    assert [n["comment"] for n in english["notes"]] == [
        "Keep the core tight during the whole movement."
    ]
    assert "mara_lifts" in info["author_history"]


def test_new_rows_made_after_the_import_do_not_collide_with_imported_ids(imported):
    """PostgreSQL's sequences were moved past the ids the import wrote."""
    from wger_flask.services.accounts import tokens

    with imported.app.app_context():
        headers = bearer(tokens.mint_access(imported.user("mara_lifts")))
    client = imported.app.test_client()
    made = client.post(
        "/api/v2/routine/",
        json={"name": "After the move", "start": "2026-12-07", "end": "2027-01-07"},
        headers=headers,
    )
    assert made.status_code == 201, made.get_json()
    assert made.get_json()["id"] > 4
    assert (
        client.delete(f"/api/v2/routine/{made.get_json()['id']}/", headers=headers).status_code
        == 204
    )
