"""Declare a model-backed resource; get its list and detail views with their OpenAPI docs.

A resource is one declaration (rule 1 of the design)::

    MUSCLE = Resource(
        name="muscle",
        model=Muscle,
        schema=MuscleSchema,
        summary="The muscles exercises work.",
        filters=FilterSet({"name": exact(Muscle.name, "str"), ...}),
        default_ordering=(Muscle.name, Muscle.id),
    )
    MUSCLE.register(blueprint)

and the generic views do the rest: authentication, the owner scope in SQL, filters, ordering,
pagination, a constant number of SQL statements per page, the foreign-parent check before any
write, validation with DRF's error shape, one commit per request, rendering by negotiation.
Special routes (actions) are ordinary views that reuse ``get_object``, ``render`` and friends.
"""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from flask import request
from flask.views import MethodView
from marshmallow import Schema
from marshmallow import ValidationError as MarshmallowValidationError
from sqlalchemy import Select, func, inspect, select
from sqlalchemy.exc import IntegrityError

from wger_flask.database import db
from wger_flask.models.types import uuid7
from wger_flask.rest import negotiation, ordering, pagination
from wger_flask.rest.auth import current_user
from wger_flask.rest.errors import APIError, ValidationFailed, integrity_errors, not_found
from wger_flask.rest.filtering import INT64_MAX, FilterSet
from wger_flask.rest.loading import ReadPlan, Record, read_one
from wger_flask.rest.permissions import check_parents, owner_path, require_user, scope_to_owner
from wger_flask.rest.requests import json_body
from wger_flask.rest.serialization import compile_dumper
from wger_flask.rest.smorest import Blueprint, document_resource, pk_parameter
from wger_flask.rest.throttling import throttle

LIST, RETRIEVE, CREATE, UPDATE, PARTIAL_UPDATE, DESTROY = (
    "list",
    "retrieve",
    "create",
    "update",
    "partial_update",
    "destroy",
)
READ_ONLY = frozenset({LIST, RETRIEVE})
CRUD = frozenset({LIST, RETRIEVE, CREATE, UPDATE, PARTIAL_UPDATE, DESTROY})
ALL_FIELDS = "__all__"

Hook = Callable[..., Any]


