"""Issue 11 (accounts): revocation reaches access tokens at once; failed passwords lock an
account per client address (and, much higher, per account) so a stranger cannot lock the owner
out; malformed tokens are 401; an administrator's ``user create`` vouches for the address."""

from __future__ import annotations

import datetime as dt

import jwt as pyjwt
import pytest

from tests.accounts_helpers import LOGIN, PASSWORD, bearer, login, tokens_of
from tests.api.accounts.test_web_pages import csrf_of, web_login
from wger_flask.extensions import db
from wger_flask.models.accounts import RefreshToken, User
from wger_flask.rest.owner_answers import owner_answers
from wger_flask.services.accounts import tokens

PROFILE = "/api/v2/userprofile/"
REFRESH = "/api/v2/token/refresh"


def works(client, access: str) -> bool:
    status = client.get(PROFILE, headers=bearer(access)).status_code
    assert status in (200, 401)
    return status == 200


# ------------------------------------------------------------------ revocation


def test_reuse_detection_ends_the_familys_access_tokens(client, user, monkeypatch):
    first_access, first_refresh = tokens_of(login(client, "alice"))
    rotated = client.post(REFRESH, json={"refresh": first_refresh}).get_json()
    assert works(client, first_access) and works(client, rotated["access"])
    later = tokens.utcnow() + dt.timedelta(minutes=1)  # past the race grace: a replay
    monkeypatch.setattr(tokens, "utcnow", lambda: later)
    assert client.post(REFRESH, json={"refresh": first_refresh}).status_code == 401
    assert not works(client, first_access)
    assert not works(client, rotated["access"])


def test_a_rotation_keeps_the_familys_access_tokens_working(client, user):
    access, refresh = tokens_of(login(client, "alice"))
    pair = client.post(REFRESH, json={"refresh": refresh}).get_json()
    pair = client.post(REFRESH, json={"refresh": pair["refresh"]}).get_json()
    assert works(client, access) and works(client, pair["access"])


def test_revoke_on_the_api_key_page_ends_its_access_tokens(app, client, user):
    web_login(client)
    page = client.post(
        "/user/api-key",
        data={"action": "mint_refresh_token", "csrf_token": csrf_of(client.get("/user/api-key"))},
        follow_redirects=True,  # POST/redirect/GET: the token shows once on the next page
    )
    minted = page.get_data(as_text=True).split('id="new-refresh-token">')[1].split("<")[0]
    pair = client.post(REFRESH, json={"refresh": minted}).get_json()
    app_access, _ = tokens_of(login(app.test_client(), "alice"))
    assert works(client, pair["access"])
    with app.app_context():
        live = db.session.get(RefreshToken, tokens.decode(pair["refresh"], None)["jti"])
        jti = live.jti
    client.post(
        "/user/api-key",
        data={
            "action": "revoke_refresh_token",
            "jti": jti,
            "csrf_token": csrf_of(client.get("/user/api-key")),
        },
    )
    assert not works(client, pair["access"])
    assert works(client, app_access)  # another login's tokens are untouched
    client.post(
        "/user/api-key",
        data={
            "action": "revoke_all_refresh_tokens",
            "csrf_token": csrf_of(client.get("/user/api-key")),
        },
    )
    assert not works(client, app_access)


def test_the_check_rides_on_the_user_lookup(app, client, user, count_queries):
    """A login's access token names its session and family: still 2 statements for the
    profile (the user with both liveness checks in one SELECT; the profile)."""
    access, _ = tokens_of(login(client, "alice"))
    client.get(PROFILE, headers=bearer(access))
    owner_answers(app).clear()  # the view's own cost, not the kept answer's
    with count_queries() as counter:
        response = client.get(PROFILE, headers=bearer(access))
    assert response.status_code == 200
    assert counter.count == 2, counter.statements
    assert "accounts_refreshtoken" in counter.statements[0]
    assert "accounts_appsession" in counter.statements[0]


# ------------------------------------------------------------------ malformed claims


def forged(app, user, **changes) -> str:
    """A token signed with the server's key (the worst case: the key is right, the claims are
    not) from a real one's claims, with ``changes`` (None deletes a claim)."""
    with app.app_context():
        claims = tokens.decode(tokens.mint_access(db.session.get(User, user.id)), None)
    for name, value in changes.items():
        if value is None:
            claims.pop(name, None)
        else:
            claims[name] = value
    return pyjwt.encode(claims, app.config["JWT_SECRET_KEY"], algorithm="HS256")


@pytest.mark.parametrize(
    "sub",
    ["9223372036854775808", "99999999999999999999999", "-1", "0", "01", "1.0", " 1", "1e3"]
    + ["١", "0x1", "", "alice"],
)
def test_a_sub_that_is_not_a_64_bit_id_is_401(app, client, user, sub):
    token = forged(app, user, sub=sub, user_id=sub)
    response = client.get(PROFILE, headers=bearer(token))
    assert response.status_code == 401
    assert response.get_json()["code"] == "token_not_valid"
    assert client.post("/api/v2/token/verify", json={"token": token}).status_code == 401


def test_a_sub_that_is_a_number_not_a_string_is_401(app, client, user):
    assert client.get(PROFILE, headers=bearer(forged(app, user, sub=user.id))).status_code == 401


