"""What each metric type means: its default unit, the values it accepts, groups and their
components, the official categories every user has, the dynamic (calculated) types."""

from __future__ import annotations

import decimal
from dataclasses import dataclass
from typing import Any

from wger_flask.models.body import CUSTOM

D = decimal.Decimal

METRIC_TYPES = (
    "blood_oxygen",
    "blood_pressure",
    "blood_pressure_diastolic",
    "blood_pressure_systolic",
    "body_fat",
    "body_weight",
    "custom",
    "distance",
    "energy",
    "heart_rate",
    "height",
    "lean_body_mass",
    "resting_heart_rate",
    "sleep",
    "sleep_awake",
    "sleep_deep",
    "sleep_light",
    "sleep_rem",
    "sleep_total",
    "steps",
)

# A group holds no entries; creating one creates its components (children).
GROUPS: dict[str, tuple[tuple[str, str], ...]] = {
    "blood_pressure": (
        ("blood_pressure_systolic", "Systolic"),
        ("blood_pressure_diastolic", "Diastolic"),
    ),
    "sleep": (
        ("sleep_total", "Total sleep"),
        ("sleep_deep", "Deep sleep"),
        ("sleep_light", "Light sleep"),
        ("sleep_rem", "REM sleep"),
        ("sleep_awake", "Awake"),
    ),
}
COMPONENT_OF = {child: group for group, children in GROUPS.items() for child, _ in children}

DEFAULT_UNITS = {
    "body_weight": "kg",
    "lean_body_mass": "kg",
    "body_fat": "%",
    "blood_oxygen": "%",
    "height": "cm",
    "blood_pressure": "mmHg",
    "blood_pressure_systolic": "mmHg",
    "blood_pressure_diastolic": "mmHg",
    "heart_rate": "bpm",
    "resting_heart_rate": "bpm",
    "steps": "count",
    "distance": "km",
    "energy": "kcal",
    **{name: "min" for name in ("sleep", *(child for child, _ in GROUPS["sleep"]))},
}
# Metrics that are a mass accept only these units.
MASS_UNITS = ("kg", "lb")
MASS_METRICS = ("body_weight", "lean_body_mass")


@dataclass(frozen=True)
class Range:
    low: decimal.Decimal
    high: decimal.Decimal

    def message(self, unit: str) -> str:
        suffix = f" {unit}" if unit else ""
        return f"Ensure this value is between {self.low}{suffix} and {self.high}{suffix}."


# The values a metric accepts (per unit where the unit changes the scale).
RANGES: dict[str, dict[str | None, Range]] = {
    "body_weight": {"kg": Range(D(20), D(350)), "lb": Range(D(44), D(770))},
    "lean_body_mass": {"kg": Range(D(5), D(300)), "lb": Range(D(11), D(660))},
    "body_fat": {None: Range(D(0), D(100))},
    "blood_oxygen": {None: Range(D(0), D(100))},
    "height": {"cm": Range(D(30), D(300)), "in": Range(D(12), D(120)), None: Range(D(0), D(300))},
    "blood_pressure_systolic": {None: Range(D(50), D(250))},
    "blood_pressure_diastolic": {None: Range(D(30), D(150))},
    "heart_rate": {None: Range(D(20), D(300))},
    "resting_heart_rate": {None: Range(D(20), D(200))},
    "steps": {None: Range(D(0), D(100000))},
    "distance": {None: Range(D(0), D(10000))},
    "energy": {None: Range(D(0), D(100000))},
    **{child: {None: Range(D(0), D(1440))} for child, _ in GROUPS["sleep"]},
    CUSTOM: {None: Range(D(0), D("999999.99"))},
}


def value_range(metric_type: str, unit: str) -> Range:
    """The accepted values of a reading of ``metric_type`` in ``unit``."""
    by_unit = RANGES.get(metric_type, RANGES[CUSTOM])
    return by_unit.get(unit) or by_unit.get(None) or RANGES[CUSTOM][None]


# The categories every user has (see docs/body.md, "Official categories"):
# (metric_type, name, chart type, order). A group would bring its components along.
# Only body weight: the server depends on it (the weight entries, the calorie calculator,
# BMI); every other category is the user's own, made by them or their tools, and deletable.
OFFICIAL = (("body_weight", "Body weight", "line", 1),)
OFFICIAL_METRICS = frozenset(
    [metric for metric, *_ in OFFICIAL]
    + [child for metric, *_ in OFFICIAL for child, _ in GROUPS.get(metric, ())]
)


# Calculated categories: the server would maintain their entries from other metrics.
DYNAMIC_TYPES: list[dict[str, Any]] = [
    {
        "value": "NONE",
        "label": "None (entries are recorded)",
        "params_schema": {"type": "object", "properties": {}, "additionalProperties": False},
    },
    {
        "value": "BMI",
        "label": "Body mass index",
        "params_schema": {
            "type": "object",
            "properties": {},
            "additionalProperties": False,
            "description": "From the latest body weight and height.",
        },
    },
    {
        "value": "WHTR",
        "label": "Waist-to-height ratio",
        "params_schema": {
            "type": "object",
            "required": ["waist_category"],
            "properties": {"waist_category": {"type": "string", "format": "uuid"}},
            "additionalProperties": False,
        },
    },
    {
        "value": "ONE_REP_MAX",
        "label": "Estimated one-rep max",
        "params_schema": {
            "type": "object",
            "required": ["exercise"],
            "properties": {
                "exercise": {"type": "integer"},
                "formula": {"type": "string", "enum": ["epley", "brzycki"], "default": "epley"},
            },
            "additionalProperties": False,
        },
    },
    {
        "value": "ONE_RM_TOTAL",
        "label": "One-rep max total",
        "params_schema": {
            "type": "object",
            "required": ["exercises"],
            "properties": {
                "exercises": {"type": "array", "items": {"type": "integer"}, "minItems": 1},
                "formula": {"type": "string", "enum": ["epley", "brzycki"], "default": "epley"},
            },
            "additionalProperties": False,
        },
    },
]
DYNAMIC_TYPE_VALUES = tuple(entry["value"] for entry in DYNAMIC_TYPES)
