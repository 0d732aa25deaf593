"""Ingredient rows rendered by the database, for list, detail, stream and sync pages.

At a thousand rows a page, building dicts in Python from typed values (decimals, datetimes,
uuids, nested language, license, weight units and image) costs more than everything else
together. So the database renders them: every wire format (decimal strings, ISO datetimes,
uuids) is computed in SQL, the nested relations come from joins on keys and an aggregate
subquery, all in the page's one statement. On SQLite ``json_object`` builds each row's whole
JSON text; on PostgreSQL, whose ``json_build_object`` is slow for wide rows, the columns come
as text and orjson assembles the object (``RowRenderer``). The page is the texts joined.

The JSON is the schemas' own output (``IngredientSchema``, ``IngredientInfoSchema``): the keys
come from the schemas, in their order, and ``tests/unit/test_ingredient_json.py`` compares the
two for every shipped row on both databases. Only whitespace may differ.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import orjson
from marshmallow import Schema
from sqlalchemy import (
    Boolean,
    ColumnElement,
    DateTime,
    Integer,
    Numeric,
    String,
    any_,
    bindparam,
    case,
    cast,
    func,
    select,
    type_coerce,
)
from sqlalchemy import literal_column as sql
from sqlalchemy.dialects import postgresql
from sqlalchemy.dialects.postgresql import aggregate_order_by
from sqlalchemy.orm import InstrumentedAttribute

from wger_flask.models.catalogue import Language, License
from wger_flask.models.ingredients import (
    Ingredient,
    IngredientGeneration,
    IngredientImage,
    IngredientWeightUnit,
)
from wger_flask.models.types import GUID, UTCDateTime
from wger_flask.rest.dateparse import iso_datetime
from wger_flask.schemas.catalogue import LanguageSchema, LicenseSchema
from wger_flask.schemas.ingredients import (
    MEDIA_PREFIX,
    IngredientImageSchema,
    IngredientWeightUnitSchema,
)

Expression = ColumnElement[Any]


class Dialect:
    """How one database spells JSON objects and the wire formats of the schema fields."""

    def obj(self, pairs: list[tuple[str, Expression]]) -> Expression:
        raise NotImplementedError

    def nested(self, subquery: Expression) -> Expression:
        return subquery

    def array(self, element: Expression, order: Any) -> Expression:
        raise NotImplementedError

    def decimal(self, column: Expression, places: int) -> Expression:
        raise NotImplementedError

    def datetime(self, column: Expression) -> Expression:
        raise NotImplementedError

    def uuid(self, column: Expression) -> Expression:
        return column

    def boolean(self, column: Expression) -> Expression:
        return column

    def value(self, column: Expression) -> Expression:
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
    def obj(self, pairs: list[tuple[str, Expression]]) -> Expression:
        return func.json_object(*_keyed(pairs))

    def nested(self, subquery: Expression) -> Expression:
        return func.json(subquery)

    def array(self, element: Expression, order: Any) -> Expression:
        return func.json_group_array(element)  # rows come in index order: by id

    def decimal(self, column: Expression, places: int) -> Expression:
        return case((column.is_(None), None), else_=func.printf(f"%.{places}f", column))

    def datetime(self, column: Expression) -> Expression:
        # Stored as "YYYY-MM-DD HH:MM:SS.ffffff" (UTC); isoformat drops zero microseconds.
        date, time, micro = (
            func.substr(column, 1, 10),
            func.substr(column, 12, 8),
            func.substr(column, 20, 7),
        )
        whole = date.concat("T").concat(time)
        iso = case((micro == ".000000", whole), else_=whole.concat(micro))
        return case((column.is_(None), None), else_=iso.concat("Z"))

    def boolean(self, column: Expression) -> Expression:
        return case(
            (column.is_(None), None), (column == 1, func.json("true")), else_=func.json("false")
        )


class PostgreSQLJSON(Dialect):
    def obj(self, pairs: list[tuple[str, Expression]]) -> Expression:
        return func.json_build_object(*_keyed(pairs))

    def array(self, element: Expression, order: Any) -> Expression:
        return func.coalesce(func.json_agg(aggregate_order_by(element, order)), sql("'[]'::json"))

    def decimal(self, column: Expression, places: int) -> Expression:
        # A NUMERIC(p, places) column's text always has exactly ``places`` decimals.
        return cast(column, String)

    def datetime(self, column: Expression) -> Expression:
        # timestamp's text is "YYYY-MM-DD HH:MM:SS[.f]" with trailing zeros of the fraction cut;
        # isoformat has no fraction or all six digits.
        text = cast(column, String)
        padded = case((func.length(text) == 19, text), else_=func.rpad(text, 26, "0"))
        return case((column.is_(None), None), else_=func.replace(padded, " ", "T").concat("Z"))

    def uuid(self, column: Expression) -> Expression:
        return cast(column, String)


DIALECTS: dict[str, Dialect] = {"sqlite": SQLiteJSON(), "postgresql": PostgreSQLJSON()}


def _pairs(
    dialect: Dialect, schema: type[Schema], table: Any, special: Mapping[str, Any] = {}
) -> list[tuple[str, Expression]]:
    """(key, expression) for every field of ``schema``, in its order: the ``special``
    expression (a callable: built only when the schema has the field) or the column's value."""
    return [
        (name, special[name]() if name in special else dialect.value(table.columns[name]))
        for name in schema().dump_fields
    ]


