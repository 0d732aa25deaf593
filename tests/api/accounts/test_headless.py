"""The allauth-headless app API: login, the 2FA step, session, sign-up, second factors."""

import pytest

from tests.accounts_helpers import (
    LOGIN,
    PASSWORD,
    TWO_FACTOR,
    bearer,
    code_at,
    enable_totp,
    login,
    login_with_totp,
    tokens_of,
)


def test_login_with_username_returns_tokens_in_both_places(client, user):
    response = login(client, "alice")
    assert response.status_code == 200
    body = response.get_json()
    assert body["status"] == 200
    assert body["data"]["user"] == {
        "id": user.id,
        "display": "alice",
        "email": "alice@example.com",
        "has_usable_password": True,
        "username": "alice",
    }
    assert body["data"]["methods"][0]["method"] == "password"
    assert body["meta"]["is_authenticated"] is True
    assert body["meta"]["access_token"] == body["data"]["access"]
    assert body["meta"]["refresh_token"] == body["data"]["refresh"]
    assert len(body["meta"]["session_token"]) == 32
    assert response.headers["Cache-Control"].startswith("max-age=0")


def test_login_with_email_is_case_insensitive(client, user):
    response = client.post(LOGIN, json={"email": "ALICE@example.com", "password": PASSWORD})
    assert response.status_code == 200


def test_seed_example_login_then_bearer_on_user_data(client, user):
    access, _ = tokens_of(login(client, "alice"))
    response = client.get("/api/v2/userprofile/", headers=bearer(access))
    assert response.status_code == 200
    assert response.get_json()["username"] == "alice"


@pytest.mark.parametrize(
    "payload,expected",
    [
        (
            {"username": "alice", "password": "wrong password"},
            [
                {
                    "message": "The username and/or password you specified are not correct.",
                    "code": "username_password_mismatch",
                    "param": "password",
                }
            ],
        ),
        (
            {"username": "nobody", "password": "whatever it is"},
            [
                {
                    "message": "The username and/or password you specified are not correct.",
                    "code": "username_password_mismatch",
                    "param": "password",
                }
            ],
        ),
        (
            {"email": "alice@example.com", "password": "wrong password"},
            [
                {
                    "message": "The email address and/or password you specified are not correct.",
                    "code": "email_password_mismatch",
                    "param": "password",
                }
            ],
        ),
        (
            {"username": "alice"},
            [{"message": "This field is required.", "code": "required", "param": "password"}],
        ),
        ({"password": PASSWORD}, [{"message": "Invalid login.", "code": "invalid_login"}]),
        (
            {"username": "alice", "email": "alice@example.com", "password": PASSWORD},
            [{"message": "Invalid login.", "code": "invalid_login"}],
        ),
    ],
)
def test_login_errors(client, user, payload, expected):
    response = client.post(LOGIN, json=payload)
    assert response.status_code == 400
    assert response.get_json() == {"status": 400, "errors": expected}


def test_login_with_malformed_body_is_400(client):
    response = client.post(LOGIN, data="{nope", content_type="application/json")
    assert response.status_code == 400
    assert response.get_json()["errors"][0]["code"] == "invalid"


def test_inactive_account_cannot_log_in(client, make_user):
    make_user("sleeper", is_active=False)
    response = login(client, "sleeper")
    assert response.status_code == 400
    assert response.get_json()["errors"][0]["code"] == "account_inactive"


def test_unknown_session_token_is_410_everywhere(client):
    for method, path in [
        ("get", "/config"),
        ("get", "/auth/session"),
        ("post", "/auth/login"),
        ("delete", "/auth/session"),
    ]:
        response = getattr(client, method)(
            f"/allauth/app/v1{path}", headers={"X-Session-Token": "deadbeef" * 4}, json={}
        )
        assert response.status_code == 410, path
        assert response.get_json()["meta"] == {"is_authenticated": None}


