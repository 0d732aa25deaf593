"""The computed routes of measurements: ``measurement/aggregate/`` (per category, bucket and
unit), ``measurement/value-counts/`` and ``measurement-category/dynamic-types/``.

Bare JSON arrays (not paginated), filtered like the measurement list (``category``,
``category__in``, ``source``, ``date`` lookups, ``id``), grouped in SQL.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from typing import Any

from flask import Response, request
from sqlalchemy import select

from wger_flask.blueprints.body.resources import MEASUREMENT, blp
from wger_flask.extensions import db
from wger_flask.models.accounts import UserProfile
from wger_flask.rest import negotiation
from wger_flask.rest.errors import ValidationFailed
from wger_flask.rest.filtering import parse_datetime, query_flag
from wger_flask.rest.smorest import error_response, filter_parameters, set_doc
from wger_flask.schemas.body import BucketSchema, DynamicTypeSchema, ValueCountSchema
from wger_flask.services.body import aggregate as aggregation
from wger_flask.services.body.metrics import DYNAMIC_TYPES

MAX_POINTS_DEFAULT = 200
MAX_POINTS_LIMIT = 10_000


def time_zone(user: Any) -> zoneinfo.ZoneInfo:
    """``?tz=`` (an IANA name), else the profile's time zone when it has one, else UTC."""
    name = request.args.get("tz")
    if name:
        try:
            return zoneinfo.ZoneInfo(name)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            raise ValidationFailed({"tz": [f'"{name}" is not a known IANA time zone.']}) from None
    column = getattr(UserProfile, "time_zone", None)
    if column is not None:
        stored = db.session.execute(
            select(column).where(UserProfile.user_id == user.id)
        ).scalar_one_or_none()
        try:
            return zoneinfo.ZoneInfo(stored) if stored else aggregation.UTC
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            return aggregation.UTC
    return aggregation.UTC


def window(user: Any) -> aggregation.Window:
    start = end = None
    for name in ("date__gte", "date__gt", "date"):
        if request.args.get(name):
            start = _moment(name)
            break
    for name in ("date__lt", "date__lte"):
        if request.args.get(name):
            end = _moment(name)
            break
    return aggregation.Window(zone=time_zone(user), start=start, end=end)


def _moment(name: str) -> dt.datetime:
    try:
        return parse_datetime(request.args[name])
    except ValueError as error:
        raise ValidationFailed({name: [str(error)]}) from None


def max_points() -> int:
    raw = request.args.get("max_points") or str(MAX_POINTS_DEFAULT)
    if not (raw.isascii() and raw.isdigit()) or not 1 <= int(raw) <= MAX_POINTS_LIMIT:
        raise ValidationFailed(
            {"max_points": [f"Enter a whole number between 1 and {MAX_POINTS_LIMIT}."]}
        )
    return int(raw)


def bucket() -> str:
    value = request.args.get("bucket") or "auto"
    if value not in aggregation.BUCKETS:
        raise ValidationFailed(
            {"bucket": [f"Select a valid choice. {value} is not one of the available choices."]}
        )
    return value


def filtered_measurements(user: Any) -> Any:
    """The caller's measurements with the list's filters (no ordering)."""
    stmt, _ = MEASUREMENT.filters.apply(MEASUREMENT.visible(user), request.args)
    return stmt.order_by(None)


def measurement_aggregate() -> Response:
    """Condense measurements per category, calendar bucket and unit: count, sum, min, max."""
    user = MEASUREMENT.authorize_read()
    chosen, points = bucket(), max_points()
    rows = aggregation.aggregate(
        db.session, filtered_measurements(user), chosen, points, window(user)
    )
    return negotiation.render(rows)


def measurement_value_counts() -> Response:
    """How often each value occurs per category and unit, with its newest reading."""
    user = MEASUREMENT.authorize_read()
    summed = query_flag(request.args, "summed_per_day")
    rows = aggregation.value_counts(db.session, filtered_measurements(user), summed, window(user))
    return negotiation.render(rows)


def dynamic_types() -> Response:
    """The calculated category types and the parameters each takes (a JSON schema)."""
    MEASUREMENT.authorize_read()
    return negotiation.render(DYNAMIC_TYPES)


QUERY = [
    {"name": "tz", "in": "query", "schema": {"type": "string"}, "description": "IANA zone"},
]
AGGREGATE_QUERY = [
    {
        "name": "bucket",
        "in": "query",
        "schema": {"type": "string", "enum": list(aggregation.BUCKETS), "default": "auto"},
    },
    {
        "name": "max_points",
        "in": "query",
        "schema": {"type": "integer", "default": MAX_POINTS_DEFAULT, "minimum": 1},
    },
]
VALUE_COUNT_QUERY = [{"name": "summed_per_day", "in": "query", "schema": {"type": "boolean"}}]

ROUTES = [
    (
        "/measurement/aggregate/",
        measurement_aggregate,
        "measurement_aggregate_list",
        BucketSchema,
        AGGREGATE_QUERY + QUERY + filter_parameters(MEASUREMENT.filters),
        "measurement",
    ),
    (
        "/measurement/value-counts/",
        measurement_value_counts,
        "measurement_value_counts_list",
        ValueCountSchema,
        VALUE_COUNT_QUERY + QUERY + filter_parameters(MEASUREMENT.filters),
        "measurement",
    ),
    (
        "/measurement-category/dynamic-types/",
        dynamic_types,
        "measurement_category_dynamic_types_list",
        DynamicTypeSchema,
        [],
        "measurement-category",
    ),
]

for path, view, operation_id, item, parameters, tag in ROUTES:
    set_doc(
        view,
        {
            "operationId": operation_id,
            "summary": view.__doc__,
            "parameters": parameters,
            "responses": {
                "200": {
                    "description": "A bare list (not paginated)",
                    "content": {"application/json": {"schema": {"type": "array", "items": item}}},
                },
                "400": error_response("A malformed parameter, named"),
                "401": error_response("Authentication credentials were not provided or invalid"),
            },
            "security": [{"tokenAuth": []}, {"jwtAuth": []}, {"cookieAuth": []}],
        },
    )
    blp.add_url_rule(path, endpoint=operation_id, view_func=view, methods=["GET"], tags=[tag])
