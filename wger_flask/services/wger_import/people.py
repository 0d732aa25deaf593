"""One upstream user and everything they own, written here in the caller's transaction.

The order follows the foreign keys: the account and profile, second factors and API key, the
exercises they contributed, routines (days, slots, entries, the ten configs), sessions and
logs, nutrition plans (meals, items, diary), weight entries, measurement categories and
measurements, gallery photos; then the trophies they had earned (kept with their dates where
still earned) and a recompute of statistics and trophies from the imported history.

A row whose parent was not imported is skipped with that reason; so is a row that names a
catalogue entry this server lacks (an ingredient, a unit). A user whose username, email or id
belongs to someone else here is not imported at all (``Refused``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from flask import current_app
from sqlalchemy import Integer, Table, func, insert, or_, select, update
from sqlalchemy.sql.schema import ColumnDefault

from wger_flask.database import AnySession
from wger_flask.models.accounts import User, UserProfile
from wger_flask.models.body import GalleryImage, Measurement, MeasurementCategory, WeightEntry
from wger_flask.models.nutrition import LogItem, Meal, MealItem, NutritionPlan
from wger_flask.models.routines import (
    CONFIG_MODELS,
    Day,
    Routine,
    Slot,
    SlotEntry,
    WorkoutLog,
    WorkoutSession,
)
from wger_flask.models.trophies import UserTrophy
from wger_flask.rest import writes
from wger_flask.services import accounts, body, media, trophies
from wger_flask.services.wger_import import exercises
from wger_flask.services.wger_import.catalogue import Catalogue
from wger_flask.services.wger_import.media_files import MediaFiles
from wger_flask.services.wger_import.source import Source
from wger_flask.services.wger_import.values import (
    as_bool,
    as_date,
    as_datetime,
    as_decimal,
    as_int,
    as_json,
    as_text,
    as_time,
    as_uuid,
)
from wger_flask.services.wger_import.writer import TableCount, write_rows

# Upstream's config tables, by the local model of the same name.
CONFIG_TABLES = {model.__tablename__: model for model in CONFIG_MODELS.values()}
PROFILE_FIELDS = (
    "is_temporary",
    "workout_reminder_active",
    "workout_reminder",
    "workout_duration",
    "last_workout_notification",
    "weight_rounding",
    "repetitions_rounding",
    "age",
    "birthdate",
    "height",
    "gender",
    "sleep_hours",
    "work_hours",
    "work_intensity",
    "sport_hours",
    "sport_intensity",
    "freetime_hours",
    "freetime_intensity",
    "calories",
    "weight_unit",
    "num_days_weight_reminder",
    "time_zone",
    "trophies_enabled",
)
BOOLEAN_FIELDS = {"is_temporary", "workout_reminder_active", "trophies_enabled"}
DECIMAL_FIELDS = {"weight_rounding", "repetitions_rounding"}
DATE_FIELDS = {"last_workout_notification", "birthdate"}
TEXT_FIELDS = {"gender", "work_intensity", "sport_intensity", "freetime_intensity", "weight_unit"}


# The tables whose rows go through their domain's write rules (``rest.writes.rules_of``), as
# a create through the API does.
RULED_MODELS: tuple[type[Any], ...] = (
    Routine,
    Day,
    Slot,
    SlotEntry,
    *CONFIG_MODELS.values(),
    WorkoutSession,
    WorkoutLog,
    NutritionPlan,
    Meal,
    MealItem,
    LogItem,
    MeasurementCategory,
    Measurement,
    GalleryImage,
)
RULED = {model.__tablename__: model for model in RULED_MODELS}
# What a create stamps afresh that tells when or where a row was made upstream: kept.
MADE_WHEN: dict[type[Any], tuple[str, ...]] = {
    NutritionPlan: ("creation_date",),
    Meal: ("order",),
    MealItem: ("order",),
}


class Refused(Exception):
    """The user cannot be imported (the reason is the message); nothing of them was written."""


@dataclass
class Context:
    source: Source
    session: AnySession
    catalogue: Catalogue
    media: MediaFiles
    now: dt.datetime
    # source user id → local user id, for the users imported (or found imported) so far
    users: dict[int, int | None] = field(default_factory=dict)
    user: Any = None  # the account being imported (the rules are run for it)
    user_id: int = 0  # its id
    # that user's tables imported so far, by upstream's name (``_import_table``)
    written: dict[str, Written] = field(default_factory=dict)


@dataclass
class UserResult:
    source_id: int
    username: str
    status: str = "imported"
    reason: str = ""
    counts: dict[str, TableCount] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def count(self, table: str) -> TableCount:
        return self.counts.setdefault(table, TableCount())

    @property
    def imported(self) -> int:
        return sum(count.imported for count in self.counts.values())


def local_state(session: AnySession, row: dict[str, Any]) -> str:
    """``new``, or ``imported`` (this very account, from an earlier run); ``Refused`` when
    the id, username or email is someone else's here."""
    username = as_text(row["username"])
    email = as_text(row.get("email")).strip()
    same_id = session.get(User, row["id"])
    if same_id is not None:
        if same_id.username.lower() == username.lower() and same_id.date_joined == as_datetime(
            row["date_joined"]
        ):
            return "imported"
        raise Refused(f"user id {row['id']} is another account here ({same_id.username!r})")
    clauses = [func.lower(User.username) == username.lower()]
    if email:
        clauses.append(func.lower(User.email) == email.lower())
    other = session.execute(select(User).where(or_(*clauses)).limit(1)).scalar_one_or_none()
    if other is not None:
        what = "username" if other.username.lower() == username.lower() else "email"
        raise Refused(
            f"the {what} is already taken here by account id {other.id} ({other.username!r})"
        )
    return "new"


