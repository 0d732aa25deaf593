"""Settings a deployment can get wrong end with one clear line, never a traceback: a short
SECRET_KEY, a malformed DATABASE_URL, a database that is missing or never bootstrapped; and a
fresh install with SECRET_KEY set bootstraps (its instance folder is made either way)."""

import os
import subprocess

import pytest

from tests.conftest import POSTGRES_ADMIN_URL, postgres_reachable
from wger_flask.testing import BIN, REPO, flask_command, free_port

pytestmark = pytest.mark.e2e

GOOD_KEY = "k" * 48


def environment(tmp_path, **overrides: str) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("SECRET_KEY", "JWT_SECRET_KEY", "DATABASE_URL", "WEB_CONCURRENCY")
    }
    port = str(free_port())
    env.update(
        {
            "WGER_INSTANCE_PATH": str(tmp_path / "instance"),
            "PORT": port,
            "SITE_URL": f"http://127.0.0.1:{port}",
            "GUNICORN_ACCESSLOG": "",
            **overrides,
        }
    )
    return env


def gunicorn(env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(BIN / "gunicorn"), "--config", "gunicorn.conf.py", "wsgi:app"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def one_clear_line(result: subprocess.CompletedProcess, *words: str) -> None:
    output = result.stdout + result.stderr
    assert result.returncode != 0, output
    assert "Traceback" not in output, output
    lines = [line for line in output.splitlines() if all(word in line for word in words)]
    assert len(lines) == 1, output


@pytest.mark.parametrize(
    "overrides,words",
    [
        ({"SECRET_KEY": "too-short"}, ("SECRET_KEY is 9 bytes long", "at least 32")),
        ({"SECRET_KEY": GOOD_KEY, "JWT_SECRET_KEY": "short"}, ("JWT_SECRET_KEY is 5 bytes",)),
        ({"DATABASE_URL": "nonsense://nowhere"}, ("DATABASE_URL is not a usable database URL",)),
        ({"DATABASE_URL": "postgres//bad"}, ("DATABASE_URL is not a usable database URL",)),
    ],
)
def test_bad_settings_are_one_line_for_bootstrap_and_the_server(tmp_path, overrides, words):
    env = environment(tmp_path, **overrides)
    one_clear_line(flask_command(env, "bootstrap", timeout=120), *words)
    one_clear_line(gunicorn(env), *words)


def test_serving_without_a_site_url_is_refused_with_the_reason(tmp_path):
    env = environment(tmp_path, SECRET_KEY=GOOD_KEY)
    del env["SITE_URL"]
    bootstrapped = flask_command(env, "bootstrap", timeout=300)  # commands need no SITE_URL
    assert bootstrapped.returncode == 0, bootstrapped.stdout + bootstrapped.stderr
    one_clear_line(gunicorn(env), "SITE_URL is not set", "never from a request's Host header")
    served = subprocess.run(  # any other WSGI server importing wsgi.py is refused alike
        [str(BIN / "python"), "-c", "import wsgi"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    one_clear_line(served, "SITE_URL is not set")


def test_a_malformed_site_url_is_one_line(tmp_path):
    env = environment(tmp_path, SECRET_KEY=GOOD_KEY, SITE_URL="wger.example.com")
    one_clear_line(gunicorn(env), "SITE_URL='wger.example.com' is not the site's public address")


def test_a_database_never_bootstrapped_is_refused_with_the_fix(tmp_path):
    env = environment(tmp_path)
    one_clear_line(gunicorn(env), "has no tables yet", "flask --app wsgi bootstrap")


def test_a_missing_postgresql_database_is_one_line(tmp_path):
    if not postgres_reachable():
        pytest.skip(f"PostgreSQL not reachable at {POSTGRES_ADMIN_URL}")
    from sqlalchemy.engine import make_url

    missing = make_url(POSTGRES_ADMIN_URL).set(database="wger_no_such_database_i11")
    env = environment(tmp_path, DATABASE_URL=missing.render_as_string(hide_password=False))
    one_clear_line(flask_command(env, "bootstrap", timeout=120), "cannot use the database")
    one_clear_line(gunicorn(env), "cannot use the database", "does not exist")


def test_a_fresh_install_with_a_secret_key_bootstraps(tmp_path):
    env = environment(tmp_path, SECRET_KEY=GOOD_KEY)
    assert not (tmp_path / "instance").exists()
    result = flask_command(env, "bootstrap", timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    assert (tmp_path / "instance" / "wger.sqlite3").exists()
    assert not (tmp_path / "instance" / "secret_key").exists()  # the given key is used