def test_session_get_and_logout_kill_the_token_and_its_refresh_tokens(client, user):
    response = login(client, "alice")
    session_token = response.get_json()["meta"]["session_token"]
    _, refresh = tokens_of(response)
    headers = {"X-Session-Token": session_token}
    state = client.get("/allauth/app/v1/auth/session", headers=headers)
    assert state.status_code == 200
    assert state.get_json()["data"]["user"]["username"] == "alice"
    out = client.delete("/allauth/app/v1/auth/session", headers=headers)
    assert out.status_code == 401
    assert out.get_json()["meta"] == {"is_authenticated": False}
    assert client.get("/allauth/app/v1/auth/session", headers=headers).status_code == 410
    assert client.post("/api/v2/token/refresh", json={"refresh": refresh}).status_code == 401


def test_password_change_ends_signed_in_and_pending_app_sessions(client, app, totp_user, user):
    from wger_flask.extensions import db
    from wger_flask.models.accounts import User
    from wger_flask.services.accounts import users

    signed_in = login_with_totp(client, "alice", totp_user).get_json()["meta"]["session_token"]
    pending = login(client, "alice").get_json()["meta"]["session_token"]
    with app.app_context():
        users.set_password(db.session.get(User, user.id), "a brand new passphrase")
        db.session.commit()
    gone = client.get("/allauth/app/v1/auth/session", headers={"X-Session-Token": signed_in})
    assert gone.status_code == 410
    step = client.post(
        TWO_FACTOR, json={"code": code_at(totp_user, 2)}, headers={"X-Session-Token": pending}
    )
    assert step.status_code == 401 and step.get_json()["meta"] == {"is_authenticated": None}


def test_deactivated_users_session_token_stops_at_once(client, app, user):
    from wger_flask.extensions import db
    from wger_flask.models.accounts import User

    token = login(client, "alice").get_json()["meta"]["session_token"]
    with app.app_context():
        db.session.get(User, user.id).is_active = False
        db.session.commit()
    headers = {"X-Session-Token": token}
    assert client.get("/allauth/app/v1/auth/session", headers=headers).status_code == 401
    listing = client.get("/allauth/app/v1/account/authenticators", headers=headers)
    assert listing.status_code == 401


def test_logging_out_ends_the_sessions_access_token_at_once(client, user):
    response = login(client, "alice")
    access, _ = tokens_of(response)
    assert client.get("/api/v2/userprofile/", headers=bearer(access)).status_code == 200
    client.delete(
        "/allauth/app/v1/auth/session",
        headers={"X-Session-Token": response.get_json()["meta"]["session_token"]},
    )
    state = client.get("/allauth/app/v1/auth/session", headers=bearer(access))
    assert state.status_code == 401
    assert client.get("/api/v2/userprofile/", headers=bearer(access)).status_code == 401


def test_anonymous_session_is_401_with_flows(client):
    response = client.get("/allauth/app/v1/auth/session")
    assert response.status_code == 401
    assert response.get_json()["data"]["flows"] == [{"id": "login"}, {"id": "signup"}]


def test_login_while_logged_in_is_409(client, user):
    token = login(client, "alice").get_json()["meta"]["session_token"]
    again = client.post(
        LOGIN, json={"username": "alice", "password": PASSWORD}, headers={"X-Session-Token": token}
    )
    assert again.status_code == 409


# ------------------------------------------------------------------ sign-up


def test_signup_logs_the_new_account_in(client):
    response = client.post(
        "/allauth/app/v1/auth/signup",
        json={"username": "newbie", "email": "newbie@example.com", "password": "a long passphrase"},
    )
    assert response.status_code == 200
    body = response.get_json()
    assert body["data"]["methods"] == []
    assert (
        client.get("/api/v2/userprofile/", headers=bearer(body["data"]["access"])).status_code
        == 200
    )


