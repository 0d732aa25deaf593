"""The computed routes of measurements: ``measurement/aggregate/`` (per category, bucket and
unit), ``measurement/value-counts/`` and ``measurement-category/dynamic-types/``.

Bare JSON arrays (not paginated), filtered like the measurement list (``category``,
``category__in``, ``source``, ``date`` lookups, ``id``), grouped in SQL. Their own query
arguments are schemas (``rest.actions``); the list's filters are applied as the list does.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import Response, request
from marshmallow import ValidationError, fields, validate

from wger_flask.blueprints.body.resources import MEASUREMENT, MEASUREMENT_CATEGORY, blp
from wger_flask.extensions import db
from wger_flask.rest import negotiation
from wger_flask.rest.actions import QueryArguments, action
from wger_flask.rest.errors import ValidationFailed
from wger_flask.rest.filtering import parse_datetime
from wger_flask.rest.smorest import filter_parameters
from wger_flask.schemas.body import BucketSchema, DynamicTypeSchema, ValueCountSchema
from wger_flask.schemas.fields import QueryFlag
from wger_flask.services import accounts
from wger_flask.services.body import aggregate as aggregation
from wger_flask.services.body.metrics import DYNAMIC_TYPES

MAX_POINTS_DEFAULT = 200
MAX_POINTS_LIMIT = 10_000
WHOLE_NUMBER = f"Enter a whole number between 1 and {MAX_POINTS_LIMIT}."


class TimeZone(fields.String):
    """An IANA zone name (``tz``), loaded as the zone."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Any:
        name = super()._deserialize(value, attr, data, **kwargs)
        if name not in accounts.known_time_zones():
            raise ValidationError(f'"{name}" is not a known IANA time zone.')
        return accounts.zone_named(name)


class MaxPoints(fields.Integer):
    def _validated(self, value: Any) -> int:
        text = str(value)
        if not (text.isascii() and text.isdigit()) or not 1 <= int(text) <= MAX_POINTS_LIMIT:
            raise ValidationError(WHOLE_NUMBER)
        return int(text)


class WindowArguments(QueryArguments):
    tz = TimeZone(metadata={"description": "IANA zone"})


class AggregateArguments(WindowArguments):
    bucket = fields.String(
        load_default="auto",
        validate=validate.OneOf(
            aggregation.BUCKETS,
            error="Select a valid choice. {input} is not one of the available choices.",
        ),
    )
    max_points = MaxPoints(load_default=MAX_POINTS_DEFAULT, metadata={"minimum": 1})


class ValueCountArguments(WindowArguments):
    summed_per_day = QueryFlag()


def window(user: Any, zone: Any) -> aggregation.Window:
    start = end = None
    for name in ("date__gte", "date__gt", "date"):
        if request.args.get(name):
            start = _moment(name)
            break
    for name in ("date__lt", "date__lte"):
        if request.args.get(name):
            end = _moment(name)
            break
    if zone is None:  # the profile's zone, else UTC
        zone = accounts.time_zone_of(db.session, user.id)
    return aggregation.Window(zone=zone, start=start, end=end)


def _moment(name: str) -> dt.datetime:
    try:
        return parse_datetime(request.args[name])
    except ValueError as error:
        raise ValidationFailed({name: [str(error)]}) from None


def filtered_measurements(user: Any) -> Any:
    """The caller's measurements with the list's filters (no ordering)."""
    stmt, _ = MEASUREMENT.filters.apply(MEASUREMENT.visible(user), request.args)
    return stmt.order_by(None)


LIST_FILTERS = filter_parameters(MEASUREMENT.filters)
BARE_LIST = "A bare list (not paginated)"
MALFORMED = {400: "A malformed parameter, named"}


@action(
    blp,
    MEASUREMENT,
    "aggregate",
    operation_id="measurement_aggregate_list",
    query=AggregateArguments,
    response=BucketSchema(many=True),
    description=BARE_LIST,
    parameters=LIST_FILTERS,
)
def measurement_aggregate(bucket: str, max_points: int, tz: Any = None) -> Response:
    """Condense measurements per category, calendar bucket and unit: count, sum, min, max."""
    user = MEASUREMENT.authorize_read()
    rows = aggregation.aggregate(
        db.session, filtered_measurements(user), bucket, max_points, window(user, tz)
    )
    return negotiation.render(rows)


@action(
    blp,
    MEASUREMENT,
    "value-counts",
    operation_id="measurement_value_counts_list",
    query=ValueCountArguments,
    response=ValueCountSchema(many=True),
    description=BARE_LIST,
    parameters=LIST_FILTERS,
)
def measurement_value_counts(summed_per_day: bool = False, tz: Any = None) -> Response:
    """How often each value occurs per category and unit, with its newest reading."""
    user = MEASUREMENT.authorize_read()
    rows = aggregation.value_counts(
        db.session, filtered_measurements(user), summed_per_day, window(user, tz)
    )
    return negotiation.render(rows)


@action(
    blp,
    MEASUREMENT_CATEGORY,
    "dynamic-types",
    operation_id="measurement_category_dynamic_types_list",
    response=DynamicTypeSchema(many=True),
    description=BARE_LIST,
    errors=MALFORMED,
)
def dynamic_types() -> Response:
    """The calculated category types and the parameters each takes (a JSON schema)."""
    MEASUREMENT_CATEGORY.authorize_read()
    return negotiation.render(DYNAMIC_TYPES)
