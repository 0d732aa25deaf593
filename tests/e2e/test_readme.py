"""The README runs as written: every ```sh and ```python block of it, in order, against a fresh
server started as ``make run`` starts it, each block in a new shell (or a new Python) from the
repository's folder, as a person copying it would.

What differs from a person's machine, and why:

- The server listens on a free port, not 8000: ``127.0.0.1:8000`` in a block becomes its
  address; the environment names its database and instance folder (``DATABASE_URL``,
  ``WGER_INSTANCE_PATH``), which on a person's machine are the defaults ``make run`` used.
- A command that asks for a password on the terminal reads ``TYPED`` from its input.
- ``make run`` is the server this test started (``make -n run`` checks that the target is
  there and says what it would run); ``make test`` is the suite running this test
  (``make -n test``). A block that starts gunicorn is started on another free port, waited for
  until it answers, then stopped.
"""

from __future__ import annotations

import re
import subprocess
import urllib.request
from pathlib import Path

import pytest

from wger_flask.testing import BIN, REPO, free_port, running_server, wait_until_up

pytestmark = pytest.mark.e2e

README = REPO / "README.md"
TYPED = "quiet meadow compass 58\n" * 4  # what a person types when a command asks
BLOCK = re.compile(r"^```(sh|python)\n(.*?)^```", re.MULTILINE | re.DOTALL)


def blocks() -> list[tuple[str, str]]:
    return BLOCK.findall(README.read_text())


def test_the_readme_has_command_blocks_to_run():
    kinds = [kind for kind, _ in blocks()]
    assert kinds.count("sh") >= 3 and "python" in kinds


@pytest.fixture(scope="module")
def fresh_server(tmp_path_factory):
    workdir = tmp_path_factory.mktemp("readme")
    database = f"sqlite:///{workdir / 'readme.sqlite3'}"
    with running_server(workdir, database) as server:
        yield server


def run(command: list[str], env: dict[str, str], **extra) -> subprocess.CompletedProcess:
    result = subprocess.run(
        command,
        cwd=REPO,
        env=env,
        input=TYPED,
        capture_output=True,
        text=True,
        timeout=600,
        **extra,
    )
    assert result.returncode == 0, f"{command}:\n{result.stdout}\n{result.stderr}"
    return result


def run_shell_block(text: str, env: dict[str, str], workdir: Path) -> str:
    lines = [line for line in text.splitlines() if line.strip()]
    if any(re.match(r"make (run|test)\b", line) for line in lines):
        # make run / make test: this server and this suite; check the targets resolve.
        for line in lines:
            target = re.match(r"make (\w+)", line).group(1)
            run(["make", "-n", target], env)
        return ""
    if any("gunicorn" in line for line in lines):
        return start_and_stop(text, env, workdir)
    return run(["bash", "-e", "-c", text], env).stdout


def start_and_stop(text: str, env: dict[str, str], workdir: Path) -> str:
    """A block that ends by starting the server: run it, wait until it answers, stop it."""
    port = str(free_port())
    log_path = workdir / f"readme-gunicorn-{port}.log"
    with open(log_path, "w") as log:
        process = subprocess.Popen(
            ["bash", "-e", "-c", text],
            cwd=REPO,
            env={**env, "PORT": port},
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        wait_until_up(f"http://127.0.0.1:{port}", process, log_path, timeout=300)
    finally:
        import os
        import signal

        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=60)
    return log_path.read_text()


def test_every_command_block_of_the_readme_works_as_written(fresh_server, tmp_path):
    env = {**fresh_server.env}
    address = fresh_server.url.removeprefix("http://")
    outputs = []
    for kind, text in blocks():
        text = text.replace("127.0.0.1:8000", address)
        if kind == "python":
            script = tmp_path / f"block{len(outputs)}.py"
            script.write_text(text)
            outputs.append(run([str(BIN / "python"), str(script)], env).stdout)
        else:
            outputs.append(run_shell_block(text, env, tmp_path))
    joined = "\n".join(outputs)
    assert "Created superuser 'admin'" in joined  # make user NAME=admin ...
    assert "Created user 'alice'" in joined
    assert "alice\n{}\n['access', 'refresh']" in joined  # the Python example's three prints
    assert "wger-flask at https://wger.example.com" in joined  # the deployment block served


def test_make_run_on_an_empty_database_says_how_to_make_the_first_account(tmp_path):
    env = {
        "PATH": f"{BIN}:/usr/bin:/bin",
        "WGER_INSTANCE_PATH": str(tmp_path / "instance"),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'empty.sqlite3'}",
        "HOME": str(tmp_path),
    }
    boot = run([str(BIN / "flask"), "--app", "wsgi", "bootstrap"], env)
    assert "No account exists yet" in boot.stdout
    assert "make user NAME=admin EMAIL=admin@example.com" in boot.stdout
    printed = re.search(r"\.venv/bin/flask --app wsgi user create [^\n]+", boot.stdout).group(0)
    made = run(["bash", "-e", "-c", printed], env)  # the printed command, as written
    assert "Created superuser 'admin'" in made.stdout
    again = run([str(BIN / "flask"), "--app", "wsgi", "bootstrap"], env)
    assert "No account exists yet" not in again.stdout


def test_the_local_outbox_is_announced_and_open_on_a_development_server(fresh_server):
    assert f"open {fresh_server.url}/dev/mail/ on this machine" in fresh_server.log()
    with urllib.request.urlopen(fresh_server.url + "/dev/mail/", timeout=10) as page:
        assert page.status == 200 and b"Local outbox" in page.read()
