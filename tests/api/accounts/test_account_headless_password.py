"""allauth headless password endpoints: change (session cycled, every credential ended), reset
request (no enumeration, rate-limited), key check and reset, in allauth's envelopes."""

import re

import pytest

from tests.accounts_helpers import PASSWORD, bearer, login, tokens_of
from wger_flask.services.accounts import mail

BASE = "/allauth/app/v1"
CHANGE = f"{BASE}/account/password/change"
REQUEST = f"{BASE}/auth/password/request"
RESET = f"{BASE}/auth/password/reset"
NEW_PASSWORD = "another long passphrase"


@pytest.fixture(autouse=True)
def empty_outbox():
    mail.outbox.clear()
    yield
    mail.outbox.clear()


def session_token(client, username="alice", password=PASSWORD) -> str:
    return login(client, username, password).get_json()["meta"]["session_token"]


def reset_key(message) -> str:
    return re.search(r"/user/password/reset/([^/\s]+)/", mail.text_of(message)).group(1)


# ------------------------------------------------------------------ change


def test_change_needs_a_signed_in_caller(client, user):
    response = client.post(CHANGE, json={"current_password": PASSWORD, "new_password": "x" * 10})
    assert response.status_code == 401
    assert response.get_json()["meta"] == {"is_authenticated": False}


def test_change_validates_in_allauths_shape(client, user):
    headers = {"X-Session-Token": session_token(client)}
    missing = client.post(CHANGE, json={}, headers=headers)
    assert missing.status_code == 400
    assert {(e["code"], e["param"]) for e in missing.get_json()["errors"]} == {
        ("required", "current_password"),
        ("required", "new_password"),
    }
    wrong = client.post(
        CHANGE, json={"current_password": "nope", "new_password": NEW_PASSWORD}, headers=headers
    )
    assert wrong.get_json() == {
        "status": 400,
        "errors": [
            {
                "message": "Please type your current password.",
                "code": "enter_current_password",
                "param": "current_password",
            }
        ],
    }
    short = client.post(
        CHANGE, json={"current_password": PASSWORD, "new_password": "short"}, headers=headers
    )
    assert short.status_code == 400
    assert short.get_json()["errors"][0]["code"] == "password_too_short"
    assert short.get_json()["errors"][0]["param"] == "new_password"
    garbage = client.post(CHANGE, data="[1]", content_type="application/json", headers=headers)
    assert garbage.status_code == 400
    assert login(client, "alice").status_code == 200  # the password did not change


def test_change_cycles_the_session_and_ends_every_other_credential(client, user):
    response = login(client, "alice")
    old_token = response.get_json()["meta"]["session_token"]
    access, refresh = tokens_of(response)
    other_session = session_token(client)
    changed = client.post(
        CHANGE,
        json={"current_password": PASSWORD, "new_password": NEW_PASSWORD},
        headers={"X-Session-Token": old_token},
    )
    assert changed.status_code == 200, changed.get_json()
    body = changed.get_json()
    new_token = body["meta"]["session_token"]
    assert new_token != old_token and changed.headers["X-Session-Token"] == new_token
    assert body["meta"]["is_authenticated"] is True and "access_token" not in body["meta"]
    assert body["data"]["user"]["username"] == "alice"
    assert (
        client.get(f"{BASE}/auth/session", headers={"X-Session-Token": new_token}).status_code
        == 200
    )
    for dead in (old_token, other_session):
        assert (
            client.get(f"{BASE}/auth/session", headers={"X-Session-Token": dead}).status_code == 410
        )
    assert client.get("/api/v2/userprofile/", headers=bearer(access)).status_code == 401
    assert client.post(f"{BASE}/tokens/refresh", json={"refresh_token": refresh}).status_code == 400
    assert login(client, "alice", NEW_PASSWORD).status_code == 200


def test_change_with_a_bearer_token_of_a_login_cycles_its_session(client, user):
    response = login(client, "alice")
    access, _ = tokens_of(response)
    old_token = response.get_json()["meta"]["session_token"]
    changed = client.post(
        CHANGE,
        json={"current_password": PASSWORD, "new_password": NEW_PASSWORD},
        headers=bearer(access),
    )
    assert changed.status_code == 200
    assert changed.get_json()["meta"]["session_token"] != old_token
    assert client.get("/api/v2/userprofile/", headers=bearer(access)).status_code == 401


