"""Rate limits while the shared Redis is down: four workers count in memory, each allowing its
share of every quota, so the deployment as a whole stays within the quota; the outage is
logged once per worker; and the shared counters come back on their own when Redis does.

A private Redis is started and stopped by the test (never the machine's own).
"""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import time
import uuid
from collections import Counter

import pytest

from wger_flask.testing import free_port, running_server

from .test_deployment import call

pytestmark = pytest.mark.e2e

PASSWORD = "outage passphrase"
WORKERS = 4
FALLBACK_LOG = "falling back to in-memory storage"


class PrivateRedis:
    """A redis-server of this test's own on a free port, which it may stop and start again."""

    def __init__(self, directory) -> None:
        self.binary = shutil.which("redis-server")
        self.port = free_port()
        self.directory = directory
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--dir", str(self.directory)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )  # fmt: skip
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            with socket.socket() as probe:
                if probe.connect_ex(("127.0.0.1", self.port)) == 0:
                    return
            time.sleep(0.05)
        raise RuntimeError("the private redis-server did not start")

    def stop(self) -> None:
        if self.process is not None:
            self.process.kill()
            self.process.wait()
            self.process = None

    def keys(self) -> list[str]:
        import redis

        connection = redis.Redis.from_url(self.url)
        return [key.decode() for key in connection.scan_iter(match="*")]


@pytest.fixture
def private_redis(tmp_path):
    if shutil.which("redis-server") is None:
        pytest.skip("redis-server is not installed: the Redis-outage tests are SKIPPED")
    server = PrivateRedis(tmp_path)
    server.start()
    yield server
    server.stop()


def login(server, password: str, username: str = "guarded") -> tuple[int, dict]:
    status, _, raw = call(
        server.url + "/allauth/app/v1/auth/login",
        "POST",
        {"username": username, "password": password},
    )
    return status, json.loads(raw or b"{}")


def outcome(status: int, body: dict) -> str:
    if status == 429:
        return "throttled"
    codes = [error.get("code") for error in body.get("errors", [])]
    return codes[0] if codes else str(status)


def test_quotas_keep_their_global_bound_while_redis_is_down(
    tmp_path, server_database, private_redis
):
    prefix = f"outage-{uuid.uuid4().hex[:8]}"
    env = {
        "WEB_CONCURRENCY": str(WORKERS),
        "GUNICORN_THREADS": "2",
        "RATELIMIT_STORAGE_URI": private_redis.url,
        "RATELIMIT_KEY_PREFIX": prefix,
    }
    with running_server(tmp_path / "server", server_database, bootstrap=False, **env) as server:
        made = server.flask("user", "create", "guarded", "--password", PASSWORD)
        assert made.returncode == 0, made.stdout + made.stderr

        # Redis up: one wrong password is counted under the deployment's prefix, like the rest
        assert outcome(*login(server, "wrong")) == "username_password_mismatch"
        keys = private_redis.keys()
        assert keys and all(prefix in key for key in keys), keys
        assert any("login_failed_account" in key for key in keys), keys

        private_redis.stop()
        answers = Counter(outcome(*login(server, f"guess {n}")) for n in range(40))
        assert not [name for name in answers if name.startswith("5")], answers
        # the login quota is 10 a minute per address and 5 failures per account: 4 workers
        # counting alone must not let more through than one shared count would
        assert sum(n for name, n in answers.items() if name != "throttled") <= 10, answers
        assert answers["username_password_mismatch"] <= 5 - 1, answers  # one was counted above
        assert call(server.url + "/api/v2/muscle/")[0] == 200  # the API keeps serving
        logged = server.log().count(FALLBACK_LOG)
        assert 1 <= logged <= WORKERS, server.log()[-3000:]  # once per worker at most

        # Redis back: the workers find it again by themselves and count there
        private_redis.start()
        assert private_redis.keys() == []
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline and not private_redis.keys():
            call(server.url + "/api/v2/ingredient/?limit=1")
        keys = private_redis.keys()
        assert keys and all(prefix in key for key in keys), "the shared counters never came back"
        assert "Traceback" not in server.log()
