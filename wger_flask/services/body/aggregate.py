"""Measurements condensed in SQL: per category, calendar bucket and unit (``aggregate``), and
how often each value occurs (``value_counts``).

Buckets are cut in the caller's time zone. PostgreSQL converts with ``timezone()`` and
``date_trunc``. SQLite has no time zones: the buckets' UTC bounds are computed here and joined
as a table (see ``grouping``), or, for very many buckets, the zone's UTC offsets over the span
are applied as one ``CASE`` on the stored UTC time. Either way the grouping is one ``GROUP BY``
in the database, never a loop over rows in Python.
"""

from __future__ import annotations

import datetime as dt
import decimal
import json
import zoneinfo
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    ColumnClause,
    Select,
    String,
    bindparam,
    case,
    func,
    literal,
    literal_column,
    select,
)

from wger_flask.database import AnySession
from wger_flask.models.body import Measurement, MeasurementCategory
from wger_flask.rest.dateparse import iso_datetime

BUCKETS = ("auto", "hour", "day", "week", "month")
# Nominal lengths, to choose the finest bucket that keeps a series under max_points.
BUCKET_LENGTH = {
    "hour": dt.timedelta(hours=1),
    "day": dt.timedelta(days=1),
    "week": dt.timedelta(weeks=1),
    "month": dt.timedelta(days=31),
}
CENT = decimal.Decimal("0.01")
# Up to this many buckets are scanned one by one on SQLite; beyond (hours over years), each
# reading is shifted by the zone's offset instead.
TABLE_BUCKETS_MAX = 4000
UTC = zoneinfo.ZoneInfo("UTC")


@dataclass(frozen=True)
class Window:
    """The time zone and span the buckets are cut in."""

    zone: zoneinfo.ZoneInfo
    start: dt.datetime | None  # UTC, inclusive
    end: dt.datetime | None  # UTC


def unit_expression() -> Any:
    """A reading's own unit (``extra_data.unit``) or else its category's."""
    own = func.nullif(Measurement.extra_data["unit"].as_string(), "")
    return func.coalesce(own, MeasurementCategory.unit)


def owned(stmt: Select[*tuple[Any, ...]], user_id: int) -> Select[*tuple[Any, ...]]:
    return stmt.join(MeasurementCategory, Measurement.category_id == MeasurementCategory.id).where(
        MeasurementCategory.user_id == user_id
    )


def span(
    session: AnySession, filtered: Select[*tuple[Any, ...]]
) -> tuple[dt.datetime | None, dt.datetime | None]:
    """First and last reading among the filtered rows (one indexed statement)."""
    # Two ordered LIMIT 1 reads: each is one step along the (category_id, date) index, where
    # MIN and MAX together would scan every matching row.
    dates = filtered.with_only_columns(Measurement.date)
    first_date = dates.order_by(Measurement.date.asc()).limit(1).scalar_subquery()
    last_date = dates.order_by(Measurement.date.desc()).limit(1).scalar_subquery()
    first, last = session.execute(select(first_date, last_date)).one()
    return _as_utc(first), _as_utc(last)


def _as_utc(value: Any) -> dt.datetime | None:
    if value is None:
        return None
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    moment: dt.datetime = value
    return moment.replace(tzinfo=dt.UTC) if moment.tzinfo is None else moment.astimezone(dt.UTC)


def _iso(value: Any) -> str:
    moment = _as_utc(value)
    assert moment is not None  # a group's newest reading has a date
    return moment.isoformat()


def choose_bucket(first: dt.datetime | None, last: dt.datetime | None, max_points: int) -> str:
    """The finest bucket whose count over the span stays within ``max_points``."""
    if first is None or last is None:
        return "day"
    length = last - first
    for bucket in ("hour", "day", "week", "month"):
        if length / BUCKET_LENGTH[bucket] + 1 <= max_points:
            return bucket
    return "month"


def _offset(moment: dt.datetime, zone: zoneinfo.ZoneInfo) -> dt.timedelta:
    offset = moment.astimezone(zone).utcoffset()
    assert offset is not None  # a ZoneInfo always has one
    return offset


