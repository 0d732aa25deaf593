"""The real server for end-to-end tests and benchmarks, started the way ``make run`` starts it:
``flask bootstrap``, then gunicorn with this checkout's ``gunicorn.conf.py`` and ``wsgi.py``.

Used by ``tests/e2e`` and ``benchmarks/``; it needs a source checkout (the repository root is
the working directory of both commands), not an installed wheel.
"""

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

REPO = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@dataclass
class LiveServer:
    url: str
    env: dict[str, str]
    process: subprocess.Popen[bytes]
    log_path: Path

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def flask(self, *args: str) -> subprocess.CompletedProcess[str]:
        """Run a ``flask`` command against the server's database."""
        return flask_command(self.env, *args)


def flask_command(
    env: dict[str, str], *args: str, timeout: float = 300
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(BIN / "flask"), "--app", "wsgi", *args],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def wait_until_up(
    url: str, process: subprocess.Popen[bytes], log_path: Path, timeout: float = 60
) -> None:
    """Poll ``/api/v2/version/`` until it answers; fail with the server's log otherwise."""
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
def running_server(
    workdir: Path, database_url: str, *, bootstrap: bool = True, **env_overrides: str
) -> Iterator[LiveServer]:
    """Serve ``database_url`` with gunicorn (its instance folder and log under ``workdir``),
    bootstrapping it first unless told not to; stop the server afterwards."""
    port = str(env_overrides.pop("PORT", None) or free_port())
    env = {
        **os.environ,
        "PORT": port,
        "SITE_URL": f"http://127.0.0.1:{port}",
        "WGER_INSTANCE_PATH": str(workdir / "instance"),
        "DATABASE_URL": database_url,
        "GUNICORN_ACCESSLOG": "",
        **env_overrides,
    }
    if bootstrap:
        result = flask_command(env, "bootstrap")
        if result.returncode != 0:
            raise RuntimeError(f"flask bootstrap failed:\n{result.stdout}{result.stderr}")
    log_path = workdir / "gunicorn.log"
    with open(log_path, "w") as log:
        process = subprocess.Popen(
            [str(BIN / "gunicorn"), "--config", "gunicorn.conf.py", "wsgi:app"],
            cwd=REPO,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    server = LiveServer(f"http://127.0.0.1:{env['PORT']}", env, process, log_path)
    try:
        wait_until_up(server.url, process, log_path)
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