def weight_units(dialect: Dialect) -> Expression:
    unit = IngredientWeightUnit
    pairs = _pairs(
        dialect,
        IngredientWeightUnitSchema,
        unit.__table__,
        {"ingredient": lambda: unit.ingredient_id},
    )
    rows = select(dialect.array(dialect.obj(pairs), unit.id)).where(
        unit.ingredient_id == Ingredient.id
    )
    return dialect.nested(rows.scalar_subquery())


# The media URL depends on the request's host: a parameter, so the statement is built once.
MEDIA_URL = "media_url"


def media_url_parameter(host_url: str) -> dict[str, str]:
    """The execution parameter that statements of ``renderer`` columns need."""
    return {MEDIA_URL: host_url + MEDIA_PREFIX}


# The info schema's one-to-one and many-to-one relations come from outer joins on keys
# (cheaper than a correlated subquery per row); the weight units from an aggregate subquery.
LANGUAGE = Language.__table__
LICENSE = License.__table__
IMAGE = IngredientImage.__table__


@functools.cache
def lookup_documents(dialect_name: str) -> tuple[Any, Any]:
    """Every language's and license's JSON, rendered once per statement (a few dozen rows)
    and joined to the ingredients, instead of rendered again for every ingredient."""
    dialect = DIALECTS[dialect_name]
    documents = []
    for schema, table in ((LanguageSchema, LANGUAGE), (LicenseSchema, LICENSE)):
        pairs = _pairs(dialect, schema, table)
        documents.append(select(table.c.id, dialect.obj(pairs).label("document")).subquery())
    return documents[0], documents[1]


@functools.cache
def json_source(schema: type[Schema], dialect_name: str) -> Any:
    """The FROM clause that the columns of ``renderer(schema, dialect_name)`` read."""
    table = Ingredient.__table__
    if not _is_info(schema):
        return table
    languages, licenses = LANGUAGE, LICENSE
    if dialect_name == "postgresql":
        languages, licenses = lookup_documents(dialect_name)
    return (
        table.outerjoin(languages, languages.c.id == table.c.language_id)
        .outerjoin(licenses, licenses.c.id == table.c.license_id)
        .outerjoin(IMAGE, IMAGE.c.ingredient_id == table.c.id)
    )


def _lookup(dialect_name: str, schema: type[Schema], table: Any, position: int) -> Expression:
    """A language or license object: PostgreSQL joins documents rendered once per statement;
    SQLite (which would render them again for every row anyway) builds it from the joined row."""
    dialect = DIALECTS[dialect_name]
    if dialect_name == "postgresql":
        return dialect.nested(lookup_documents(dialect_name)[position].c.document)
    return _joined(dialect, schema, table)


def _is_info(schema: type[Schema]) -> bool:
    return "image" in schema._declared_fields


def _joined(
    dialect: Dialect, schema: type[Schema], table: Any, special: Mapping[str, Any] = {}
) -> Expression:
    """The object of a joined row, or null when the join found none."""
    pairs = _pairs(dialect, schema, table, special)
    return case((table.c.id.is_(None), None), else_=dialect.obj(pairs))


def _image_url() -> Expression:
    return bindparam(MEDIA_URL, type_=String).concat(IMAGE.c.image)


def image(dialect: Dialect) -> Expression:
    special = {
        "ingredient_uuid": lambda: dialect.uuid(Ingredient.uuid.expression),
        "image": _image_url,
        "license": lambda: IMAGE.c.license_id,
    }
    return _joined(dialect, IngredientImageSchema, IMAGE, special)


def thumbnails(dialect: Dialect) -> Expression:
    url = _image_url()
    return case((IMAGE.c.id.is_(None), None), else_=dialect.obj([("small", url), ("medium", url)]))


