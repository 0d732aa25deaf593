"""Filtering: ``?field=value`` and ``?field__lookup=value`` on declared fields, AND-joined.

The rules clients rely on (the seed and django-filter):
- only declared fields and lookups filter; unknown parameters are ignored;
- booleans are ``True`` and ``False``, case-sensitive (the seed); any other value, the
  lowercase the released clients send included, is ignored (``query_flag`` is the one rule for
  every boolean query parameter, filters and actions alike);
- ``__in`` takes a comma list; a repeated parameter is not an OR (every value must match);
- a malformed value for a known filter is a 400 naming it: ``{"id": ["Enter a whole number."]}``.
"""

from __future__ import annotations

import datetime as dt
import decimal
import operator
import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Column, ColumnElement, Select, and_, func
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.orm import InstrumentedAttribute
from sqlalchemy.sql import sqltypes
from werkzeug.datastructures import MultiDict

from wger_flask.rest.errors import ValidationFailed

EXACT = "exact"
IN = "in"
GT, GTE, LT, LTE = "gt", "gte", "lt", "lte"
DATE = "date"
ICONTAINS = "icontains"
ISNULL = "isnull"
COMPARISONS = (EXACT, GT, GTE, LT, LTE)


class Ignore(Exception):
    """A value the filter ignores (e.g. a boolean other than True/False)."""


# --------------------------------------------------------------------------------------
# Value parsers: text → Python value, ValueError with DRF's message when malformed.


INT64_MAX = 2**63 - 1
INT32_MAX = 2**31 - 1


def beyond_any_key(model: type, pk: Any) -> bool:
    """Whether an integer ``pk`` is past what the model's key column holds (32 bits for an
    INTEGER, 64 for a BIGINT): no row has it, and the database cannot even be asked
    (PostgreSQL refuses the parameter, SQLite cannot bind one past 64 bits)."""
    if not isinstance(pk, int) or isinstance(pk, bool):
        return False
    column: Column[Any] = sa_inspect(model).primary_key[0]
    small = isinstance(column.type, sqltypes.Integer) and not isinstance(
        column.type, sqltypes.BigInteger
    )
    return abs(pk) > (INT32_MAX if small else INT64_MAX)


def parse_int(text: str) -> int:
    try:
        value = int(text.strip())
    except ValueError:
        raise ValueError("Enter a whole number.") from None
    if abs(value) > INT64_MAX:
        raise ValueError(f"Ensure this value is less than or equal to {INT64_MAX}.")
    return value


def parse_decimal(text: str) -> decimal.Decimal:
    try:
        value = decimal.Decimal(text.strip())
    except decimal.InvalidOperation:
        raise ValueError("Enter a number.") from None
    if not value.is_finite():
        raise ValueError("Enter a number.")
    return value


TRUE_WORDS = frozenset({"True"})
FALSE_WORDS = frozenset({"False"})


def parse_bool(text: str) -> bool:
    """The seed's rule, on every route: ``True`` or ``False``, case-sensitive; anything else
    (``true``, ``TRUE``, ``1``, ``0``) is ignored (``Ignore``). A client sending lowercase gets
    the unfiltered list (a superset), never the opposite of what it asked for."""
    if text in TRUE_WORDS:
        return True
    if text in FALSE_WORDS:
        return False
    raise Ignore()


def query_flag(args: Any, name: str, default: bool = False) -> bool:
    """A boolean query parameter outside the filters (an action's option), by the same rule:
    ``default`` when it is missing or not ``True``/``False``."""
    try:
        return parse_bool(args.get(name, ""))
    except Ignore:
        return default


def parse_str(text: str) -> str:
    return text


def parse_uuid(text: str) -> uuid.UUID:
    try:
        return uuid.UUID(text.strip())
    except ValueError:
        raise ValueError("Enter a valid UUID.") from None


def parse_date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise ValueError("Enter a valid date.") from None


def parse_datetime(text: str) -> dt.datetime:
    """ISO 8601; a naive value means UTC; a date alone means its midnight. A moment whose UTC
    time falls outside the calendar (``9999-12-31T23:59:59-14:00``) is malformed too."""
    stripped = text.strip().replace(" ", "+") if "T" in text else text.strip()
    try:
        value = dt.datetime.fromisoformat(stripped)
    except ValueError:
        raise ValueError("Enter a valid date/time.") from None
    return as_utc(value)


def as_utc(value: dt.datetime) -> dt.datetime:
    """``value`` in UTC (naive: taken as UTC); ValueError when UTC has no such moment."""
    if value.tzinfo is None:
        return value.replace(tzinfo=dt.UTC)
    try:
        return value.astimezone(dt.UTC)
    except OverflowError:
        raise ValueError(CALENDAR_OVERFLOW) from None


CALENDAR_OVERFLOW = "Date/time is outside the supported range (years 1 to 9999, in UTC)."
NUL_MESSAGE = "Null characters are not allowed."


def parse_time(text: str) -> dt.time:
    try:
        return dt.time.fromisoformat(text.strip())
    except ValueError:
        raise ValueError("Enter a valid time.") from None


def parse_choice(choices: Sequence[str]) -> Callable[[str], str]:
    def parse(text: str) -> str:
        if text not in choices:
            raise ValueError(f"Select a valid choice. {text} is not one of the available choices.")
        return text

    return parse


PARSERS: dict[str, Callable[[str], Any]] = {
    "int": parse_int,
    "decimal": parse_decimal,
    "bool": parse_bool,
    "str": parse_str,
    "uuid": parse_uuid,
    "date": parse_date,
    "datetime": parse_datetime,
    "time": parse_time,
}


