"""End-to-end fixtures: the real server (``flask bootstrap`` + gunicorn via ``wsgi.py``)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator

import pytest

from tests.conftest import fresh_postgres_database, postgres_reachable
from wger_flask.testing import LiveServer, running_server


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
    with running_server(tmp_path_factory.mktemp("live"), server_database) as server:
        yield server


# Debian's chromium, started as this machine allows (no sandbox as root, no background traffic).
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


@pytest.fixture(scope="module")
def browser():
    if CHROMIUM is None:
        pytest.skip(
            "Debian's chromium is not installed (apt-get install chromium): browser test SKIPPED"
        )
    playwright_api = pytest.importorskip("playwright.sync_api")
    with playwright_api.sync_playwright() as playwright:
        instance = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_FLAGS
        )
        yield instance
        instance.close()
