"""Schemas of the account resources: the user profile."""

from __future__ import annotations

import datetime as dt
from typing import Any

from marshmallow import ValidationError, fields, validate

from wger_flask.models.catalogue import Language
from wger_flask.schemas.base import BaseSchema
from wger_flask.schemas.fields import Date, DateTime, DecimalString, Related
from wger_flask.services.accounts import known_time_zones

MIN_ACCOUNT_AGE_TO_TRUST = dt.timedelta(days=21)
INTENSITIES = ["1", "2", "3"]


def _years_ago(years: int, today: dt.date) -> dt.date:
    try:
        return today.replace(year=today.year - years)
    except ValueError:  # 29 February
        return today.replace(year=today.year - years, day=28)


def validate_birthdate(value: dt.date) -> None:
    """Between 10 and 100 years ago, as upstream."""
    today = dt.date.today()
    if not _years_ago(100, today) <= value <= _years_ago(10, today):
        raise ValidationError("The birthdate must be between 10 and 100 years ago.")


def validate_time_zone(value: str) -> None:
    """An IANA zone name ("Europe/Berlin"), or empty for none (the server's UTC is used)."""
    if value and value not in known_time_zones():
        raise ValidationError(f'"{value}" is not a known IANA time zone, e.g. "Europe/Berlin".')


def is_trustworthy(profile: Any) -> bool:
    """Superusers; or accounts older than three weeks, not temporary, with a verified email."""
    user = profile.user
    if user.is_superuser:
        return True
    if profile.is_temporary:
        return False
    old_enough = dt.datetime.now(dt.UTC) - user.date_joined > MIN_ACCOUNT_AGE_TO_TRUST
    return old_enough and bool(user.email_verified)


def _int(low: int, high: int, **kwargs: Any) -> fields.Integer:
    return fields.Integer(validate=validate.Range(min=low, max=high), **kwargs)


def _choice(choices: list[str], **kwargs: Any) -> fields.String:
    return fields.String(validate=validate.OneOf(choices), **kwargs)


class UserprofileSchema(BaseSchema):
    """The caller's profile: account facts (read-only) and preferences."""

    username = fields.String(attribute="user.username", dump_only=True)
    # An account may have no address: "" then, which "format: email" would not admit.
    email = fields.String(
        attribute="user.email",
        dump_only=True,
        metadata={
            "description": "The account's email address; empty when it has none",
            "pattern": r"^(|[^@\s]+@[^@\s]+)$",
        },
    )
    email_verified = fields.Boolean(attribute="user.email_verified", dump_only=True)
    is_trustworthy = fields.Function(is_trustworthy, dump_only=True, metadata={"type": "boolean"})
    date_joined = DateTime(attribute="user.date_joined", dump_only=True)
    gym = fields.Function(
        lambda profile: None, dump_only=True, metadata={"type": "integer", "nullable": True}
    )
    weight_rounding = DecimalString(4, 2, allow_none=True)
    repetitions_rounding = DecimalString(4, 2, allow_none=True)
    is_temporary = fields.Boolean(dump_only=True)
    workout_reminder_active = fields.Boolean()
    workout_reminder = _int(1, 30)
    workout_duration = _int(1, 30)
    last_workout_notification = Date(dump_only=True, allow_none=True)
    notification_language = Related(Language)
    age = _int(10, 100, allow_none=True)
    birthdate = Date(allow_none=True, validate=validate_birthdate)
    height = _int(140, 230, allow_none=True)
    gender = _choice(["1", "2"], allow_none=True)
    sleep_hours = _int(4, 10, allow_none=True)
    work_hours = _int(1, 15, allow_none=True)
    work_intensity = _choice(INTENSITIES, allow_none=True)
    sport_hours = _int(1, 30, allow_none=True)
    sport_intensity = _choice(INTENSITIES, allow_none=True)
    freetime_hours = _int(1, 15, allow_none=True)
    freetime_intensity = _choice(INTENSITIES, allow_none=True)
    calories = _int(1500, 5000, allow_none=True)
    weight_unit = _choice(["kg", "lb"])
    num_days_weight_reminder = _int(0, 30)
    time_zone = fields.String(
        validate=[validate.Length(max=50), validate_time_zone],
        metadata={"description": 'IANA time zone name, e.g. "Europe/Berlin"; empty: UTC'},
    )
    trophies_enabled = fields.Boolean(
        metadata={"description": "Track statistics and award trophies for this account"}
    )