def import_user(context: Context, row: dict[str, Any]) -> UserResult:
    """Write one user (the caller commits or rolls back)."""
    result = UserResult(row["id"], as_text(row["username"]))
    state = local_state(context.session, row)
    user_id = row["id"]
    context.user_id, context.written = user_id, {}
    _account(context, row, result)
    context.users[row["id"]] = user_id
    context.user = context.session.get(User, user_id)
    _profile(context, row, result)
    _second_factors(context, user_id, result)
    for exercise_id in exercises.contributed_by(context.source, user_id):
        _exercise(context, exercise_id, result)
    _contributions(context, user_id, result)
    for table in USER_TABLES:
        _import_table(context, result, table)
    _body(context, user_id, result)
    # what registration gives every account here (the released 2.7's official categories)
    body.ensure_official_categories(user_id)
    _gallery(context, user_id, result)
    record_dates = _earned_trophies(context, user_id, result)
    if _has_workouts(context, user_id):
        trophies.recompute([user_id])
        _keep_record_dates(context, user_id, record_dates)
    body.refresh_calculated(user_id)  # a 2.7 server's calculated categories, from the rows
    if state == "imported":
        result.status = "topped up" if result.imported else "unchanged"
    return result


# ------------------------------------------------------------------------------ helpers


def _write(
    context: Context,
    result: UserResult,
    table: Table,
    rows: list[dict[str, Any]],
    *,
    source_total: int | None = None,
    **options: Any,
) -> set[Any]:
    count = result.count(table.name)
    count.source += len(rows) if source_total is None else source_total
    model = RULED.get(table.name)
    if model is not None:
        options.setdefault("rules", writes.rules_of(model))
        options.setdefault("user", context.user)
        options.setdefault("keep", MADE_WHEN.get(model, ()))
    return write_rows(context.session, table, rows, count, **options)


def _skip(result: UserResult, table: str, what: str, reason: str) -> None:
    result.count(table).skipped.append((what, reason))


def _keep(
    result: UserResult,
    table: str,
    rows: Iterable[dict[str, Any]],
    parent: str,
    parents: set[Any],
    what: Callable[[dict[str, Any]], str],
    convert: Callable[[Any], Any] = lambda value: value,
) -> list[dict[str, Any]]:
    """The rows whose parent (``parent`` column) was imported; the others skipped."""
    kept = []
    for row in rows:
        if convert(row[parent]) in parents:
            kept.append(row)
        else:
            _skip(result, table, what(row), f"its {parent.removesuffix('_id')} was not imported")
    return kept


# ------------------------------------------------------------------------------ account


def _account(context: Context, row: dict[str, Any], result: UserResult) -> None:
    email = as_text(row.get("email")).strip()
    verified = False
    if email and context.source.has("account_emailaddress"):
        verified = any(
            as_bool(address["verified"])
            for address in context.source.rows(
                "account_emailaddress", "user_id = :user", user=row["id"]
            )
            if as_text(address["email"]).strip().lower() == email.lower()
        )
    password = as_text(row.get("password"))
    if (
        password
        and not password.startswith("!")
        and accounts.django_hash_algorithm(password) is None
    ):
        result.notes.append(
            f"password hash format {password.split('$', 1)[0]!r} is not supported: "
            "the user must reset the password"
        )
    _write(
        context,
        result,
        User.__table__,
        [
            {
                "id": row["id"],
                "username": as_text(row["username"]),
                "email": email,
                "email_verified": verified,
                "password_hash": password,
                "is_active": as_bool(row["is_active"]),
                "is_staff": as_bool(row.get("is_staff")),
                "is_superuser": as_bool(row.get("is_superuser")),
                "date_joined": as_datetime(row["date_joined"]),
                "last_login": as_datetime(row.get("last_login")),
                "auth_generation": 0,
            }
        ],
    )


