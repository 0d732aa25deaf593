"""Loading the shipped catalogue (upstream's Django fixtures) into the database.

Idempotent: a row whose primary key is already stored is left alone, so running ``bootstrap``
twice changes nothing, and a local edit is never overwritten. Each domain registers how its
fixture models map to tables (``FixtureModel``) from its ``services/<domain>/fixtures.py``;
``cli.register_shipped_data`` calls them in order, and files load in the order they are listed.
Inserts go through SQLAlchemy Core in batches: the 12,000 shipped rows load in about a second.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

from sqlalchemy import Table, func, insert, select, text
from sqlalchemy.orm import DeclarativeBase

from wger_flask.extensions import db

FIXTURES = Path(__file__).resolve().parent / "data" / "fixtures"
BATCH = 1000

RowMapper = Callable[[int, dict[str, Any]], dict[str, Any]]
# Rewrites a whole fixture file's records before loading (e.g. moves rows to fresh ids).
FileRewriter = Callable[[list[dict[str, Any]]], list[dict[str, Any]]]


@dataclass
class FixtureModel:
    """How one fixture model (e.g. ``exercises.exercise``) becomes rows of a table."""

    label: str
    model: type[DeclarativeBase]
    # fixture field → column attribute, for fields whose names differ
    renames: dict[str, str] = field(default_factory=dict)
    # fixture field holding a list of ids → (association table, own column, other column)
    many_to_many: dict[str, tuple[Table, str, str]] = field(default_factory=dict)
    # an extra transformation after renaming (fills defaults, parses values)
    transform: RowMapper | None = None

    @property
    def table(self) -> Table:
        return cast(Table, self.model.__table__)

    def row(self, pk: int, fields: dict[str, Any]) -> dict[str, Any]:
        columns = {column.key for column in self.table.columns}
        row: dict[str, Any] = {"id": pk}
        for name, value in fields.items():
            if name in self.many_to_many:
                continue
            key = self.renames.get(name, name)
            if key not in columns and f"{key}_id" in columns:
                key = f"{key}_id"
            if key in columns:
                row[key] = _convert(self.table.columns[key], value)
        if self.transform is not None:
            row = self.transform(pk, row)
        return row


def _convert(column: Any, value: Any) -> Any:
    """Fixture JSON → Python values the column types accept."""
    if value is None:
        return None
    python_type = None
    with contextlib.suppress(NotImplementedError):
        python_type = column.type.python_type
    if python_type is dt.datetime and isinstance(value, str):
        parsed = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)
    if python_type is dt.date and isinstance(value, str):
        return dt.date.fromisoformat(value)
    if column.type.__class__.__name__ == "GUID" and isinstance(value, str):
        return uuid.UUID(value)
    return value


# Fixture files in load order, and the registry of models they may contain.
FILES: list[str] = []
REGISTRY: dict[str, FixtureModel] = {}
REWRITERS: dict[str, FileRewriter] = {}


def register(
    *models: FixtureModel,
    files: Iterable[str] = (),
    rewriters: dict[str, FileRewriter] | None = None,
) -> None:
    for model in models:
        REGISTRY[model.label] = model
    for name in files:
        if name not in FILES:
            FILES.append(name)
    REWRITERS.update(rewriters or {})


def read_fixture(name: str) -> list[dict[str, Any]]:
    with open(FIXTURES / name, encoding="utf-8") as handle:
        rows: list[dict[str, Any]] = json.load(handle)
        return rows


def _batches(rows: list[dict[str, Any]]) -> Iterator[list[dict[str, Any]]]:
    for start in range(0, len(rows), BATCH):
        yield rows[start : start + BATCH]


@dataclass
class LoadReport:
    """What a load did: rows inserted per fixture model (0 everywhere on a second run)."""

    inserted: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.inserted.values())


def load(files: Iterable[str] | None = None) -> LoadReport:
    """Insert the missing rows of the given fixture files (default: all registered files).

    Runs in the caller's transaction; the caller commits.
    """
    report = LoadReport()
    for name in files or FILES:
        grouped: dict[str, list[dict[str, Any]]] = {}
        records = read_fixture(name)
        if name in REWRITERS:
            records = REWRITERS[name](records)
        for record in records:
            if record["model"] not in REGISTRY:
                raise ValueError(f"{name}: no loader registered for {record['model']}")
            grouped.setdefault(record["model"], []).append(record)
        for label, records in grouped.items():
            report.inserted[label] = report.inserted.get(label, 0) + _load_model(
                REGISTRY[label], records
            )
    return report


def _load_model(spec: FixtureModel, records: list[dict[str, Any]]) -> int:
    pk_column = spec.table.c.id
    existing = set(db.session.execute(select(pk_column)).scalars())
    new_records = [record for record in records if record["pk"] not in existing]
    rows = [spec.row(record["pk"], record["fields"]) for record in new_records]
    for batch in _batches(rows):
        db.session.execute(insert(spec.table), batch)
    if rows:
        _advance_sequence(spec.table)
    for field_name, (table, own, other) in spec.many_to_many.items():
        links = [
            {own: record["pk"], other: target}
            for record in new_records
            for target in record["fields"].get(field_name) or []
        ]
        for batch in _batches(links):
            db.session.execute(insert(table), batch)
    return len(rows)


def _advance_sequence(table: Table) -> None:
    """PostgreSQL: rows were inserted with explicit ids, so move the id sequence past them."""
    if db.session.get_bind().dialect.name != "postgresql":
        return
    highest = db.session.execute(select(func.max(table.c.id))).scalar()
    if highest is not None:
        db.session.execute(
            text("SELECT setval(pg_get_serial_sequence(:table, 'id'), :value)"),
            {"table": table.name, "value": highest},
        )
