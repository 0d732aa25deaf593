"""Measurement categories: the official ones every user has, the rules of typed categories
and groups, and the value check of a reading against its category."""

from __future__ import annotations

import decimal
import uuid
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from wger_flask.database import AnySession
from wger_flask.models.accounts import UserProfile
from wger_flask.models.body import (
    BODY_WEIGHT,
    CUSTOM,
    NO_DYNAMIC_TYPE,
    POUND_IN_KG,
    MeasurementCategory,
)
from wger_flask.models.catalogue import Exercise
from wger_flask.models.types import uuid7
from wger_flask.services.body.calculated import DEFAULT_UNITS as CALCULATED_UNITS
from wger_flask.services.body.calculated import FORMULAS
from wger_flask.services.body.metrics import (
    COMPONENT_OF,
    DEFAULT_UNITS,
    GROUPS,
    MASS_METRICS,
    MASS_UNITS,
    OFFICIAL,
    value_range,
)

Problems = dict[str, list[str]]
UNIT_MAX_LENGTH = 30  # as a category's unit
MAX_TOTAL_EXERCISES = 10
HUNDREDTH = decimal.Decimal("0.01")


def ensure_official_categories(session: AnySession, user_id: int) -> bool:
    """Create the user's official categories if they are missing (one SELECT when present);
    whether anything was created.

    Called at registration (``accounts.users.create_user``; migration ``c14d21489122`` made
    them for the accounts before) and, as a safety net, before a typed category is created.
    Never by a read. Two concurrent writers race on the unique index of (user, metric type):
    the loser's insert is rolled back to its savepoint and ignored.
    """
    present = set(
        session.execute(
            select(MeasurementCategory.metric_type).where(
                MeasurementCategory.user_id == user_id,
                MeasurementCategory.is_official.is_(True),
            )
        ).scalars()
    )
    created = False
    for metric, name, chart, order in OFFICIAL:
        wanted = {metric, *(child for child, _ in GROUPS.get(metric, ()))}
        if wanted <= present:
            continue
        try:
            with session.begin_nested():
                create_with_components(
                    session, user_id, metric, name, official=True, chart=chart, order=order
                )
                session.flush()
            created = True
        except IntegrityError:
            pass  # a concurrent request made them (or the user made a typed one first)
        present |= wanted
    return created


def body_weight_category(session: AnySession, user_id: int) -> MeasurementCategory:
    """The user's ``body_weight`` category, where every weight is kept (made first if the
    account lacks it: one made by a direct database write)."""
    found = session.execute(
        select(MeasurementCategory).where(
            MeasurementCategory.user_id == user_id, MeasurementCategory.metric_type == BODY_WEIGHT
        )
    ).scalar_one_or_none()
    if found is None:
        ensure_official_categories(session, user_id)
        found = session.execute(
            select(MeasurementCategory).where(
                MeasurementCategory.user_id == user_id,
                MeasurementCategory.metric_type == BODY_WEIGHT,
            )
        ).scalar_one()
    return found


def profile_weight_unit(session: AnySession, user_id: int) -> str:
    """The unit the user's weight entries speak: the profile's (kg without one)."""
    unit = session.execute(
        select(UserProfile.weight_unit).where(UserProfile.user_id == user_id)
    ).scalar_one_or_none()
    return unit or "kg"


def with_unit(extra_data: Any, unit: str, category_unit: str) -> Any:
    """A reading's ``extra_data`` saying it was taken in ``unit``: the key only when that is
    not the category's own unit (a reading without it is in the category's unit)."""
    extra = dict(extra_data) if isinstance(extra_data, dict) else {}
    extra.pop("unit", None)
    if unit != category_unit:
        extra["unit"] = unit
    return extra or None


def weight_shown(
    value: decimal.Decimal | None, extra_data: Any, category_unit: str, entry_unit: str
) -> decimal.Decimal | None:
    """A body-weight reading as a weight entry shows it: in ``entry_unit`` (its owner's
    profile's), converted from the unit it was taken in (its ``extra_data`` says, else its
    category's ``category_unit``) and rounded half up to hundredths, as the model's SQL
    ``WeightEntry.weight`` computes it for filters and ordering."""
    if value is None:
        return None
    taken_in = extra_data.get("unit") if isinstance(extra_data, dict) else None
    if taken_in is None:
        taken_in = category_unit
    if taken_in == "lb" and entry_unit == "kg":
        converted = value * POUND_IN_KG
    elif taken_in == "kg" and entry_unit == "lb":
        converted = value / POUND_IN_KG
    else:
        return value
    return converted.quantize(HUNDREDTH, rounding=decimal.ROUND_HALF_UP)


