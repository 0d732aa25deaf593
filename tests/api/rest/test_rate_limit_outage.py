"""While the shared counters are unreachable each worker allows its share of every quota, and
every counter, the per-account failure counts too, lives under ``RATELIMIT_KEY_PREFIX`` (the
real outage, with a private Redis stopped mid-run, is in tests/e2e/test_redis_outage.py)."""

import pytest

from tests.accounts_helpers import LOGIN, login


@pytest.fixture
def outage(app, monkeypatch):
    """Four workers, Redis configured and down: counting has fallen back to memory."""
    from wger_flask.extensions import limiter

    monkeypatch.setitem(app.config, "WORKERS", 4)
    monkeypatch.setitem(app.config, "RATELIMIT_STORAGE_URI", "redis://127.0.0.1:1/0")
    monkeypatch.setattr(limiter, "_storage_dead", True)
    monkeypatch.setattr(limiter._storage, "check", lambda: False)  # still down when retried
    limiter._fallback_storage.reset()
    yield
    limiter._fallback_storage.reset()


def test_a_worker_allows_its_share_of_the_login_quota(client, user, outage):
    statuses = [login(client, "alice").status_code for _ in range(3)]
    assert statuses == [200, 200, 429]  # 10 a minute ÷ 4 workers


def test_a_worker_allows_its_share_of_failed_passwords(client, user, outage):
    first = client.post(LOGIN, json={"username": "alice", "password": "guess"})
    assert first.get_json()["errors"][0]["code"] == "username_password_mismatch"
    # 5 failures per account ÷ 4 workers = 1: the next attempt is refused before any check
    second = client.post(LOGIN, json={"username": "alice", "password": "another guess"})
    assert second.status_code == 400
    assert second.get_json()["errors"][0]["code"] != "username_password_mismatch"


def test_whole_quotas_while_the_counters_are_shared(app, client, user):
    assert [login(client, "alice").status_code for _ in range(10)] == [200] * 10


def test_failure_counters_live_under_the_key_prefix(app, client, user, monkeypatch):
    from wger_flask.extensions import limiter

    monkeypatch.setitem(app.config, "RATELIMIT_KEY_PREFIX", "deployment-one")
    client.post(LOGIN, json={"username": "alice", "password": "guess"})
    storage = limiter._storage
    keys = [str(key) for key in (*storage.events, *storage.storage)]
    failures = [key for key in keys if "login_failed_account" in key]
    assert failures and all("deployment-one" in key for key in failures), keys