@dataclasses.dataclass(eq=False)
class Resource:
    """Everything that is particular to one REST resource; the views are generic."""

    name: str
    model: type
    schema: type[Schema]
    summary: str
    write_schema: type[Schema] | None = None
    actions: frozenset[str] = READ_ONLY
    # Reads: anonymous allowed (public catalogue) or authentication required. User-owned models
    # (with an ``__owner__`` path) always require it.
    public: bool = True
    # Writes to shared data: who may (None: only the owner of a user-owned row).
    can_write: Callable[[Any], bool] | None = None
    # Rows visible to a user; default: everything if public, else the owner scope.
    scope: Callable[[Select, Any], Select] | None = None
    filters: FilterSet = dataclasses.field(default_factory=FilterSet)
    ordering_fields: Mapping[str, Any] | str = ALL_FIELDS
    default_ordering: Sequence[Any] = ()
    # Relations a schema's method fields read that its fields do not nest ("days.slots").
    prefetch: Sequence[str] = ()
    # Body fields naming parents that must belong to the caller (403 otherwise).
    parents: Mapping[str, type] = dataclasses.field(default_factory=dict)
    # May this user change or delete this (visible) row? False → 403. Default: yes.
    object_permission: Callable[[Any, Any], bool] | None = None
    # May this user read this (listed) row on its detail route? False → 403. Default: yes.
    read_permission: Callable[[Any, Any], bool] | None = None
    # Hooks: before_save(obj, data, user, creating), before_delete(obj, user)
    before_save: Hook | None = None
    before_delete: Hook | None = None
    # Count of rows for a list: default counts the filtered statement.
    count: Callable[[Select, bool], int] | None = None
    # Fetch the rows of a page and render the envelope (e.g. streaming a huge page); default:
    # read the page's records with ``read_plan`` and render the envelope in one piece.
    page_renderer: Callable[[Resource, Select, pagination.PageRequest, int], Any] | None = None
    # Read and render one row for a detail (resource, pk, user); default: read plan + dump.
    detail_renderer: Callable[[Resource, str, Any], Any] | None = None
    # OpenAPI keys that replace the generated ones of the list operation (e.g. a cursor pager's
    # parameters and envelope).
    list_doc: Mapping[str, Any] | None = None
    etag: bool = False
    default_limit: int = pagination.DEFAULT_LIMIT
    tags: Sequence[str] | None = None
    # Rate-limit scopes (``RATE_LIMITS`` in config) of the list and detail routes:
    # {"list": "ingredient_list", "detail": "ingredient_detail"}; routes without one are free.
    rate_limits: Mapping[str, str] = dataclasses.field(default_factory=dict)

    def __post_init__(self) -> None:
        self.dump = compile_dumper(self.schema)
        self.read_plan = ReadPlan.for_schema(self.model, self.schema, self.prefetch)
        writer = self.write_schema or self.schema
        self.create_schema = writer()
        self.patch_schema = writer(partial=True)
        self.primary_key = inspect(self.model).primary_key[0]
        self.pk_is_int = getattr(self.primary_key.type, "python_type", str) is int
        self.allowed_ordering = self._ordering_whitelist()
        self.owner = owner_path(self.model)

    # ---------------------------------------------------------------- declaration helpers

    @property
    def title(self) -> str:
        return self.name.replace("-", " ").title()

    def _ordering_whitelist(self) -> dict[str, Any]:
        if self.ordering_fields != ALL_FIELDS:
            return dict(self.ordering_fields)  # type: ignore[arg-type]
        columns: dict[str, Any] = {}
        for attribute in inspect(self.model).column_attrs:
            column = getattr(self.model, attribute.key)
            columns[attribute.key] = column
            if attribute.key.endswith("_id"):
                columns.setdefault(attribute.key[:-3], column)  # ?ordering=category
        return columns

    # ---------------------------------------------------------------- queries

    def visible(self, user: Any) -> Select:
        """The rows ``user`` may read, as a SELECT of the model."""
        stmt = select(self.model)
        if self.scope is not None:
            return self.scope(stmt, user)
        if self.owner is not None:
            return scope_to_owner(stmt, self.model, user.id)
        return stmt

    def parse_pk(self, raw: str) -> Any:
        """A URL's primary key, or a 404 when it cannot be one."""
        if self.pk_is_int:
            if not (raw.isascii() and raw.isdigit()) or int(raw) > INT64_MAX:
                raise not_found()
            return int(raw)
        try:
            return uuid.UUID(raw)
        except ValueError:
            raise not_found() from None

    def detail_statement(self, pk: str, user: Any) -> Select:
        """The SELECT of row ``pk`` among those ``user`` may read (a 404 for a malformed key)."""
        return self.visible(user).where(self.primary_key == self.parse_pk(pk))

    def get_object(self, pk: str, user: Any) -> Any:
        """The ORM row ``pk`` if ``user`` may see it (for writes); a 404 otherwise."""
        row = db.session.execute(self.detail_statement(pk, user)).scalar_one_or_none()
        if row is None:
            raise not_found()
        return row

    def read_object(self, pk: str, user: Any, plan: ReadPlan | None = None) -> Record:
        """The row ``pk`` as a read record with its nested relations (those of ``plan``, by
        default the resource's own); a 404 otherwise."""
        record = read_one(plan or self.read_plan, self.detail_statement(pk, user))
        if record is None:
            raise not_found()
        return record

    def authorize_read(self) -> Any:
        user = current_user()
        if not self.public or (self.owner is not None and self.scope is None):
            require_user(user)
        return user

    def authorize_write(self) -> Any:
        user = require_user(current_user())
        if self.can_write is not None and not self.can_write(user):
            raise APIError(403)
        return user

    def get_object_for_write(self, pk: str, user: Any) -> Any:
        """The ORM row to change: 404 if invisible, 403 if visible but not the user's to change."""
        obj = self.get_object(pk, user)
        if self.object_permission is not None and not self.object_permission(obj, user):
            raise APIError(403)
        return obj

    # ---------------------------------------------------------------- list

    def list_statement(self, user: Any) -> tuple[Select, bool, list[tuple[str, str]], list[str]]:
        """Scope, filters and ordering for a list: (statement, filtered?, filters, ordering)."""
        stmt = self.visible(user)
        stmt, applied = self.filters.apply(stmt, request.args)
        stmt, used = ordering.apply(
            stmt,
            request.args.get(ordering.ORDERING_PARAM),
            self.allowed_ordering,
            self.default_ordering,
            self.primary_key,
        )
        return stmt, bool(applied), applied, used

    def count_rows(self, stmt: Select, filtered: bool) -> int:
        if self.count is not None:
            return self.count(stmt, filtered)
        return db.session.execute(
            select(func.count()).select_from(stmt.order_by(None).subquery())
        ).scalar_one()

    def page_rows(self, stmt: Select, page: pagination.PageRequest) -> list[Record]:
        return self.read_plan.page(stmt.limit(page.limit).offset(page.offset))

    def list_response(self) -> Any:
        user = self.authorize_read()
        stmt, filtered, applied, used = self.list_statement(user)
        page = pagination.PageRequest.from_args(request.args, self.default_limit)
        context = negotiation.page_context()
        context.name = f"{self.title} List"
        context.description = self.summary
        context.filters = applied
        context.ordering = used
        total = self.count_rows(stmt, filtered)
        if self.page_renderer is not None:
            return self.page_renderer(self, stmt, page, total)
        rows = self.page_rows(stmt, page) if page.offset < total else []
        body = pagination.envelope(page, total, [self.dump(row) for row in rows])
        context.pagination = {"next": body["next"], "previous": body["previous"]}
        return negotiation.render(body, etag=self.etag)

    # ---------------------------------------------------------------- detail

    def retrieve_response(self, pk: str) -> Any:
        user = self.authorize_read()
        negotiation.page_context().name = f"{self.title} Instance"
        negotiation.page_context().description = self.summary
        if self.detail_renderer is not None:
            return self.detail_renderer(self, pk, user)
        record = self.read_object(pk, user)
        if self.read_permission is not None and not self.read_permission(record, user):
            raise APIError(403)
        return negotiation.render(self.dump(record), etag=self.etag)

    # ---------------------------------------------------------------- writes

    def load_body(self, partial: bool) -> dict[str, Any]:
        body = json_body()
        schema = self.patch_schema if partial else self.create_schema
        try:
            return schema.load(body)
        except MarshmallowValidationError as error:
            raise ValidationFailed(error.normalized_messages()) from None

    def apply_rules(self, obj: Any, data: dict[str, Any], user: Any, creating: bool) -> None:
        """Validated ``data`` onto ``obj`` through the resource's rules (``before_save``), not
        committed: what every writer of the resource's rows does (REST, the PowerSync upload)."""
        for key, value in data.items():
            setattr(obj, key, value)
        if creating and self.owner == () and getattr(obj, "user_id", None) is None:
            obj.user_id = user.id
        if self.before_save is not None:
            self.before_save(obj, data, user, creating)
        if creating:
            db.session.add(obj)

    def save(self, obj: Any, data: dict[str, Any], user: Any, creating: bool) -> None:
        self.apply_rules(obj, data, user, creating)
        commit()

    def create_response(self) -> Any:
        user = self.authorize_write()
        check_parents(self.parents, json_body(), user.id)
        data = self.load_body(partial=False)
        obj = self.model()
        self.save(obj, data, user, creating=True)
        return negotiation.render(self.dump(self.reread(obj)), 201)

    def update_response(self, pk: str, partial: bool) -> Any:
        user = self.authorize_write()
        obj = self.get_object_for_write(pk, user)
        check_parents(self.parents, json_body(), user.id)
        data = self.load_body(partial=partial)
        self.save(obj, data, user, creating=False)
        return negotiation.render(self.dump(self.reread(obj)))

    def destroy_response(self, pk: str) -> Any:
        user = self.authorize_write()
        obj = self.get_object_for_write(pk, user)
        if self.before_delete is not None:
            self.before_delete(obj, user)
        db.session.delete(obj)
        commit()
        return negotiation.render(None, 204)

    def reread(self, obj: Any) -> Record:
        """A saved row as the read schema shows it (read back from the database)."""
        pk = inspect(obj).identity[0]
        return read_one(self.read_plan, select(self.model).where(self.primary_key == pk))

    # ---------------------------------------------------------------- routing

    def register(self, blueprint: Blueprint) -> Resource:
        """Add the list and detail routes (with their docs) to ``blueprint``."""
        list_view, detail_view = make_views(self)
        blueprint.add_url_rule(
            f"/{self.name}/",
            view_func=list_view,
            endpoint=f"{self.name}-list",
            tags=list(self.tags or [self.name]),
        )
        blueprint.add_url_rule(
            f"/{self.name}/<id>/",  # upstream names the path parameter "id"
            view_func=detail_view,
            endpoint=f"{self.name}-detail",
            parameters=[pk_parameter(self)],
            tags=list(self.tags or [self.name]),
        )
        blueprint.resources.append(self)
        return self