def _profile(context: Context, user: dict[str, Any], result: UserResult) -> dt.tzinfo:
    rows = context.source.rows("core_userprofile", "user_id = :user", user=user["id"])
    values: dict[str, Any] = {"user_id": user["id"]}
    if rows:
        source = rows[0]
        for name in PROFILE_FIELDS:
            if name not in source:
                continue
            value = source[name]
            if name in BOOLEAN_FIELDS:
                value = as_bool(value)
            elif name in DECIMAL_FIELDS:
                value = as_decimal(value)
            elif name in DATE_FIELDS:
                value = as_date(value)
            elif name in TEXT_FIELDS or name == "time_zone":
                value = None if value is None and name != "time_zone" else as_text(value)
            values[name] = value
        language = context.catalogue.local_id("language", source.get("notification_language_id"))
        if language is not None:
            values["notification_language_id"] = language
        if source.get("gym_id"):
            result.notes.append("gym membership not imported (gym management is out of scope)")
    _write(context, result, UserProfile.__table__, [_with_profile_defaults(values)], key="user_id")
    return accounts.zone_named(values.get("time_zone"))


def _with_profile_defaults(values: dict[str, Any]) -> dict[str, Any]:
    """Every column present (one multi-row INSERT needs the same keys in every row)."""
    full = {}
    for column in UserProfile.__table__.columns:
        if column.key == "id":
            continue
        if column.key in values:
            full[column.key] = values[column.key]
        elif isinstance(column.default, ColumnDefault) and not callable(column.default.arg):
            full[column.key] = column.default.arg
        elif column.key == "time_zone":
            full[column.key] = ""
        else:
            full[column.key] = None
    return full


def _second_factors(context: Context, user_id: int, result: UserResult) -> None:
    source = context.source
    factors = {
        row["type"]: row for row in source.rows("mfa_authenticator", "user_id = :u", u=user_id)
    }
    totp = factors.get("totp")
    if totp is not None:
        data = as_json(totp["data"]) or {}
        codes: list[Any] = []
        used: list[Any] = []
        recovery = factors.get("recovery_codes")
        if recovery is not None:
            from wger_flask.services.wger_import.allauth import unused_recovery_codes

            codes, used = unused_recovery_codes(as_json(recovery["data"]) or {})
        count = result.count("mfa_authenticator")
        count.source += len(factors)
        try:
            adopted = accounts.adopt_second_factors(
                user_id,
                totp_secret=str(data.get("secret", "")),
                recovery_codes=codes,
                used=used,
                created=as_datetime(totp.get("created_at")),
                last_used=as_datetime(totp.get("last_used_at")),
            )
        except ValueError as error:
            count.skipped.append(
                ("TOTP authenticator", f"{error} (encrypted by a custom adapter?)")
            )
        else:
            if adopted:
                count.imported += 1 + (recovery is not None)
            else:
                count.present += 1 + (recovery is not None)
    for other in set(factors) - {"totp", "recovery_codes"}:
        _skip(
            result, "mfa_authenticator", f"{other} authenticator", "WebAuthn is not supported here"
        )
    for token in source.rows("authtoken_token", "user_id = :u", order="", u=user_id):
        count = result.count("authtoken_token")
        count.source += 1
        if accounts.adopt_api_key(
            user_id, as_text(token["key"]), as_datetime(token.get("created"))
        ):
            count.imported += 1
        else:
            count.present += 1


def _exercise(context: Context, source_id: int, result: UserResult) -> int | None:
    outcome = exercises.ExerciseImport()
    local = exercises.import_exercise(
        context.session,
        context.source,
        context.catalogue,
        context.media,
        source_id,
        context.users,
        outcome,
    )
    for table, count in outcome.counts.items():
        result.count(table).add(count)
    result.notes.extend(outcome.renumbered)
    return local


def _contributions(context: Context, user_id: int, result: UserResult) -> None:
    outcome = exercises.ExerciseImport()
    exercises.import_contributions(
        context.session, context.source, context.catalogue, user_id, context.users, outcome
    )
    for table, count in outcome.counts.items():
        result.count(table).add(count)


def _exercise_ids(
    context: Context, source_ids: Iterable[int], result: UserResult
) -> dict[int, int | None]:
    found = {}
    for source_id in set(source_ids):
        local = context.catalogue.local_id("exercise", source_id)
        found[source_id] = local if local is not None else _exercise(context, source_id, result)
    return found


# ------------------------------------------------------------------------------ tables


class Skip(Exception):
    """A row that cannot be imported; the message is the reason the report gives."""


@dataclass
class Written:
    """One upstream table of the user's, as far as imported: the rows read, their ids here."""

    rows: list[dict[str, Any]]
    here: set[Any]


def _as_is(value: Any) -> Any:
    return value