@pytest.mark.parametrize(
    "payload,param,code",
    [
        ({"username": "alice", "password": "a long passphrase"}, "username", "username_taken"),
        (
            {"username": "fresh", "email": "alice@example.com", "password": "a long passphrase"},
            "email",
            "email_taken",
        ),
        ({"username": "fresh", "password": "short"}, "password", "password_too_short"),
        (
            {"username": "fresh", "email": "not-an-email", "password": "a long passphrase"},
            "email",
            "invalid",
        ),
        ({"password": "a long passphrase"}, "username", "required"),
        ({"username": "bad name!", "password": "a long passphrase"}, "username", "invalid"),
    ],
)
def test_signup_errors_name_the_field(client, user, payload, param, code):
    response = client.post("/allauth/app/v1/auth/signup", json=payload)
    assert response.status_code == 400
    error = response.get_json()["errors"][0]
    assert (error["param"], error["code"]) == (param, code)


def test_signup_closed(client, app, monkeypatch):
    monkeypatch.setitem(app.config, "ALLOW_REGISTRATION", False)
    response = client.post(
        "/allauth/app/v1/auth/signup", json={"username": "late", "password": "a long passphrase"}
    )
    assert response.status_code == 403
    assert response.get_json() == {"status": 403}
    config = client.get("/allauth/app/v1/config").get_json()
    assert config["data"]["account"]["is_open_for_signup"] is False


# ------------------------------------------------------------------ two-factor login


@pytest.fixture
def totp_user(client, user):
    access, _ = tokens_of(login(client, "alice"))
    return enable_totp(client, access)


def test_totp_login_is_a_partial_login_then_complete(client, totp_user):
    pending = login(client, "alice")
    assert pending.status_code == 401
    body = pending.get_json()
    assert body["data"]["requires_mfa"] is True
    assert {
        "id": "mfa_authenticate",
        "is_pending": True,
        "types": ["recovery_codes", "totp"],
    } in body["data"]["flows"]
    assert body["meta"]["is_authenticated"] is False
    session_token = body["meta"]["session_token"]
    assert pending.headers["X-Session-Token"] == session_token
    assert "access" not in body["data"] and "access_token" not in body["meta"]

    done = client.post(
        TWO_FACTOR, json={"code": code_at(totp_user, 1)}, headers={"X-Session-Token": session_token}
    )
    assert done.status_code == 200, done.get_json()
    data = done.get_json()
    assert data["data"]["access"] and data["meta"]["refresh_token"]
    assert [m["method"] for m in data["data"]["methods"]] == ["password", "mfa"]
    assert data["meta"]["session_token"] != session_token
    # the pending token is finished
    again = client.post(
        TWO_FACTOR, json={"code": "000000"}, headers={"X-Session-Token": session_token}
    )
    assert again.status_code == 410


def test_totp_code_is_accepted_once(client, totp_user):
    code = code_at(totp_user, 1)
    first = login(client, "alice").get_json()["meta"]["session_token"]
    assert (
        client.post(TWO_FACTOR, json={"code": code}, headers={"X-Session-Token": first}).status_code
        == 200
    )
    second = login(client, "alice").get_json()["meta"]["session_token"]
    replay = client.post(TWO_FACTOR, json={"code": code}, headers={"X-Session-Token": second})
    assert replay.status_code == 400
    assert replay.get_json()["errors"] == [
        {"message": "Incorrect code.", "code": "incorrect_code", "param": "code"}
    ]


def test_the_activation_code_cannot_be_replayed_at_login(client, user):
    access, _ = tokens_of(login(client, "alice"))
    offer = client.get("/allauth/app/v1/account/authenticators/totp", headers=bearer(access))
    import pyotp

    code = pyotp.TOTP(offer.get_json()["meta"]["secret"]).now()
    client.post(
        "/allauth/app/v1/account/authenticators/totp", json={"code": code}, headers=bearer(access)
    )
    token = login(client, "alice").get_json()["meta"]["session_token"]
    assert (
        client.post(TWO_FACTOR, json={"code": code}, headers={"X-Session-Token": token}).status_code
        == 400
    )