def test_change_with_a_bearer_token_without_a_session(client, user, alice):
    changed = client.post(
        CHANGE, json={"current_password": PASSWORD, "new_password": NEW_PASSWORD}, headers=alice
    )
    assert changed.status_code == 200 and "session_token" not in changed.get_json()["meta"]
    assert client.get("/api/v2/userprofile/", headers=alice).status_code == 401


def test_change_is_rate_limited_per_account(client, user):
    headers = {"X-Session-Token": session_token(client)}
    codes = [
        client.post(
            CHANGE, json={"current_password": "wrong", "new_password": "x" * 12}, headers=headers
        ).status_code
        for _ in range(6)
    ]
    assert codes == [400] * 5 + [429]


# ------------------------------------------------------------------ reset


def test_request_answers_alike_for_known_and_unknown_addresses(client, user):
    known = client.post(REQUEST, json={"email": "Alice@Example.com"})
    unknown = client.post(REQUEST, json={"email": "nobody@example.com"})
    assert known.get_json() == unknown.get_json() == {"status": 200}
    assert [message["To"] for message in mail.outbox] == ["alice@example.com"]
    required = client.post(REQUEST, json={})
    assert required.get_json()["errors"] == [
        {"message": "This field is required.", "code": "required", "param": "email"}
    ]
    invalid = client.post(REQUEST, json={"email": "not-an-address"})
    assert invalid.get_json()["errors"][0]["code"] == "invalid"


def test_request_is_rate_limited_per_address(client, user):
    codes = [
        client.post(REQUEST, json={"email": "alice@example.com"}).status_code for _ in range(6)
    ]
    assert codes == [200] * 5 + [429]
    assert client.post(REQUEST, json={"email": "alice@example.com"}).get_json() == {"status": 429}
    assert len(mail.outbox) == 5


def test_reset_with_the_mailed_key(client, user):
    access, _ = tokens_of(login(client, "alice"))
    client.post(REQUEST, json={"email": "alice@example.com"})
    key = reset_key(mail.outbox[0])

    checked = client.get(RESET, headers={"X-Password-Reset-Key": key})
    assert checked.status_code == 200
    assert checked.get_json()["data"]["user"]["username"] == "alice"
    bad = client.get(RESET, headers={"X-Password-Reset-Key": "nonsense"})
    assert bad.get_json() == {
        "status": 400,
        "errors": [
            {
                "message": "The password reset token was invalid.",
                "code": "invalid_password_reset",
                "param": "key",
            }
        ],
    }
    weak = client.post(RESET, json={"key": key, "password": "123"})
    assert weak.status_code == 400 and weak.get_json()["errors"][0]["param"] == "password"
    done = client.post(RESET, json={"key": key, "password": NEW_PASSWORD})
    assert done.status_code == 401
    assert done.get_json()["meta"] == {"is_authenticated": False}
    assert {"id": "login"} in done.get_json()["data"]["flows"]
    assert login(client, "alice", NEW_PASSWORD).status_code == 200
    assert client.get("/api/v2/userprofile/", headers=bearer(access)).status_code == 401
    again = client.post(RESET, json={"key": key, "password": "yet another passphrase"})
    assert again.get_json()["errors"][0]["code"] == "invalid_password_reset"
    assert client.get(RESET, headers={"X-Password-Reset-Key": key}).status_code == 400


def test_reset_requires_key_and_password(client, user):
    response = client.post(RESET, json={})
    assert {(e["code"], e["param"]) for e in response.get_json()["errors"]} == {
        ("required", "key"),
        ("required", "password"),
    }


def test_a_key_of_one_user_cannot_reset_another(client, user, other_user):
    client.post(REQUEST, json={"email": "mallory@example.com"})
    key = reset_key(mail.outbox[0])
    client.post(RESET, json={"key": key, "password": NEW_PASSWORD})
    assert login(client, "alice").status_code == 200  # alice untouched
    assert login(client, "mallory", NEW_PASSWORD).status_code == 200


def test_the_reset_key_never_reaches_an_info_log_line(client, user, caplog):
    import logging

    with caplog.at_level(logging.INFO):
        client.post(REQUEST, json={"email": "alice@example.com"})
    key = reset_key(mail.outbox[0])
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert "alice@example.com" in logged and key not in logged
