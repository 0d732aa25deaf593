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
from dataclasses import dataclass, field
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
    process: subprocess.Popen[bytes] | None  # None until started
    log_path: Path
    # secrets the test used against this server (passwords, tokens): its log must hold none
    secrets: list[str] = field(default_factory=list)

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def start(self) -> None:
        """Start gunicorn (again, after a stop: same port, same folder; the log goes on)."""
        with open(self.log_path, "a") as log:
            process = subprocess.Popen(
                [str(BIN / "gunicorn"), "--config", "gunicorn.conf.py", "wsgi:app"],
                cwd=REPO,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
            self.process = process
        try:
            wait_until_up(self.url, process, self.log_path)
        except BaseException:
            stop_server(self)
            raise

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
    bootstrapping it first unless told not to; stop the server afterwards, and fail if its
    log holds a secret it was given or that the test noted (``LiveServer.secrets``)."""
    server = start_server(workdir, database_url, bootstrap=bootstrap, **env_overrides)
    try:
        yield server
    finally:
        stop_server(server)
    leaked = leaked_secrets(server)
    if leaked:
        raise AssertionError(f"the server log {server.log_path} holds secrets: {leaked}")


def start_server(
    workdir: Path, database_url: str, *, bootstrap: bool = True, **env_overrides: str
) -> LiveServer:
    """``running_server`` without the context: the caller stops it (``stop_server``)."""
    workdir.mkdir(parents=True, exist_ok=True)  # without a bootstrap nothing else makes it
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
    server = LiveServer(f"http://127.0.0.1:{env['PORT']}", env, None, workdir / "gunicorn.log")
    server.start()
    return server


def stop_server(server: LiveServer) -> None:
    process = server.process
    if process is None or process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


# the settings whose values must never appear in a log
SECRET_SETTINGS = (
    "SECRET_KEY",
    "JWT_SECRET_KEY",
    "JWT_PRIVATE_KEY",
    "AWS_SECRET_ACCESS_KEY",
    "METRICS_TOKEN",
    "MAIL_PASSWORD",
    "PASSWORD",
)


def leaked_secrets(server: LiveServer) -> list[str]:
    """The secrets (settings, the instance's generated key, those the test noted) found in
    the server's log, each shortened so the report does not repeat it."""
    candidates = [server.env.get(name, "") for name in SECRET_SETTINGS]
    key_file = Path(server.env["WGER_INSTANCE_PATH"]) / "secret_key"
    if key_file.exists():
        candidates.append(key_file.read_text().strip())
    candidates.extend(server.secrets)
    log = server.log() if server.log_path.exists() else ""
    return [f"{value[:4]}..." for value in candidates if len(value) >= 8 and value in log]
