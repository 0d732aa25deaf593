"""Per-route rate limits in one process (the multi-worker Redis case is in tests/e2e)."""

import pytest

from tests.accounts_helpers import LOGIN, PASSWORD, login


def test_eleventh_login_from_one_address_is_429(client, user):
    statuses = [login(client, "alice").status_code for _ in range(10)]
    assert statuses == [200] * 10
    throttled = login(client, "alice")
    assert throttled.status_code == 429
    assert throttled.get_json() == {"status": 429}
    assert "no-store" in throttled.headers["Cache-Control"]  # as every headless answer
    retry_after = int(throttled.headers["Retry-After"])
    assert 1 <= retry_after <= 60
    assert throttled.headers["RateLimit-Limit"] == "10"
    assert throttled.headers["RateLimit-Remaining"] == "0"


def test_login_and_2fa_share_the_login_quota(client, user):
    for _ in range(5):
        login(client, "alice")
    for _ in range(5):
        client.post("/allauth/app/v1/auth/2fa/authenticate", json={"code": "123456"})
    assert login(client, "alice").status_code == 429


def test_forged_forwarded_for_does_not_reset_the_count(client, user):
    for hop in range(10):
        login(client, "alice", headers={"X-Forwarded-For": f"10.0.0.{hop}"})
    assert login(client, "alice", headers={"X-Forwarded-For": "10.9.9.9"}).status_code == 429


def test_quota_headers_count_down(client, user):
    first = login(client, "alice")
    assert first.headers["RateLimit-Limit"] == "10"
    assert first.headers["RateLimit-Remaining"] == "9"
    assert int(first.headers["RateLimit-Reset"]) <= 60
    assert "Retry-After" not in first.headers


def test_unthrottled_routes_have_no_quota_headers(client):
    response = client.get("/api/v2/muscle/")
    assert "RateLimit-Limit" not in response.headers


def test_api_429_body_and_per_user_buckets(client, user, other_user, auth_headers):
    alice, mallory = auth_headers(user), auth_headers(other_user)
    for _ in range(5):
        assert (
            client.patch("/api/v2/userprofile/", json={"age": 30}, headers=alice).status_code == 200
        )
    throttled = client.patch("/api/v2/userprofile/", json={"age": 30}, headers=alice)
    assert throttled.status_code == 429
    detail = throttled.get_json()["detail"]
    assert detail.startswith("Request was throttled. Expected available in ")
    assert detail.endswith((" seconds.", " second."))
    seconds = int(detail.removeprefix("Request was throttled. Expected available in ").split()[0])
    assert 1 <= seconds <= 60
    assert throttled.headers["Retry-After"] == str(seconds)  # the header and the body agree
    assert (
        client.patch("/api/v2/userprofile/", json={"age": 31}, headers=mallory).status_code == 200
    )


def test_failed_passwords_lock_the_account_not_the_address(client, user, make_user):
    for _ in range(5):
        response = client.post(LOGIN, json={"username": "alice", "password": "guess"})
        assert response.get_json()["errors"][0]["code"] == "username_password_mismatch"
    locked = client.post(LOGIN, json={"username": "alice", "password": PASSWORD})
    assert locked.status_code == 400
    assert locked.get_json()["errors"] == [
        {
            "message": "Too many failed login attempts. Try again later.",
            "code": "too_many_login_attempts",
        }
    ]
    # the same account by email is the same lock only for that identifier; another account is free
    make_user("bob")
    assert login(client, "bob").status_code == 200


def test_a_success_clears_the_accounts_failures(client, user):
    for _ in range(4):
        client.post(LOGIN, json={"username": "alice", "password": "guess"})
    assert login(client, "alice").status_code == 200
    for _ in range(4):
        client.post(LOGIN, json={"username": "alice", "password": "guess"})
    assert login(client, "alice").status_code == 200


@pytest.mark.parametrize("enabled", [False])
def test_rate_limits_can_be_switched_off(app, client, user, enabled, monkeypatch):
    from wger_flask.extensions import limiter

    monkeypatch.setattr(limiter, "enabled", enabled)
    assert all(login(client, "alice").status_code == 200 for _ in range(12))


@pytest.mark.parametrize(
    "credentials",
    [{}, {"Authorization": "Token 0000000000000000000000000000000000000000"}],
    ids=["none", "refused"],
)
def test_refused_credentials_get_their_401_not_a_429(client, credentials):
    """DRF authenticates and checks permissions before it throttles: on a throttled route
    that needs a user, a request without usable credentials is a 401 however often it comes
    (schemathesis' ignored_auth check), and it spends nobody's quota."""
    statuses = {
        client.patch("/api/v2/userprofile/", json={"age": 30}, headers=credentials).status_code
        for _ in range(8)
    }
    assert statuses == {401}


def test_refused_credentials_spend_no_quota_of_the_address(client):
    bogus = {"Authorization": "Token 0000000000000000000000000000000000000000"}
    assert {client.get("/api/v2/ingredient/?limit=1", headers=bogus).status_code
            for _ in range(5)} == {401}  # fmt: skip
    counted = client.get("/api/v2/ingredient/?limit=1")
    assert counted.headers["RateLimit-Remaining"] == "119"  # the 401s were not counted


def test_ingredient_lists_share_120_per_minute(client):
    statuses = [client.get("/api/v2/ingredient/?limit=1").status_code for _ in range(60)]
    statuses += [client.get("/api/v2/ingredientinfo/?limit=1").status_code for _ in range(60)]
    assert statuses == [200] * 120
    throttled = client.get("/api/v2/ingredient/?limit=1")
    assert throttled.status_code == 429
    assert throttled.headers["RateLimit-Limit"] == "120"
    assert client.get("/api/v2/ingredient/1/").status_code in (200, 404)  # details: own bucket
    assert client.get("/api/v2/muscle/").status_code == 200  # unthrottled


def test_ingredient_details_and_get_values_share_300_per_minute(client):
    first = client.get("/api/v2/ingredient/").get_json()["results"][0]["id"]
    for index in range(300):
        path = (
            f"/api/v2/ingredient/{first}/"
            if index % 2
            else f"/api/v2/ingredient/{first}/get_values/?amount=100"
        )
        assert client.get(path).status_code == 200
    assert client.get(f"/api/v2/ingredientinfo/{first}/").status_code == 429