@dataclass(frozen=True)
class UserTable:
    """How the rows of one upstream table of a user's become rows here.

    The rows are the user's own (``user_id``), or, with ``parent`` (column, parent table),
    those under the parent's rows read before: a row whose parent was not imported is skipped.
    ``values`` maps one row (``Skip`` refuses it with a reason); ``lookup`` finds at once what
    the kept rows name (their exercises, their days) and hands it to ``values``; ``after``
    runs on the rows written (a link that may name a row written later)."""

    source: str
    model: Any
    what: str  # how the report names a row: f"{what} {id}"
    values: Callable[[Context, dict[str, Any], Any], dict[str, Any]]
    parent: tuple[str, UserTable] | None = None
    key: Callable[[Any], Any] = _as_is  # an id (or a reference to one) as stored here
    lookup: Callable[[Context, UserResult, list[dict[str, Any]]], Any] | None = None
    after: Callable[[Context, list[dict[str, Any]], set[Any]], None] | None = None

    def describe(self, row: dict[str, Any]) -> str:
        return f"{self.what} {self.key(row['id'])}"


def _import_table(
    context: Context,
    result: UserResult,
    table: UserTable,
    *,
    rows: list[dict[str, Any]] | None = None,
    found: Any = None,
) -> Written:
    """Read (unless given ``rows``), map and write one table's rows; what is here is kept in
    ``context.written`` for the tables under it."""
    source = context.source
    owner = "user_id"
    if table.parent is None:
        if rows is None:
            rows = source.rows(table.source, "user_id = :u", u=context.user_id)
        kept = rows
    else:
        owner, parent = table.parent
        if rows is None:
            parent_keys = [row["id"] for row in context.written[parent.source].rows]
            rows = source.rows_in(table.source, owner, parent_keys)
        here = context.written[parent.source].here
        kept = _keep(result, table.source, rows, owner, here, table.describe, parent.key)
    if table.lookup is not None:
        found = table.lookup(context, result, kept)
    values, accepted = [], []
    for row in kept:
        try:
            values.append(table.values(context, row, found))
        except Skip as skip:
            _skip(result, table.source, table.describe(row), str(skip))
            continue
        accepted.append(row)
    written = _write(
        context, result, table.model.__table__, values, source_total=len(rows), owner=owner
    )
    if table.after is not None:
        table.after(context, accepted, written)
    context.written[table.source] = Written(rows, written)
    return context.written[table.source]


def _named(context: Context, row: dict[str, Any], column: str, table: UserTable) -> None:
    """A row that names (in ``column``, which may be empty) a row of ``table`` that was not
    imported is skipped."""
    value = row.get(column)
    if value is not None and table.key(value) not in context.written[table.source].here:
        raise Skip(f"its {column.removesuffix('_id').replace('_', ' ')} was not imported")


# ------------------------------------------------------------------------------ routines


def _routine(context: Context, row: dict[str, Any], found: Any) -> dict[str, Any]:
    return {
        "id": row["id"],
        "user_id": context.user_id,
        "name": as_text(row["name"]),
        "description": as_text(row.get("description")),
        "created": as_datetime(row["created"]),
        "start": as_date(row["start"]),
        "end": as_date(row["end"]),
        "is_template": as_bool(row.get("is_template")),
        "is_public": as_bool(row.get("is_public")),
        "fit_in_week": as_bool(row.get("fit_in_week")),
    }


def _day(context: Context, row: dict[str, Any], found: Any) -> dict[str, Any]:
    return {
        "id": row["id"],
        "routine_id": row["routine_id"],
        "order": as_int(row.get("order")) or 0,
        "type": as_text(row.get("type")) or "custom",
        "name": as_text(row.get("name")),
        "description": as_text(row.get("description")),
        "is_rest": as_bool(row.get("is_rest")),
        "need_logs_to_advance": as_bool(row.get("need_logs_to_advance")),
        "config": as_json(row.get("config")),
    }


def _slot(context: Context, row: dict[str, Any], found: Any) -> dict[str, Any]:
    return {
        "id": row["id"],
        "day_id": row["day_id"],
        "order": as_int(row.get("order")) or 0,
        "comment": as_text(row.get("comment")),
        "config": as_json(row.get("config")),
    }


def _exercises_named(
    context: Context, result: UserResult, rows: list[dict[str, Any]]
) -> dict[int, int | None]:
    """The local ids of the exercises the rows name (a missing one imported if it can be)."""
    return _exercise_ids(context, [row["exercise_id"] for row in rows], result)


def _slot_entry(context: Context, row: dict[str, Any], exercise_ids: Any) -> dict[str, Any]:
    exercise = exercise_ids.get(row["exercise_id"])
    units = _units(context, row, ("repetition_unit_id", "weight_unit_id"))
    if exercise is None:
        raise Skip(f"exercise {row['exercise_id']} is not in this catalogue")
    if units is None:
        raise Skip("its unit is unknown here")
    return {
        "id": row["id"],
        "slot_id": row["slot_id"],
        "exercise_id": exercise,
        "repetition_unit_id": units[0],
        "repetition_rounding": as_decimal(row.get("repetition_rounding")),
        "weight_unit_id": units[1],
        "weight_rounding": as_decimal(row.get("weight_rounding")),
        "order": as_int(row.get("order")) or 0,
        "comment": as_text(row.get("comment")),
        "type": as_text(row.get("type")) or "normal",
        "class_name": row.get("class_name"),
        "config": as_json(row.get("config")),
    }


