"""/metrics: Prometheus text of the request path (routes, latency, statements), the catalogue
cache, rate-limit refusals, login failures and the Redis fallback; readable from loopback,
from elsewhere only with the ``METRICS_TOKEN`` bearer (attacker requests refused)."""

from __future__ import annotations

import pytest
from prometheus_client.parser import text_string_to_metric_families

from tests.accounts_helpers import LOGIN

REMOTE = {"REMOTE_ADDR": "203.0.113.7"}


def samples(client) -> dict[tuple[str, tuple], float]:
    answer = client.get("/metrics")
    assert answer.status_code == 200, answer.data
    assert answer.headers["Content-Type"].startswith("text/plain")
    found = {}
    for family in text_string_to_metric_families(answer.get_data(as_text=True)):
        for sample in family.samples:
            found[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return found


def value(found, name: str, **labels) -> float:
    return found.get((name, tuple(sorted(labels.items()))), 0.0)


def test_requests_by_route_template_method_and_status(client):
    before = samples(client)
    for _ in range(3):
        assert client.get("/api/v2/muscle/").status_code == 200
    assert client.get("/api/v2/muscle/999999/").status_code == 404
    after = samples(client)
    route = dict(route="/api/v2/muscle/", method="GET", status="200")
    assert (
        value(after, "wger_http_requests_total", **route)
        - value(before, "wger_http_requests_total", **route)
        == 3
    )
    detail = [key for key in after if key[0] == "wger_http_requests_total" and
              ("status", "404") in key[1] and any("muscle" in v and "<" in v for _, v in key[1])]  # fmt: skip
    assert detail, "the detail route is counted by its template"
    count = (
        "wger_http_request_duration_seconds_count",
        (("method", "GET"), ("route", "/api/v2/muscle/")),
    )
    assert after[count] - before.get(count, 0) == 3
    statements = ("wger_sql_statements_per_request_count", (("route", "/api/v2/muscle/"),))
    assert after[statements] - before.get(statements, 0) == 3


def test_catalogue_cache_hits_and_misses(client):
    before = samples(client)
    client.get("/api/v2/exerciseinfo/?limit=3&offset=7")
    client.get("/api/v2/exerciseinfo/?limit=3&offset=7")
    after = samples(client)

    def delta(store, result):
        return value(after, "wger_catalogue_cache_total", store=store, result=result) - value(
            before, "wger_catalogue_cache_total", store=store, result=result
        )

    assert delta("answers", "miss") >= 1 and delta("answers", "hit") >= 1


def test_rate_limit_refusals_and_login_failures(app, client, user, monkeypatch):
    monkeypatch.setitem(app.config["RATE_LIMITS"], "login", "2/minute")
    before = samples(client)
    answers = [
        client.post(LOGIN, json={"username": "alice", "password": "wrong guess"}).status_code
        for _ in range(3)
    ]
    assert answers == [400, 400, 429]
    after = samples(client)
    failures = value(after, "wger_login_failures_total", reason="credentials") - value(
        before, "wger_login_failures_total", reason="credentials"
    )
    assert failures == 2
    refused = value(after, "wger_rate_limit_refusals_total", route=LOGIN + "/") + value(
        after, "wger_rate_limit_refusals_total", route=LOGIN
    )
    before_refused = value(before, "wger_rate_limit_refusals_total", route=LOGIN + "/") + value(
        before, "wger_rate_limit_refusals_total", route=LOGIN
    )
    assert refused - before_refused == 1
    assert value(after, "wger_ratelimit_fallback_workers") == 0


def test_not_public_from_elsewhere_without_a_token(client):
    answer = client.get("/metrics", environ_base=REMOTE)
    assert answer.status_code == 403 and b"wger_http" not in answer.data
    # a forwarded-for header is not believed without trusted proxies (NUMBER_OF_PROXIES=0)
    spoofed = client.get("/metrics", environ_base=REMOTE, headers={"X-Forwarded-For": "127.0.0.1"})
    assert spoofed.status_code == 403


@pytest.fixture
def token(app):
    app.config["METRICS_TOKEN"] = "metrics-token-for-tests-9f8e7d6c5b4a"
    yield app.config["METRICS_TOKEN"]
    app.config["METRICS_TOKEN"] = ""


def test_the_bearer_token_opens_it_from_anywhere(client, token):
    missing = client.get("/metrics", environ_base=REMOTE)
    assert missing.status_code == 401 and missing.headers["WWW-Authenticate"].startswith("Bearer")
    wrong = client.get("/metrics", environ_base=REMOTE, headers={"Authorization": "Bearer nope"})
    assert wrong.status_code == 401
    also_wrong = client.get("/metrics", headers={"Authorization": f"Bearer {token}x"})
    assert also_wrong.status_code == 401  # a wrong token is refused from loopback too
    right = client.get(
        "/metrics", environ_base=REMOTE, headers={"Authorization": f"Bearer {token}"}
    )
    assert right.status_code == 200 and b"wger_http_requests_total" in right.data


def test_a_module_adds_its_own_gauge(app, client):
    from wger_flask.rest import metrics

    size = metrics.gauge(app, "wger_test_cache_bytes", "Bytes a test cache keeps.")
    assert metrics.gauge(app, "wger_test_cache_bytes", "again") is size
    size.set(1234)
    calls = []
    metrics.on_scrape(app, lambda: calls.append(1))
    try:
        assert value(samples(client), "wger_test_cache_bytes") == 1234
    finally:
        metrics.of(app).scrape_callbacks.pop()
    assert calls == [1]


def test_each_cache_reports_its_size_and_bound_in_bytes(client):
    """Issue 28's bounded caches on /metrics: a catalogue read fills a cache, and every cache
    listed by ``rest.caches.report`` appears with its bytes, never above its bound."""
    from wger_flask.rest import caches

    assert client.get("/api/v2/exerciseinfo/?limit=5").status_code == 200
    found = samples(client)
    with client.application.app_context():
        listed = caches.report(client.application)
    assert listed, "no cache is registered"
    for name in listed:
        size = found[("wger_cache_bytes", (("cache", name),))]
        bound = found[("wger_cache_max_bytes", (("cache", name),))]
        assert 0 <= size <= bound, (name, size, bound)
    assert sum(found[("wger_cache_bytes", (("cache", name),))] for name in listed) > 0
