"""Dates, times and datetimes read as upstream reads them (Django's ``parse_date``,
``parse_time``, ``parse_datetime``, which DRF's fields call).

Each first tries the standard library's ``fromisoformat`` (``"2026-12-06"``, ``"20261206"``,
``"17:00"``, ``"2026-12-06 06:00:00+01:00"`` ...) and then a looser pattern that allows one
digit where ISO wants two (``"17:0:00"``, ``"2026-12-6"``, ``"2026-12-06T06:0:00Z"``), a comma
before the fraction, more than six fraction digits (the extra ones dropped) and spaces before
the offset. A string neither accepts is ``None`` (the field's "wrong format" error); one that is
well formed but names no such moment (``"25:00"``, ``"2026-02-30"``) raises ``ValueError``.
A time's offset is dropped, as Django drops it.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

# Upstream's patterns, with ``$`` (as upstream: a final newline is allowed) and ``\d`` (any
# Unicode decimal digit, as upstream: ``int`` reads them).
DATE = re.compile(r"(?P<year>\d{4})-(?P<month>\d{1,2})-(?P<day>\d{1,2})$")
TIME = re.compile(
    r"(?P<hour>\d{1,2}):(?P<minute>\d{1,2})"
    r"(?::(?P<second>\d{1,2})(?:[\.,](?P<microsecond>\d{1,6})\d{0,6})?)?$"
)
DATETIME = re.compile(
    r"(?P<year>\d{4})-(?P<month>\d{1,2})-(?P<day>\d{1,2})"
    r"[T ](?P<hour>\d{1,2}):(?P<minute>\d{1,2})"
    r"(?::(?P<second>\d{1,2})(?:[\.,](?P<microsecond>\d{1,6})\d{0,6})?)?"
    r"\s*(?P<tzinfo>Z|[+-]\d{2}(?::?\d{2})?)?$"
)


def parse_date(value: Any) -> dt.date | None:
    if not isinstance(value, str):
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        match = DATE.match(value)
        if match is None:
            return None
        return dt.date(**{key: int(part) for key, part in match.groupdict().items()})


def parse_time(value: Any) -> dt.time | None:
    if not isinstance(value, str):
        return None
    try:
        return dt.time.fromisoformat(value).replace(tzinfo=None)
    except ValueError:
        match = TIME.match(value)
        if match is None:
            return None
        return dt.time(**_numbers(match.groupdict()), tzinfo=None)


def parse_datetime(value: Any) -> dt.datetime | None:
    """Aware when the text has an offset (``Z`` is UTC), naive otherwise."""
    if not isinstance(value, str):
        return None
    try:
        return dt.datetime.fromisoformat(value)
    except ValueError:
        match = DATETIME.match(value)
        if match is None:
            return None
        parts = match.groupdict()
        zone = _zone(parts.pop("tzinfo"))
        return dt.datetime(**_numbers(parts), tzinfo=zone)


def _numbers(parts: dict[str, str | None]) -> dict[str, int]:
    microsecond = parts.get("microsecond")
    if microsecond:
        parts["microsecond"] = microsecond.ljust(6, "0")
    return {key: int(part) for key, part in parts.items() if part is not None}


def _zone(text: str | None) -> dt.tzinfo | None:
    if text is None:
        return None
    if text == "Z":
        return dt.UTC
    minutes = 60 * int(text[1:3]) + (int(text[-2:]) if len(text) > 3 else 0)
    return dt.timezone(dt.timedelta(minutes=-minutes if text[0] == "-" else minutes))


def iso_datetime(value: dt.datetime | None) -> str | None:
    """A datetime as DRF writes it: ISO 8601 in UTC, ``Z`` for the offset
    (``2026-12-06T06:00:00Z``, microseconds kept when there are any); naive means UTC."""
    if value is None:
        return None
    value = value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)
    return value.isoformat().removesuffix("+00:00") + "Z"