def _config(model: Any) -> Callable[[Context, dict[str, Any], Any], dict[str, Any]]:
    def values(context: Context, row: dict[str, Any], found: Any) -> dict[str, Any]:
        return {
            "id": row["id"],
            "slot_entry_id": row["slot_entry_id"],
            "iteration": as_int(row["iteration"]),
            "value": _config_value(model, row["value"]),
            "operation": as_text(row.get("operation")) or "r",
            "step": as_text(row.get("step")) or "abs",
            "repeat": as_bool(row.get("repeat")),
            "requirements": as_json(row.get("requirements")),
        }

    return values


def _config_value(model: Any, value: Any) -> Any:
    """Whole-number configs (sets, rest) are integers here; a fraction stays one (and the
    database refuses it, skipping the row with that reason)."""
    number = as_decimal(value)
    is_whole = number is not None and number == number.to_integral_value()
    if isinstance(model.value_type, Integer) and number is not None and is_whole:
        return int(number)
    return number


def _units(context: Context, row: dict[str, Any], names: tuple[str, str]) -> tuple[Any, ...] | None:
    """The local repetition and weight unit ids of a row (None: one is unknown here)."""
    found: list[Any] = []
    for name, kind in zip(names, ("repetition_unit", "weight_unit"), strict=True):
        if row.get(name) is None:
            found.append(None)
            continue
        local = context.catalogue.local_id(kind, row[name])
        if local is None:
            return None
        found.append(local)
    return tuple(found)


# ------------------------------------------------------------------------------ workouts


def _days_here(context: Context, result: UserResult, rows: list[dict[str, Any]]) -> set[Any]:
    """The days the sessions name that are here (imported now, or before)."""
    return _existing(context.session, Day, [row["day_id"] for row in rows if row.get("day_id")])


def _session(context: Context, row: dict[str, Any], day_ids: Any) -> dict[str, Any]:
    _named(context, row, "routine_id", ROUTINE)
    if row.get("day_id") is not None and row["day_id"] not in day_ids:
        raise Skip("its day was not imported")
    return _session_values(row, context.user_id)


def _session_values(row: dict[str, Any], user_id: int) -> dict[str, Any]:
    """A session as upstream stored it; the rule (``check_workout_session``) derives the 2.7
    instants from the date and times in the profile's zone, as for a client of the API, unless
    the source has them (then the date and times follow from them)."""
    values = {
        "id": as_uuid(row["id"]),
        "user_id": user_id,
        "routine_id": row.get("routine_id"),
        "day_id": row.get("day_id"),
        "date": as_date(row["date"]),
        "notes": row.get("notes"),
        "impression": as_text(row.get("impression")) or "2",
        "time_start": as_time(row.get("time_start")),
        "time_end": as_time(row.get("time_end")),
    }
    if row.get("datetime_start") is not None:
        values = {
            key: value
            for key, value in values.items()
            if key not in ("date", "time_start", "time_end")
        }
        values["datetime_start"] = as_datetime(row["datetime_start"])
        values["datetime_end"] = as_datetime(row.get("datetime_end"))
    return values


def _existing(session: AnySession, model: Any, ids: Iterable[Any]) -> set[Any]:
    wanted = list(set(ids))
    found: set[Any] = set()
    for start in range(0, len(wanted), 500):
        found.update(
            session.execute(
                select(model.id).where(model.id.in_(wanted[start : start + 500]))
            ).scalars()
        )
    return found


def _log(context: Context, row: dict[str, Any], exercise_ids: Any) -> dict[str, Any]:
    if exercise_ids.get(row["exercise_id"]) is None:
        raise Skip(f"exercise {row['exercise_id']} is not in this catalogue")
    _named(context, row, "routine_id", ROUTINE)
    _named(context, row, "slot_entry_id", SLOT_ENTRY)
    _named(context, row, "session_id", SESSION)
    units = _units(context, row, ("repetitions_unit_id", "weight_unit_id"))
    if units is None:
        raise Skip("its unit is unknown here")
    return {
        "id": as_uuid(row["id"]),
        "user_id": context.user_id,
        "date": as_datetime(row["date"]),
        "session_id": as_uuid(row.get("session_id")),
        "next_log_id": None,  # set after: it may name a log inserted later (``_chain_logs``)
        "exercise_id": exercise_ids[row["exercise_id"]],
        "routine_id": row.get("routine_id"),
        "slot_entry_id": row.get("slot_entry_id"),
        "iteration": as_int(row.get("iteration")),
        "repetitions_unit_id": units[0],
        "repetitions": as_decimal(row.get("repetitions")),
        "repetitions_target": as_decimal(row.get("repetitions_target")),
        "weight_unit_id": units[1],
        "weight": as_decimal(row.get("weight")),
        "weight_target": as_decimal(row.get("weight_target")),
        "rir": as_decimal(row.get("rir")),
        "rir_target": as_decimal(row.get("rir_target")),
        "rest": as_int(row.get("rest")),
        "rest_target": as_int(row.get("rest_target")),
    }


