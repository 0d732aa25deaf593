"""End-to-end fixtures: the real server (gunicorn via ``wsgi.py``) on a database that
``flask bootstrap`` made (``bootstrapped_copy``)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator

import pytest

from tests.conftest import BootstrappedCopy
from wger_flask.testing import LiveServer, running_server


@pytest.fixture(scope="module")
def server_database(tmp_path_factory, bootstrapped_copy: BootstrappedCopy) -> Iterator[str]:
    """The module's own database for live servers, on the backend the suite runs with, already
    bootstrapped: its servers start with ``bootstrap=False`` (``flask bootstrap`` itself, and
    serving right after it, are tested in test_server, test_readme and test_startup_checks)."""
    with bootstrapped_copy(tmp_path_factory.mktemp("e2e")) as url:
        yield url


@pytest.fixture(scope="module")
def live_server(tmp_path_factory, server_database) -> Iterator[LiveServer]:
    """One gunicorn worker with threads, on a bootstrapped database."""
    with running_server(
        tmp_path_factory.mktemp("live"), server_database, bootstrap=False
    ) as server:
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
