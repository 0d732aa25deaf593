"""Fixtures that mirror the app: ``app`` (factory + TestConfig), ``client``, per-test database
isolation, user factories and auth helpers.

The suite runs on SQLite by default and on PostgreSQL with ``--database=postgres`` (a fresh
database is created for the run and dropped afterwards). Each test runs inside one outer
transaction that is rolled back at the end; the app's own commits become savepoints.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.orm import scoped_session, sessionmaker

from tests.writers import WRITERS
from wger_flask import create_app
from wger_flask.config import TestConfig
from wger_flask.extensions import db

# the S3 fixtures registered once here: imported into each module, each would be its own
# session fixture and start its own moto_server
pytest_plugins = ["tests.clock", "tests.s3_server"]

POSTGRES_ADMIN_URL = os.environ.get(
    "TEST_POSTGRES_URL", "postgresql+psycopg://root@127.0.0.1:5432/test"
)


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--database",
        choices=["sqlite", "postgres"],
        default="sqlite",
        help="Run the suite on SQLite (default) or on a fresh PostgreSQL database.",
    )


def pytest_report_header(config: pytest.Config) -> str:
    return f"wger-flask database backend: {config.getoption('--database')}"


def postgres_reachable(url: str = POSTGRES_ADMIN_URL) -> bool:
    try:
        engine = sa.create_engine(url, connect_args={"connect_timeout": 3})
        with engine.connect():
            pass
        engine.dispose()
        return True
    except Exception:
        return False


@contextlib.contextmanager
def fresh_postgres_database(template: str | None = None) -> Iterator[str]:
    """A new PostgreSQL database for this run (parallel runs never meet), dropped afterwards;
    a copy of the database ``template`` (a URL nobody is connected to) when one is given."""
    name = f"wger_test_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    copied = f' TEMPLATE "{sa.engine.make_url(template).database}"' if template else ""
    with admin.connect() as connection:
        connection.exec_driver_sql(f'CREATE DATABASE "{name}"{copied}')
    url = (
        sa.engine.make_url(POSTGRES_ADMIN_URL)
        .set(database=name)
        .render_as_string(hide_password=False)
    )
    try:
        yield url
    finally:
        with admin.connect() as connection:
            connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


@pytest.fixture(scope="session")
def database_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    if request.config.getoption("--database") == "postgres":
        if not postgres_reachable():
            pytest.exit(
                f"PostgreSQL is not reachable at {POSTGRES_ADMIN_URL}: the PostgreSQL run "
                "is SKIPPED (start PostgreSQL or set TEST_POSTGRES_URL).",
                returncode=0,
            )
        with fresh_postgres_database() as url:
            yield url
    else:
        yield f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite3'}"


BootstrappedCopy = Callable[[Path], contextlib.AbstractContextManager[str]]


@pytest.fixture(scope="session")
def bootstrapped_copy(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[BootstrappedCopy]:
    """``with bootstrapped_copy(folder) as url:`` a database of the test's own, on the suite's
    backend, as ``flask bootstrap`` leaves it (migrated, the catalogue loaded).

    The real command bootstraps one template per run, and each copy is taken from it (a file
    copy on SQLite, ``CREATE DATABASE ... TEMPLATE`` on PostgreSQL): bootstrapping took 4 s of
    CPU on SQLite and about 13 s on PostgreSQL for each module that starts a server."""
    from wger_flask.testing import flask_command

    folder = tmp_path_factory.mktemp("bootstrapped")
    with contextlib.ExitStack() as stack:
        if request.config.getoption("--database") == "postgres":
            if not postgres_reachable():
                pytest.skip("PostgreSQL is not reachable")
            template = stack.enter_context(fresh_postgres_database())
        else:
            template = f"sqlite:///{folder / 'template.sqlite3'}"
        env = {**os.environ, "DATABASE_URL": template, "WGER_INSTANCE_PATH": str(folder)}
        booted = flask_command(env, "bootstrap")
        assert booted.returncode == 0, booted.stdout + booted.stderr

        @contextlib.contextmanager
        def copy(target: Path) -> Iterator[str]:
            if template.startswith("postgresql"):
                with fresh_postgres_database(template) as url:
                    yield url
                return
            path = target / f"copy-{uuid.uuid4().hex[:8]}.sqlite3"
            with (
                contextlib.closing(sqlite3.connect(folder / "template.sqlite3")) as source,
                contextlib.closing(sqlite3.connect(path)) as destination,
            ):
                source.backup(destination)
            yield f"sqlite:///{path}"

        yield copy


@pytest.fixture(scope="session")
def instance_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("instance")
    os.environ["WGER_INSTANCE_PATH"] = str(path)
    return path


@pytest.fixture(scope="session")
def app(database_url: str, instance_dir: Path):
    """One app for the session, its database migrated and the catalogue loaded once."""
    application = create_app(TestConfig(database_url))
    with application.app_context():
        from wger_flask.cli import load_catalogue, migrate_database

        migrate_database()
        load_catalogue()
    yield application
    with application.app_context():
        db.engine.dispose()


# What PostgreSQL does at a real commit, done at each app commit of a test (a savepoint in the
# test's one transaction): the deferred data stamp triggers fire (migration 7d2e9b4c1a05), then
# the once-per-transaction mark is cleared, so the next "transaction" of the test renews again.
# The comment keeps these statements out of ``count_queries``.
TEST_COMMIT = "/* test commit */ "


def end_of_transaction(connection: Any) -> None:
    connection.exec_driver_sql(TEST_COMMIT + "SET CONSTRAINTS ALL IMMEDIATE")
    connection.exec_driver_sql(
        TEST_COMMIT + "UPDATE auth_user SET data_stamp_xact = NULL "
        "WHERE data_stamp_xact IS NOT NULL"
    )
    connection.exec_driver_sql(TEST_COMMIT + "SET CONSTRAINTS ALL DEFERRED")


@pytest.fixture(autouse=True)
def isolated_database(request: pytest.FixtureRequest) -> Iterator[None]:
    """Run the test in a transaction that is rolled back; app commits become savepoints."""
    if "app" not in request.fixturenames:
        yield
        return
    application = request.getfixturevalue("app")
    with application.app_context():
        engine = db.engine
    connection = engine.connect()
    outer = connection.begin()
    original = db.session

    class IsolatedSession(original.session_factory.class_):
        """The app's own session class (its listeners: trophies, after-commit work), bound to
        the test's connection."""

        def get_bind(self, *args: Any, **kwargs: Any) -> Any:
            return connection

        def commit(self) -> None:
            self.flush()
            if connection.dialect.name == "postgresql":
                end_of_transaction(connection)
            super().commit()

    factory = sessionmaker(
        join_transaction_mode="create_savepoint",
        expire_on_commit=False,
        class_=IsolatedSession,
        db=db,
    )
    db.session = scoped_session(factory, scopefunc=original.registry.scopefunc)
    try:
        yield
    finally:
        db.session = original  # each app context removed its own session at teardown
        outer.rollback()
        connection.close()