def _chain_logs(context: Context, rows: list[dict[str, Any]], here: set[Any]) -> None:
    """A log's next log, once both are here."""
    for row in rows:
        if not row.get("next_log_id"):
            continue
        log_id, next_id = as_uuid(row["id"]), as_uuid(row["next_log_id"])
        if log_id in here and next_id in here:
            context.session.execute(
                update(WorkoutLog.__table__)
                .where(WorkoutLog.__table__.c.id == log_id)
                .values(next_log_id=next_id)
            )


# ------------------------------------------------------------------------------ nutrition


def _plan(context: Context, row: dict[str, Any], found: Any) -> dict[str, Any]:
    return {
        "id": as_uuid(row["id"]),
        "user_id": context.user_id,
        "creation_date": as_date(row["creation_date"]),
        "start": as_date(row.get("start")) or as_date(row["creation_date"]),
        "end": as_date(row.get("end")),
        "description": as_text(row.get("description")),
        "only_logging": as_bool(row.get("only_logging")),
        "has_goal_calories": as_bool(row.get("has_goal_calories")),
        "goal_energy": as_int(row.get("goal_energy")),
        "goal_protein": as_int(row.get("goal_protein")),
        "goal_carbohydrates": as_int(row.get("goal_carbohydrates")),
        "goal_fat": as_int(row.get("goal_fat")),
        "goal_fiber": as_int(row.get("goal_fiber")),
    }


def _meal(context: Context, row: dict[str, Any], found: Any) -> dict[str, Any]:
    return {
        "id": as_uuid(row["id"]),
        "plan_id": as_uuid(row["plan_id"]),
        "order": as_int(row.get("order")) or 0,
        "time": as_time(row.get("time")),
        "name": as_text(row.get("name")),
    }


def _meal_item(context: Context, row: dict[str, Any], found: Any) -> dict[str, Any]:
    return {
        "id": as_uuid(row["id"]),
        "meal_id": as_uuid(row["meal_id"]),
        "order": as_int(row.get("order")) or 0,
        "amount": as_decimal(row["amount"]),
        **_food(context, row),
    }


def _diary_entry(context: Context, row: dict[str, Any], found: Any) -> dict[str, Any]:
    if as_uuid(row.get("meal_id")) is not None:  # an empty meal_id names none
        _named(context, row, "meal_id", MEAL)
    return {
        "id": as_uuid(row["id"]),
        "plan_id": as_uuid(row["plan_id"]),
        "meal_id": as_uuid(row.get("meal_id")),
        "datetime": as_datetime(row["datetime"]),
        "amount": as_decimal(row["amount"]),
        **_food(context, row),
    }


def _food(context: Context, row: dict[str, Any]) -> dict[str, Any]:
    ingredient = context.catalogue.local_id("ingredient", row["ingredient_id"])
    if ingredient is None:
        name = context.catalogue.name_of("ingredient", row["ingredient_id"])
        raise Skip(f"{name} is not in this server's ingredient catalogue")
    unit = None
    if row.get("weight_unit_id") is not None:
        unit = context.catalogue.local_id("ingredient_unit", row["weight_unit_id"])
        if unit is None:
            raise Skip(f"ingredient weight unit {row['weight_unit_id']} is unknown here")
    return {"ingredient_id": ingredient, "weight_unit_id": unit}


# ------------------------------------------------------------------------------ body


def _category(context: Context, row: dict[str, Any], found: Any) -> dict[str, Any]:
    return {
        "id": as_uuid(row["id"]),
        "user_id": context.user_id,
        "name": as_text(row["name"]),
        "unit": as_text(row.get("unit")),
        "metric_type": as_text(row.get("metric_type")) or "custom",
        "is_official": as_bool(row.get("is_official")),
        "order": as_int(row.get("order")) or 0,
        "parent_id": as_uuid(row.get("parent_id")),
        "chart_type": row.get("chart_type"),
        "chart_config": as_json(row.get("chart_config")),
        "dynamic_type": as_text(row.get("dynamic_type")) or "NONE",
        "dynamic_params": as_json(row.get("dynamic_params")),
    }


def _measurement(context: Context, row: dict[str, Any], body_weight: Any) -> dict[str, Any]:
    category = as_uuid(row["category_id"])
    return {
        "id": as_uuid(row["id"]),
        "category_id": body_weight.get(category, category),
        "date": as_datetime(row["date"]),
        "value": as_decimal(row["value"]),
        "notes": as_text(row.get("notes")),
        "source": as_text(row.get("source")) or "user",
        "external_id": as_uuid(row.get("external_id")),
        "extra_data": as_json(row.get("extra_data")),
    }


def weight_entry_id(row: dict[str, Any]) -> Any:
    """The id a client sees here: upstream's ``uuid`` column (its 2.7 id). See docs/import.md."""
    return as_uuid(row["uuid"]) if row.get("uuid") else None