def _ingredient_pairs(schema: type[Schema], dialect_name: str) -> list[tuple[str, Expression]]:
    """(key, expression) for every field of an ingredient ``schema``, in its order."""
    dialect = DIALECTS[dialect_name]
    info = _is_info(schema)
    special: dict[str, Callable[[], Expression | InstrumentedAttribute[int]]] = {
        "weight_units": lambda: weight_units(dialect),
        "language": lambda: (
            _lookup(dialect_name, LanguageSchema, LANGUAGE, 0) if info else Ingredient.language_id
        ),
        "license": lambda: (
            _lookup(dialect_name, LicenseSchema, LICENSE, 1) if info else Ingredient.license_id
        ),
        "image": lambda: image(dialect),
        "thumbnails": lambda: thumbnails(dialect),
    }
    return _pairs(dialect, schema, Ingredient.__table__, special)


NESTED = frozenset({"weight_units", "language", "license", "image", "thumbnails"})


@dataclass(frozen=True)
class RowRenderer:
    """What a page selects per ingredient, and how those columns become its JSON text.

    SQLite builds the whole object in SQL (one column). PostgreSQL's ``json_build_object`` is
    slow for wide rows, so there the columns come as text (nested relations as JSON text) and
    orjson assembles the object, embedding the nested JSON as fragments.
    """

    columns: tuple[Expression, ...]
    keys: tuple[str, ...] = ()
    nested: tuple[str, ...] = ()
    datetimes: tuple[str, ...] = ()  # naive UTC datetimes, formatted here (cheaper than SQL)

    def texts(self, rows: Iterable[Any]) -> list[bytes]:
        """The JSON of each result row, UTF-8 (extra columns after ``columns`` are ignored)."""
        if not self.keys:
            return [row[0].encode() for row in rows]
        keys, nested, datetimes = self.keys, self.nested, self.datetimes
        fragment, dumps = orjson.Fragment, orjson.dumps
        texts = []
        for row in rows:
            document = dict(zip(keys, row))  # noqa: B905 (the row's id comes after its columns)
            for key in nested:
                if document[key] is not None:
                    document[key] = fragment(document[key])
            for key in datetimes:
                if document[key] is not None:
                    document[key] = iso_datetime(document[key])
            texts.append(dumps(document))
        return texts


@functools.cache
def renderer(schema: type[Schema], dialect_name: str) -> RowRenderer:
    """The row renderer of ``schema`` on this database; built once.

    Its columns read ``json_source(schema, dialect_name)``; execute them with
    ``media_url_parameter(request.host_url)``.
    """
    pairs = _ingredient_pairs(schema, dialect_name)
    if dialect_name != "postgresql":  # the whole object in SQL: one JSON text per row
        return RowRenderer(columns=(DIALECTS[dialect_name].obj(pairs).label("json"),))
    table = Ingredient.__table__
    datetimes = tuple(
        key
        for key, _ in pairs
        if key in table.columns and isinstance(table.columns[key].type, UTCDateTime)
    )
    columns = []
    for position, (key, expression) in enumerate(pairs):
        if key in NESTED:
            expression = cast(expression, String)
        elif key in datetimes:  # the raw column: the driver hands out naive UTC datetimes
            expression = type_coerce(table.columns[key], DateTime)
        columns.append(expression.label(f"c{position}"))
    nested = tuple(key for key, _ in pairs if key in NESTED)
    return RowRenderer(tuple(columns), tuple(key for key, _ in pairs), nested, datetimes)


# The table's generation, read by the same statement (and snapshot) as the rows.
GENERATION = (
    select(IngredientGeneration.value).where(IngredientGeneration.id == 1).scalar_subquery()
)


@functools.cache
def rows_by_ids(schema: type[Schema], dialect_name: str) -> Any:
    """The rendered columns, id and table generation of the ingredients whose ids are the
    ``ids`` parameter.

    Built once, so its cache key is computed once. On PostgreSQL the ids go as one array
    (``= ANY``): the statement's text is the same for every page, the driver prepares it and
    the server reuses its plan instead of planning this wide select list on every page.
    """
    if dialect_name == "postgresql":
        wanted = Ingredient.id == any_(bindparam("ids", type_=postgresql.ARRAY(Integer)))
    else:
        wanted = Ingredient.id.in_(bindparam("ids", expanding=True))
    return (
        select(*renderer(schema, dialect_name).columns, Ingredient.id, GENERATION)
        .select_from(json_source(schema, dialect_name))
        .where(wanted)
    )


ID_WINDOW = (
    select(Ingredient.id)
    .where(Ingredient.id >= bindparam("first_id"))
    .order_by(Ingredient.id)
    .limit(bindparam("limit"))
    .offset(bindparam("skip"))
)