def test_recovery_codes_work_once(client, totp_user, user):
    access, _ = tokens_of(login_with_totp(client, "alice", totp_user))
    listing = client.get(
        "/allauth/app/v1/account/authenticators/recovery-codes", headers=bearer(access)
    )
    assert listing.status_code == 200
    codes = listing.get_json()["data"]["unused_codes"]
    assert len(codes) == 10 and all(len(code) == 8 and code.isdigit() for code in codes)
    # shown once
    again = client.get(
        "/allauth/app/v1/account/authenticators/recovery-codes", headers=bearer(access)
    )
    assert "unused_codes" not in again.get_json()["data"]
    token = login(client, "alice").get_json()["meta"]["session_token"]
    ok = client.post(TWO_FACTOR, json={"code": codes[0]}, headers={"X-Session-Token": token})
    assert ok.status_code == 200
    assert ok.get_json()["data"]["methods"][-1]["type"] == "recovery_codes"
    token = login(client, "alice").get_json()["meta"]["session_token"]
    reused = client.post(TWO_FACTOR, json={"code": codes[0]}, headers={"X-Session-Token": token})
    assert reused.status_code == 400
    counts = client.get("/allauth/app/v1/account/authenticators", headers=bearer(access)).get_json()
    recovery = next(item for item in counts["data"] if item["type"] == "recovery_codes")
    assert recovery["unused_code_count"] == 9


def test_wrong_codes_lock_the_account_after_five(client, totp_user):
    token = login(client, "alice").get_json()["meta"]["session_token"]
    headers = {"X-Session-Token": token}
    for _ in range(5):
        assert client.post(TWO_FACTOR, json={"code": "000000"}, headers=headers).status_code == 400
    locked = client.post(TWO_FACTOR, json={"code": code_at(totp_user, 1)}, headers=headers)
    assert locked.status_code == 400
    assert locked.get_json()["errors"][0]["code"] == "too_many_login_attempts"


def test_pending_login_expires_after_15_minutes(client, totp_user, monkeypatch):
    token = login(client, "alice").get_json()["meta"]["session_token"]
    import time as real_time

    later = real_time.time() + 15 * 60 + 1
    monkeypatch.setattr("wger_flask.services.accounts.app_sessions.time.time", lambda: later)
    response = client.post(
        TWO_FACTOR, json={"code": code_at(totp_user, 1)}, headers={"X-Session-Token": token}
    )
    assert response.status_code == 410


def test_two_factor_without_pending_login_is_401(client, user):
    response = client.post(TWO_FACTOR, json={"code": "123456"})
    assert response.status_code == 401
    assert response.get_json()["meta"] == {"is_authenticated": None}


def test_another_users_code_cannot_finish_my_login(client, user, make_user):
    mallory_access, _ = tokens_of(login(client, make_user("mallory2").username))  # no email
    mallory_totp = enable_totp(client, mallory_access)
    alice_access, _ = tokens_of(login(client, "alice"))
    enable_totp(client, alice_access)
    victim_pending = login(client, "alice").get_json()["meta"]["session_token"]
    attack = client.post(
        TWO_FACTOR,
        json={"code": code_at(mallory_totp, 1)},
        headers={"X-Session-Token": victim_pending},
    )
    assert attack.status_code == 400


# ------------------------------------------------------------------ managing second factors


def test_totp_management_needs_a_signed_in_caller(client):
    for method in ("get", "post", "delete"):
        response = getattr(client, method)("/allauth/app/v1/account/authenticators/totp", json={})
        assert response.status_code == 401


def test_totp_offer_and_wrong_activation_code(client, user):
    access, _ = tokens_of(login(client, "alice"))
    offer = client.get("/allauth/app/v1/account/authenticators/totp", headers=bearer(access))
    meta = offer.get_json()["meta"]
    assert offer.status_code == 404 and len(meta["secret"]) == 32
    assert meta["totp_url"] == (
        f"otpauth://totp/alice%40example.com?secret={meta['secret']}&issuer=wger"
    )
    wrong = client.post(
        "/allauth/app/v1/account/authenticators/totp",
        json={"code": "123456"},
        headers=bearer(access),
    )
    assert wrong.status_code == 400
    assert wrong.get_json()["errors"][0]["code"] == "incorrect_code"


