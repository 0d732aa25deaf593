"""Column types shared by the models: UTC datetimes and JSON that works on every database."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any, TypedDict

from sqlalchemy import JSON, DateTime, Dialect, String, TypeDecorator
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.dialects.postgresql import UUID as PG_UUID


class Children(TypedDict):
    """The ``relationship()`` options of a parent's children (``**CHILDREN``): they go with it."""

    cascade: str
    passive_deletes: bool


class UTCDateTime(TypeDecorator[dt.datetime]):
    """Stored as naive UTC (every database agrees on that), handed out timezone-aware.

    A naive value given to the database is taken as UTC; an aware one is converted.
    """

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | str | None, dialect: Dialect) -> Any:
        if value is None:
            return None
        if isinstance(value, str):
            value = dt.datetime.fromisoformat(value)
        if value.tzinfo is not None:
            value = value.astimezone(dt.UTC).replace(tzinfo=None)
        return value

    def process_result_value(self, value: Any, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        if isinstance(value, str):
            value = dt.datetime.fromisoformat(value)
        assert isinstance(value, dt.datetime)  # what the DateTime column hands back
        if value.tzinfo is None:
            return value.replace(tzinfo=dt.UTC)
        return value.astimezone(dt.UTC)


class GUID(TypeDecorator[uuid.UUID]):
    """A UUID: native ``uuid`` on PostgreSQL, 36-character text elsewhere."""

    impl = String(36)
    cache_ok = True

    @property
    def python_type(self) -> type[Any]:
        return uuid.UUID

    def load_dialect_impl(self, dialect: Dialect) -> Any:
        if dialect.name == "postgresql":
            return dialect.type_descriptor(PG_UUID(as_uuid=True))
        return dialect.type_descriptor(String(36))

    def process_bind_param(self, value: Any, dialect: Dialect) -> Any:
        if value is None:
            return None
        if not isinstance(value, uuid.UUID):
            value = uuid.UUID(str(value))
        return value if dialect.name == "postgresql" else str(value)

    def process_result_value(self, value: Any, dialect: Dialect) -> uuid.UUID | None:
        if value is None or isinstance(value, uuid.UUID):
            return value
        return uuid.UUID(value)


class JSONDocument(TypeDecorator[Any]):
    """A JSON document: JSONB on PostgreSQL, JSON text elsewhere."""

    impl = JSON
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> Any:
        if dialect.name == "postgresql":
            return dialect.type_descriptor(JSONB())
        return dialect.type_descriptor(JSON())


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def utc_today() -> dt.date:
    """Today in UTC (the default date of rows dated by the server)."""
    return utcnow().date()


def uuid7() -> uuid.UUID:
    """A time-ordered UUID (RFC 9562 version 7), as upstream uses for user-owned rows."""
    import os
    import time

    milliseconds = time.time_ns() // 1_000_000
    random_bits = int.from_bytes(os.urandom(10), "big")
    value = (milliseconds & ((1 << 48) - 1)) << 80
    value |= 0x7 << 76
    value |= ((random_bits >> 62) & 0xFFF) << 64
    value |= 0b10 << 62
    value |= random_bits & ((1 << 62) - 1)
    return uuid.UUID(int=value)
