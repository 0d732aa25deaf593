"""The server's log as an operator reads it (``LOG_FORMAT=json``): every line one JSON object;
one request line per request with its id, route template, status, duration, statements and
user; and none of the secrets the requests carried: passwords (right and wrong), access,
refresh and session tokens, an API key, a password-reset key (which travels in a URL path),
nor the configured keys. ``running_server`` scans the log again when it stops."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from wger_flask.testing import running_server

from .test_deployment import call

pytestmark = pytest.mark.e2e

PASSWORD = "a passphrase never logged"
WRONG = "a wrong guess never logged either"
NEW_PASSWORD = "the new passphrase after reset"
METRICS_TOKEN = "metrics-token-that-must-not-be-logged"


def reset_key(outbox: Path) -> str:
    """The key of the newest reset mail's link (the web page's path: /password/reset/<key>/)."""
    newest = sorted(outbox.glob("*.eml"))[-1].read_text(errors="replace")
    found = re.search(r"/password/reset/([^/\s\"<>]+)/", newest.replace("=\n", ""))
    assert found, newest
    return found.group(1)


def test_json_request_lines_and_no_secret_in_the_log(tmp_path, server_database):
    with running_server(tmp_path, server_database, bootstrap=False, LOG_FORMAT="json",
                        METRICS_TOKEN=METRICS_TOKEN) as server:  # fmt: skip
        made = server.flask("user", "create", "logged", "--email", "logged@example.com",
                            "--password", PASSWORD)  # fmt: skip
        assert made.returncode == 0, made.stderr
        login = server.url + "/allauth/app/v1/auth/login"
        assert call(login, "POST", {"username": "logged", "password": WRONG})[0] == 400
        status, headers, body = call(login, "POST", {"username": "logged", "password": PASSWORD})
        assert status == 200, body
        answer = json.loads(body)
        access, refresh = answer["data"]["access"], answer["data"]["refresh"]
        session_token = answer["meta"]["session_token"]
        bearer = {"Authorization": f"Bearer {access}"}
        status, _, body = call(server.url + "/api/v2/token/refresh", "POST", {"refresh": refresh})
        assert status == 200, body
        status, _, body = call(server.url + "/api/v2/routine/", headers=bearer)
        assert status == 200
        status, _, _ = call(
            server.url + "/metrics/", headers={"Authorization": f"Bearer {METRICS_TOKEN}"}
        )
        assert status == 200
        status, _, _ = call(server.url + "/allauth/app/v1/auth/password/request", "POST",
                            {"email": "logged@example.com"})  # fmt: skip
        assert status == 200
        key = reset_key(Path(server.env["WGER_INSTANCE_PATH"]) / "outbox")
        status, _, _ = call(server.url + "/allauth/app/v1/auth/password/reset",
                            headers={"X-Password-Reset-Key": key})  # fmt: skip
        assert status == 200
        status, _, _ = call(server.url + f"/user/password/reset/{key}/",
                            headers={"Accept": "text/html"})  # fmt: skip
        assert status in (200, 302)
        status, _, _ = call(server.url + "/allauth/app/v1/auth/password/reset", "POST",
                            {"key": key, "password": NEW_PASSWORD})  # fmt: skip
        assert status in (200, 401)
        status, headers, _ = call(server.url + "/api/v2/muscle/?token=" + access[:20],
                                  headers={"X-Request-ID": "log-test-7"})  # fmt: skip
        assert headers["X-Request-ID"] == "log-test-7"
        secrets = [PASSWORD, WRONG, NEW_PASSWORD, access, refresh, session_token, key,
                   access[:20], METRICS_TOKEN]  # fmt: skip
        server.secrets.extend(secrets)

        log = server.log()
        lines = [line for line in log.splitlines() if line.strip()]
        entries = [json.loads(line) for line in lines]  # every line is one JSON object
        requests = [entry for entry in entries if entry["logger"] == "wger_flask.request"]
        assert len(requests) >= 10
        [traced] = [entry for entry in requests if entry["request_id"] == "log-test-7"]
        assert traced["route"] == "/api/v2/muscle/" and traced["status"] == 200
        reset_page = [
            entry for entry in requests if "reset" in entry["route"] and "<" in entry["route"]
        ]
        assert reset_page, "the reset page is logged by its template"
        routine = [entry for entry in requests if entry["route"] == "/api/v2/routine/"]
        assert routine and routine[0]["user_id"] not in (None, "None")
        for secret in secrets:
            assert secret not in log, f"{secret[:4]}... is in the log"