def commit() -> None:
    """The request's one commit point; an integrity error is the client's 400 naming the
    fields, not a 500 (a value the database cannot hold is ``errors.handle_data_error``'s)."""
    try:
        db.session.commit()
    except IntegrityError as error:
        db.session.rollback()
        raise ValidationFailed(integrity_errors(error)) from None


def keep_client_id(row: Any, data: dict[str, Any], creating: bool) -> None:
    """A ``before_save`` step of resources with UUID ids, which the 2.7 clients may choose
    (they make rows offline): a new row keeps the id the body gives (none or null: one is made;
    one already taken is a 400 naming ``id``), and an update never changes it."""
    if not creating:
        if "id" in data:
            row.id = inspect(row).identity[0]
        return
    if row.id is None:
        row.id = uuid7()
    elif db.session.get(type(row), row.id) is not None:
        raise ValidationFailed({"id": ["An object with this id already exists."]})


def make_views(resource: Resource) -> tuple[type[MethodView], type[MethodView]]:
    """Build the two MethodView classes of a resource, documented for OpenAPI."""
    list_methods: dict[str, Any] = {}
    detail_methods: dict[str, Any] = {}
    if LIST in resource.actions:
        list_methods["get"] = lambda self: resource.list_response()
    if CREATE in resource.actions:
        list_methods["post"] = lambda self: resource.create_response()
    if RETRIEVE in resource.actions:
        detail_methods["get"] = lambda self, id: resource.retrieve_response(id)
    if UPDATE in resource.actions:
        detail_methods["put"] = lambda self, id: resource.update_response(id, partial=False)
    if PARTIAL_UPDATE in resource.actions:
        detail_methods["patch"] = lambda self, id: resource.update_response(id, partial=True)
    if DESTROY in resource.actions:
        detail_methods["delete"] = lambda self, id: resource.destroy_response(id)
    document_resource(resource, list_methods, detail_methods)
    class_name = "".join(part.title() for part in resource.name.split("-"))
    views = []
    for kind, methods in (("list", list_methods), ("detail", detail_methods)):
        scope = resource.rate_limits.get(kind)
        attributes = {"__doc__": resource.summary, **methods}
        if scope:
            attributes["decorators"] = [throttle(scope)]
        views.append(type(f"{class_name}{kind.title()}", (MethodView,), attributes))
    return views[0], views[1]
