"""Schemas of routines, days, slots, slot entries and their ten configs (upstream's
serializers, field by field), and of the nested ``routine/{id}/structure/``."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from marshmallow import ValidationError, fields

from wger_flask.models.catalogue import Exercise, RepetitionUnit, WeightUnit
from wger_flask.models.routines import Day, Routine, Slot, SlotEntry
from wger_flask.schemas.base import BaseSchema
from wger_flask.schemas.fields import (
    Date,
    DateTime,
    DecimalString,
    FreeJSON,
    Related,
    between,
    longest,
    one_of,
)
from wger_flask.services.routines.progression import REQUIREMENT_RULES

INTEGER_MAX = 2**31 - 1  # what an integer column holds
DAY_TYPES = ["custom", "enom", "amrap", "hiit", "tabata", "edt", "rft", "afap"]
SET_TYPES = ["normal", "warmup", "dropset", "myo", "partial", "forced", "tut", "iso", "jump"]
OPERATIONS = ["+", "-", "r"]
STEPS = ["na", "abs", "percent"]
RIR_OPTIONS = [Decimal(halves) / 2 for halves in range(10)]  # 0, 0.5, ... 4.5


def rir_option(value: Decimal | None) -> None:
    if value is not None and value not in RIR_OPTIONS:
        raise ValidationError(f"{value} is not a valid RiR option (0 to 4.5 in steps of 0.5).")


def requirements_rules(value: Any) -> None:
    """``{"rules": [...]}`` with rules among weight, repetitions, rir and rest."""
    if not isinstance(value, dict):
        raise ValidationError("Requirements must be a JSON object.")
    if "rules" not in value:
        raise ValidationError("Missing required keys: 'rules'")
    if not isinstance(value["rules"], list):
        raise ValidationError("'rules' must be a list.")
    for rule in value["rules"]:
        if rule not in REQUIREMENT_RULES:
            raise ValidationError(f"Invalid rule: {rule}")


def order_field() -> fields.Integer:
    return fields.Integer(validate=between(0, INTEGER_MAX))


class RoutineSchema(BaseSchema):
    id = fields.Integer(dump_only=True)
    name = fields.String(validate=longest(25))
    description = fields.String(validate=longest(1000))
    created = DateTime(dump_only=True)
    start = Date(required=True)
    end = Date(required=True)
    fit_in_week = fields.Boolean()
    is_template = fields.Boolean(
        metadata={
            "description": "Marking a workout as a template will freeze it and allow you to "
            "make copies of it"
        }
    )
    is_public = fields.Boolean(
        metadata={"description": "A public template is available to other users"}
    )


class DaySchema(BaseSchema):
    id = fields.Integer(dump_only=True)
    routine = Related(Routine, required=True)
    order = order_field()
    name = fields.String(validate=longest(20))
    description = fields.String(validate=longest(1000))
    is_rest = fields.Boolean()
    need_logs_to_advance = fields.Boolean()
    type = fields.String(validate=one_of(DAY_TYPES))
    config = FreeJSON(allow_none=True)


class SlotSchema(BaseSchema):
    id = fields.Integer(dump_only=True)
    day = Related(Day, required=True)
    order = order_field()
    comment = fields.String(validate=longest(200))
    config = FreeJSON(allow_none=True)


class SlotEntrySchema(BaseSchema):
    id = fields.Integer(dump_only=True)
    slot = Related(Slot, required=True)
    exercise = Related(Exercise, required=True)
    type = fields.String(validate=one_of(SET_TYPES))
    repetition_unit = Related(RepetitionUnit, allow_none=True)
    repetition_rounding = DecimalString(4, 2, allow_none=True)
    weight_unit = Related(WeightUnit, allow_none=True)
    weight_rounding = DecimalString(4, 2, allow_none=True)
    order = order_field()
    comment = fields.String(validate=longest(100))
    config = FreeJSON(allow_none=True)


# ------------------------------------------------------------------------------ configs


class ConfigSchema(BaseSchema):
    """A progression row; the subclasses differ only in the type and range of ``value``."""

    id = fields.Integer(dump_only=True)
    slot_entry = Related(SlotEntry, required=True)
    iteration = fields.Integer(required=True, validate=between(0, INTEGER_MAX))
    value: fields.Field[Any] = DecimalString(6, 2, required=True, validate=between(0, 3000))
    operation = fields.String(validate=one_of(OPERATIONS))
    step = fields.String(validate=one_of(STEPS))
    repeat = fields.Boolean()
    requirements = FreeJSON(allow_none=True, validate=requirements_rules)


class WeightConfigSchema(ConfigSchema):
    pass


class MaxWeightConfigSchema(ConfigSchema):
    pass


class RepetitionsConfigSchema(ConfigSchema):
    pass


class MaxRepetitionsConfigSchema(ConfigSchema):
    pass


class SetNrConfigSchema(ConfigSchema):
    value = fields.Integer(required=True, validate=between(0, 50))


class MaxSetNrConfigSchema(ConfigSchema):
    value = fields.Integer(required=True, validate=between(0, 50))


class RestConfigSchema(ConfigSchema):
    value = fields.Integer(required=True, validate=between(0, 1800))


class MaxRestConfigSchema(ConfigSchema):
    value = fields.Integer(required=True, validate=between(0, 600))


class RiRConfigSchema(ConfigSchema):
    value = DecimalString(2, 1, required=True, validate=rir_option)


class MaxRiRConfigSchema(ConfigSchema):
    value = DecimalString(2, 1, required=True, validate=rir_option)


# ------------------------------------------------------------------------------ structure


class SlotEntryStructureSchema(BaseSchema):
    id = fields.Integer(dump_only=True)
    slot = Related(Slot)
    exercise = Related(Exercise)
    order = fields.Integer()
    comment = fields.String()
    type = fields.String(validate=one_of(SET_TYPES))
    class_name = fields.String(allow_none=True)
    config = FreeJSON(allow_none=True)
    repetition_unit = Related(RepetitionUnit, allow_none=True)
    repetition_rounding = DecimalString(4, 2, allow_none=True)
    repetitions_configs = fields.Nested(RepetitionsConfigSchema, many=True)
    max_repetitions_configs = fields.Nested(MaxRepetitionsConfigSchema, many=True)
    weight_unit = Related(WeightUnit, allow_none=True)
    weight_rounding = DecimalString(4, 2, allow_none=True)
    weight_configs = fields.Nested(WeightConfigSchema, many=True)
    max_weight_configs = fields.Nested(MaxWeightConfigSchema, many=True)
    set_nr_configs = fields.Nested(SetNrConfigSchema, many=True)
    max_set_nr_configs = fields.Nested(MaxSetNrConfigSchema, many=True)
    rir_configs = fields.Nested(RiRConfigSchema, many=True)
    max_rir_configs = fields.Nested(MaxRiRConfigSchema, many=True)
    rest_configs = fields.Nested(RestConfigSchema, many=True)
    max_rest_configs = fields.Nested(MaxRestConfigSchema, many=True)


class SlotStructureSchema(BaseSchema):
    id = fields.Integer(dump_only=True)
    day = Related(Day)
    order = fields.Integer()
    comment = fields.String()
    entries = fields.Nested(SlotEntryStructureSchema, many=True)
    config = FreeJSON(allow_none=True)


class DayStructureSchema(DaySchema):
    slots = fields.Nested(SlotStructureSchema, many=True)


class RoutineStructureSchema(BaseSchema):
    id = fields.Integer(dump_only=True)
    name = fields.String()
    description = fields.String()
    created = DateTime(dump_only=True)
    start = Date()
    end = Date()
    fit_in_week = fields.Boolean()
    days = fields.Nested(DayStructureSchema, many=True)


# Each config endpoint's schema, by endpoint name.
CONFIG_SCHEMAS: dict[str, type[ConfigSchema]] = {
    "weight-config": WeightConfigSchema,
    "max-weight-config": MaxWeightConfigSchema,
    "repetitions-config": RepetitionsConfigSchema,
    "max-repetitions-config": MaxRepetitionsConfigSchema,
    "sets-config": SetNrConfigSchema,
    "max-sets-config": MaxSetNrConfigSchema,
    "rest-config": RestConfigSchema,
    "max-rest-config": MaxRestConfigSchema,
    "rir-config": RiRConfigSchema,
    "max-rir-config": MaxRiRConfigSchema,
}
