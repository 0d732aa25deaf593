"""Inserting many rows fast, around the ORM: the driver's ``executemany`` on SQLite, ``COPY`` on
PostgreSQL, values converted by the columns' own SQLAlchemy types (so they are stored exactly
as the ORM would store them). Runs in the session's transaction; the caller commits."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Dialect, Table, text

from wger_flask.extensions import db


def _tuples(
    table: Table, names: Sequence[str], rows: Sequence[dict[str, Any]], dialect: Dialect
) -> list[Any]:
    processors = [table.columns[name].type._cached_bind_processor(dialect) for name in names]
    converters = [(name, processor) for name, processor in zip(names, processors, strict=True)]
    return [
        tuple(
            value if processor is None or value is None else processor(value)
            for name, processor in converters
            for value in (row[name],)
        )
        for row in rows
    ]


def insert_rows(table: Table, names: Sequence[str], rows: Sequence[dict[str, Any]]) -> None:
    """Insert ``rows`` (dicts with the keys ``names``) into ``table``."""
    if not rows:
        return
    connection = db.session.connection()
    dialect = connection.dialect
    values = _tuples(table, names, rows, dialect)
    column_list = ", ".join(names)
    raw = connection.connection.dbapi_connection
    assert raw is not None  # the session's connection is checked out
    cursor = raw.cursor()
    try:
        if dialect.name == "postgresql":
            with cursor.copy(f"COPY {table.name} ({column_list}) FROM STDIN") as copy:
                for row in values:
                    copy.write_row(row)
        else:
            marks = ", ".join("?" for _ in names)
            cursor.executemany(f"INSERT INTO {table.name} ({column_list}) VALUES ({marks})", values)
    finally:
        cursor.close()


def analyze(table_names: Sequence[str]) -> None:
    """Refresh the planner's statistics after a bulk load (PostgreSQL also vacuums, so that
    index-only scans work at once)."""
    engine = db.engine  # VACUUM needs a connection of its own, outside any transaction
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            for name in table_names:
                connection.execute(text(f"VACUUM ANALYZE {name}"))
        return
    for name in table_names:
        db.session.execute(text(f"ANALYZE {name}"))
