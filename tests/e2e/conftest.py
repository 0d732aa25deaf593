"""End-to-end fixtures: the real server (``flask bootstrap`` + gunicorn via ``wsgi.py``)."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import fresh_postgres_database, postgres_reachable

REPO = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class LiveServer:
    url: str
    env: dict[str, str]
    process: subprocess.Popen
    log_path: Path

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def flask(self, *args: str) -> subprocess.CompletedProcess:
        """Run a ``flask`` command against the server's database."""
        return subprocess.run(
            [str(BIN / "flask"), "--app", "wsgi", *args],
            cwd=REPO,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=120,
        )


def wait_until_up(url: str, process: subprocess.Popen, log_path: Path, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode}:\n{log_path.read_text()}")
        try:
            with urllib.request.urlopen(url + "/api/v2/version/", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"server did not come up in {timeout} s:\n{log_path.read_text()}")


@contextlib.contextmanager
def run_server(tmp_path: Path, database_url: str, **env_overrides: str) -> Iterator[LiveServer]:
    """Bootstrap a database and serve it with gunicorn; stop the server afterwards."""
    port = free_port()
    env = {
        **os.environ,
        "PORT": str(port),
        "WGER_INSTANCE_PATH": str(tmp_path / "instance"),
        "DATABASE_URL": database_url,
        "GUNICORN_ACCESSLOG": "",
        **env_overrides,
    }
    bootstrap = subprocess.run(
        [str(BIN / "flask"), "--app", "wsgi", "bootstrap"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert bootstrap.returncode == 0, bootstrap.stdout + bootstrap.stderr
    log_path = tmp_path / "gunicorn.log"
    with open(log_path, "w") as log:
        process = subprocess.Popen(
            [str(BIN / "gunicorn"), "--config", "gunicorn.conf.py", "wsgi:app"],
            cwd=REPO,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    server = LiveServer(f"http://127.0.0.1:{port}", env, process, log_path)
    try:
        wait_until_up(server.url, process, log_path)
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()


@pytest.fixture(scope="module")
def server_database(request: pytest.FixtureRequest, tmp_path_factory) -> Iterator[str]:
    """A database URL for a live server, on the backend the suite runs with."""
    if request.config.getoption("--database") == "postgres":
        if not postgres_reachable():
            pytest.skip("PostgreSQL not reachable")
        with fresh_postgres_database() as url:
            yield url
    else:
        yield f"sqlite:///{tmp_path_factory.mktemp('e2e') / 'live.sqlite3'}"


@pytest.fixture(scope="module")
def live_server(tmp_path_factory, server_database) -> Iterator[LiveServer]:
    """One gunicorn worker with threads, on a bootstrapped database."""
    with run_server(tmp_path_factory.mktemp("live"), server_database) as server:
        yield server