def test_a_token_without_expiry_is_401(app, client, user):
    token = forged(app, user, exp=None)
    assert client.get(PROFILE, headers=bearer(token)).status_code == 401
    assert client.post("/api/v2/token/verify", json={"token": token}).status_code == 401
    assert client.get("/allauth/app/v1/auth/session", headers=bearer(token)).status_code == 401


def test_the_forging_helper_makes_working_tokens(app, client, user):
    """The control: the same forging with nothing changed is accepted."""
    assert client.get(PROFILE, headers=bearer(forged(app, user))).status_code == 200


# ------------------------------------------------------------------ lockout


def attempt(client, password: str, address: str, username: str = "alice"):
    return client.post(
        LOGIN,
        json={"username": username, "password": password},
        environ_base={"REMOTE_ADDR": address},
    )


def refused_as_locked(response) -> bool:
    return response.status_code == 400 and (
        response.get_json()["errors"][0]["code"] == "too_many_login_attempts"
    )


def test_a_stranger_cannot_lock_the_owner_out(client, user):
    for _ in range(5):
        assert attempt(client, "guess", "203.0.113.66").status_code == 400
    assert refused_as_locked(attempt(client, PASSWORD, "203.0.113.66"))  # the guesser: locked
    assert attempt(client, PASSWORD, "198.51.100.10").status_code == 200  # the owner: in
    assert web_login_from(client, "198.51.100.10").status_code == 302  # the page too


def web_login_from(client, address: str):
    env = {"REMOTE_ADDR": address}
    token = csrf_of(client.get("/user/login", environ_base=env))
    return client.post(
        "/user/login",
        data={"login": "alice", "password": PASSWORD, "csrf_token": token},
        environ_base=env,
    )


def test_failures_from_many_addresses_lock_the_account_at_the_higher_bound(client, user):
    for block in range(10):  # 10 addresses x 5 failures = the account-wide 50
        for _ in range(5):
            assert attempt(client, "guess", f"203.0.113.{block}").status_code == 400
    assert refused_as_locked(attempt(client, PASSWORD, "198.51.100.10"))
    assert not refused_as_locked(attempt(client, "guess", "198.51.100.10", "bob"))  # others free


def test_the_account_wide_bound_is_configuration(app, client, user, monkeypatch):
    monkeypatch.setitem(app.config["RATE_LIMITS"], "login_failed_account", "3/5minute")
    for block in range(3):
        attempt(client, "guess", f"203.0.113.{block}")
    assert refused_as_locked(attempt(client, PASSWORD, "198.51.100.10"))


def test_a_success_clears_only_its_own_addresses_count(client, user):
    for _ in range(4):
        attempt(client, "guess", "198.51.100.10")
    assert attempt(client, PASSWORD, "198.51.100.10").status_code == 200
    for _ in range(4):
        attempt(client, "guess", "198.51.100.10")
    assert attempt(client, PASSWORD, "198.51.100.10").status_code == 200


# ------------------------------------------------------------------ CLI-made accounts


def test_a_cli_made_account_is_verified_and_can_turn_on_2fa(app, client):
    runner = app.test_cli_runner()
    made = runner.invoke(
        args=["user", "create", "carol", "--password", PASSWORD, "--email", "carol@example.com"]
    )
    assert made.exit_code == 0, made.output
    with app.app_context():
        carol = db.session.query(User).filter_by(username="carol").one()
        assert carol.email_verified is True
    access, _ = tokens_of(login(client, "carol"))
    offer = client.get("/allauth/app/v1/account/authenticators/totp", headers=bearer(access))
    assert offer.status_code == 404 and offer.get_json()["meta"]["secret"]  # offered, not 409
    web_login(client, "carol")
    assert "Verify your email first" not in client.get("/user/2fa/").get_data(as_text=True)


def test_a_cli_made_account_can_be_left_unverified(app, client):
    runner = app.test_cli_runner()
    made = runner.invoke(
        args=[
            "user",
            "create",
            "dave",
            "--password",
            PASSWORD,
            "--email",
            "dave@example.com",
            "--unverified",
        ]
    )
    assert made.exit_code == 0, made.output
    access, _ = tokens_of(login(client, "dave"))
    offer = client.get("/allauth/app/v1/account/authenticators/totp", headers=bearer(access))
    assert offer.status_code == 409


def test_cli_deactivation_ends_every_session_and_token(app, client, user):
    web_login(client)
    access, refresh = tokens_of(login(app.test_client(), "alice"))
    runner = app.test_cli_runner()
    done = runner.invoke(args=["user", "deactivate", "alice"])
    assert done.exit_code == 0, done.output
    assert client.get("/user/api-key/").status_code == 302
    assert not works(client, access)
    assert client.post(REFRESH, json={"refresh": refresh}).status_code == 401
    assert login(client, "alice").status_code == 400
    assert runner.invoke(args=["user", "deactivate", "nobody"]).exit_code == 1


def test_cli_logout_everywhere(app, client, user):
    web_login(client)
    access, _ = tokens_of(login(app.test_client(), "alice"))
    done = app.test_cli_runner().invoke(args=["user", "logout-everywhere", "alice"])
    assert done.exit_code == 0, done.output
    assert client.get("/user/api-key/").status_code == 302
    assert not works(client, access)
    assert web_login(client).status_code == 302  # the password still works
