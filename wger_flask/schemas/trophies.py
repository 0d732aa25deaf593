"""Schemas of the trophy resources: trophies, earned trophies, progress, user statistics.

Everything is read-only (upstream's serializers).
"""

from __future__ import annotations

from typing import Any

from flask import request
from marshmallow import fields, validate

from wger_flask.models.trophies import TROPHY_TYPES
from wger_flask.schemas.base import BaseSchema
from wger_flask.schemas.fields import DateTime, UUIDString
from wger_flask.services.trophies import current_streak, current_weekend_streak, kg_of
from wger_flask.services.trophies.badges import image_path


def image_url(trophy: Any) -> str:
    """The trophy's badge at upstream's path (``static/trophies/<type>/<uuid>.png``), as an
    absolute URL on the request's host."""
    return request.host_url + "static/" + image_path(trophy.trophy_type, trophy.uuid)


class TrophySchema(BaseSchema):
    """A trophy of the catalogue."""

    id = fields.Integer(dump_only=True)
    uuid = UUIDString(dump_only=True)
    name = fields.String(dump_only=True)
    description = fields.String(dump_only=True)
    image = fields.Function(
        image_url,
        dump_only=True,
        metadata={"type": "string", "nullable": True, "description": "URL of the badge"},
    )
    trophy_type = fields.String(dump_only=True, validate=validate.OneOf(TROPHY_TYPES))
    is_hidden = fields.Boolean(
        dump_only=True, metadata={"description": "If true, hidden until earned"}
    )
    is_progressive = fields.Boolean(
        dump_only=True, metadata={"description": "If true, shows progress towards completion"}
    )
    is_repeatable = fields.Boolean(
        dump_only=True, metadata={"description": "If true, can be earned several times"}
    )
    order = fields.Integer(dump_only=True)


class UserTrophySchema(BaseSchema):
    """A trophy the caller earned."""

    id = fields.Integer(dump_only=True)
    trophy = fields.Nested(TrophySchema, dump_only=True)
    earned_at = DateTime(dump_only=True)
    progress = fields.Float(dump_only=True)
    is_notified = fields.Boolean(dump_only=True)
    context_data = fields.Raw(
        dump_only=True,
        allow_none=True,
        metadata={"nullable": True, "description": "What earned it (a record's log)"},
    )


class TrophyProgressSchema(BaseSchema):
    """One trophy with the caller's progress towards it."""

    trophy = fields.Nested(TrophySchema, dump_only=True)
    is_earned = fields.Boolean()
    earned_at = DateTime(allow_none=True)
    progress = fields.Float(metadata={"description": "0 to 100"})
    current_value = fields.String(allow_none=True)
    target_value = fields.String(allow_none=True)
    progress_display = fields.String(allow_none=True)


def _text(value: Any) -> str | None:
    return None if value is None else value.isoformat()


# A time of day as DRF renders it, "07:11:13" (no offset: JSON Schema's "format: time" wants
# one, so it is not claimed).
TIME_OF_DAY = {"type": "string", "nullable": True, "pattern": r"^\d{2}:\d{2}(:\d{2}(\.\d+)?)?$"}


class UserStatisticsSchema(BaseSchema):
    """The caller's workout statistics."""

    id = fields.Integer(dump_only=True)
    total_weight_lifted = fields.Function(
        lambda stats: str(kg_of(stats.volume_mg)),
        dump_only=True,
        metadata={"type": "string", "format": "decimal", "description": "In kg"},
    )
    total_workouts = fields.Integer(dump_only=True)
    current_streak = fields.Function(
        current_streak,
        dump_only=True,
        metadata={
            "type": "integer",
            "description": "Consecutive workout days up to the last one",
        },
    )
    longest_streak = fields.Integer(dump_only=True)
    last_workout_date = fields.Function(
        lambda stats: _text(stats.last_workout_date),
        dump_only=True,
        metadata={"type": "string", "format": "date", "nullable": True},
    )
    earliest_workout_time = fields.Function(
        lambda stats: _text(stats.earliest_workout_time),
        dump_only=True,
        metadata=TIME_OF_DAY,
    )
    latest_workout_time = fields.Function(
        lambda stats: _text(stats.latest_workout_time),
        dump_only=True,
        metadata=TIME_OF_DAY,
    )
    weekend_workout_streak = fields.Function(
        current_weekend_streak,
        dump_only=True,
        metadata={"type": "integer", "description": "Consecutive complete weekends"},
    )
    last_complete_weekend_date = fields.Function(
        lambda stats: _text(stats.last_complete_weekend_date),
        dump_only=True,
        metadata={"type": "string", "format": "date", "nullable": True},
    )
    worked_out_jan_1 = fields.Boolean(dump_only=True)
    last_updated = DateTime(dump_only=True)