def _body(context: Context, user_id: int, result: UserResult) -> None:
    categories = context.source.rows(CATEGORY.source, "user_id = :u", u=user_id)
    body_weight = _body_weight_here(context, user_id, categories, result)
    # upstream's body-weight category is ours (counted there): the others are written, and
    # the readings of all of them follow
    others = [row for row in categories if as_uuid(row["id"]) not in body_weight]
    written = _import_table(context, result, CATEGORY, rows=others)
    context.written[CATEGORY.source] = Written(categories, written.here | set(body_weight))
    _import_table(context, result, MEASUREMENT, found=body_weight)
    _weights(context, user_id, result)


def _body_weight_here(
    context: Context, user_id: int, categories: list[dict[str, Any]], result: UserResult
) -> dict[Any, Any]:
    """A source of the released 2.7 schema has the user's body-weight category: its readings
    join the one every account has here (made with the account; one per user and metric), so
    upstream's weight entries and body-weight measurements meet in one category (one row of
    truth). ``{upstream's category id: ours}``; that category is counted as already here."""
    upstream = [
        as_uuid(row["id"]) for row in categories if as_text(row.get("metric_type")) == "body_weight"
    ]
    if not upstream:
        return {}
    body.ensure_official_categories(user_id)
    ours = context.session.execute(
        select(MeasurementCategory.id).where(
            MeasurementCategory.user_id == user_id, MeasurementCategory.metric_type == "body_weight"
        )
    ).scalar_one()
    count = result.count(MeasurementCategory.__tablename__)
    count.source += len(upstream)
    count.present += len(upstream)
    return dict.fromkeys(upstream, ours)


def _weights(context: Context, user_id: int, result: UserResult) -> None:
    """Upstream's weight entries become readings of the user's body-weight category (one row
    of truth: docs/body.md), after the categories: a body-weight category of upstream's is
    that category. An entry at the moment of a body-weight reading already here is that
    reading: the rule refuses the second row, and the report says so."""
    body.ensure_official_categories(user_id)
    category = context.session.execute(
        select(MeasurementCategory.id).where(
            MeasurementCategory.user_id == user_id, MeasurementCategory.metric_type == "body_weight"
        )
    ).scalar_one()
    rows = [
        {
            "id": weight_entry_id(row) or as_uuid(row["id"]),
            "category_id": category,
            "date": as_datetime(row["date"]),
            "weight": as_decimal(row["weight"]),
        }
        for row in context.source.rows("weight_weightentry", "user_id = :u", u=user_id)
    ]
    count = result.count("weight_weightentry")
    count.source += len(rows)
    write_rows(
        context.session,
        Measurement.__table__,
        rows,
        count,
        owner="category_id",
        describe=lambda row: f"weight entry {row['id']}",
        rules=writes.rules_of(WeightEntry),
        user=context.user,
        model=WeightEntry,
    )


def _gallery(context: Context, user_id: int, result: UserResult) -> None:
    table = "gallery_image"
    rows = context.source.rows(table, "user_id = :u", u=user_id)
    count = result.count(table)
    count.source += len(rows)
    present = _existing(context.session, GalleryImage, [row["id"] for row in rows])
    images = []
    config = current_app.config
    for row in rows:
        if row["id"] in present:
            continue  # written by an earlier run: write_rows counts it (and checks its owner)
        stream = context.media.open(row["image"])
        if stream is None:
            count.skipped.append(
                (f"gallery image {row['id']}", context.media.missing_reason(row["image"]))
            )
            continue
        try:
            with stream:
                if context.media.dry_run:
                    picture = media.decode_image(stream, config["UPLOAD_MAX_PIXELS"])
                    stored = body.StoredPhoto(name="", width=picture.width, height=picture.height)
                    picture.close()
                else:
                    stored = context.media.keep(body.store_gallery_photo(stream, context.user))
        except body.PhotoRejected as error:
            count.skipped.append((f"gallery image {row['id']}", str(error)))
            continue
        images.append(
            {
                "id": row["id"],
                "user_id": user_id,
                "date": as_date(row["date"]),
                "image": stored.name,
                "description": as_text(row.get("description")),
                "width": stored.width,
                "height": stored.height,
            }
        )
    images.extend(
        {
            "id": row["id"],
            "user_id": user_id,
            "date": None,
            "image": "",
            "description": "",
            "width": 0,
            "height": 0,
        }
        for row in rows
        if row["id"] in present
    )
    write_rows(context.session, GalleryImage.__table__, images, count, owner="user_id")


# ------------------------------------------------------------------------------ trophies


