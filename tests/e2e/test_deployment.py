"""The production set-up: several gunicorn workers sharing rate limits through Redis, the
refusal to multiply quotas with in-process counters, and Redis going away mid-run."""

import json
import os
import shutil
import socket
import subprocess
import time
import urllib.error
import urllib.request
import uuid

import pytest

from wger_flask.testing import BIN, REPO, free_port, running_server

pytestmark = pytest.mark.e2e

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
PASSWORD = "deployment passphrase"


def redis_answers(url: str = REDIS_URL) -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(url, socket_connect_timeout=2).ping())
    except Exception:
        return False


def call(
    url: str, method: str = "GET", payload: dict | None = None, headers: dict | None = None
) -> tuple[int, dict, bytes]:
    data = json.dumps(payload).encode() if payload is not None else None
    request = urllib.request.Request(
        url,
        data=data,
        method=method,
        headers={"Content-Type": "application/json", **(headers or {})},
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


@pytest.mark.parametrize(
    "how,arguments",
    [({"WEB_CONCURRENCY": "2"}, []), ({}, ["-w", "2"])],
    ids=["WEB_CONCURRENCY", "command-line"],
)
def test_several_workers_without_shared_storage_are_refused(tmp_path, how, arguments):
    env = {
        **{key: value for key, value in os.environ.items() if key != "WEB_CONCURRENCY"},
        **how,
        "RATELIMIT_STORAGE_URI": "memory://",
        "PORT": str(free_port()),
        "SITE_URL": "http://127.0.0.1",
        "WGER_INSTANCE_PATH": str(tmp_path),
    }
    result = subprocess.run(
        [str(BIN / "gunicorn"), "--config", "gunicorn.conf.py", *arguments, "wsgi:app"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    output = result.stderr + result.stdout
    assert "Refusing to start 2 workers" in output
    assert "RATELIMIT_STORAGE_URI=redis://" in output
    assert "Traceback" not in output


def four_workers_on_redis(tmp_path_factory, database_url):
    """Four gunicorn workers sharing counters in Redis (a fresh namespace each time)."""
    if not redis_answers():
        pytest.skip(f"Redis is not reachable at {REDIS_URL}: multi-worker rate-limit test SKIPPED")
    env = {
        "WEB_CONCURRENCY": "4",
        "GUNICORN_THREADS": "2",
        "RATELIMIT_STORAGE_URI": REDIS_URL,
        "RATELIMIT_KEY_PREFIX": f"test-{uuid.uuid4().hex}",
    }
    return running_server(tmp_path_factory.mktemp("redis"), database_url, bootstrap=False, **env)


@pytest.fixture(scope="module")
def redis_cluster(tmp_path_factory, server_database):
    with four_workers_on_redis(tmp_path_factory, server_database) as server:
        assert server.flask("user", "create", "worker", "--password", PASSWORD).returncode == 0
        yield server


def clear_counters(server) -> None:
    """Delete every counter of ``server``'s namespace, so a test starts from a fresh quota
    whatever ran before it (the module's tests share one server)."""
    import redis

    connection = redis.Redis.from_url(REDIS_URL)
    prefix = server.env["RATELIMIT_KEY_PREFIX"]
    keys = list(connection.scan_iter(match=f"*{prefix}*"))
    if keys:
        connection.delete(*keys)


def login_worker(server, headers: dict | None = None) -> tuple[int, dict, bytes]:
    return call(
        server.url + "/allauth/app/v1/auth/login",
        "POST",
        {"username": "worker", "password": PASSWORD},
        headers,
    )


def test_login_quota_is_exact_across_four_workers(redis_cluster):
    clear_counters(redis_cluster)
    statuses = [
        call(
            redis_cluster.url + "/allauth/app/v1/auth/login",
            "POST",
            {"username": "worker", "password": PASSWORD},
        )[0]
        for _ in range(11)
    ]
    assert statuses == [200] * 10 + [429]


def test_ingredient_list_quota_is_exact_across_four_workers(redis_cluster):
    import concurrent.futures

    clear_counters(redis_cluster)
    url = redis_cluster.url + "/api/v2/ingredient/?limit=1"
    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        responses = list(pool.map(lambda _: call(url), range(130)))
    statuses = [status for status, _, _ in responses]
    assert statuses.count(200) == 120 and statuses.count(429) == 10, statuses
    throttled = next(headers for status, headers, _ in responses if status == 429)
    assert 1 <= int(throttled["Retry-After"]) <= 60
    body = next(json.loads(raw) for status, _, raw in responses if status == 429)
    assert body["detail"].startswith("Request was throttled. Expected available in ")


def test_each_user_gets_their_own_ingredient_quota(tmp_path_factory, server_database):
    with four_workers_on_redis(tmp_path_factory, server_database) as server:
        headers = []
        for name in ("first", "second"):
            assert server.flask("user", "create", name, "--password", PASSWORD).returncode == 0
            status, _, raw = call(
                server.url + "/allauth/app/v1/auth/login",
                "POST",
                {"username": name, "password": PASSWORD},
            )
            assert status == 200
            headers.append({"Authorization": f"Bearer {json.loads(raw)['data']['access']}"})
        for header in headers:
            statuses = [
                call(server.url + "/api/v2/ingredient/?limit=1", headers=header)[0]
                for _ in range(121)
            ]
            assert statuses.count(200) == 120 and statuses[-1] == 429
        assert call(server.url + "/api/v2/ingredient/?limit=1")[0] == 200  # anonymous: its own


def test_forged_forwarded_for_does_not_get_a_fresh_quota(redis_cluster):
    clear_counters(redis_cluster)  # this test's own quota, used up here
    assert [login_worker(redis_cluster)[0] for _ in range(10)] == [200] * 10
    status, headers, _ = login_worker(redis_cluster, {"X-Forwarded-For": "203.0.113.7"})
    assert status == 429
    assert 1 <= int(headers["Retry-After"]) <= 60


@pytest.fixture
def private_redis(tmp_path):
    """A Redis server of our own, so the test can stop it."""
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.skip("redis-server is not installed: the Redis-outage test is SKIPPED")
    port = free_port()
    process = subprocess.Popen(
        [
            binary,
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(tmp_path),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                break
        time.sleep(0.05)
    yield process, f"redis://127.0.0.1:{port}/0"
    process.kill()
    process.wait()


def test_redis_stopping_mid_run_never_gives_500s(tmp_path, server_database, private_redis):
    process, url = private_redis
    env = {"WEB_CONCURRENCY": "2", "RATELIMIT_STORAGE_URI": url}
    with running_server(tmp_path, server_database, bootstrap=False, **env) as server:
        assert server.flask("user", "create", "survivor", "--password", PASSWORD).returncode == 0

        def login():
            return call(
                server.url + "/allauth/app/v1/auth/login",
                "POST",
                {"username": "survivor", "password": PASSWORD},
            )[0]

        assert login() == 200
        process.kill()
        process.wait()
        after = [login() for _ in range(6)] + [call(server.url + "/api/v2/muscle/")[0]]
        assert 500 not in after and after[-1] == 200
        assert all(status in (200, 429) for status in after)
        assert "falling back to in-memory storage" in server.log() or "unreachable" in server.log()
