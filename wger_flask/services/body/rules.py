"""The body domain's write rules, per table (``docs/architecture.md``, "Where a rule goes"):
whoever writes a weight entry, a measurement category or a measurement (REST, the PowerSync
upload, the importer, a command) runs these through ``rest.writes``."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import inspect, select

from wger_flask.database import AnySession, serialize_on
from wger_flask.models.body import (
    BODY_WEIGHT,
    CUSTOM,
    NO_DYNAMIC_TYPE,
    GalleryImage,
    Measurement,
    MeasurementCategory,
    WeightEntry,
)
from wger_flask.models.types import utcnow
from wger_flask.rest.errors import APIError, ValidationFailed
from wger_flask.rest.writes import Rules
from wger_flask.services.body import categories
from wger_flask.services.body.metrics import DEFAULT_UNITS

WEIGHT_ENTRY_TAKEN = "You already have a weight entry at this date and time."
METRIC_TYPE_TAKEN = "You already have a category of this metric type: use it (one per type)."
OFFICIAL_NOT_DELETED = "Official categories cannot be deleted."
CALCULATED_NOT_DELETED = "The entries of a calculated category are made by the server."
CATEGORY_FIELDS = ("metric_type", "parent_id", "dynamic_type", "dynamic_params", "is_official")


def previous_values(row: Any, names: tuple[str, ...]) -> dict[str, Any]:
    """The stored values of ``names`` before this write changed them."""
    state = inspect(row)
    before = {}
    for name in names:
        history = state.attrs[name].history
        before[name] = history.deleted[0] if history.deleted else getattr(row, name)
    return before


# ------------------------------------------------------------------------------ weight


def check_weight_entry(
    session: AnySession, entry: WeightEntry, data: dict[str, Any], user: Any, creating: bool
) -> None:
    """A weight entry is a reading of the user's body-weight category (one row of truth:
    docs/body.md); one per moment (default: now), a duplicate names ``date`` (upstream: a
    500). Its range is the route's own (30–600, upstream's), not the category's. Its weight is
    in the profile's unit: the reading is tagged with that unit when the category's differs."""
    if entry.date is None:
        entry.date = utcnow()
    category = (
        categories.body_weight_category(session, user.id)
        if creating
        else session.get(MeasurementCategory, entry.category_id)
    )
    assert category is not None  # the owner scope found the entry through it
    if creating:
        entry.category_id = category.id
        entry.source = entry.source or "user"
        entry.notes = entry.notes or ""
    if "weight" in data:
        entry.value = data["weight"]
        entry.extra_data = categories.with_unit(
            entry.extra_data, categories.profile_weight_unit(session, user.id), category.unit
        )
    check_one_weight_per_moment(session, category.id, entry.date, entry.id)


def check_one_weight_per_moment(
    session: AnySession, category_id: Any, date: Any, row_id: Any
) -> None:
    """One body weight per user and moment, whichever route wrote it (upstream's unique pair of
    weight entries): another reading of the body-weight category at ``date`` is a 400 naming
    ``date``. The moment is not a unique key of the table (other categories repeat moments
    freely), so two writers of one user's weights run one after the other instead."""
    serialize_on(session, "body_weight", str(category_id))
    clash = select(Measurement.id).where(
        Measurement.category_id == category_id, Measurement.date == date, Measurement.id != row_id
    )
    with session.no_autoflush:  # the changed row itself must not be flushed into the clash
        taken = session.execute(clash.limit(1)).first() is not None
    if taken:
        raise ValidationFailed({"date": [WEIGHT_ENTRY_TAKEN]})


# ------------------------------------------------------------------------------ categories


def check_measurement_category(
    session: AnySession,
    category: MeasurementCategory,
    data: dict[str, Any],
    user: Any,
    creating: bool,
) -> None:
    """Typed categories are one per user and keep their type; groups build their components;
    official ones keep their shape; body weight is kept in kg or lb."""
    before = {} if creating else previous_values(category, CATEGORY_FIELDS)
    if creating:
        # first: a typed category of the user's must not take an official one's place
        categories.ensure_official_categories(session, user.id)
        category.metric_type = category.metric_type or CUSTOM
        if "unit" not in data:
            category.unit = DEFAULT_UNITS.get(category.metric_type, "")
    problems = categories.category_problems(session, category, data, before)
    if not problems and creating and category.metric_type != CUSTOM:
        taken = select(MeasurementCategory.id).where(
            MeasurementCategory.user_id == user.id,
            MeasurementCategory.metric_type == category.metric_type,
        )
        if session.execute(taken.limit(1)).first() is not None:
            problems["metric_type"] = [METRIC_TYPE_TAKEN]
    if problems:
        raise ValidationFailed(problems)
    if creating:
        session.add(category)
    categories.add_missing_components(session, category)


def check_measurement_category_delete(
    session: AnySession, category: MeasurementCategory, options: Mapping[str, str], user: Any
) -> None:
    """The official categories every user has stay."""
    if category.is_official:
        raise APIError(403, OFFICIAL_NOT_DELETED)


# ------------------------------------------------------------------------------ measurements


def check_measurement(
    session: AnySession, reading: Measurement, data: dict[str, Any], user: Any, creating: bool
) -> None:
    """The reading fits its category (not a group, within the metric's range); taken now by
    the user unless told."""
    if reading.date is None:
        reading.date = utcnow()
    if creating and reading.source is None:
        reading.source = "user"
    category = session.get(MeasurementCategory, reading.category_id)
    problems = categories.reading_problems(category, reading.value, reading.extra_data)
    if problems:
        raise ValidationFailed(problems)
    if category is not None and category.metric_type == BODY_WEIGHT:
        check_one_weight_per_moment(session, category.id, reading.date, reading.id)


def check_measurement_delete(
    session: AnySession, reading: Measurement, options: Mapping[str, str], user: Any
) -> None:
    """The readings of a calculated category are the server's: deleting the category removes
    them, deleting one is refused (it would come back with the next recomputation)."""
    category = session.get(MeasurementCategory, reading.category_id)
    if category is not None and category.dynamic_type not in (None, NO_DYNAMIC_TYPE):
        raise APIError(403, CALCULATED_NOT_DELETED)


def find_measurement(session: AnySession, data: dict[str, Any], user: Any) -> Measurement | None:
    """A create naming an ``external_id`` already imported into the category updates that
    reading instead of adding a second one (imports are repeated)."""
    if data.get("external_id") is None or data.get("category_id") is None:
        return None
    return session.execute(
        select(Measurement).where(
            Measurement.category_id == data["category_id"],
            Measurement.external_id == data["external_id"],
        )
    ).scalar_one_or_none()


RULES: dict[type[Any], Rules] = {
    WeightEntry: Rules(save=check_weight_entry),
    MeasurementCategory: Rules(
        save=check_measurement_category,
        delete=check_measurement_category_delete,
        parents={"parent_id": MeasurementCategory},
    ),
    Measurement: Rules(
        save=check_measurement,
        delete=check_measurement_delete,
        existing=find_measurement,
        parents={"category_id": MeasurementCategory},
    ),
    GalleryImage: Rules(),
}