def _earned_trophies(context: Context, user_id: int, result: UserResult) -> dict[Any, Any]:
    """The trophies earned upstream (not the personal records, which the recompute derives
    from the logs), with their dates: the recompute keeps a trophy still earned with its date,
    withdraws one the imported history does not support and adds what is missing. Returns
    the dates of upstream's personal records by their log (``_keep_record_dates``)."""
    table = "trophies_usertrophy"
    rows = context.source.rows(table, "user_id = :u", u=user_id)
    records = {}
    for row in rows:
        log_id = (as_json(row.get("context_data")) or {}).get("log_id")
        if log_id:
            records[as_uuid(log_id)] = as_datetime(row["earned_at"])
    # Personal records are not counted here: the recompute derives them from the logs.
    rows = [row for row in rows if not (as_json(row.get("context_data")) or {}).get("log_id")]
    count = result.count(table)
    count.source += len(rows)
    held = set(
        context.session.execute(
            select(UserTrophy.trophy_id).where(
                UserTrophy.user_id == user_id, UserTrophy.log_id.is_(None)
            )
        ).scalars()
    )
    earned = []
    for row in rows:
        context_data = as_json(row.get("context_data")) or {}
        trophy = context.catalogue.local_id("trophy", row["trophy_id"])
        if trophy is None:
            count.skipped.append((f"user trophy {row['id']}", "trophy unknown here"))
            continue
        if trophy in held:
            count.present += 1
            continue
        held.add(trophy)
        earned.append(
            {
                "user_id": user_id,
                "trophy_id": trophy,
                "earned_at": as_datetime(row["earned_at"]),
                "progress": float(row.get("progress") or 100.0),
                "is_notified": as_bool(row.get("is_notified")),
                "context_data": context_data or None,
            }
        )
    if earned:
        context.session.execute(insert(UserTrophy.__table__), earned)
        count.imported += len(earned)
    return records


def _has_workouts(context: Context, user_id: int) -> bool:
    """Whether there is anything to recompute (upstream makes a user's statistics at the
    first workout, so a user who never trained has none there, nor here)."""
    return (
        context.session.execute(
            select(WorkoutSession.id).where(WorkoutSession.user_id == user_id).limit(1)
        ).first()
        is not None
        or context.session.execute(
            select(WorkoutLog.id).where(WorkoutLog.user_id == user_id).limit(1)
        ).first()
        is not None
        or context.source.count("trophies_userstatistics", "user_id = :u", u=user_id) > 0
    )


def _keep_record_dates(context: Context, user_id: int, records: dict[Any, Any]) -> None:
    """A personal record the recompute found in the same log as upstream did keeps the date
    upstream awarded it."""
    table = UserTrophy.__table__
    for log_id, earned_at in records.items():
        context.session.execute(
            update(table)
            .where(table.c.user_id == user_id, table.c.log_id == log_id)
            .values(earned_at=earned_at)
        )


# ------------------------------------------------------------------------------ the tables

ROUTINE = UserTable("manager_routine", Routine, "routine", _routine)
DAY = UserTable("manager_day", Day, "day", _day, parent=("routine_id", ROUTINE))
SLOT = UserTable("manager_slot", Slot, "slot", _slot, parent=("day_id", DAY))
SLOT_ENTRY = UserTable(
    "manager_slotentry",
    SlotEntry,
    "slot entry",
    _slot_entry,
    parent=("slot_id", SLOT),
    lookup=_exercises_named,
)
CONFIGS = tuple(
    UserTable(table, model, "config", _config(model), parent=("slot_entry_id", SLOT_ENTRY))
    for table, model in CONFIG_TABLES.items()
)
SESSION = UserTable(
    "manager_workoutsession", WorkoutSession, "session", _session, key=as_uuid, lookup=_days_here
)
LOG = UserTable(
    "manager_workoutlog",
    WorkoutLog,
    "log",
    _log,
    key=as_uuid,
    lookup=_exercises_named,
    after=_chain_logs,
)
PLAN = UserTable("nutrition_nutritionplan", NutritionPlan, "plan", _plan, key=as_uuid)
MEAL = UserTable("nutrition_meal", Meal, "meal", _meal, parent=("plan_id", PLAN), key=as_uuid)
MEAL_ITEM = UserTable(
    "nutrition_mealitem",
    MealItem,
    "meal item",
    _meal_item,
    parent=("meal_id", MEAL),
    key=as_uuid,
)
DIARY_ENTRY = UserTable(
    "nutrition_logitem",
    LogItem,
    "diary entry",
    _diary_entry,
    parent=("plan_id", PLAN),
    key=as_uuid,
)
CATEGORY = UserTable(
    "measurements_category", MeasurementCategory, "category", _category, key=as_uuid
)
MEASUREMENT = UserTable(
    "measurements_measurement",
    Measurement,
    "measurement",
    _measurement,
    parent=("category_id", CATEGORY),
    key=as_uuid,
)
# A user's tables in the order of their foreign keys (the body's follow, in ``_body``).
USER_TABLES = (
    ROUTINE,
    DAY,
    SLOT,
    SLOT_ENTRY,
    *CONFIGS,
    SESSION,
    LOG,
    PLAN,
    MEAL,
    MEAL_ITEM,
    DIARY_ENTRY,
)
