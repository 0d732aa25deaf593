"""An upstream server on PostgreSQL: the fixture's tables copied into a PostgreSQL database in
Django's PostgreSQL types (``uuid``, ``timestamp with time zone``, ``boolean``, ``numeric``,
``jsonb``), imported from there, and every recorded request answered as after the import from
SQLite."""

from __future__ import annotations

import contextlib
import datetime as dt
import decimal
import json
import re
import sqlite3
import uuid

import pytest
from sqlalchemy import (
    Boolean,
    Column,
    Date,
    DateTime,
    Float,
    Integer,
    MetaData,
    Numeric,
    String,
    Table,
    Text,
    Time,
    Uuid,
    create_engine,
    insert,
)
from sqlalchemy.dialects.postgresql import JSONB

from tests.api.wger_import.conftest import FIXTURE, database_for, make_server
from tests.api.wger_import.test_round_trip import (
    MADE_HERE,
    body_weight_categories,
    same_answers,
    weights_named,
)
from tests.api.wger_import.test_upstream_answers import ANSWERS, answer_as_user
from tests.upstream_answers import format_report
from wger_flask.extensions import db

TABLES = re.compile(
    r"^(auth_user|account_emailaddress|mfa_authenticator|authtoken_token|core_\w+|exercises_\w+"
    r"|manager_\w+|nutrition_\w+|weight_weightentry|measurements_\w+|gallery_image|trophies_\w+)$"
)


def _column(name: str, declared: str, primary: bool, json_columns: set[str]) -> Column:
    declared = declared.lower()
    if name in json_columns:
        kind = JSONB()
    elif declared.startswith("char(32)"):
        kind = Uuid()
    elif declared.startswith("varchar"):
        kind = String(int(re.search(r"\d+", declared).group()))
    elif declared == "bool":
        kind = Boolean()
    elif declared == "datetime":
        kind = DateTime(timezone=True)
    elif declared == "date":
        kind = Date()
    elif declared == "time":
        kind = Time()
    elif declared == "decimal":
        kind = Numeric()
    elif declared == "real":
        kind = Float()
    elif declared.startswith(("integer", "bigint", "smallint")):
        kind = Integer()
    else:
        kind = Text()
    return Column(name, kind, primary_key=primary)


def _value(value, column: Column):
    if value is None:
        return None
    kind = column.type
    if isinstance(kind, Uuid):
        return uuid.UUID(str(value))
    if isinstance(kind, Boolean):
        return bool(value)
    if isinstance(kind, DateTime):
        return dt.datetime.fromisoformat(value).replace(tzinfo=dt.UTC)
    if isinstance(kind, Date):
        return dt.date.fromisoformat(value)
    if isinstance(kind, Time):
        return dt.time.fromisoformat(value)
    if isinstance(kind, Numeric) and not isinstance(kind, Float):
        return decimal.Decimal(str(value))
    if isinstance(kind, JSONB):
        return json.loads(value)
    return value


def copy_to_postgres(url: str) -> None:
    source = sqlite3.connect(f"file:{FIXTURE / 'upstream-A.sqlite3'}?mode=ro", uri=True)
    engine = create_engine(url)
    metadata = MetaData()
    tables = {}
    for name, sql in source.execute("SELECT name, sql FROM sqlite_master WHERE type = 'table'"):
        if not TABLES.match(name):
            continue
        json_columns = set(re.findall(r'JSON_VALID\("(\w+)"\)', sql))
        columns = [
            _column(column, declared, bool(primary), json_columns)
            for _, column, declared, _, _, primary in source.execute(f'PRAGMA table_info("{name}")')
        ]
        tables[name] = Table(name, metadata, *columns)
    metadata.create_all(engine)
    with engine.begin() as connection:
        for name, table in tables.items():
            cursor = source.execute(f'SELECT * FROM "{name}"')
            names = [description[0] for description in cursor.description]
            rows = [
                {key: _value(value, table.c[key]) for key, value in zip(names, row, strict=True)}
                for row in cursor
            ]
            if rows:
                connection.execute(insert(table), rows)
    engine.dispose()
    source.close()


@pytest.fixture(scope="module")
def from_postgres(request, tmp_path_factory):
    from tests.conftest import fresh_postgres_database, postgres_reachable

    if FIXTURE is None:
        pytest.skip("the upstream fixture is not here")
    if not postgres_reachable():
        pytest.skip("PostgreSQL is not reachable: the PostgreSQL source is not tested")
    folder = tmp_path_factory.mktemp("from-postgres")
    with contextlib.ExitStack() as stack:
        upstream = stack.enter_context(fresh_postgres_database())
        copy_to_postgres(upstream)
        url = stack.enter_context(database_for(request, folder))
        server = make_server(url, folder / "media")
        done = server.test_cli_runner().invoke(
            args=["import-wger", upstream, "--media", str(FIXTURE / "media")]
        )
        assert done.exit_code == 0, done.output
        assert "users: 5 imported" in done.output
        assert "skipped rows:" not in done.output, done.output
        yield server
        with server.app_context():
            db.session.remove()
            db.engine.dispose()


@pytest.mark.parametrize("answer", ANSWERS, ids=[f"{a.user}__{a.name}" for a in ANSWERS])
def test_a_postgresql_source_imports_as_the_sqlite_one(imported, from_postgres, answer):
    from_sqlite = answer_as_user(imported.app, answer)
    from_pg = answer_as_user(from_postgres, answer)
    assert from_sqlite.status_code == from_pg.status_code == answer.status
    comparison = same_answers(
        answer.name,
        weights_named(answer.name, from_sqlite.get_json(), body_weight_categories(imported.app)),
        weights_named(answer.name, from_pg.get_json(), body_weight_categories(from_postgres)),
        MADE_HERE,
    )
    assert comparison.differences == [], format_report(comparison)
