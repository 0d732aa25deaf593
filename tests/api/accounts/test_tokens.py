"""/api/v2/token/refresh, /api/v2/token/verify, /allauth/app/v1/tokens/refresh, issue-refresh-token,
and the attacker's tokens."""

import base64
import json

import jwt
import pytest

from tests.accounts_helpers import bearer, login, tokens_of
from wger_flask.services.accounts import tokens as token_service

REFRESH = "/api/v2/token/refresh"
VERIFY = "/api/v2/token/verify"
APP_REFRESH = "/allauth/app/v1/tokens/refresh"


@pytest.fixture
def pair(client, user):
    return tokens_of(login(client, "alice"))


def test_refresh_with_form_body_as_the_seed_sends_it(client, pair):
    _, refresh = pair
    response = client.post(REFRESH, data={"refresh": refresh})
    assert response.status_code == 200
    body = response.get_json()
    assert set(body) == {"access", "refresh"} and body["refresh"] != refresh
    assert client.get("/api/v2/userprofile/", headers=bearer(body["access"])).status_code == 200


def test_refresh_with_json_and_trailing_slash(client, pair):
    response = client.post(REFRESH + "/", json={"refresh": pair[1]})
    assert response.status_code == 200


def test_rotated_refresh_token_is_refused_at_once(client, pair):
    _, refresh = pair
    assert client.post(REFRESH, data={"refresh": refresh}).status_code == 200
    again = client.post(REFRESH, data={"refresh": refresh})
    assert again.status_code == 401
    assert again.get_json() == {"detail": "Token is blacklisted", "code": "token_not_valid"}
    assert again.headers["WWW-Authenticate"] == 'Bearer realm="api"'


def test_both_refresh_endpoints_share_one_blocklist(client, pair):
    _, refresh = pair
    app_response = client.post(APP_REFRESH, json={"refresh_token": refresh})
    assert app_response.status_code == 200
    data = app_response.get_json()
    assert data["status"] == 200 and set(data["data"]) == {"access_token", "refresh_token"}
    follow_up = client.post(REFRESH, data={"refresh": data["data"]["refresh_token"]})
    assert follow_up.status_code == 200  # what one endpoint minted, the other rotates
    assert client.post(REFRESH, data={"refresh": refresh}).status_code == 401
    assert client.post(APP_REFRESH, json={"refresh_token": refresh}).get_json() == {"status": 400}


def test_replaying_a_rotated_token_revokes_the_whole_family(client, pair):
    _, stolen = pair
    legit = client.post(REFRESH, data={"refresh": stolen}).get_json()["refresh"]
    assert client.post(REFRESH, data={"refresh": stolen}).status_code == 401  # the thief
    assert client.post(REFRESH, data={"refresh": legit}).status_code == 401  # family revoked


def test_the_thief_who_rotates_first_loses_the_login_when_the_victim_replays(client, pair):
    """Within a second of the theft: the thief rotates the stolen token, the victim's app then
    presents the same token. The family ends, the thief's fresh pair with it."""
    access, stolen = pair
    thief = client.post(REFRESH, data={"refresh": stolen}).get_json()
    victim = client.post(APP_REFRESH, json={"refresh_token": stolen})
    assert victim.get_json() == {"status": 400}  # the victim is asked to log in again
    assert client.post(REFRESH, data={"refresh": thief["refresh"]}).status_code == 401
    profile = client.get(
        "/api/v2/userprofile/", headers={"Authorization": f"Bearer {thief['access']}"}
    )
    assert profile.status_code == 401  # the thief's access token ended with the family
    assert client.post("/api/v2/token/verify", data={"token": access}).status_code == 401


def test_the_victim_whose_app_refreshes_twice_at_once_logs_in_again(client, pair):
    """The victim's sequence: two refreshes of one token one after the other (an app that does
    not wait for the first). The first wins, the second is a replay and ends the login."""
    _, refresh = pair
    first = client.post(APP_REFRESH, json={"refresh_token": refresh})
    assert first.status_code == 200
    second = client.post(APP_REFRESH, json={"refresh_token": refresh})
    assert second.get_json() == {"status": 400}
    winner = first.get_json()["data"]["refresh_token"]
    assert client.post(APP_REFRESH, json={"refresh_token": winner}).get_json() == {"status": 400}


def test_missing_fields_are_400_naming_them(client):
    assert client.post(REFRESH, json={}).get_json() == {"refresh": ["This field is required."]}
    assert client.post(VERIFY, data={}).get_json() == {"token": ["This field is required."]}
    assert client.post(APP_REFRESH, json={}).get_json() == {
        "status": 400,
        "errors": [
            {"message": "This field is required.", "code": "required", "param": "refresh_token"}
        ],
    }


def test_non_json_non_form_body_is_415(client):
    response = client.post(REFRESH, data="refresh=x", content_type="text/plain")
    assert response.status_code == 415


