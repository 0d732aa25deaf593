"""Reading pages for a schema: light records, nested relations, one statement per relation.

The ORM builds an identity-mapped, change-tracked object per row: right for writes, but on a
read-only page of nested data it costs more than everything else together. A ``ReadPlan``
reads instead the model's columns with SQLAlchemy Core into plain ``Record`` objects, then
every relation the schema nests (``fields.Nested``, ``RelatedIds``, dotted attributes such as
``exercise.uuid``, or relations a resource names for its method fields) with **one** statement
per relation, whatever the page size:

    main page        SELECT <columns> FROM exercise WHERE ... ORDER BY ... LIMIT ... OFFSET ...
    translations     SELECT <columns> FROM translation WHERE exercise_id IN (<the page's ids>)
    aliases          SELECT <columns> FROM alias WHERE translation_id IN (<those translations>)
    muscles (m2m)    SELECT link.exercise_id, <columns> FROM link JOIN muscle ... WHERE ...

The parent ids go in as a list when the page is small, and as a sub-select of the page query
when it is large (no parameter limits, still one statement). Relations are discovered from the
models' ``relationship()`` declarations; nothing is declared twice.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from marshmallow import Schema, fields
from sqlalchemy import ColumnElement, Select, bindparam, inspect, select
from sqlalchemy.orm import RelationshipDirection, RelationshipProperty

from wger_flask.database import db
from wger_flask.schemas.fields import RelatedIds

# Up to this many parent ids are sent as a list; more go as a sub-select of the page query.
ID_LIST_LIMIT = 1000


class Record:
    """A read-only row: columns and loaded relations as attributes."""

    __slots__ = ("__dict__",)

    def __repr__(self) -> str:
        return f"Record({self.__dict__!r})"

    if TYPE_CHECKING:
        # Its attributes are the columns and relations its read plan loaded.
        def __getattr__(self, name: str) -> Any: ...
        def __setattr__(self, name: str, value: Any) -> None: ...


def _record(pairs: Any) -> Record:
    record = Record.__new__(Record)
    record.__dict__.update(pairs)
    return record


def records_of(result: Any) -> list[Record]:
    """All rows of an executed statement as records named by the result's keys."""
    keys = list(result.keys())
    return [_record(zip(keys, row, strict=True)) for row in result]


def _key(column: ColumnElement[Any]) -> str:
    """The key of a relationship's column (a table's column always has one)."""
    key: str | None = column.key
    assert key is not None
    return key


def model_columns(model: type[Any]) -> list[Any]:
    """The model's columns for a Core SELECT, each labelled with its attribute's name. A
    deferred one (an expression kept for filters and ordering) is read only where asked for."""
    return [
        column.label(attribute.key) if column.key != attribute.key else column
        for attribute in inspect(model).column_attrs
        if not attribute.deferred
        for column in attribute.columns[:1]
    ]


def _run(stmt: Any, ids: Any, as_list: bool) -> Any:
    """Execute a relation statement on the session's connection (Core: no ORM overhead)."""
    connection = db.session.connection()
    return connection.execute(stmt, {"ids": ids}) if as_list else connection.execute(stmt)


@dataclass
class Relation:
    """One relationship to load, with the plan of the rows it leads to.

    Its statements are built once; each execution only binds the parent ids.
    """

    name: str
    prop: RelationshipProperty[Any]
    plan: ReadPlan

    def __post_init__(self) -> None:
        self.direction = self.prop.direction
        target = self.plan
        order = list(self.prop.order_by) if self.prop.order_by else [target.primary_key]
        self._build: Callable[[ColumnElement[bool]], Select[*tuple[Any, ...]]]
        if self.direction is RelationshipDirection.MANYTOMANY:
            secondary = self.prop.secondary
            secondary_pairs = self.prop.secondary_synchronize_pairs
            assert secondary is not None and secondary_pairs is not None  # many-to-many has both
            ((self.parent_column, link_parent),) = self.prop.synchronize_pairs
            ((target_column, link_target),) = secondary_pairs
            self.link_parent, self.link_target = link_parent, link_target
            self._build = lambda condition: (
                select(link_parent, *target.columns)
                .join_from(secondary, target.table, target_column == link_target)
                .where(condition)
                .order_by(*order)
            )
            self.match = link_parent
        else:
            ((self.local, self.remote),) = self.prop.local_remote_pairs
            if self.direction is RelationshipDirection.ONETOMANY:
                self._build = lambda condition: (
                    select(*target.columns).where(condition).order_by(*order)
                )
                self.match = self.remote
            else:  # many-to-one: the parents hold the key
                self._build = lambda condition: select(*target.columns).where(condition)
                self.match = self.remote
        self.by_list = self._build(self.match.in_(bindparam("ids", expanding=True)))

    def statement(self, ids: Any, as_list: bool) -> Any:
        return self.by_list if as_list else self._build(self.match.in_(ids))

    def load(self, parent: ReadPlan, records: list[Record], parent_ids: Any, as_list: bool) -> None:
        if self.direction is RelationshipDirection.MANYTOONE:
            self._load_many_to_one(parent, records, parent_ids, as_list)
            return
        target = self.plan
        result = _run(self.statement(parent_ids, as_list), parent_ids, as_list)
        keys = list(result.keys())
        grouped: dict[Any, list[Record]] = defaultdict(list)
        loaded: dict[Any, Record] = {}
        pk_position = keys.index(
            target.primary_key.name, 1 if self.direction is RelationshipDirection.MANYTOMANY else 0
        )
        if self.direction is RelationshipDirection.MANYTOMANY:
            value_keys = keys[1:]
            for row in result:
                record = loaded.get(row[pk_position])
                if record is None:
                    record = loaded[row[pk_position]] = _record(
                        zip(value_keys, row[1:], strict=True)
                    )
                grouped[row[0]].append(record)
            parent_key = _key(self.parent_column)
            child_ids = select(self.link_target).where(self.link_parent.in_(parent_ids))
        else:
            match_position = keys.index(self.remote.name)
            for row in result:
                record = _record(zip(keys, row, strict=True))
                loaded[row[pk_position]] = record
                grouped[row[match_position]].append(record)
            parent_key = _key(self.local)
            child_ids = select(target.primary_key).where(self.remote.in_(parent_ids))
        name, value_of = self.name, self._value_of
        for record in records:
            setattr(record, name, value_of(grouped.get(getattr(record, parent_key))))
        if loaded and target.relations:
            target._load_relations(list(loaded.values()), child_ids)

    def _value_of(self, children: list[Record] | None) -> Any:
        """A to-many relation's list, or a one-to-one's single record (or None)."""
        if self.prop.uselist:
            return children or []
        return children[0] if children else None

    def _load_many_to_one(
        self, parent: ReadPlan, records: list[Record], parent_ids: Any, as_list: bool
    ) -> None:
        target = self.plan
        local_key = _key(self.local)
        wanted = list({getattr(record, local_key) for record in records} - {None})
        by_id: dict[Any, Record] = {}
        if wanted:
            if as_list:
                result = _run(self.by_list, wanted, True)
            else:
                keys_select = select(self.local).where(parent.primary_key.in_(parent_ids))
                result = _run(self.statement(keys_select, False), None, False)
            keys = list(result.keys())
            position = keys.index(self.remote.name)
            by_id = {row[position]: _record(zip(keys, row, strict=True)) for row in result}
            if by_id and target.relations:
                target._load_relations(
                    list(by_id.values()),
                    select(target.primary_key).where(target.primary_key.in_(list(by_id))),
                )
        name = self.name
        for record in records:
            setattr(record, name, by_id.get(getattr(record, local_key)))