def test_activating_twice_is_409_and_deactivating_works(client, user):
    access, _ = tokens_of(login(client, "alice"))
    enable_totp(client, access)
    again = client.post(
        "/allauth/app/v1/account/authenticators/totp",
        json={"code": "123456"},
        headers=bearer(access),
    )
    assert again.status_code == 409
    off = client.delete("/allauth/app/v1/account/authenticators/totp", headers=bearer(access))
    assert off.status_code == 200
    assert login(client, "alice").status_code == 200


def test_unverified_email_blocks_totp(client, make_user):
    make_user("carol", email="carol@example.com", email_verified=False)
    access, _ = tokens_of(login(client, "carol"))
    offer = client.get("/allauth/app/v1/account/authenticators/totp", headers=bearer(access))
    assert offer.status_code == 409
    assert offer.get_json()["errors"][0]["code"] == "unverified_email"


def test_sensitive_changes_need_a_recent_authentication(client, user, monkeypatch):
    response = login(client, "alice")
    access, _ = tokens_of(response)
    session_token = response.get_json()["meta"]["session_token"]
    import time as real_time

    later = real_time.time() + 600
    monkeypatch.setattr("wger_flask.blueprints.accounts.headless.time.time", lambda: later)
    stale = client.delete(
        "/allauth/app/v1/account/authenticators/totp", headers={"X-Session-Token": session_token}
    )
    assert stale.status_code == 401
    assert {"id": "reauthenticate"} in stale.get_json()["data"]["flows"]
    reauth = client.post(
        "/allauth/app/v1/auth/reauthenticate",
        json={"password": PASSWORD},
        headers={"X-Session-Token": session_token},
    )
    assert reauth.status_code == 200
    monkeypatch.setattr("wger_flask.services.accounts.app_sessions.time.time", lambda: later)
    reauth = client.post(
        "/allauth/app/v1/auth/reauthenticate",
        json={"password": PASSWORD},
        headers={"X-Session-Token": session_token},
    )
    fresh = client.delete(
        "/allauth/app/v1/account/authenticators/totp", headers={"X-Session-Token": session_token}
    )
    assert fresh.status_code == 200
    wrong = client.post(
        "/allauth/app/v1/auth/reauthenticate",
        json={"password": "nope"},
        headers={"X-Session-Token": session_token},
    )
    assert wrong.get_json()["errors"][0]["code"] == "incorrect_password"


def test_recovery_codes_without_totp(client, user):
    access, _ = tokens_of(login(client, "alice"))
    assert (
        client.get(
            "/allauth/app/v1/account/authenticators/recovery-codes", headers=bearer(access)
        ).status_code
        == 404
    )
    regenerate = client.post(
        "/allauth/app/v1/account/authenticators/recovery-codes", headers=bearer(access)
    )
    assert regenerate.status_code == 400
    assert regenerate.get_json()["errors"][0]["code"] == "cannot_generate_recovery_codes"


def test_regenerated_recovery_codes_replace_the_old_ones(client, totp_user):
    access, _ = tokens_of(login_with_totp(client, "alice", totp_user))
    old = client.get(
        "/allauth/app/v1/account/authenticators/recovery-codes", headers=bearer(access)
    ).get_json()["data"]["unused_codes"]
    new = client.post(
        "/allauth/app/v1/account/authenticators/recovery-codes", headers=bearer(access)
    ).get_json()["data"]["unused_codes"]
    assert set(old).isdisjoint(new)
    token = login(client, "alice").get_json()["meta"]["session_token"]
    assert (
        client.post(
            TWO_FACTOR, json={"code": old[0]}, headers={"X-Session-Token": token}
        ).status_code
        == 400
    )
    assert (
        client.post(
            TWO_FACTOR, json={"code": new[0]}, headers={"X-Session-Token": token}
        ).status_code
        == 200
    )