# --------------------------------------------------------------------------------------
# Declarations


@dataclass(frozen=True)
class Filter:
    """One filterable field.

    ``target`` is a column (``Muscle.is_front``), a to-many relationship
    (``Exercise.equipment``: matches rows related to the given id), or ``None`` with
    ``method`` for a custom filter such as ``name__search``.
    """

    target: Any = None
    kind: str = "str"
    lookups: tuple[str, ...] = (EXACT,)
    # custom filters get (statement, parsed value, all query parameters)
    method: (
        Callable[[Select[*tuple[Any, ...]], Any, MultiDict[str, str]], Select[*tuple[Any, ...]]]
        | None
    ) = None
    parser: Callable[[str], Any] | None = None
    description: str = ""

    def parse(self, text: str) -> Any:
        return (self.parser or PARSERS[self.kind])(text)


def exact(target: Any, kind: str, *extra_lookups: str) -> Filter:
    return Filter(target=target, kind=kind, lookups=(EXACT, *extra_lookups))


def custom(
    method: Callable[
        [Select[*tuple[Any, ...]], Any, MultiDict[str, str]], Select[*tuple[Any, ...]]
    ],
    kind: str = "str",
    description: str = "",
) -> Filter:
    return Filter(method=method, kind=kind, description=description)


@dataclass
class FilterSet:
    """The filters of a resource, keyed by query-parameter base name."""

    fields: dict[str, Filter] = field(default_factory=dict)

    def parameters(self) -> Iterable[tuple[str, Filter, str]]:
        """Every accepted query parameter: (name, filter, lookup)."""
        for name, declared in self.fields.items():
            if declared.method is not None:
                yield name, declared, EXACT
                continue
            for lookup in declared.lookups:
                yield (name if lookup == EXACT else f"{name}__{lookup}"), declared, lookup

    def apply(
        self, stmt: Select[*tuple[Any, ...]], args: MultiDict[str, str]
    ) -> tuple[Select[*tuple[Any, ...]], list[tuple[str, str]]]:
        """Add a WHERE clause per recognized parameter; returns the statement and what applied."""
        errors: dict[str, list[str]] = {}
        applied: list[tuple[str, str]] = []
        for name, declared, lookup in self.parameters():
            if name not in args:
                continue
            for raw in args.getlist(name):
                try:
                    stmt = _apply_one(stmt, declared, lookup, raw, args)
                except Ignore:
                    continue
                except ValueError as error:
                    errors.setdefault(name, []).append(str(error))
                    continue
                applied.append((name, raw))
        if errors:
            raise ValidationFailed(errors)
        return stmt, applied


def _apply_one(
    stmt: Select[*tuple[Any, ...]],
    declared: Filter,
    lookup: str,
    raw: str,
    args: MultiDict[str, str],
) -> Select[*tuple[Any, ...]]:
    if raw == "":
        raise Ignore()  # django-filter: an empty value means "no filter"
    if "\x00" in raw:  # no database stores it alike (PostgreSQL refuses it): DRF's answer
        raise ValueError(NUL_MESSAGE)
    if declared.method is not None:
        return declared.method(stmt, declared.parse(raw), args)
    if lookup == IN:
        values = [declared.parse(part) for part in raw.split(",") if part != ""]
        if not values:
            raise Ignore()
        return stmt.where(_condition(declared, IN, values))
    if lookup == ISNULL:
        return stmt.where(_condition(declared, ISNULL, parse_bool(raw)))
    if lookup == DATE:
        return stmt.where(_condition(declared, DATE, parse_date(raw)))
    return stmt.where(_condition(declared, lookup, declared.parse(raw)))


def _is_relationship(target: Any) -> bool:
    return isinstance(target, InstrumentedAttribute) and hasattr(target.property, "mapper")


# The lookups that compare the column with the value by an operator.
OPERATORS: dict[str, Callable[[ColumnElement[Any], Any], ColumnElement[bool]]] = {
    EXACT: operator.eq,
    GT: operator.gt,
    GTE: operator.ge,
    LT: operator.lt,
    LTE: operator.le,
}


def _condition(declared: Filter, lookup: str, value: Any) -> ColumnElement[bool]:
    target = declared.target
    if _is_relationship(target):
        related_pk = target.property.mapper.primary_key[0]
        relationship: InstrumentedAttribute[Any] = target
        if lookup == IN:
            return relationship.any(related_pk.in_(value))
        return relationship.any(related_pk == value)
    column: ColumnElement[Any] = target
    if lookup == IN:
        return column.in_(value)
    if lookup in OPERATORS:
        return OPERATORS[lookup](column, value)
    if lookup == ICONTAINS:
        return func.lower(column).contains(str(value).lower(), autoescape=True)
    if lookup == ISNULL:
        return column.is_(None) if value else column.is_not(None)
    if lookup == DATE:
        return _date_of(column, value)
    raise ValueError(f"unsupported lookup {lookup}")


def _date_of(column: ColumnElement[Any], day: dt.date) -> ColumnElement[bool]:
    """``datetime__date=YYYY-MM-DD`` as a half-open range, so an index on the column is used."""
    start = dt.datetime.combine(day, dt.time.min, tzinfo=dt.UTC)
    if day == dt.date.max:  # the calendar's last day has no next one
        return column >= start
    return and_(column >= start, column < start + dt.timedelta(days=1))
