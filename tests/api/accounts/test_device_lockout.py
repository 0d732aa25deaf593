"""A lockout a stranger cannot use against the owner (OWASP's device cookies): 55 wrong
passwords from 11 addresses lock every unknown client out of alice's account, the right
password included, while the browser alice logged in with before keeps getting in."""

from __future__ import annotations

from tests.accounts_helpers import LOGIN, PASSWORD
from tests.api.accounts.test_web_pages import csrf_of
from wger_flask.services.accounts import devices

ATTACKERS = [f"203.0.113.{n}" for n in range(1, 12)]  # 11 addresses


def api_attempt(client, password: str, address: str, **extra):
    return client.post(
        LOGIN,
        json={"username": "alice", "password": password},
        environ_base={"REMOTE_ADDR": address},
        **extra,
    )


def web_attempt(client, password: str, address: str):
    env = {"REMOTE_ADDR": address}
    token = csrf_of(client.get("/user/login", environ_base=env))
    return client.post(
        "/user/login",
        data={"login": "alice", "password": password, "csrf_token": token},
        environ_base=env,
    )


def locked(response) -> bool:
    if response.is_json:
        return response.get_json()["errors"][0]["code"] == "too_many_login_attempts"
    return response.status_code == 400 and "locked for a few minutes" in response.get_data(True)


def the_attack(app) -> None:
    attacker = app.test_client()
    for address in ATTACKERS:
        for _ in range(5):
            assert api_attempt(attacker, "wrong guess", address).status_code == 400


def test_the_owner_s_browser_gets_in_while_strangers_are_locked_out(app, client, user):
    owner = app.test_client()
    assert web_attempt(owner, PASSWORD, "198.51.100.7").status_code == 302  # logged in before
    assert owner.get_cookie(devices.COOKIE_NAME) is not None
    owner.post("/user/logout", data={"csrf_token": csrf_of(owner.get("/user/sessions/"))})

    the_attack(app)

    stranger = app.test_client()
    assert locked(api_attempt(stranger, PASSWORD, "192.0.2.200"))  # a brand-new address
    refused = web_attempt(stranger, PASSWORD, "192.0.2.201")
    assert locked(refused) and "browser you have logged in with before" in refused.get_data(True)
    assert locked(api_attempt(stranger, PASSWORD, ATTACKERS[0]))

    assert web_attempt(owner, PASSWORD, "192.0.2.99").status_code == 302  # any address
    assert api_attempt(owner, PASSWORD, "192.0.2.99").status_code == 200  # its cookie counts


def test_a_device_cookie_of_another_account_or_forged_counts_for_nothing(app, user, make_user):
    mallory = app.test_client()
    make_user("mallory")
    token = csrf_of(mallory.get("/user/login"))
    mallory.post(
        "/user/login", data={"login": "mallory", "password": PASSWORD, "csrf_token": token}
    )
    assert mallory.get_cookie(devices.COOKIE_NAME) is not None  # mallory's, not alice's
    the_attack(app)
    assert locked(api_attempt(mallory, PASSWORD, "192.0.2.5"))
    forger = app.test_client()
    forger.set_cookie(devices.COOKIE_NAME, "eyJ1IjoxLCJuIjoieCJ9.forged.signature")
    assert locked(api_attempt(forger, PASSWORD, "192.0.2.6"))


def test_a_known_device_has_its_own_five_tries(app, user):
    owner = app.test_client()
    assert web_attempt(owner, PASSWORD, "198.51.100.7").status_code == 302
    for _ in range(5):
        assert api_attempt(owner, "wrong guess", "198.51.100.7").status_code == 400
    assert locked(api_attempt(owner, PASSWORD, "198.51.100.7"))  # a stolen cookie: 5 guesses
    stranger = app.test_client()  # its failures did not touch the strangers' counts
    assert api_attempt(stranger, PASSWORD, "192.0.2.8").status_code == 200


def test_a_known_app_session_is_not_locked_out(app, user):
    """An app signed in to the account (its X-Session-Token) that sends the password again is
    judged by its own count: after the attack it is told it is signed in (409), not locked."""
    app_client = app.test_client()
    session_token = api_attempt(app_client, PASSWORD, "198.51.100.8").get_json()["meta"][
        "session_token"
    ]
    the_attack(app)
    again = api_attempt(
        app_client, PASSWORD, "192.0.2.9", headers={"X-Session-Token": session_token}
    )
    assert again.status_code == 409
    assert locked(api_attempt(app.test_client(), PASSWORD, "192.0.2.9"))
