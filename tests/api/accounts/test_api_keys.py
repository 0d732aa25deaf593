"""Permanent API keys: stored as digests, used with ``Authorization: Token <key>``."""

import pytest
from sqlalchemy import select

from wger_flask.extensions import db
from wger_flask.models.accounts import ApiKey, User
from wger_flask.services.accounts import api_keys


@pytest.fixture
def key(app, user):
    with app.app_context():
        value = api_keys.issue(db.session.get(User, user.id))
        db.session.commit()
        return value


def test_token_header_authenticates(client, key):
    response = client.get("/api/v2/userprofile/", headers={"Authorization": f"Token {key}"})
    assert response.status_code == 200
    assert response.get_json()["username"] == "alice"


def test_only_a_digest_is_stored(app, key):
    with app.app_context():
        stored = db.session.execute(select(ApiKey)).scalar_one()
        assert key not in (stored.digest, stored.prefix) and stored.prefix == key[:8]
        assert len(key) == 40 and stored.digest == api_keys.digest_of(key)


def test_rotation_and_deletion_end_the_old_key(client, app, user, key):
    with app.app_context():
        new_key = api_keys.issue(db.session.get(User, user.id))
        db.session.commit()
    assert (
        client.get("/api/v2/userprofile/", headers={"Authorization": f"Token {key}"}).status_code
        == 401
    )
    assert (
        client.get(
            "/api/v2/userprofile/", headers={"Authorization": f"Token {new_key}"}
        ).status_code
        == 200
    )
    with app.app_context():
        api_keys.revoke(db.session.get(User, user.id))
        db.session.commit()
    assert (
        client.get(
            "/api/v2/userprofile/", headers={"Authorization": f"Token {new_key}"}
        ).status_code
        == 401
    )


def test_inactive_users_key_is_refused(client, app, user, key):
    with app.app_context():
        db.session.get(User, user.id).is_active = False
        db.session.commit()
    assert (
        client.get("/api/v2/userprofile/", headers={"Authorization": f"Token {key}"}).status_code
        == 401
    )


def test_last_use_is_recorded(client, app, key):
    client.get("/api/v2/userprofile/", headers={"Authorization": f"Token {key}"})
    with app.app_context():
        assert db.session.execute(select(ApiKey)).scalar_one().last_used is not None