def create_with_components(
    session: AnySession,
    user_id: int,
    metric: str,
    name: str,
    *,
    official: bool = False,
    chart: str | None = None,
    unit: str | None = None,
    order: int = 0,
) -> MeasurementCategory:
    """A category of ``metric`` and, for a group, its components (children)."""
    group = session.execute(
        select(MeasurementCategory).where(
            MeasurementCategory.user_id == user_id, MeasurementCategory.metric_type == metric
        )
    ).scalar_one_or_none()
    if group is None:
        group = MeasurementCategory(
            id=uuid7(),
            user_id=user_id,
            name=name,
            unit=unit if unit is not None else DEFAULT_UNITS.get(metric, ""),
            metric_type=metric,
            is_official=official,
            order=order,
            chart_type=chart,
            dynamic_type=NO_DYNAMIC_TYPE,
        )
        session.add(group)
    add_missing_components(session, group)
    return group


def add_missing_components(session: AnySession, group: MeasurementCategory) -> None:
    """Give a group the components it lacks (creating or updating a group rebuilds them)."""
    children = GROUPS.get(group.metric_type, ())
    if not children:
        return
    session.flush()
    existing = set(
        session.execute(
            select(MeasurementCategory.metric_type).where(
                MeasurementCategory.user_id == group.user_id,
                MeasurementCategory.metric_type.in_([child for child, _ in children]),
            )
        ).scalars()
    )
    for position, (child, label) in enumerate(children, start=1):
        if child in existing:
            continue
        session.add(
            MeasurementCategory(
                id=uuid7(),
                user_id=group.user_id,
                name=label,
                unit=DEFAULT_UNITS.get(child, group.unit),
                metric_type=child,
                is_official=group.is_official,
                order=position,
                parent_id=group.id,
                chart_type=group.chart_type,
                dynamic_type=NO_DYNAMIC_TYPE,
            )
        )


def category_problems(
    session: AnySession, category: MeasurementCategory, data: dict[str, Any], before: dict[str, Any]
) -> Problems:
    """What is wrong with a category about to be saved; ``before`` holds its stored values
    (empty on create)."""
    problems: Problems = {}
    creating = not before
    metric = category.metric_type or CUSTOM
    if not creating and "metric_type" in data and data["metric_type"] != before["metric_type"]:
        problems["metric_type"] = ["The metric type of a category cannot be changed."]
    if before.get("is_official"):
        for name in ("parent_id", "dynamic_type", "dynamic_params"):
            if name in data and data[name] != before[name]:
                problems[name.removesuffix("_id")] = [
                    "This field of an official category cannot be changed."
                ]
    dynamic = category.dynamic_type or NO_DYNAMIC_TYPE
    if dynamic != NO_DYNAMIC_TYPE and (
        creating or "dynamic_type" in data or "dynamic_params" in data
    ):
        problems.update(dynamic_problems(session, category, metric))
    if metric in MASS_METRICS and category.unit not in MASS_UNITS:
        problems["unit"] = [f"A {metric.replace('_', ' ')} is kept in kg or lb."]
    problems.update(parent_problems(session, category, metric, creating, before))
    return problems


