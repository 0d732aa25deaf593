"""The routine actions' payloads: their documented shapes, and the builders that turn the
services' results into them exactly as upstream's serializers write them.

Decimals as DRF writes them: a ``DecimalField`` is a string with its places (``"2.50"``);
upstream's ``DecimalOrIntegerField`` drops the places of whole numbers (``"80"``, ``"82.50"``);
raw decimals inside the statistics' maps are JSON numbers (DRF's encoder makes them floats).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from marshmallow import fields

from wger_flask.rest import caches
from wger_flask.rest.serialization import compile_dumper
from wger_flask.schemas.base import BaseSchema
from wger_flask.schemas.fields import Date, DecimalString, decimal_string
from wger_flask.schemas.routines.logs import WorkoutLogSchema, WorkoutSessionSchema
from wger_flask.schemas.routines.tree import (
    DaySchema,
    DayStructureSchema,
    RoutineStructureSchema,
    SlotEntryStructureSchema,
    SlotStructureSchema,
)
from wger_flask.services.routines.plan import DayPlan
from wger_flask.services.routines.sets import Prescription, SetData, SlotPlan
from wger_flask.services.routines.stats import GroupedLogData, LogData, RoutineStats
from wger_flask.services.routines.text import text_repr

ONE = Decimal(1)
ONLY_ROUTINE = ("id", "name", "description", "created", "start", "end", "fit_in_week")
ONLY_DAY = tuple(field for field in DaySchema._declared_fields if field != "slots")
ONLY_SLOT = ("id", "day", "order", "comment", "config")

# ------------------------------------------------------------------------------ shapes


class SetConfigDataSchema(BaseSchema):
    slot_entry_id = fields.Integer()
    exercise = fields.Integer()
    sets = fields.Integer()
    max_sets = fields.Integer(allow_none=True)
    weight = DecimalString(6, 2, allow_none=True)
    max_weight = DecimalString(6, 2, allow_none=True)
    weight_unit = fields.Integer(allow_none=True)
    weight_rounding = DecimalString(4, 2, allow_none=True)
    repetitions = DecimalString(6, 2, allow_none=True)
    max_repetitions = DecimalString(6, 2, allow_none=True)
    repetitions_unit = fields.Integer(allow_none=True)
    repetitions_rounding = DecimalString(4, 2, allow_none=True)
    rir = DecimalString(2, 1, allow_none=True)
    max_rir = DecimalString(2, 1, allow_none=True)
    rpe = DecimalString(3, 1, allow_none=True)
    rest = DecimalString(6, 2, allow_none=True)
    max_rest = DecimalString(6, 2, allow_none=True)
    type = fields.String()
    text_repr = fields.String()
    comment = fields.String()


class SlotDataSchema(BaseSchema):
    comment = fields.String()
    is_superset = fields.Boolean()
    exercises = fields.List(fields.Integer())
    sets = fields.Nested(SetConfigDataSchema, many=True)


class WorkoutDayDataDisplayModeSchema(BaseSchema):
    """One date of the plan, the sets of a slot grouped for reading."""

    iteration = fields.Integer()
    date = Date()
    label = fields.String(allow_none=True)
    day = fields.Nested(DaySchema, allow_none=True)
    slots = fields.Nested(SlotDataSchema, many=True)


class WorkoutDayDataGymModeSchema(WorkoutDayDataDisplayModeSchema):
    """One date of the plan, every set listed in the order it is done."""


class LogDisplaySchema(BaseSchema):
    session = fields.Nested(WorkoutSessionSchema)
    logs = fields.Nested(WorkoutLogSchema, many=True)


class LogDataSchema(BaseSchema):
    exercises = fields.Dict(keys=fields.String(), values=fields.Float())
    muscle = fields.Dict(keys=fields.String(), values=fields.Float())
    upper_body = DecimalString(10, 2)
    lower_body = DecimalString(10, 2)
    total = DecimalString(10, 2)


class GroupedLogDataSchema(BaseSchema):
    iteration = fields.Dict(keys=fields.String(), values=fields.Nested(LogDataSchema))
    weekly = fields.Dict(keys=fields.String(), values=fields.Nested(LogDataSchema))
    daily = fields.Dict(keys=fields.String(), values=fields.Nested(LogDataSchema))
    mesocycle = fields.Nested(LogDataSchema)


class LogStatsDataSchema(BaseSchema):
    intensity = fields.Nested(GroupedLogDataSchema)
    sets = fields.Nested(GroupedLogDataSchema)
    volume = fields.Nested(GroupedLogDataSchema)


# ------------------------------------------------------------------------------ decimals


@caches.bounded_lru_cache("whole_or_decimal_strings", max_bytes=1024 * 1024, entry_bytes=256)
def whole_or_decimal(value: Any, places: int) -> str | None:
    """Upstream's DecimalOrIntegerField: ``"80"`` for whole numbers, else DRF's string."""
    text = decimal_string(value, places)
    if text is None:
        return None
    quantized = Decimal(text)
    return str(int(quantized)) if quantized == quantized.to_integral_value() else text


def whole(value: Any) -> int | None:
    return None if value is None else int(value)


# ------------------------------------------------------------------------------ builders


class PlanPayloads:
    """Builds the date-sequence payload; each prescription and day is written once however
    many dates show it."""

    def __init__(self) -> None:
        self._sets: dict[tuple[int, bool], dict[str, Any]] = {}
        self._days: dict[int, dict[str, Any]] = {}
        self._slots: dict[int, list[dict[str, Any]]] = {}
        self._prescriptions: dict[tuple[int, bool], tuple[dict[str, Any], str]] = {}
        self._dump_day = compile_dumper(DaySchema)

    def dates(self, plans: list[DayPlan]) -> list[dict[str, Any]]:
        return [self.date(plan) for plan in plans]

    def date(self, plan: DayPlan) -> dict[str, Any]:
        return {
            "iteration": plan.iteration,
            "date": plan.date.isoformat(),
            "label": plan.label,
            "day": None if plan.day is None else self.day(plan.day),
            "slots": self.slots(plan.slots),
        }

    def slots(self, slots: list[SlotPlan]) -> list[dict[str, Any]]:
        # dates prescribing the same share one list of slot plans: written once
        written = self._slots.get(id(slots))
        if written is None:
            written = self._slots[id(slots)] = [self.slot(slot) for slot in slots]
        return written

    def day(self, day: Any) -> dict[str, Any]:
        dumped = self._days.get(day.id)
        if dumped is None:
            dumped = self._days[day.id] = self._dump_day(day)
        return dumped

    def slot(self, slot: SlotPlan) -> dict[str, Any]:
        return {
            "comment": slot.comment,
            "is_superset": slot.is_superset,
            "exercises": slot.exercises,
            "sets": [self.set(item, slot.one_set_each) for item in slot.sets],
        }

    def set(self, item: SetData, one_set: bool) -> dict[str, Any]:
        key = (id(item), one_set)
        payload = self._sets.get(key)
        if payload is None:
            values, text = self.prescription(item.prescription, one_set)
            payload = self._sets[key] = set_payload(item, values, text)
        return payload

    def prescription(self, prescription: Prescription, one_set: bool) -> tuple[dict[str, Any], str]:
        key = (id(prescription), one_set)
        written = self._prescriptions.get(key)
        if written is None:
            written = self._prescriptions[key] = (
                prescription_payload(prescription, one_set),
                text_repr(prescription, sets=ONE if one_set else None),
            )
        return written


def set_payload(item: SetData, values: dict[str, Any], text: str) -> dict[str, Any]:
    """Upstream's SetConfigData, field by field (``values``: the prescription's part)."""
    return {
        "slot_entry_id": item.slot_entry_id,
        "exercise": item.exercise,
        **values,
        "type": item.type,
        "text_repr": text,
        "comment": item.comment,
    }


def prescription_payload(item: Prescription, one_set: bool = False) -> dict[str, Any]:
    """The values of a set as written (``one_set``: one set of the gym sequence, whatever the
    prescribed count)."""
    return {
        "sets": 1 if one_set else whole(item.sets),
        "max_sets": whole(item.max_sets),
        "weight": whole_or_decimal(item.weight, 2),
        "max_weight": whole_or_decimal(item.max_weight, 2),
        "weight_unit": item.weight_unit,
        "weight_rounding": decimal_string(item.weight_rounding, 2),
        "repetitions": whole_or_decimal(item.repetitions, 2),
        "max_repetitions": whole_or_decimal(item.max_repetitions, 2),
        "repetitions_unit": item.repetitions_unit,
        "repetitions_rounding": decimal_string(item.repetitions_rounding, 2),
        "rir": whole_or_decimal(item.rir, 1),
        "max_rir": whole_or_decimal(item.max_rir, 1),
        "rpe": whole_or_decimal(item.rpe, 1),
        "rest": whole_or_decimal(item.rest, 2),
        "max_rest": whole_or_decimal(item.max_rest, 2),
    }


# ------------------------------------------------------------------------------ structure


def _value_places(schema: Any) -> int | None:
    """The places of a config schema's ``value`` (a DecimalString), None for an integer."""
    value = schema._declared_fields["value"]
    return value.decimal_places if isinstance(value, DecimalString) else None


