"""Parallel writes on the real server, as the MCP server and scripts send them: 4 workers × 4
threads, 8 clients × 200 POSTs of routines and workout logs, 24 logins at once. No 5xx, and
every 201 is a row in the database afterwards (counted there, not through the API); logs of
one routine and date, written in parallel, share one session.

``WGER_PARALLEL_REQUESTS`` (default 200) sets the requests per client.
"""

from __future__ import annotations

import concurrent.futures
import json
import os
import urllib.error
import urllib.request
from collections import Counter

import pytest
import sqlalchemy as sa

from wger_flask.testing import running_server

pytestmark = pytest.mark.e2e

CLIENTS = 8
REQUESTS = int(os.environ.get("WGER_PARALLEL_REQUESTS", "200"))
LOGINS = 24
PASSWORD = "parallel passphrase"
EXERCISE = 9
DAY = "2024-03-04"


def call(url: str, method: str = "GET", payload: dict | None = None, token: str | None = None):
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    data = None if payload is None else json.dumps(payload).encode()
    request = urllib.request.Request(url, data=data, method=method, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=120) as response:
            return response.status, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as error:
        body = error.read()
        try:
            return error.code, json.loads(body)
        except ValueError:
            return error.code, body[:200]


@pytest.fixture(scope="module")
def busy_server(tmp_path_factory, server_database):
    env = {
        "WEB_CONCURRENCY": "4",
        "GUNICORN_THREADS": "4",
        # the database is under test here, not the quotas (tests/e2e/test_deployment.py)
        "RATELIMIT_ENABLED": "false",
    }
    with running_server(
        tmp_path_factory.mktemp("parallel"), server_database, bootstrap=False, **env
    ) as server:
        for name in ("writer", "other"):
            made = server.flask("user", "create", name, "--password", PASSWORD)
            assert made.returncode == 0, made.stdout + made.stderr
        yield server


def login(server, username: str = "writer") -> tuple[int, object]:
    return call(
        server.url + "/allauth/app/v1/auth/login",
        "POST",
        {"username": username, "password": PASSWORD},
    )


def count(database_url: str, sql: str, **parameters) -> int:
    engine = sa.create_engine(database_url)
    try:
        with engine.connect() as connection:
            return connection.execute(sa.text(sql), parameters).scalar_one()
    finally:
        engine.dispose()


def test_parallel_logins_all_succeed(busy_server):
    with concurrent.futures.ThreadPoolExecutor(LOGINS) as pool:
        statuses = list(pool.map(lambda _: login(busy_server)[0], range(LOGINS)))
    assert statuses == [200] * LOGINS, Counter(statuses)


def test_parallel_routines_and_logs_never_fail_and_all_are_stored(busy_server, server_database):
    status, body = login(busy_server)
    assert status == 200, body
    token = body["data"]["access"]
    url = busy_server.url + "/api/v2/"
    status, routine = call(url + "routine/", "POST",
                           {"name": "Shared", "start": "2024-03-01", "end": "2024-03-30"}, token)  # fmt: skip
    assert status == 201, routine

    def client_run(number: int) -> list[tuple[str, int]]:
        outcomes = []
        for step in range(REQUESTS):
            if step % 2:
                body = {"name": f"R {number}-{step}", "start": "2024-01-01", "end": "2024-01-28"}
                outcomes.append(("routine", call(url + "routine/", "POST", body, token)[0]))
            else:
                body = {"exercise": EXERCISE, "routine": routine["id"], "repetitions": "5",
                        "weight": "20", "date": f"{DAY}T10:{step % 60:02d}:00Z"}  # fmt: skip
                outcomes.append(("log", call(url + "workoutlog/", "POST", body, token)[0]))
        return outcomes

    with concurrent.futures.ThreadPoolExecutor(CLIENTS) as pool:
        outcomes = [item for run in pool.map(client_run, range(CLIENTS)) for item in run]
    statuses = Counter(status for _, status in outcomes)
    assert not [status for status in statuses if status >= 500], statuses
    assert set(statuses) == {201}, statuses  # writes wait for the lock: none is refused
    created = Counter(kind for kind, status in outcomes if status == 201)

    user = "(SELECT id FROM auth_user WHERE username = 'writer')"
    routines = count(
        server_database, f"SELECT count(*) FROM manager_routine WHERE user_id = {user}"
    )
    assert routines == created["routine"] + 1
    logs = count(
        server_database,
        "SELECT count(*) FROM manager_workoutlog WHERE routine_id = :routine",
        routine=routine["id"],
    )
    assert logs == created["log"]
    sessions = count(
        server_database,
        "SELECT count(*) FROM manager_workoutsession WHERE routine_id = :routine",
        routine=routine["id"],
    )
    assert sessions == 1  # every parallel log of the routine and date joined the same one
    orphans = count(
        server_database,
        "SELECT count(*) FROM manager_workoutlog WHERE routine_id = :routine AND session_id "
        "NOT IN (SELECT id FROM manager_workoutsession)",
        routine=routine["id"],
    )
    assert orphans == 0


def test_parallel_creates_of_one_unique_row_give_one_201(busy_server, server_database):
    status, body = login(busy_server, "other")
    token = body["data"]["access"]
    url = busy_server.url + "/api/v2/"
    status, routine = call(url + "routine/", "POST",
                           {"name": "Unique", "start": "2024-03-01", "end": "2024-03-30"}, token)  # fmt: skip
    assert status == 201
    body = {"routine": routine["id"], "datetime_start": "2024-03-09T08:00:00Z"}

    with concurrent.futures.ThreadPoolExecutor(CLIENTS) as pool:
        answers = list(
            pool.map(lambda _: call(url + "workoutsession/", "POST", body, token), range(16))
        )
    statuses = Counter(status for status, _ in answers)
    assert statuses == Counter({201: 1, 400: 15}), statuses
    refusals = {json.dumps(answer, sort_keys=True) for status, answer in answers if status == 400}
    assert refusals == {
        json.dumps({"non_field_errors": ["The fields date, routine must make a unique set."]})
    }
    stored = count(
        server_database,
        "SELECT count(*) FROM manager_workoutsession WHERE routine_id = :routine",
        routine=routine["id"],
    )
    assert stored == 1
