"""Writing one table's rows into this server: only the missing ones, the same ids, and every
refusal with its reason.

A row whose key is already here is left alone (a re-run, or an interrupted run finished by
running again), provided it belongs to the same owner; a key held by someone else's row means
the id cannot be kept, and the user's import stops with that reason (``Conflict``). The rows
go in one multi-row ``INSERT`` inside a savepoint; if the database refuses it, each row is tried
in its own savepoint so that only the offending rows are skipped, each with the database's
reason.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, cast

from sqlalchemy import Table, insert, inspect, select
from sqlalchemy.engine import CursorResult
from sqlalchemy.exc import DBAPIError, IntegrityError, StatementError
from sqlalchemy.orm.exc import UnmappedColumnError
from sqlalchemy.sql.schema import ColumnDefault

from wger_flask.database import AnySession
from wger_flask.rest.errors import APIError

CHUNK = 500


class Conflict(Exception):
    """A row cannot be imported with its id: the id is another owner's here."""


@dataclass
class TableCount:
    """One table of one user: rows in the source, imported now, already here, skipped."""

    source: int = 0
    imported: int = 0
    present: int = 0
    skipped: list[tuple[str, str]] = field(default_factory=list)
    # skipped rows counted but no longer listed (the report keeps a bounded list)
    dropped: int = 0

    @property
    def skipped_count(self) -> int:
        return len(self.skipped) + self.dropped

    def add(self, other: TableCount) -> None:
        self.source += other.source
        self.imported += other.imported
        self.present += other.present
        self.skipped.extend(other.skipped)
        self.dropped += other.dropped


def existing_owners(
    session: AnySession, table: Table, key: str, owner: str | None, keys: Sequence[Any]
) -> dict[Any, Any]:
    """``{key: owner value}`` of the rows of ``keys`` that are already here."""
    found: dict[Any, Any] = {}
    key_column = table.c[key]
    columns = [key_column] + ([table.c[owner]] if owner else [])
    for start in range(0, len(keys), CHUNK):
        chunk = list(keys[start : start + CHUNK])
        for row in session.execute(select(*columns).where(key_column.in_(chunk))):
            found[row[0]] = row[1] if owner else None
    return found


def _reason(error: Exception) -> str:
    original = getattr(error, "orig", None) or error
    lines = str(original).strip().splitlines()
    return lines[0] if lines else type(error).__name__


def write_rows(
    session: AnySession,
    table: Table,
    rows: list[dict[str, Any]],
    count: TableCount,
    *,
    key: str = "id",
    owner: str | None = None,
    describe: Callable[[dict[str, Any]], str] | None = None,
    rules: Any = None,
    user: Any = None,
    keep: tuple[str, ...] = (),
    model: Any = None,
) -> set[Any]:
    """Insert the rows of ``rows`` that are not here yet; returns the keys that are here now
    (imported or already present). ``owner``: the column that must hold the same value in an
    already present row (else ``Conflict``). ``rules``: the table's write rules
    (``rest.writes.Rules``), run on each new row for ``user`` first (``_through_rules``), as
    ``model`` (default: the table's own class; ``WeightEntry`` writes the measurements)."""
    describe = describe or (lambda row: f"{table.name} {row[key]}")
    keys = [row[key] for row in rows]
    present = existing_owners(session, table, key, owner, keys)
    here: set[Any] = set()
    missing = []
    for row in rows:
        if row[key] in present:
            if owner and present[row[key]] != row[owner]:
                raise Conflict(
                    f"{describe(row)} is taken here by another owner: its id cannot be kept"
                )
            count.present += 1
            here.add(row[key])
        else:
            missing.append(row)
    if rules is not None:
        missing = _through_rules(
            session, table, missing, count, rules, user, keep, describe, here, key, model=model
        )
    for start in range(0, len(missing), CHUNK):
        chunk = missing[start : start + CHUNK]
        try:
            with session.begin_nested():
                session.execute(insert(table), chunk)
            count.imported += len(chunk)
            here.update(row[key] for row in chunk)
        except (IntegrityError, StatementError, DBAPIError):
            for row in chunk:
                try:
                    with session.begin_nested():
                        session.execute(insert(table), [row])
                    count.imported += 1
                    here.add(row[key])
                except (IntegrityError, StatementError, DBAPIError) as error:
                    count.skipped.append((describe(row), _reason(error)))
    return here


