"""The import's pieces on their own: allauth's recovery codes, values as either backend gives
them, the source opened read-only, one table's writer (ids kept, re-runs, foreign owners)."""

from __future__ import annotations

import datetime as dt
import decimal
import json
import sqlite3
import uuid

import pytest
from sqlalchemy import Column, Integer, MetaData, String, Table, create_engine, insert, select
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from tests.upstream_answers import upstream_dir
from wger_flask.services.wger_import import allauth, values
from wger_flask.services.wger_import.source import Source, SourceError
from wger_flask.services.wger_import.writer import Conflict, TableCount, write_rows

FIXTURE = upstream_dir()


def test_recovery_codes_are_derived_from_the_seed_as_allauth_does():
    if FIXTURE is None:
        pytest.skip("the upstream fixture is not here")
    manifest = json.loads((FIXTURE / "manifest-A.json").read_text())
    mara = [user for user in manifest["users"] if user["username"] == "mara_lifts"][0]
    with sqlite3.connect(f"file:{FIXTURE / 'upstream-A.sqlite3'}?mode=ro", uri=True) as source:
        (data,) = source.execute(
            "SELECT data FROM mfa_authenticator WHERE type = 'recovery_codes' AND user_id = ?",
            (mara["id"],),
        ).fetchone()
    codes, used = allauth.unused_recovery_codes(json.loads(data))
    assert codes == mara["totp"]["recovery_codes"]
    assert used == []


def test_spent_codes_are_the_bits_of_the_used_mask():
    codes, used = allauth.unused_recovery_codes({"seed": "ab" * 40, "used_mask": 0b1000000101})
    assert len(codes) == 10 and all(len(code) == 8 and code.isdigit() for code in codes)
    assert used == [0, 2, 9]
    assert allauth.unused_recovery_codes({"migrated_codes": ["1234", "5678"]}) == (
        ["1234", "5678"],
        [],
    )
    assert allauth.unused_recovery_codes({}) == ([], [])


def test_values_read_the_same_from_sqlite_text_and_postgresql_types():
    assert values.as_decimal(63.7) == decimal.Decimal("63.7")
    assert values.as_decimal("36831.73") == decimal.Decimal("36831.73")
    assert values.as_uuid("01a24e6119927aa5922ccec78bd4da29") == uuid.UUID(
        "01a24e61-1992-7aa5-922c-cec78bd4da29"
    )
    naive = values.as_datetime("2026-12-07 02:40:28.226842")
    aware = values.as_datetime(
        dt.datetime(2026, 12, 7, 3, 40, 28, 226842, tzinfo=dt.timezone(dt.timedelta(hours=1)))
    )
    assert naive == aware and naive.tzinfo is dt.UTC
    assert values.as_time("18:15:00") == dt.time(18, 15)
    assert values.as_date("2026-12-05") == dt.date(2026, 12, 5)
    assert values.as_bool("0") is False and values.as_bool(1) is True and values.as_bool("t")
    assert values.as_json('{"rules": ["weight"]}') == {"rules": ["weight"]}


def test_the_source_is_opened_read_only(tmp_path):
    path = tmp_path / "upstream.sqlite3"
    with sqlite3.connect(path) as connection:
        connection.execute("CREATE TABLE auth_user (id integer primary key, username text)")
        connection.execute("CREATE TABLE core_userprofile (id integer primary key)")
        connection.execute("INSERT INTO auth_user VALUES (7, 'mara')")
    source = Source(f"sqlite:///{path}")
    try:
        assert list(source.user_ids()) == [7]
        with pytest.raises(
            OperationalError, match="readonly|read-only|query_only|attempt to write"
        ):
            source.query("UPDATE auth_user SET username = 'x'")
    finally:
        source.close()
    with sqlite3.connect(path) as connection:
        assert connection.execute("SELECT username FROM auth_user").fetchone() == ("mara",)


@pytest.mark.parametrize(
    "url", ["not a url", "sqlite://", "mysql://user@host/db"], ids=["garbage", "memory", "mysql"]
)
def test_a_source_that_is_not_an_upstream_database_is_refused_with_a_reason(url):
    with pytest.raises(SourceError):
        Source(url)


def test_a_sqlite_file_without_upstream_tables_is_refused(tmp_path):
    path = tmp_path / "other.sqlite3"
    sqlite3.connect(path).close()
    with pytest.raises(SourceError, match="Not an upstream wger database"):
        Source(f"sqlite:///{path}")


@pytest.fixture
def routines_table():
    engine = create_engine("sqlite://")
    metadata = MetaData()
    table = Table(
        "routine",
        metadata,
        Column("id", Integer, primary_key=True),
        Column("user_id", Integer),
        Column("name", String(25), nullable=False),
    )
    metadata.create_all(engine)
    with Session(engine) as session:
        yield session, table


def test_the_writer_keeps_ids_and_a_second_run_writes_nothing(routines_table):
    session, table = routines_table
    rows = [{"id": 5, "user_id": 7, "name": "a"}, {"id": 9, "user_id": 7, "name": "b"}]
    first, second = TableCount(), TableCount()
    assert write_rows(session, table, rows, first, owner="user_id") == {5, 9}
    assert write_rows(session, table, rows, second, owner="user_id") == {5, 9}
    assert (first.imported, first.present, second.imported, second.present) == (2, 0, 0, 2)
    assert session.execute(select(table.c.id)).scalars().all() == [5, 9]


def test_an_id_held_by_another_owner_stops_the_user(routines_table):
    session, table = routines_table
    session.execute(insert(table), [{"id": 5, "user_id": 1, "name": "someone else's"}])
    with pytest.raises(Conflict, match="taken here by another owner"):
        write_rows(
            session, table, [{"id": 5, "user_id": 7, "name": "mine"}], TableCount(), owner="user_id"
        )


def test_a_row_the_database_refuses_is_skipped_with_its_reason_and_the_others_go_in(routines_table):
    session, table = routines_table
    count = TableCount()
    rows = [
        {"id": 1, "user_id": 7, "name": "fine"},
        {"id": 2, "user_id": 7, "name": None},  # NOT NULL
        {"id": 3, "user_id": 7, "name": "fine too"},
    ]
    assert write_rows(session, table, rows, count) == {1, 3}
    assert count.imported == 2
    assert count.skipped == [("routine 2", "NOT NULL constraint failed: routine.name")]
