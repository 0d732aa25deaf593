"""Upstream's stored values as Python values, whatever the source backend handed out (SQLite:
text, integers and floats; PostgreSQL: typed values)."""

from __future__ import annotations

import datetime as dt
import decimal
import json
import uuid
from typing import Any


def as_bool(value: Any) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in ("1", "t", "true", "y", "yes")
    return bool(value)


def as_int(value: Any) -> int | None:
    return None if value is None else int(value)


def as_decimal(value: Any) -> decimal.Decimal | None:
    """Exact: a float from SQLite is read through its shortest text (63.7, not 63.69999...)."""
    if value is None or value == "":
        return None
    return decimal.Decimal(str(value))


def as_uuid(value: Any) -> uuid.UUID | None:
    if value is None or value == "":
        return None
    if isinstance(value, uuid.UUID):
        return value
    return uuid.UUID(str(value))


def as_datetime(value: Any) -> dt.datetime | None:
    """An aware UTC datetime (Django stores UTC; SQLite's text has no offset)."""
    if value is None or value == "":
        return None
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    elif isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        value = dt.datetime.combine(value, dt.time.min)
    moment: dt.datetime = value
    if moment.tzinfo is None:
        return moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(dt.UTC)


def as_date(value: Any) -> dt.date | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


def as_time(value: Any) -> dt.time | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.time):
        return value.replace(tzinfo=None)
    return dt.time.fromisoformat(str(value))


def as_json(value: Any) -> Any:
    if isinstance(value, str | bytes):
        return json.loads(value)
    return value


def as_text(value: Any) -> str:
    return "" if value is None else str(value)