@pytest.fixture(autouse=True)
def fresh_rate_limits(request: pytest.FixtureRequest) -> None:
    """Every test starts with empty rate-limit counters."""
    if "app" in request.fixturenames:
        from wger_flask.extensions import limiter

        request.getfixturevalue("app")
        limiter.reset()


@pytest.fixture
def client(app):
    return app.test_client()


# ------------------------------------------------------------------------------ factories


@pytest.fixture
def make_user(app):
    """Create a user (committed into the test's transaction); returns the detached row."""
    from wger_flask.services.accounts import users

    counter = iter(range(1, 10_000))

    def make(username: str | None = None, password: str = "correct horse battery", **extra: Any):
        with app.app_context():
            user = users.create_user(
                username or f"user{next(counter)}", password, email=extra.pop("email", "")
            )
            for key, value in extra.items():
                setattr(user, key, value)
            db.session.commit()
            return user

    return make


@pytest.fixture
def user(make_user):
    return make_user("alice", email="alice@example.com", email_verified=True)


@pytest.fixture
def other_user(make_user):
    return make_user("mallory", email="mallory@example.com", email_verified=True)


@pytest.fixture(params=WRITERS, ids=lambda kind: kind.name)
def writer(request: pytest.FixtureRequest, app, client, auth_headers):
    """Each path that writes user data in turn (``tests/writers.py``): a rule is refused the
    same way through every one."""
    return request.param(app, client, auth_headers)


@pytest.fixture
def auth_headers(app):
    """``auth_headers(user)`` → headers with a fresh Bearer access token for that user."""
    from wger_flask.services.accounts import tokens

    def headers(user) -> dict[str, str]:
        with app.app_context():
            fresh = db.session.get(type(user), user.id)
            return {"Authorization": f"Bearer {tokens.mint_access(fresh)}"}

    return headers


# ------------------------------------------------------------------------------ SQL counting


class StatementCounter:
    def __init__(self) -> None:
        self.statements: list[str] = []

    @property
    def count(self) -> int:
        return len(self.statements)


@pytest.fixture
def count_queries(app):
    """``with count_queries() as counter: ...`` counts the SQL statements the app sends."""

    @contextlib.contextmanager
    def counting() -> Iterator[StatementCounter]:
        counter = StatementCounter()
        with app.app_context():
            engine = db.engine

        def before(conn, cursor, statement, parameters, context, executemany):
            if not statement.startswith(("SAVEPOINT", "RELEASE", "ROLLBACK TO", TEST_COMMIT)):
                counter.statements.append(statement)

        event.listen(engine, "before_cursor_execute", before)
        try:
            yield counter
        finally:
            event.remove(engine, "before_cursor_execute", before)

    return counting


# ------------------------------------------------------------------------------ skipped groups

SKIPPED: dict[str, int] = {}  # reason -> number of tests skipped for it, in this run


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    """Count skipped tests by their reason: each reason is a group that did not run."""
    if report.skipped:
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
        reason = reason.removeprefix("Skipped: ").strip()
        SKIPPED[reason] = SKIPPED.get(reason, 0) + 1


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """Name every group that did not run on the last lines (and, for ``make test``'s closing
    line, in the file ``WGER_SKIP_SUMMARY`` names), so "passed" never hides a suite."""
    line = (
        "; ".join(f"{count} skipped: {reason}" for reason, count in sorted(SKIPPED.items()))
        or "nothing skipped"
    )
    terminalreporter.write_line(f"wger-flask: {line}")
    target = os.environ.get("WGER_SKIP_SUMMARY")
    if target:
        Path(target).write_text(line + "\n")