def test_verify(client, pair):
    access, refresh = pair
    assert client.post(VERIFY, data={"token": access}).get_json() == {}
    assert client.post(VERIFY, json={"token": refresh}).status_code == 200
    client.post(REFRESH, data={"refresh": refresh})
    assert client.post(VERIFY, json={"token": refresh}).status_code == 401  # blocklisted
    bad = client.post(VERIFY, json={"token": "not.a.token"})
    assert bad.status_code == 401 and bad.get_json()["code"] == "token_not_valid"


def test_refresh_lifetime_comes_from_the_environment(app, client, user, monkeypatch):
    from wger_flask.config import TestConfig

    monkeypatch.setenv("ACCESS_TOKEN_LIFETIME", "3")
    monkeypatch.setenv("REFRESH_TOKEN_LIFETIME", "5")
    configured = TestConfig()
    for name in ("ACCESS_TOKEN_LIFETIME_MINUTES", "REFRESH_TOKEN_LIFETIME_HOURS"):
        monkeypatch.setitem(app.config, name, getattr(configured, name))
    access, refresh = tokens_of(login(client, "alice"))
    for token, seconds in ((access, 180), (refresh, 5 * 3600)):
        claims = jwt.decode(token, options={"verify_signature": False})
        assert claims["exp"] - claims["iat"] == seconds
        assert {"exp", "iat", "jti", "token_type", "sub", "user_id"} <= set(claims)


def test_issue_refresh_token_with_a_permanent_key(client, user, app):
    from wger_flask.extensions import db
    from wger_flask.models.accounts import User
    from wger_flask.services.accounts import api_keys

    with app.app_context():
        key = api_keys.issue(db.session.get(User, user.id))
        db.session.commit()
    response = client.post("/api/v2/issue-refresh-token", headers={"Authorization": f"Token {key}"})
    assert response.status_code == 200
    refresh = response.get_json()["refresh_token"]
    assert client.post(REFRESH, data={"refresh": refresh}).status_code == 200
    assert client.get("/api/v2/issue-refresh-token").status_code == 405
    assert client.post("/api/v2/issue-refresh-token").status_code == 401


# ------------------------------------------------------------------ attacks


def _forge(
    claims: dict, key: str = "the-wrong-key-of-at-least-32-bytes!!", alg: str = "HS256"
) -> str:
    return jwt.encode(claims, key, algorithm=alg)


def _claims_of(token: str) -> dict:
    return jwt.decode(token, options={"verify_signature": False})


def test_alg_none_token_is_refused(client, pair):
    claims = _claims_of(pair[0])
    header = base64.urlsafe_b64encode(json.dumps({"alg": "none", "typ": "JWT"}).encode()).rstrip(
        b"="
    )
    payload = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=")
    unsigned = f"{header.decode()}.{payload.decode()}."
    response = client.get("/api/v2/userprofile/", headers=bearer(unsigned))
    assert response.status_code == 401
    assert client.post(VERIFY, json={"token": unsigned}).status_code == 401


def test_token_signed_with_another_key_is_refused(client, pair):
    forged = _forge(_claims_of(pair[0]))
    assert client.get("/api/v2/userprofile/", headers=bearer(forged)).status_code == 401
    assert client.post(REFRESH, json={"refresh": _forge(_claims_of(pair[1]))}).status_code == 401


def test_tampered_claims_are_refused(client, pair, other_user):
    header, payload, signature = pair[0].split(".")
    claims = _claims_of(pair[0])
    claims["sub"] = claims["user_id"] = str(other_user.id)
    tampered_payload = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    tampered = f"{header}.{tampered_payload}.{signature}"
    response = client.get("/api/v2/userprofile/", headers=bearer(tampered))
    assert response.status_code == 401


def test_expired_access_token_is_refused(client, app, user, monkeypatch):
    from wger_flask.extensions import db
    from wger_flask.models.accounts import User

    monkeypatch.setitem(app.config, "ACCESS_TOKEN_LIFETIME_MINUTES", -1)
    with app.app_context():
        expired = token_service.mint_access(db.session.get(User, user.id))
    monkeypatch.undo()
    response = client.get("/api/v2/userprofile/", headers=bearer(expired))
    assert response.status_code == 401
    assert response.get_json()["messages"][0]["message"] == "Token is expired"


def test_refresh_token_is_not_an_access_token_and_vice_versa(client, pair):
    access, refresh = pair
    assert client.get("/api/v2/userprofile/", headers=bearer(refresh)).status_code == 401
    wrong = client.post(REFRESH, json={"refresh": access})
    assert wrong.status_code == 401
    assert wrong.get_json()["detail"] == "Token has wrong type"


def test_deactivated_users_tokens_stop_working_at_once(client, app, user, pair):
    from wger_flask.extensions import db
    from wger_flask.models.accounts import User

    with app.app_context():
        db.session.get(User, user.id).is_active = False
        db.session.commit()
    access, refresh = pair
    assert client.get("/api/v2/userprofile/", headers=bearer(access)).status_code == 401
    assert client.post(REFRESH, json={"refresh": refresh}).status_code == 401
    assert client.post(VERIFY, json={"token": access}).status_code == 401


