"""Refresh-token rotation across real workers: of concurrent refreshes exactly one wins."""

import json
import threading
import urllib.error
import urllib.request

import pytest

from wger_flask.testing import running_server

pytestmark = pytest.mark.e2e

PASSWORD = "race condition pass"


def post(url: str, payload: dict) -> tuple[int, dict]:
    request = urllib.request.Request(
        url,
        data=json.dumps(payload).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"null")


@pytest.fixture(scope="module")
def two_workers(tmp_path_factory, server_database):
    env = {"WEB_CONCURRENCY": "2", "GUNICORN_THREADS": "4", "RATELIMIT_ENABLED": "false"}
    with running_server(
        tmp_path_factory.mktemp("race"), server_database, bootstrap=False, **env
    ) as server:
        created = server.flask("user", "create", "racer", "--password", PASSWORD)
        assert created.returncode == 0, created.stderr
        yield server


@pytest.mark.parametrize(
    "endpoint,field",
    [("/api/v2/token/refresh", "refresh"), ("/allauth/app/v1/tokens/refresh", "refresh_token")],
)
def test_concurrent_refreshes_of_one_token_have_one_winner(two_workers, endpoint, field):
    status, body = post(
        two_workers.url + "/allauth/app/v1/auth/login", {"username": "racer", "password": PASSWORD}
    )
    assert status == 200, body
    refresh = body["data"]["refresh"]
    results: list[int] = []
    barrier = threading.Barrier(8)

    def attempt() -> None:
        barrier.wait()
        results.append(post(two_workers.url + endpoint, {field: refresh})[0])

    threads = [threading.Thread(target=attempt) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results).count(200) == 1, results
    assert all(status in (200, 400, 401) for status in results), results