def offset_transitions(
    zone: zoneinfo.ZoneInfo, first: dt.datetime, last: dt.datetime
) -> list[tuple[dt.datetime, dt.timedelta]]:
    """The zone's UTC offsets over [first, last]: ``[(from_utc, offset), ...]``, first entry
    from ``first``. Days are stepped; a change is narrowed to its exact second by bisection
    (zones change offset on whole seconds)."""
    day = dt.timedelta(days=1)
    start = first - day
    current = _offset(start, zone)
    changes = [(start, current)]
    moment = start
    while moment <= last + day:
        following = moment + day
        offset = _offset(following, zone)
        if offset != current:
            changes.append((first_second_of(zone, moment, following, current), offset))
            current = offset
        moment = following
    return changes


def first_second_of(
    zone: zoneinfo.ZoneInfo, low: dt.datetime, high: dt.datetime, before: dt.timedelta | None
) -> dt.datetime:
    """The first whole second in (low, high] whose offset is no longer ``before``."""
    low_second, high_second = int(low.timestamp()), int(high.timestamp())
    while high_second - low_second > 1:
        middle = (low_second + high_second) // 2
        if dt.datetime.fromtimestamp(middle, zone).utcoffset() == before:
            low_second = middle
        else:
            high_second = middle
    return dt.datetime.fromtimestamp(high_second, dt.UTC)


def local_time_sqlite(window: Window, first: dt.datetime, last: dt.datetime) -> Any:
    """The stored UTC time shifted into the window's zone, as SQLite text."""
    column = Measurement.date
    changes = offset_transitions(window.zone, first, last)
    modifiers = [f"{int(offset.total_seconds() // 60):+d} minutes" for _, offset in changes]
    if len(set(modifiers)) == 1:
        return column if modifiers[0] == "+0 minutes" else func.datetime(column, modifiers[0])
    whens = [
        (column < changes[index + 1][0], literal(modifiers[index]))
        for index in range(len(changes) - 1)
    ]
    return func.datetime(column, case(*whens, else_=literal(modifiers[-1])))


def bucket_expression(dialect: str, bucket: str, window: Window, first: Any, last: Any) -> Any:
    """The local start of each reading's bucket (naive local time, or its text on SQLite)."""
    if dialect == "postgresql":
        local = func.timezone(window.zone.key, func.timezone("UTC", Measurement.date))
        return func.date_trunc(bucket, local)
    local = local_time_sqlite(window, first, last)
    if bucket == "hour":
        return func.strftime("%Y-%m-%d %H:00:00", local)
    if bucket == "day":
        return func.date(local)
    if bucket == "week":  # the Monday of the week
        return func.date(local, "weekday 0", "-6 days")
    return func.strftime("%Y-%m-01", local)


def truncate(local: dt.datetime, bucket: str) -> dt.datetime:
    """The start of the bucket holding a naive local time."""
    if bucket == "hour":
        return local.replace(minute=0, second=0, microsecond=0)
    day = local.replace(hour=0, minute=0, second=0, microsecond=0)
    if bucket == "day":
        return day
    if bucket == "week":
        return day - dt.timedelta(days=day.weekday())
    return day.replace(day=1)


