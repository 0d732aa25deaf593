"""One log line per request with its id, route template, status, duration, statements and
user; the request id from ``X-Request-ID`` or made, in every answer and every log line of the
request, and in the body of server errors; JSON lines on demand."""

from __future__ import annotations

import io
import json
import logging

import pytest

from wger_flask.rest.requestlog import JsonFormatter, RequestIdFilter

REQUEST_LOGGER = "wger_flask.request"


def request_records(caplog) -> list[logging.LogRecord]:
    return [record for record in caplog.records if record.name == REQUEST_LOGGER]


def test_a_request_id_is_made_and_returned(client, caplog):
    caplog.set_level(logging.INFO, logger=REQUEST_LOGGER)
    first = client.get("/api/v2/muscle/")
    second = client.get("/api/v2/muscle/")
    ids = [first.headers["X-Request-ID"], second.headers["X-Request-ID"]]
    assert all(len(value) == 32 for value in ids) and ids[0] != ids[1]
    [one, two] = request_records(caplog)
    assert (one.request_id, two.request_id) == tuple(ids)


def test_the_callers_id_is_kept_when_it_is_a_plain_token(client):
    given = "edge-7f3a.b:42"
    assert (
        client.get("/api/v2/muscle/", headers={"X-Request-ID": given}).headers["X-Request-ID"]
        == given
    )


@pytest.mark.parametrize("forged", ["a" * 129, "x;Set-Cookie: a=b", "<script>", "two words", "ü"])
def test_a_forged_id_is_replaced(client, forged):
    answer = client.get(
        "/api/v2/muscle/",
        headers={"X-Request-ID": forged.encode("latin-1", "ignore").decode("latin-1")},
    )
    assert answer.headers["X-Request-ID"] != forged
    assert len(answer.headers["X-Request-ID"]) == 32


def test_the_request_line_names_the_route_template_never_the_path(
    client, user, auth_headers, caplog
):
    caplog.set_level(logging.INFO, logger=REQUEST_LOGGER)
    created = client.post(
        "/api/v2/weightentry/?secret-query=hunter2",
        json={"date": "2026-11-01T08:00:00Z", "weight": "80.5"},
        headers=auth_headers(user),
    )
    assert created.status_code == 201, created.get_json()
    entry = created.get_json()["id"]
    client.get(f"/api/v2/weightentry/{entry}/", headers=auth_headers(user))
    client.get("/no/such/page/with-a-key-0123456789/")
    post, detail, missing = request_records(caplog)
    assert (post.method, post.route, post.status) == ("POST", "/api/v2/weightentry/", 201)
    assert post.user_id == user.id and post.statements >= 1 and post.duration_ms > 0
    assert detail.route == "/api/v2/weightentry/<pk>/" or "<" in detail.route
    assert str(entry) not in detail.getMessage()
    assert missing.route == "(unmatched)" and missing.status == 404 and missing.user_id is None
    text = "\n".join(record.getMessage() for record in caplog.records)
    assert "hunter2" not in text and "0123456789" not in text


def test_server_errors_carry_the_id_in_the_body(client, monkeypatch):
    from sqlalchemy.exc import OperationalError

    from wger_flask.extensions import db

    def broken(*args, **kwargs):
        raise OperationalError("SELECT 1", {}, Exception("connection refused"))

    monkeypatch.setattr(db.session, "execute", broken)
    answer = client.get("/api/v2/muscle/", headers={"X-Request-ID": "trace-1"})
    assert answer.status_code == 503
    assert answer.get_json()["request_id"] == "trace-1" == answer.headers["X-Request-ID"]
    page = client.get("/api/v2/muscle/", headers={"X-Request-ID": "trace-2", "Accept": "text/html"})
    assert page.status_code == 503 and b"trace-2" in page.data  # the browsable page shows it


def test_every_line_of_the_request_carries_its_id(app, client, caplog):
    caplog.set_level(logging.INFO)
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RequestIdFilter())
    handler.setFormatter(JsonFormatter())
    logging.getLogger().addHandler(handler)
    try:
        client.get("/no/such/route/", headers={"X-Request-ID": "json-line-1"})
        logging.getLogger("wger_flask.elsewhere").warning("outside any request")
    finally:
        logging.getLogger().removeHandler(handler)
    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    [request_line] = [line for line in lines if line["logger"] == REQUEST_LOGGER]
    assert request_line["request_id"] == "json-line-1"
    assert request_line["status"] == 404 and request_line["route"] == "(unmatched)"
    assert request_line["time"].endswith("+00:00") and request_line["level"] == "INFO"
    assert request_line["user_id"] is None  # anonymous: null, not "None"
    outside = lines[-1]
    assert outside["message"] == "outside any request" and outside["request_id"] == "-"


def test_health_checks_and_scrapes_are_debug_lines(client, caplog):
    caplog.set_level(logging.INFO, logger=REQUEST_LOGGER)
    client.get("/readyz")
    client.get("/healthz")
    client.get("/metrics")
    assert request_records(caplog) == []
    caplog.set_level(logging.DEBUG, logger=REQUEST_LOGGER)
    client.get("/readyz")
    [line] = request_records(caplog)
    assert line.levelno == logging.DEBUG and line.route == "/readyz/"