# Per config relationship: how its ``value`` is written, as the structure schema declares it.
CONFIG_VALUE_PLACES = {
    name: _value_places(field.nested)
    for name, field in SlotEntryStructureSchema._declared_fields.items()
    if isinstance(field, fields.Nested)
}


class StructurePayload:
    """``RoutineStructureSchema`` written by hand for its hot part (a big routine holds
    thousands of config rows); ``tests/unit`` checks it against marshmallow's dump."""

    def __init__(self) -> None:
        self._routine = compile_dumper(RoutineStructureSchema, ONLY_ROUTINE)
        self._day = compile_dumper(DayStructureSchema, ONLY_DAY)
        self._slot = compile_dumper(SlotStructureSchema, ONLY_SLOT)

    def routine(self, routine: Any) -> dict[str, Any]:
        return {**self._routine(routine), "days": [self.day(day) for day in routine.days]}

    def day(self, day: Any) -> dict[str, Any]:
        return {**self._day(day), "slots": [self.slot(slot) for slot in day.slots]}

    def slot(self, slot: Any) -> dict[str, Any]:
        written = self._slot(slot)
        config = written.pop("config")
        written["entries"] = [entry_payload(entry) for entry in slot.entries]
        written["config"] = config
        return written


def entry_payload(entry: Any) -> dict[str, Any]:
    return {
        "id": entry.id,
        "slot": entry.slot_id,
        "exercise": entry.exercise_id,
        "order": entry.order,
        "comment": entry.comment,
        "type": entry.type,
        "class_name": entry.class_name,
        "config": entry.config,
        "repetition_unit": entry.repetition_unit_id,
        "repetition_rounding": decimal_string(entry.repetition_rounding, 2),
        "repetitions_configs": _configs(entry, "repetitions_configs"),
        "max_repetitions_configs": _configs(entry, "max_repetitions_configs"),
        "weight_unit": entry.weight_unit_id,
        "weight_rounding": decimal_string(entry.weight_rounding, 2),
        "weight_configs": _configs(entry, "weight_configs"),
        "max_weight_configs": _configs(entry, "max_weight_configs"),
        "set_nr_configs": _configs(entry, "set_nr_configs"),
        "max_set_nr_configs": _configs(entry, "max_set_nr_configs"),
        "rir_configs": _configs(entry, "rir_configs"),
        "max_rir_configs": _configs(entry, "max_rir_configs"),
        "rest_configs": _configs(entry, "rest_configs"),
        "max_rest_configs": _configs(entry, "max_rest_configs"),
    }


