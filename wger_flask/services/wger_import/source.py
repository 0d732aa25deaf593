"""The upstream database, opened read-only: Django's table names, the schema of wger 2.7.

SQLite is opened with ``mode=ro`` (and ``query_only``); PostgreSQL in read-only
transactions (``default_transaction_read_only``), so nothing here can write to the source
even by mistake. Tables and columns are looked up once (``has``), so a source from a slightly
older or newer 2.x release is read as far as its columns go. Values are handed out as the
driver gives them; ``values`` turns them into Python types whatever the backend.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from sqlalchemy import Engine, create_engine, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

CHUNK = 500


class SourceError(ValueError):
    """The source cannot be opened or is not an upstream wger database."""


def connect(url: str, *, read_only: bool = True) -> Engine:
    """An engine on an upstream database URL (``sqlite:///path`` or PostgreSQL), read-only
    unless the export asks to write (``read_only=False``)."""
    try:
        parsed = make_url(url)
    except Exception as error:
        raise SourceError(f"Not a database URL: {url!r} ({error})") from None
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        path = parsed.database
        if not path or path == ":memory:":
            raise SourceError("A SQLite source needs the path of the database file.")

        if not read_only:
            return create_engine(f"sqlite:///{path}", poolclass=NullPool)

        def read_only_connection() -> sqlite3.Connection:
            connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)
            connection.execute("PRAGMA query_only = ON")
            return connection

        return create_engine("sqlite://", creator=read_only_connection, poolclass=NullPool)
    if backend in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
        options = {"options": "-c default_transaction_read_only=on"} if read_only else {}
        return create_engine(parsed, poolclass=NullPool, connect_args=options)
    raise SourceError(f"Unsupported source database {backend!r}: SQLite or PostgreSQL.")


class Source:
    """One upstream database: its tables and columns, and row reads by key."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = connect(url)
        try:
            inspector = inspect(self.engine)
            self.columns = {
                name: {column["name"] for column in inspector.get_columns(name)}
                for name in inspector.get_table_names()
            }
        except Exception as error:
            self.engine.dispose()
            raise SourceError(f"Cannot read {make_url(url)!r}: {error}") from None
        if "auth_user" not in self.columns or "core_userprofile" not in self.columns:
            self.engine.dispose()
            raise SourceError(
                "Not an upstream wger database: auth_user / core_userprofile missing."
            )
        self.connection = self.engine.connect()

    def close(self) -> None:
        self.connection.close()
        self.engine.dispose()

    def has(self, table: str, column: str | None = None) -> bool:
        if column is None:
            return table in self.columns
        return column in self.columns.get(table, ())

    def query(self, sql: str, **params: Any) -> list[dict[str, Any]]:
        return [dict(row._mapping) for row in self.connection.execute(text(sql), params)]

    def rows(
        self, table: str, where: str | None = None, order: str = "id", **params: Any
    ) -> list[dict[str, Any]]:
        """Every row of ``table`` (``where``: SQL on its columns), [] if the table is missing."""
        if not self.has(table):
            return []
        sql = f'SELECT * FROM "{table}"'
        if where:
            sql += f" WHERE {where}"
        if order:
            sql += f' ORDER BY "{order}"'
        return self.query(sql, **params)

    def rows_in(
        self, table: str, column: str, keys: Iterable[Any], order: str = "id"
    ) -> list[dict[str, Any]]:
        """The rows whose ``column`` is one of ``keys`` (read in chunks), in ``order``."""
        keys = list(dict.fromkeys(key for key in keys if key is not None))
        if not keys or not self.has(table):
            return []
        found: list[dict[str, Any]] = []
        for start in range(0, len(keys), CHUNK):
            chunk = keys[start : start + CHUNK]
            names = ", ".join(f":k{i}" for i in range(len(chunk)))
            params = {f"k{i}": key for i, key in enumerate(chunk)}
            found.extend(
                self.query(f'SELECT * FROM "{table}" WHERE "{column}" IN ({names})', **params)
            )
        if order:
            found.sort(key=lambda row: _sortable(row.get(order)))
        return found

    def user_ids(self, after: int | None = None, batch: int = 200) -> Iterator[int]:
        """Every user id in order, read a batch at a time (memory stays flat)."""
        last = -1 if after is None else after
        while True:
            ids: Sequence[int] = [
                row["id"]
                for row in self.query(
                    "SELECT id FROM auth_user WHERE id > :last ORDER BY id LIMIT :batch",
                    last=last,
                    batch=batch,
                )
            ]
            if not ids:
                return
            yield from ids
            last = ids[-1]

    def count(self, table: str, where: str | None = None, **params: Any) -> int:
        if not self.has(table):
            return 0
        sql = f'SELECT count(*) AS n FROM "{table}"' + (f" WHERE {where}" if where else "")
        return int(self.query(sql, **params)[0]["n"])


def _sortable(value: Any) -> tuple[int, str]:
    return (
        (0, "") if value is None else (1, f"{value:>40}" if isinstance(value, int) else str(value))
    )
