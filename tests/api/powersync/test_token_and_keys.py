"""``powersync-token`` and ``powersync-keys``: the token checked against the served key set,
upstream's URL rule, the 503 without keys, and the refusals both ways (a PowerSync token is no
API credential; no API token is a PowerSync token)."""

from __future__ import annotations

import datetime as dt
import logging

import httpx
import pytest
import time_machine
from wger_api_client.api.powersync_keys import powersync_keys_retrieve
from wger_api_client.api.powersync_token import powersync_token_retrieve
from wger_api_client.client import AuthenticatedClient

from wger_flask import create_app
from wger_flask.config import ConfigurationError, TestConfig
from wger_flask.extensions import db
from wger_flask.services import powersync
from wger_flask.services.accounts import api_keys, tokens

MOMENT = dt.datetime(2026, 5, 4, 3, 2, 1, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def frozen():
    """Every test of the module at one instant (set up before the users and their tokens)."""
    with time_machine.travel(MOMENT, tick=False):
        yield MOMENT


def fetch_token(client, headers) -> dict:
    response = client.get("/api/v2/powersync-token", headers=headers)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def test_the_token_verifies_against_the_served_key_set(client, user, alice, frozen):
    body = fetch_token(client, alice)
    assert set(body) == {"token", "powersync_url"}
    jwks = client.get("/api/v2/powersync-keys").get_json()
    claims = powersync.verify_token(body["token"], jwks, frozen)
    stamp = int(frozen.timestamp())
    assert claims == {"sub": str(user.id), "iat": stamp, "aud": "powersync", "exp": stamp + 600}


def test_the_key_set_is_public_and_holds_only_public_members(client):
    response = client.get("/api/v2/powersync-keys")
    assert response.status_code == 200
    (key,) = response.get_json()["keys"]
    assert set(key) == {"kty", "n", "e", "alg", "kid"}
    assert (key["kty"], key["alg"], key["kid"]) == ("RSA", "RS256", "wger")


def test_both_spellings_of_the_paths_answer(client, alice):
    for path in ("/api/v2/powersync-keys", "/api/v2/powersync-keys/"):
        assert client.get(path).status_code == 200
    for path in ("/api/v2/powersync-token", "/api/v2/powersync-token/"):
        assert client.get(path, headers=alice).status_code == 200


def test_the_token_needs_credentials(client):
    response = client.get("/api/v2/powersync-token")
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == 'Bearer realm="api"'


def test_every_credential_of_the_api_gets_a_token(client, app, user):
    with app.app_context():
        key = api_keys.issue(db.session.get(type(user), user.id))
        db.session.commit()
    assert (
        client.get("/api/v2/powersync-token", headers={"Authorization": f"Token {key}"}).status_code
        == 200
    )


def test_the_url_follows_upstreams_rule(app, client, alice, monkeypatch):
    assert fetch_token(client, alice)["powersync_url"] == "http://localhost/ps/"
    monkeypatch.setitem(app.config, "SITE_URL", "https://wger.example.org")
    assert fetch_token(client, alice)["powersync_url"] == "https://wger.example.org/ps/"
    monkeypatch.setitem(app.config, "POWERSYNC_URL_PATH", "/sync/")
    assert fetch_token(client, alice)["powersync_url"] == "https://wger.example.org/sync/"
    monkeypatch.setitem(app.config, "POWERSYNC_URL", "https://sync.example.org")
    assert fetch_token(client, alice)["powersync_url"] == "https://sync.example.org"


def test_without_keys_both_routes_say_what_to_set(app, client, alice, monkeypatch):
    monkeypatch.setitem(app.extensions, powersync.EXTENSION_KEY, None)
    for path, headers in (("/api/v2/powersync-token", alice), ("/api/v2/powersync-keys", {})):
        response = client.get(path, headers=headers)
        assert response.status_code == 503
        assert "set JWT_PRIVATE_KEY and JWT_PUBLIC_KEY" in response.get_json()["detail"]
    assert client.get("/api/v2/powersync-token").status_code == 401  # anonymous: 401 first


def test_start_up_warns_once_without_keys(database_url, monkeypatch, caplog):
    config = TestConfig(database_url)
    config.JWT_PRIVATE_KEY = config.JWT_PUBLIC_KEY = ""
    with caplog.at_level(logging.WARNING, logger="wger_flask.powersync"):
        create_app(config)
    warnings = [r for r in caplog.records if r.name == "wger_flask.powersync"]
    assert len(warnings) == 1
    assert "set JWT_PRIVATE_KEY and JWT_PUBLIC_KEY" in warnings[0].getMessage()


def test_a_malformed_key_stops_the_start_naming_it(database_url):
    config = TestConfig(database_url)
    config.JWT_PRIVATE_KEY = "garbage!"
    with pytest.raises(ConfigurationError, match="JWT_PRIVATE_KEY is not a base64url"):
        create_app(config)


# ------------------------------------------------------------------------------ refusals


UUID_KEY = "01938c1e-0000-7000-8000-000000000001"


def api_get_routes(app) -> list[str]:
    """Every GET route under /api/v2/, its path parameters filled with 1 (a UUID key with a
    UUID)."""
    paths = set()
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/v2/") and "GET" in rule.methods:
            path = rule.rule
            for argument in rule.arguments:
                for converter, value in (("", "1"), ("int_key:", "1"), ("uuid_key:", UUID_KEY)):
                    path = path.replace(f"<{converter}{argument}>", value)
            paths.add(path)
    return sorted(paths)


# Routes that never read credentials (as upstream's): the index, the versions, the documents.
READ_NO_CREDENTIALS = {
    "/api/v2/",
    "/api/v2/version/",
    "/api/v2/min-app-version/",
    "/api/v2/min-server-version/",
}


# Query arguments some routes check before the credentials (as upstream's actions do).
QUERY = {"permission": "x", "amount": "100"}


def test_a_powersync_token_opens_no_api_route(app, client, alice, frozen):
    bearer = {"Authorization": f"Bearer {fetch_token(client, alice)['token']}"}
    routes = api_get_routes(app)
    assert len(routes) > 100
    answered = {
        path: client.get(path, query_string=QUERY, headers=bearer).status_code
        for path in routes
        if path not in READ_NO_CREDENTIALS and not path.startswith("/api/v2/schema")
    }
    assert {path: status for path, status in answered.items() if status != 401} == {}
    for path in ("/api/v2/token/verify", "/api/v2/token/refresh"):
        field = "token" if path.endswith("verify") else "refresh"
        token = bearer["Authorization"].split()[1]
        response = client.post(path, json={field: token})
        assert response.status_code == 401, path


def test_no_api_token_is_a_powersync_token(app, client, user, frozen):
    jwks = client.get("/api/v2/powersync-keys").get_json()
    with app.app_context():
        fresh = db.session.get(type(user), user.id)
        access = tokens.mint_access(fresh)
        refresh = tokens.mint_refresh(fresh, "test")
        db.session.commit()
    for token in (access, refresh):
        with pytest.raises(powersync.InvalidPowerSyncToken):
            powersync.verify_token(token, jwks, frozen)


def test_an_expired_powersync_token_is_refused(client, alice):
    token = fetch_token(client, alice)["token"]
    jwks = client.get("/api/v2/powersync-keys").get_json()
    with pytest.raises(powersync.InvalidPowerSyncToken, match="expired"):
        powersync.verify_token(token, jwks, MOMENT + dt.timedelta(minutes=10))


# ------------------------------------------------------------------------------ typed client


def typed_client(app, headers) -> AuthenticatedClient:
    token = headers["Authorization"].split()[1]
    return AuthenticatedClient(
        base_url="http://localhost",
        token=token,
        raise_on_unexpected_status=True,
        httpx_args={"transport": httpx.WSGITransport(app=app)},
    )


def test_the_released_typed_client_reads_both(app, alice, frozen):
    api = typed_client(app, alice)
    issued = powersync_token_retrieve.sync(client=api)
    keys = powersync_keys_retrieve.sync(client=api)
    jwks = {"keys": [item.to_dict() for item in keys.keys]}
    assert powersync.verify_token(issued.token, jwks, frozen)["aud"] == "powersync"
    assert issued.powersync_url == "http://localhost/ps/"