def dynamic_problems(session: AnySession, category: MeasurementCategory, metric: str) -> Problems:
    """A calculated category: untyped, no group, and parameters its type can compute from
    (normalised in place: ``formula`` defaults to ``epley``)."""
    if metric != CUSTOM or category.parent_id is not None:
        return {"dynamic_type": ["A calculated category is a custom one, without a parent."]}
    params = category.dynamic_params if category.dynamic_params is not None else {}
    if not isinstance(params, dict):
        return {"dynamic_params": ["Expected a JSON object."]}
    kind = category.dynamic_type
    allowed = {"BMI": set(), "WHTR": {"waist_category"}}.get(kind, {"formula", kind_key(kind)})
    unknown = sorted(set(params) - allowed)
    if unknown:
        return {"dynamic_params": [f"Unknown parameter(s) for {kind}: {', '.join(unknown)}."]}
    normalised = dict(params)
    if kind == "WHTR":
        waist = _own_category(session, category, params.get("waist_category"))
        if waist is None:
            return {"dynamic_params": ["waist_category: one of your categories (not calculated)."]}
    elif kind in ("ONE_REP_MAX", "ONE_RM_TOTAL"):
        formula = params.get("formula", "epley")
        if formula not in FORMULAS:
            return {"dynamic_params": [f"formula: one of {', '.join(FORMULAS)}."]}
        normalised["formula"] = formula
        key = kind_key(kind)
        wanted = params.get(key)
        ids = wanted if kind == "ONE_RM_TOTAL" else [wanted]
        if (
            not isinstance(ids, list)
            or not 0 < len(ids) <= MAX_TOTAL_EXERCISES
            or not all(isinstance(pk, int) and not isinstance(pk, bool) for pk in ids)
        ):
            shape = (
                f"a list of 1 to {MAX_TOTAL_EXERCISES} exercise ids"
                if kind == "ONE_RM_TOTAL"
                else "an exercise id"
            )
            return {"dynamic_params": [f"{key}: {shape}."]}
        found = set(
            session.execute(
                select(Exercise.id).where(Exercise.id.in_([pk for pk in ids if abs(pk) < 2**31]))
            ).scalars()
        )
        missing = [pk for pk in ids if pk not in found]
        if missing:
            return {"dynamic_params": [f"{key}: no exercise {missing[0]}."]}
    category.dynamic_params = normalised
    if not category.unit:
        category.unit = CALCULATED_UNITS.get(kind, "")
    return {}


def kind_key(kind: str | None) -> str:
    return "exercises" if kind == "ONE_RM_TOTAL" else "exercise"


def _own_category(session: AnySession, category: MeasurementCategory, raw: Any) -> Any:
    try:
        wanted = uuid.UUID(str(raw))
    except (TypeError, ValueError):
        return None
    return session.execute(
        select(MeasurementCategory.id).where(
            MeasurementCategory.id == wanted,
            MeasurementCategory.user_id == category.user_id,
            MeasurementCategory.dynamic_type == NO_DYNAMIC_TYPE,
            MeasurementCategory.id != category.id,
        )
    ).scalar_one_or_none()


def parent_problems(
    session: AnySession,
    category: MeasurementCategory,
    metric: str,
    creating: bool,
    before: dict[str, Any],
) -> Problems:
    """A component needs its group as parent; nothing else has a parent."""
    group_metric = COMPONENT_OF.get(metric)
    if category.parent_id is None:
        if group_metric is not None and (creating or before.get("parent_id") is not None):
            return {"parent": [f"A {metric} category is created with its {group_metric} group."]}
        return {}
    if group_metric is None:
        return {"parent": ["Only the components of a group (blood pressure, sleep) have one."]}
    parent_metric = session.execute(
        select(MeasurementCategory.metric_type).where(MeasurementCategory.id == category.parent_id)
    ).scalar_one_or_none()
    if parent_metric != group_metric:
        return {"parent": [f"The parent of a {metric} category is its {group_metric} group."]}
    return {}


def reading_problems(category: Any, value: decimal.Decimal | None, extra_data: Any) -> Problems:
    """What is wrong with a reading of ``value`` in ``category`` (a row or record)."""
    if category.metric_type in GROUPS:
        return {
            "category": [
                "A group category holds no entries: record them in its components "
                f"({', '.join(child for child, _ in GROUPS[category.metric_type])})."
            ]
        }
    if category.dynamic_type not in (None, NO_DYNAMIC_TYPE):
        return {"category": ["The entries of a calculated category are made by the server."]}
    unit = category.unit
    if isinstance(extra_data, dict) and extra_data.get("unit") is not None:
        unit = extra_data["unit"]
        if not isinstance(unit, str) or not 0 < len(unit) <= UNIT_MAX_LENGTH:
            return {"extra_data": [f"The unit must be text of 1 to {UNIT_MAX_LENGTH} characters."]}
        if category.metric_type in MASS_METRICS and unit not in MASS_UNITS:
            return {"extra_data": ["The unit of a body weight is kg or lb."]}
    if value is None:
        return {}
    allowed = value_range(category.metric_type, unit)
    if not allowed.low <= value <= allowed.high:
        return {"value": [allowed.message(unit)]}
    return {}