def test_password_change_ends_every_token(client, app, user, pair):
    from wger_flask.extensions import db
    from wger_flask.models.accounts import User
    from wger_flask.services.accounts import users

    with app.app_context():
        users.set_password(db.session.get(User, user.id), "a brand new passphrase")
        db.session.commit()
    access, refresh = pair
    assert client.get("/api/v2/userprofile/", headers=bearer(access)).status_code == 401
    assert client.post(REFRESH, json={"refresh": refresh}).status_code == 401


def test_malformed_authorization_headers(client, user):
    for header in ("Bearer", "Bearer ", "Bearer a b", "Token", "Token a b", "Bearer \x00"):
        response = client.get("/api/v2/userprofile/", headers={"Authorization": header})
        assert response.status_code == 401, header


@pytest.mark.parametrize("ahead, accepted", [(2, True), (60, False)])
def test_a_token_minted_by_a_host_whose_clock_is_ahead(client, app, pair, ahead, accepted):
    """Hosts' clocks differ by milliseconds: a token whose ``iat``/``nbf`` lies a moment in the
    future (minted on a host slightly ahead) is taken; one minutes ahead is a forged time, and
    refused (signed with the server's own key, so only the time is wrong)."""
    claims = _claims_of(pair[0])
    claims["iat"] = claims["nbf"] = int(claims["iat"]) + ahead
    claims["exp"] = int(claims["exp"]) + ahead
    token = _forge(claims, key=app.config["JWT_SECRET_KEY"])
    response = client.get("/api/v2/userprofile/", headers=bearer(token))
    assert response.status_code == (200 if accepted else 401), response.get_json()


def _counting_decodes(monkeypatch) -> list[str]:
    """The tokens PyJWT is asked to decode (and verify) from now on."""
    decoded: list[str] = []
    real = token_service.pyjwt.decode

    def counting(token, *args, **kwargs):
        decoded.append(token)
        return real(token, *args, **kwargs)

    monkeypatch.setattr(token_service.pyjwt, "decode", counting)
    return decoded


def test_a_token_is_verified_once_then_its_claims_are_kept(client, pair, monkeypatch):
    """The signature of a token sent again is not checked again: the same bytes were checked
    (``VerifiedTokens``); the user and the token's login are still looked up every time."""
    access = pair[0]  # minted by this test's login: never verified before
    decoded = _counting_decodes(monkeypatch)
    first = client.get("/api/v2/userprofile/", headers=bearer(access))
    second = client.get("/api/v2/userprofile/", headers=bearer(access))
    assert first.status_code == second.status_code == 200
    assert first.get_data() == second.get_data()
    assert decoded.count(access) == 1


def test_a_kept_token_still_expires(client, pair, monkeypatch):
    access = pair[0]
    assert client.get("/api/v2/userprofile/", headers=bearer(access)).status_code == 200
    expiry = _claims_of(access)["exp"]
    monkeypatch.setattr(token_service, "wall_clock", lambda: expiry + 1.0)
    response = client.get("/api/v2/userprofile/", headers=bearer(access))
    assert response.status_code == 401
    assert response.get_json()["messages"][0]["message"] == "Token is expired"


def test_a_kept_token_with_one_byte_changed_is_verified_anew(client, pair):
    access = pair[0]
    assert client.get("/api/v2/userprofile/", headers=bearer(access)).status_code == 200
    head, body, signature = access.split(".")
    flipped = signature[:-2] + ("A" if signature[-2] != "A" else "B") + signature[-1]
    for forged in (f"{head}.{body}.{flipped}", f"{head}.{body[:-1]}x.{signature}"):
        assert client.get("/api/v2/userprofile/", headers=bearer(forged)).status_code == 401


def test_a_changed_signing_key_forgets_the_kept_tokens(client, app, pair, monkeypatch):
    access = pair[0]
    assert client.get("/api/v2/userprofile/", headers=bearer(access)).status_code == 200
    monkeypatch.setitem(app.config, "JWT_SECRET_KEY", "another key of at least 32 bytes, new")
    assert client.get("/api/v2/userprofile/", headers=bearer(access)).status_code == 401


def test_the_kept_tokens_stay_within_their_bytes():
    store = token_service.VerifiedTokens(max_bytes=64 * 1024)
    assert store.get("token-0", "key") is None  # the first use of a key
    for number in range(1000):
        store.put(f"token-{number}", {"n": number}, "key")
    assert 0 < store.size_bytes() <= store.max_bytes
    assert len(store) == store.max_bytes // token_service.VERIFIED_TOKEN_BYTES
    assert store.get("token-999", "key") == {"n": 999}  # the newest stays
    assert store.get("token-0", "key") is None  # the oldest went
    assert store.get("token-999", "another key") is None  # a new key: nothing is kept
    assert store.size_bytes() == 0


def test_a_token_verified_with_the_old_key_is_not_kept_after_the_key_changed():
    """One thread verifies a token with the old key while another request brings the new key:
    the late put must not make the old key's token valid under the new one."""
    store = token_service.VerifiedTokens(max_bytes=64 * 1024)
    assert store.get("old-token", "old key") is None
    assert store.get("new-token", "new key") is None  # the key changes here
    store.put("old-token", {"sub": "1"}, "old key")  # the late put of the first request
    assert store.get("old-token", "new key") is None
    assert len(store) == 0