def _configs(entry: Any, name: str) -> list[dict[str, Any]]:
    places = CONFIG_VALUE_PLACES[name]
    return [
        {
            "id": row.id,
            "slot_entry": row.slot_entry_id,
            "iteration": row.iteration,
            "value": int(row.value) if places is None else decimal_string(row.value, places),
            "operation": row.operation,
            "step": row.step,
            "repeat": row.repeat,
            "requirements": row.requirements,
        }
        for row in getattr(entry, name)
    ]


def stats_payload(stats: RoutineStats) -> dict[str, Any]:
    return {
        "intensity": _grouped(stats.intensity),
        "sets": _grouped(stats.sets),
        "volume": _grouped(stats.volume),
    }


def _grouped(data: GroupedLogData) -> dict[str, Any]:
    return {
        "iteration": {str(key): _log_data(value) for key, value in data.iteration.items()},
        "weekly": {str(key): _log_data(value) for key, value in data.weekly.items()},
        "daily": {str(key): _log_data(value) for key, value in data.daily.items()},
        "mesocycle": _log_data(data.mesocycle),
    }


def _log_data(data: LogData) -> dict[str, Any]:
    return {
        "exercises": {str(key): float(value) for key, value in data.exercises.items()},
        "muscle": {str(key): float(value) for key, value in data.muscle.items()},
        "upper_body": decimal_string(data.upper_body, 2),
        "lower_body": decimal_string(data.lower_body, 2),
        "total": decimal_string(data.total, 2),
    }