@dataclass
class ReadPlan:
    """What to read of one model for one schema: its columns and the relations to follow."""

    model: type[Any]
    relations: list[Relation] = field(default_factory=list)

    def __post_init__(self) -> None:
        mapper = inspect(self.model)
        self.table = mapper.local_table
        self.columns = model_columns(self.model)
        self.primary_key = mapper.primary_key[0]

    # ------------------------------------------------------------------ planning

    @classmethod
    def for_schema(
        cls, model: type[Any], schema: type[Schema] | Schema, extra: Sequence[str] = ()
    ) -> ReadPlan:
        """The plan that reads everything ``schema`` dumps (plus ``extra`` relations)."""
        plan = cls(model)
        instance = schema() if isinstance(schema, type) else schema
        relationships = inspect(model).relationships
        wanted: dict[str, type[Schema] | Schema | None] = {}
        for name, schema_field in instance.dump_fields.items():
            attribute = (schema_field.attribute or name).split(".")
            head = attribute[0]
            if head not in relationships:
                continue
            if isinstance(schema_field, fields.Nested) and len(attribute) == 1:
                wanted[head] = schema_field.nested  # type: ignore[assignment]  # our Nested fields name a Schema class or instance, never a name or lambda
            elif isinstance(schema_field, RelatedIds) or len(attribute) > 1:
                wanted.setdefault(head, None)
        for name in extra:
            head, _, rest = name.partition(".")
            wanted.setdefault(head, None)
        for name, nested_schema in wanted.items():
            prop = relationships[name]
            target = prop.mapper.class_
            nested_extra = [
                rest
                for item in extra
                if (item.partition(".")[0] == name)
                for rest in [item.partition(".")[2]]
                if rest
            ]
            child = (
                cls.for_schema(target, nested_schema, nested_extra)
                if nested_schema is not None
                else cls._columns_only(target, nested_extra)
            )
            plan.relations.append(Relation(name, prop, child))
        return plan

    @classmethod
    def _columns_only(cls, model: type[Any], extra: Sequence[str]) -> ReadPlan:
        plan = cls(model)
        relationships = inspect(model).relationships
        for name in extra:
            head, _, rest = name.partition(".")
            plan.relations.append(
                Relation(
                    head,
                    relationships[head],
                    cls._columns_only(relationships[head].mapper.class_, [rest] if rest else []),
                )
            )
        return plan

    # ------------------------------------------------------------------ reading

    def page(self, stmt: Select[*tuple[Any, ...]]) -> list[Record]:
        """Records for a filtered, ordered, windowed SELECT of the model."""
        page = records_of(db.session.execute(stmt.with_only_columns(*self.columns)))
        if page and self.relations:
            self._load_relations(page, stmt.with_only_columns(self.primary_key))
        return page

    def complete(self, records: list[Record], ids_select: Select[*tuple[Any, ...]]) -> None:
        """Load the relations of records whose columns were read by another statement
        (``ids_select`` selects their ids: used when there are too many for a list)."""
        if records and self.relations:
            self._load_relations(records, ids_select)

    def _parent_ids(
        self, records: list[Record], ids_select: Select[*tuple[Any, ...]]
    ) -> tuple[Any, bool]:
        """The parents' ids as a list (small pages) or as the sub-select (large ones)."""
        if len(records) <= ID_LIST_LIMIT:
            return [getattr(record, self.primary_key.key) for record in records], True
        return ids_select, False

    def _load_relations(self, records: list[Record], ids_select: Select[*tuple[Any, ...]]) -> None:
        parent_ids, as_list = self._parent_ids(records, ids_select)
        for relation in self.relations:
            relation.load(self, records, parent_ids, as_list)


def read_one(plan: ReadPlan, stmt: Select[*tuple[Any, ...]]) -> Record | None:
    records = plan.page(stmt.limit(2))
    return records[0] if records else None