def _refusal(error: APIError) -> str:
    body = getattr(error, "body", None)
    if isinstance(body, dict):
        return "; ".join(
            f"{field}: {' '.join(str(item) for item in messages) if isinstance(messages, list) else messages}"
            for field, messages in body.items()
        )
    return str(error.description or error)


def _through_rules(
    session: AnySession,
    table: Table,
    rows: list[dict[str, Any]],
    count: TableCount,
    rules: Any,
    user: Any,
    keep: tuple[str, ...],
    describe: Callable[[dict[str, Any]], str],
    here: set[Any],
    key: str,
    *,
    strict: bool = False,
    model: Any = None,
) -> list[dict[str, Any]]:
    """Run the table's save rule on each row, as a create through the API runs it (the same
    function, ``services/<domain>/rules.py``): a row it refuses is skipped with its field
    messages; the values it completes or normalises are what is written. ``keep``: the facts of
    when a row was made that a create stamps afresh (a plan's creation date), kept as upstream
    stored them. A row the rule itself added to the session is written by the session's flush;
    the others go on to the multi-row insert. Returns those. ``model``: the class the rows are
    written as (default: the table's own; a weight entry is a measurement seen otherwise)."""
    model = model or table_model(table)
    accepted = []
    for row in rows:
        obj = model(**row)
        try:
            if rules.save is not None:
                rules.save(session, obj, dict(row), user, True)
        except APIError as error:
            if strict:
                raise
            count.skipped.append((describe(row), _refusal(error)))
            continue
        for name in keep:
            setattr(obj, name, row[name])
        if obj in session:  # the rule added it (e.g. a category with its components)
            count.imported += 1
            here.add(row[key])
            continue
        accepted.append(_column_values(table, obj, row))
    session.flush()  # what the rules added (a log's session, a group's components) goes first
    return accepted


def table_model(table: Table) -> Any:
    """The model class mapped to ``table`` under the table's name (a second mapper on the same
    table, ``WeightEntry`` on the measurements, is not the table's own)."""
    from wger_flask.database import Model

    for mapper in Model.registry.mappers:
        if mapper.local_table is table and mapper.class_.__tablename__ == table.name:
            return mapper.class_
    raise LookupError(table.name)


def _column_values(table: Table, obj: Any, row: dict[str, Any]) -> dict[str, Any]:
    """The row's values after its rule, keyed by column; a column the row did not name gets its
    default (a primary key left to the database is left out), as does one ``obj``'s class does
    not map (a weight entry has no ``external_id``)."""
    mapper = inspect(type(obj))
    values = {}
    for column in table.columns:
        try:
            name = mapper.get_property_by_column(column).key
        except UnmappedColumnError:
            name = column.key
        value = getattr(obj, name, None)
        if value is None and name not in row:
            if column.primary_key:
                continue
            default = column.default
            if isinstance(default, ColumnDefault) and default.is_scalar:
                value = default.arg
            elif isinstance(default, ColumnDefault) and default.is_callable:
                try:
                    value = default.arg(None)
                except Exception:
                    value = None
        values[column.key] = value
    return values


def import_row(session: AnySession, model: Any, data: dict[str, Any], user: Any) -> Any:
    """One row written as ``flask import-wger`` writes each row (the table's save rule run as
    for an API create, a refusal raised as the rule raised it, then the insert); its primary
    key. For a writer of single rows (and the "every writer" tests); the import itself writes a
    user's rows in batches with ``write_rows``."""
    from wger_flask.models.types import GUID, uuid7
    from wger_flask.rest import writes

    table = model.__table__
    rules = writes.rules_of(model)
    # the batch import writes only the user's own rows under the user's own parents; a single
    # row names its parents itself, so they are checked as every writer checks them
    writes.check_parents(session, rules, data, user)
    row = dict(data)
    if "user_id" in table.c and row.get("user_id") is None:
        row["user_id"] = user.id
    key = next(iter(table.primary_key.columns))
    if isinstance(key.type, GUID) and row.get(key.key) is None:
        row[key.key] = uuid7()
    values = _through_rules(
        session,
        table,
        [row],
        TableCount(),
        rules,
        user,
        (),
        lambda item: table.name,
        set(),
        key.key,
        strict=True,
        model=model,
    )
    if not values:  # the rule added the row itself
        return row.get(key.key)
    inserted = cast("CursorResult[Any]", session.execute(insert(table).values(**values[0])))
    primary_key = inserted.inserted_primary_key
    assert primary_key is not None  # a single-row INSERT
    return primary_key[0]
