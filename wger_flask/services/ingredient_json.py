"""Ingredient rows rendered to JSON by the database itself, for list, stream and sync pages.

At a thousand rows a page, building dicts in Python (decimals, datetimes, uuids, nested
language, license, weight units and image) costs more than everything else together. Both
databases build JSON natively: SQLite's ``json_object`` and PostgreSQL's ``json_build_object``
render each row, nested relations included (correlated subqueries on indexed keys), as one
text value; the page is those texts joined with commas. One SQL statement per page.

The JSON is the schemas' own output (``IngredientSchema``, ``IngredientInfoSchema``): the keys
come from the schemas, in their order, and ``tests/unit/test_ingredient_json.py`` compares the
two for every shipped row on both databases. Only whitespace may differ.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from marshmallow import Schema
from sqlalchemy import (
    Boolean,
    ColumnElement,
    Integer,
    Numeric,
    String,
    bindparam,
    case,
    cast,
    func,
    select,
)
from sqlalchemy import literal_column as sql
from sqlalchemy.dialects.postgresql import aggregate_order_by

from wger_flask.models.core import Language, License
from wger_flask.models.nutrition import Ingredient, IngredientImage, IngredientWeightUnit
from wger_flask.models.types import GUID, UTCDateTime
from wger_flask.schemas.core import LanguageSchema, LicenseSchema
from wger_flask.schemas.nutrition import (
    MEDIA_PREFIX,
    IngredientImageSchema,
    IngredientWeightUnitSchema,
)

Expression = ColumnElement[Any]


class Dialect:
    """How one database spells JSON objects and the wire formats of the schema fields."""

    def obj(self, pairs: list[tuple[str, Expression]]) -> Expression:
        raise NotImplementedError

    def nested(self, subquery: Any) -> Expression:
        return subquery

    def as_text(self, document: Expression) -> Expression:
        """The outermost document as text (the driver would decode a JSON value)."""
        return document

    def array(self, element: Expression, order: Any) -> Expression:
        raise NotImplementedError

    def decimal(self, column: Any, places: int) -> Expression:
        raise NotImplementedError

    def datetime(self, column: Any) -> Expression:
        raise NotImplementedError

    def uuid(self, column: Any) -> Expression:
        return column

    def boolean(self, column: Any) -> Expression:
        return column

    def value(self, column: Any) -> Expression:
        """A column as the schema shows it, by its type."""
        kind = column.type
        if isinstance(kind, UTCDateTime):
            return self.datetime(column)
        if isinstance(kind, GUID):
            return self.uuid(column)
        if isinstance(kind, Numeric):
            return self.decimal(column, kind.scale or 0)
        if isinstance(kind, Boolean):
            return self.boolean(column)
        if isinstance(kind, (Integer, String)):
            return column
        raise TypeError(f"no JSON rendering for {column}")


def _keyed(pairs: list[tuple[str, Expression]]) -> list[Any]:
    arguments: list[Any] = []
    for key, expression in pairs:
        arguments.extend((sql(f"'{key}'"), expression))
    return arguments


class SQLiteJSON(Dialect):
    def obj(self, pairs):
        return func.json_object(*_keyed(pairs))

    def nested(self, subquery):
        return func.json(subquery)

    def array(self, element, order):
        return func.json_group_array(element)  # rows come in index order: by id

    def decimal(self, column, places):
        return case((column.is_(None), None), else_=func.printf(f"%.{places}f", column))

    def datetime(self, column):
        # Stored as "YYYY-MM-DD HH:MM:SS.ffffff" (UTC); isoformat drops zero microseconds.
        date, time, micro = (
            func.substr(column, 1, 10),
            func.substr(column, 12, 8),
            func.substr(column, 20, 7),
        )
        whole = date.concat("T").concat(time)
        iso = case((micro == ".000000", whole), else_=whole.concat(micro))
        return case((column.is_(None), None), else_=iso.concat("+00:00"))

    def boolean(self, column):
        return case(
            (column.is_(None), None), (column == 1, func.json("true")), else_=func.json("false")
        )


class PostgreSQLJSON(Dialect):
    def obj(self, pairs):
        return func.json_build_object(*_keyed(pairs))

    def array(self, element, order):
        return func.coalesce(func.json_agg(aggregate_order_by(element, order)), sql("'[]'::json"))

    def decimal(self, column, places):
        return cast(func.round(column, places), String)

    def datetime(self, column):
        whole = func.to_char(column, 'YYYY-MM-DD"T"HH24:MI:SS')
        micro = func.to_char(column, ".US")
        iso = case(
            (func.extract("microseconds", column) % 1000000 == 0, whole), else_=whole.concat(micro)
        )
        return case((column.is_(None), None), else_=iso.concat("+00:00"))

    def uuid(self, column):
        return cast(column, String)

    def as_text(self, document):
        return cast(document, String)


DIALECTS: dict[str, Dialect] = {"sqlite": SQLiteJSON(), "postgresql": PostgreSQLJSON()}


def _fields(schema: type[Schema]) -> list[str]:
    return list(schema().dump_fields)


def _columns_of(dialect: Dialect, schema: type[Schema], model: type, renames: dict) -> list:
    table = model.__table__
    return [
        (name, renames[name] if name in renames else dialect.value(table.columns[name]))
        for name in _fields(schema)
    ]


def weight_units(dialect: Dialect) -> Expression:
    unit = IngredientWeightUnit
    pairs = _columns_of(
        dialect, IngredientWeightUnitSchema, unit, {"ingredient": unit.ingredient_id}
    )
    rows = select(dialect.array(dialect.obj(pairs), unit.id)).where(
        unit.ingredient_id == Ingredient.id
    )
    return dialect.nested(rows.scalar_subquery())


def _lookup(dialect: Dialect, schema: type[Schema], model: type, key: Any) -> Expression:
    pairs = _columns_of(dialect, schema, model, {})
    return dialect.nested(select(dialect.obj(pairs)).where(model.id == key).scalar_subquery())


# The media URL depends on the request's host: a parameter, so the statement is built once.
MEDIA_URL = "media_url"


def media_url_parameter(host_url: str) -> dict[str, str]:
    """The execution parameter that ``row_json`` statements need."""
    return {MEDIA_URL: host_url + MEDIA_PREFIX}


def _image_url() -> Expression:
    return bindparam(MEDIA_URL, type_=String).concat(IngredientImage.image)


def image(dialect: Dialect) -> Expression:
    renames = {
        "ingredient_uuid": dialect.uuid(Ingredient.uuid),
        "image": _image_url(),
        "license": IngredientImage.license_id,
    }
    pairs = _columns_of(dialect, IngredientImageSchema, IngredientImage, renames)
    found = select(dialect.obj(pairs)).where(IngredientImage.ingredient_id == Ingredient.id)
    return dialect.nested(found.scalar_subquery())


def thumbnails(dialect: Dialect) -> Expression:
    url = _image_url()
    sizes = dialect.obj([("small", url), ("medium", url)])
    found = select(sizes).where(IngredientImage.ingredient_id == Ingredient.id)
    return dialect.nested(found.scalar_subquery())


@functools.cache
def row_json(schema: type[Schema], dialect_name: str) -> Expression:
    """One JSON text per ingredient, as ``schema`` dumps it (flat or info); built once.

    Execute it with ``media_url_parameter(request.host_url)``.
    """
    dialect = DIALECTS[dialect_name]
    info = "image" in schema._declared_fields
    special: dict[str, Callable[[], Expression]] = {
        "weight_units": lambda: weight_units(dialect),
        "language": lambda: (
            _lookup(dialect, LanguageSchema, Language, Ingredient.language_id)
            if info
            else Ingredient.language_id
        ),
        "license": lambda: (
            _lookup(dialect, LicenseSchema, License, Ingredient.license_id)
            if info
            else Ingredient.license_id
        ),
        "image": lambda: image(dialect),
        "thumbnails": lambda: thumbnails(dialect),
    }
    table = Ingredient.__table__
    pairs = [
        (name, special[name]() if name in special else dialect.value(table.columns[name]))
        for name in _fields(schema)
    ]
    return dialect.as_text(dialect.obj(pairs)).label("json")