def following(local: dt.datetime, bucket: str) -> dt.datetime:
    if bucket == "hour":
        return local + dt.timedelta(hours=1)
    if bucket == "day":
        return local + dt.timedelta(days=1)
    if bucket == "week":
        return local + dt.timedelta(weeks=1)
    return (local.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


def local_buckets(
    zone: zoneinfo.ZoneInfo, bucket: str, first: dt.datetime, last: dt.datetime, limit: int
) -> list[tuple[dt.datetime, dt.datetime]] | None:
    """The buckets covering [first, last] as (local start, UTC start) pairs, closed by one more
    start; None when there would be more than ``limit``."""
    local = truncate(first.astimezone(zone).replace(tzinfo=None), bucket)
    starts = []
    while True:
        utc = local.replace(tzinfo=zone).astimezone(dt.UTC)
        starts.append((local, utc))
        if utc > last:
            return starts
        if len(starts) > limit:
            return None
        local = following(local, bucket)


def bucket_start(value: Any, zone: zoneinfo.ZoneInfo) -> str:
    """A bucket's local start as ISO 8601 with the zone's offset at that moment."""
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    elif isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        value = dt.datetime.combine(value, dt.time.min)
    moment: dt.datetime = value
    return moment.replace(tzinfo=None).replace(tzinfo=zone).isoformat()


def decimal_text(value: Any) -> str:
    """Two places. A float (SQLite's sums) is a sum of two-place values, off by far less than
    half a cent, so its rounding to two places is exact."""
    if isinstance(value, (float, int)):
        return f"{value:.2f}"
    return format(value.quantize(CENT, rounding=decimal.ROUND_HALF_EVEN), "f")


def stored_text(moment: dt.datetime) -> str:
    """A UTC time as SQLite holds it (SQLAlchemy's storage format), for text comparison."""
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M:%S.%f")


def aggregate(
    session: AnySession,
    filtered: Select[*tuple[Any, ...]],
    bucket: str,
    max_points: int,
    window: Window,
) -> list[dict[str, Any]]:
    """``filtered`` (a select of the caller's measurements) condensed per category, bucket and
    unit: ``[{count, sum, min, max, category, start, unit}]`` ordered by category and start."""
    first, last = span(session, filtered)
    if first is None:
        return []
    assert last is not None  # span finds both or neither
    first = max(first, window.start) if window.start else first
    last = min(last, window.end) if window.end else last
    if bucket == "auto":
        bucket = choose_bucket(first, last, max_points)
    dialect = session.get_bind().dialect.name
    if dialect != "postgresql":
        starts = local_buckets(window.zone, bucket, first, last, TABLE_BUCKETS_MAX)
        if starts is not None:
            return aggregate_per_bucket(session, filtered, starts, window.zone)
    return aggregate_grouped(
        session, filtered, bucket_expression(dialect, bucket, window, first, last), window.zone
    )


def aggregate_grouped(
    session: AnySession, filtered: Select[*tuple[Any, ...]], bucket: Any, zone: zoneinfo.ZoneInfo
) -> list[dict[str, Any]]:
    """One GROUP BY on (category, bucket expression, unit)."""
    # Grouped by output name: the expressions carry bound parameters (the zone), which
    # PostgreSQL would not match between SELECT and GROUP BY.
    unit = unit_expression().label("reading_unit")
    by_start: ColumnClause[Any] = literal_column("bucket_start")
    by_unit: ColumnClause[Any] = literal_column("reading_unit")
    stmt = (
        filtered.with_only_columns(
            Measurement.category_id,
            bucket.label("bucket_start"),
            unit,
            func.count().label("count"),
            func.sum(Measurement.value).label("sum"),
            func.min(Measurement.value).label("min"),
            func.max(Measurement.value).label("max"),
        )
        .order_by(None)
        .group_by(Measurement.category_id, by_start, by_unit)
        .order_by(Measurement.category_id, by_start, by_unit)
    )
    return [
        bucket_row(
            row.category_id,
            bucket_start(row.bucket_start, zone),
            row.reading_unit,
            (row.count, row.sum, row.min, row.max),
        )
        for row in session.execute(stmt)
    ]


def aggregate_per_bucket(
    session: AnySession,
    filtered: Select[*tuple[Any, ...]],
    starts: list[tuple[dt.datetime, dt.datetime]],
    zone: zoneinfo.ZoneInfo,
) -> list[dict[str, Any]]:
    """SQLite: the buckets' UTC bounds (computed here, exact over DST changes) as a table;
    per bucket, one index range scan grouped by (category, unit) in a correlated subquery. No date function runs per reading, and the planner cannot turn the join around
    (scanning every bucket per reading); each bucket's groups come back as one JSON array."""
    bounds = [
        [stored_text(starts[index][1]), stored_text(starts[index + 1][1])]
        for index in range(len(starts) - 1)
    ]
    # One JSON parameter expanded by json_each: the statement is the same for any number of
    # buckets, so SQLAlchemy compiles it once.
    table = (
        func.json_each(bindparam("bucket_bounds", json.dumps(bounds), type_=String()))
        .table_valued("key", "value")
        .alias("buckets")
    )
    since = func.json_extract(table.c.value, "$[0]")
    until = func.json_extract(table.c.value, "$[1]")
    groups = (
        filtered.with_only_columns(
            Measurement.category_id.label("category_id"),
            unit_expression().label("reading_unit"),
            func.count().label("count"),
            func.sum(Measurement.value).label("total"),
            func.min(Measurement.value).label("low"),
            func.max(Measurement.value).label("high"),
        )
        .where(Measurement.date >= since, Measurement.date < until)
        .order_by(None)
        .group_by(Measurement.category_id, literal_column("reading_unit"))
        .correlate(table)
        .subquery("groups")
    )
    per_bucket = (
        select(
            func.json_group_array(
                func.json_array(
                    groups.c.category_id,
                    groups.c.reading_unit,
                    groups.c.count,
                    groups.c.total,
                    groups.c.low,
                    groups.c.high,
                )
            )
        )
        .select_from(groups)
        .correlate(table)
        .scalar_subquery()
    )
    stmt = select(table.c.key, per_bucket.label("groups")).order_by(table.c.key)
    labels = [local.replace(tzinfo=zone).isoformat() for local, _ in starts]
    keyed = [
        ((str(category), number, unit or ""), bucket_row(category, labels[number], unit, figures))
        for number, encoded in session.execute(stmt)
        for category, unit, *figures in json.loads(encoded)
    ]
    keyed.sort(key=lambda pair: pair[0])  # by category, then time (as the GROUP BY path)
    return [row for _, row in keyed]


def bucket_row(category: Any, start: str, unit: Any, figures: Any) -> dict[str, Any]:
    count, total, low, high = figures
    return {
        "count": count,
        "sum": decimal_text(total),
        "min": decimal_text(low),
        "max": decimal_text(high),
        "category": str(category),
        "start": start,
        "unit": unit,
    }


def value_counts(
    session: AnySession, filtered: Select[*tuple[Any, ...]], summed_per_day: bool, window: Window
) -> list[dict[str, Any]]:
    """How often each value occurs per category and unit (``summed_per_day``: each day's sum
    counts as one value), with its newest reading: ``[{category, value, unit, count, newest}]``."""
    unit = unit_expression().label("reading_unit")
    by_unit: ColumnClause[Any] = literal_column("reading_unit")
    order: tuple[Any, ...]  # the columns to order by (attributes or expressions)
    if summed_per_day:
        first, last = span(session, filtered)
        if first is None:
            return []
        dialect = session.get_bind().dialect.name
        day = bucket_expression(dialect, "day", window, first, last).label("bucket_start")
        daily = (
            filtered.with_only_columns(
                Measurement.category_id.label("category_id"),
                day,
                unit,
                func.sum(Measurement.value).label("value"),
                func.max(Measurement.date).label("newest"),
            )
            .order_by(None)
            .group_by(Measurement.category_id, literal_column("bucket_start"), by_unit)
            .subquery()
        )
        stmt = select(
            daily.c.category_id,
            daily.c.value,
            daily.c.reading_unit,
            func.count().label("count"),
            func.max(daily.c.newest).label("newest"),
        ).group_by(daily.c.category_id, daily.c.value, daily.c.reading_unit)
        order = (daily.c.category_id, func.count().desc(), daily.c.value)
    else:
        stmt = (
            filtered.with_only_columns(
                Measurement.category_id,
                Measurement.value,
                unit,
                func.count().label("count"),
                func.max(Measurement.date).label("newest"),
            )
            .order_by(None)
            .group_by(Measurement.category_id, Measurement.value, by_unit)
        )
        order = (Measurement.category_id, func.count().desc(), Measurement.value)
    return [
        {
            "category": str(row.category_id),
            "value": decimal_text(row.value),
            "unit": row.reading_unit,
            "count": row.count,
            "newest": iso_datetime(_as_utc(row.newest)),
        }
        for row in session.execute(stmt.order_by(*order))
    ]
