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

from wger_flask.database import after_commit, db
from wger_flask.rest import negotiation, ordering, pagination, writes
from wger_flask.rest.auth import current_user
from wger_flask.rest.errors import APIError, ValidationFailed, not_found
from wger_flask.rest.filtering import INT64_MAX, FilterSet
from wger_flask.rest.loading import ReadPlan, Record, read_one
from wger_flask.rest.permissions import (
    body_parents,
    check_owned_parents,
    owner_path,
    require_user,
    scope_to_owner,
)
from wger_flask.rest.requests import json_body
from wger_flask.rest.serialization import compile_dumper
from wger_flask.rest.smorest import Blueprint, document_resource, pk_parameter
from wger_flask.rest.throttling import throttle
from wger_flask.rest.transaction import commit, commit_early
from wger_flask.rest.writes import NO_RULES, Rules
from wger_flask.schemas.fields import messages_of

LIST, RETRIEVE, CREATE, UPDATE, PARTIAL_UPDATE, DESTROY = (
    "list",
    "retrieve",
    "create",
    "update",
    "partial_update",
    "destroy",
)
__all__ = ["Resource", "Upload", "commit", "commit_early", "render_page"]
READ_ONLY = frozenset({LIST, RETRIEVE})
CRUD = frozenset({LIST, RETRIEVE, CREATE, UPDATE, PARTIAL_UPDATE, DESTROY})
ALL_FIELDS = "__all__"

# A list page: (resource, statement, page, filtered?) → the response; it counts the rows as it
# sees fit (``count_rows``, a count kept elsewhere, a window function, none for a cursor).
PageRenderer = Callable[["Resource", Select[*tuple[Any, ...]], pagination.PageRequest, bool], Any]
# One row for a detail: (resource, pk, user) → the response.
DetailRenderer = Callable[["Resource", str, Any], Any]
# How read answers are kept: (resource, compute) → the kept answer or ``compute()``'s.
AnswerStore = Callable[["Resource", Callable[[], Any]], Any]


@dataclasses.dataclass(frozen=True)
class Upload:
    """The option of a resource whose rows own an uploaded file: its writes take
    multipart/form-data (the file in ``field``, the other fields as form values). The file is
    stored before the row's commit and removed again if the row is not written; a replaced or
    deleted file is removed after the commit (``database.after_commit``)."""

    field: str
    # (file stream, user) → what was stored; raises ``rejected`` (a 400 naming ``field``)
    store: Callable[[Any, Any], Any]
    rejected: type[Exception]
    # (row, stored): the row's file columns
    apply: Callable[[Any, Any], None]
    # the stored names a row holds, and those a store made
    files_of: Callable[[Any], list[str]]
    stored_names: Callable[[Any], list[str]]
    remove: Callable[[list[str]], None]
    # also a JSON body (without a file); otherwise anything but multipart is a 415
    json: bool = False
    max_request_bytes: int | None = None
    description: str = ""  # the file, for the OpenAPI document


@dataclasses.dataclass(eq=False)
class Resource:
    """Everything that is particular to one REST resource; the views are generic. A resource
    is extended by its typed hooks and options only (no subclasses)."""

    name: str
    model: type[Any]
    schema: type[Schema]
    summary: str
    write_schema: type[Schema] | None = None
    actions: frozenset[str] = READ_ONLY
    # Reads: anonymous allowed (public catalogue) or authentication required. User-owned models
    # (with an ``__owner__`` path) always require it.
    public: bool = True
    # Rows visible to a user; default: everything if public, else the owner scope.
    scope: Callable[[Select[*tuple[Any, ...]], Any], Select[*tuple[Any, ...]]] | None = None
    filters: FilterSet = dataclasses.field(default_factory=FilterSet)
    ordering_fields: Mapping[str, Any] | str = ALL_FIELDS
    default_ordering: Sequence[Any] = ()
    # Relations a schema's method fields read that its fields do not nest ("days.slots").
    prefetch: Sequence[str] = ()
    # May this user change or delete this (visible) row? False → 403. Default: yes.
    object_permission: Callable[[Any, Any], bool] | None = None
    # May this user read this (listed) row on its detail route? False → 403. Default: yes.
    read_permission: Callable[[Any, Any], bool] | None = None
    # The table's domain rules (``services/<domain>/rules.py``): every write runs them.
    rules: Rules = NO_RULES
    # Writes are multipart with a file (``Upload``).
    upload: Upload | None = None
    # A list page (default: count, read the page's records, render the envelope).
    page_renderer: PageRenderer | None = None
    # A detail (default: read plan + dump).
    detail_renderer: DetailRenderer | None = None
    # Read answers kept (e.g. per catalogue generation); default: computed each time.
    answers: AnswerStore | None = None
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
        self.body_parents = body_parents(self.rules.parents)

    # ---------------------------------------------------------------- declaration helpers

    @property
    def title(self) -> str:
        return self.name.replace("-", " ").title()

    def _ordering_whitelist(self) -> dict[str, Any]:
        if not isinstance(self.ordering_fields, str):  # a mapping; else ALL_FIELDS
            return dict(self.ordering_fields)
        columns: dict[str, Any] = {}
        for attribute in inspect(self.model).column_attrs:
            column = getattr(self.model, attribute.key)
            columns[attribute.key] = column
            if attribute.key.endswith("_id"):
                columns.setdefault(attribute.key[:-3], column)  # ?ordering=category
        return columns

    # ---------------------------------------------------------------- queries

    def visible(self, user: Any) -> Select[*tuple[Any, ...]]:
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

    def detail_statement(self, pk: str, user: Any) -> Select[*tuple[Any, ...]]:
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

    def authorize_write(self, action: str) -> Any:
        """The writing user (401 without one); 403 when the table's rules say they may not."""
        user = require_user(current_user())
        writes.check_permission(self.rules, user, action)
        return user

    def get_object_for_write(self, pk: str, user: Any) -> Any:
        """The ORM row to change: 404 if invisible, 403 if visible but not the user's to change."""
        obj = self.get_object(pk, user)
        if self.object_permission is not None and not self.object_permission(obj, user):
            raise APIError(403)
        return obj

    # ---------------------------------------------------------------- list

    def list_statement(
        self, user: Any
    ) -> tuple[Select[*tuple[Any, ...]], bool, list[tuple[str, str]], list[str]]:
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

    def count_rows(self, stmt: Select[*tuple[Any, ...]]) -> int:
        """The rows of a list statement, counted in SQL."""
        return db.session.execute(
            select(func.count()).select_from(stmt.order_by(None).subquery())
        ).scalar_one()

    def page_rows(
        self, stmt: Select[*tuple[Any, ...]], page: pagination.PageRequest
    ) -> list[Record]:
        return self.read_plan.page(stmt.limit(page.limit).offset(page.offset))

    def list_response(self) -> Any:
        if self.answers is not None:
            return self.answers(self, self.compute_list)
        return self.compute_list()

    def compute_list(self) -> Any:
        user = self.authorize_read()
        stmt, filtered, applied, used = self.list_statement(user)
        page = pagination.PageRequest.from_args(request.args, self.default_limit)
        context = negotiation.page_context()
        context.name = f"{self.title} List"
        context.description = self.summary
        context.filters = applied
        context.ordering = used
        return (self.page_renderer or render_page)(self, stmt, page, filtered)

    # ---------------------------------------------------------------- detail

    def retrieve_response(self, pk: str) -> Any:
        if self.answers is not None:
            return self.answers(self, lambda: self.compute_detail(pk))
        return self.compute_detail(pk)

    def compute_detail(self, pk: str) -> Any:
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

    def read_body(self, user: Any, partial: bool) -> tuple[dict[str, Any], Any]:
        """The loaded body (model attribute names) and the uploaded file, if any. A parent
        the caller does not own is a 403 before any 400."""
        file = None
        if self.upload is None:
            body = json_body()
        else:
            if self.upload.max_request_bytes is not None:
                request.max_content_length = self.upload.max_request_bytes
            if request.mimetype == "multipart/form-data":
                body = request.form.to_dict()
                file = request.files.get(self.upload.field)
            elif self.upload.json:
                body = json_body()
            else:
                raise APIError(415, f'Unsupported media type "{request.mimetype}" in request.')
        check_owned_parents(db.session, self.body_parents, body, user.id)
        schema = self.patch_schema if partial else self.create_schema
        try:
            data = schema.load(body)
        except MarshmallowValidationError as error:
            raise ValidationFailed(messages_of(error)) from None
        if self.upload is not None and file is None and not partial:
            raise ValidationFailed({self.upload.field: ["No file was submitted."]})
        return data, file

    def store_upload(self, file: Any, user: Any) -> Any:
        upload = self.upload
        assert upload is not None  # a file is only read for a resource with an upload
        try:
            return upload.store(file.stream, user)
        except upload.rejected as error:
            raise ValidationFailed({upload.field: [str(error)]}) from None

    def write(self, data: dict[str, Any], file: Any, user: Any, row: Any = None) -> Any:
        """Write one row through the table's rules (a new one when ``row`` is None), with its
        file if one came, and commit."""
        stored = self.store_upload(file, user) if file is not None else None
        upload = self.upload
        try:
            if stored is not None:
                assert upload is not None  # stored by store_upload
                if row is not None:
                    replaced = upload.files_of(row)
                    after_commit(db.session, lambda: upload.remove(replaced))
                    upload.apply(row, stored)
                else:
                    row = self.model()
                    upload.apply(row, stored)
                    return self._save(row, data, user, creating=True)
            return self._write(data, user, row)
        except BaseException:
            if stored is not None and upload is not None:  # the row was not written: nor its file
                upload.remove(upload.stored_names(stored))
            raise

    def _write(self, data: dict[str, Any], user: Any, row: Any) -> Any:
        row = writes.write_checked(db.session, self.model, self.rules, data, user, row)
        commit()
        return row

    def _save(self, row: Any, data: dict[str, Any], user: Any, creating: bool) -> Any:
        writes.save(db.session, self.rules, row, data, user, creating)
        commit()
        return row

    def create_response(self) -> Any:
        user = self.authorize_write(writes.CREATE)
        data, file = self.read_body(user, partial=False)
        row = self.write(data, file, user)
        return negotiation.render(self.dump(self.reread(row)), 201)

    def update_response(self, pk: str, partial: bool) -> Any:
        user = self.authorize_write(writes.UPDATE)
        row = self.get_object_for_write(pk, user)
        data, file = self.read_body(user, partial=partial)
        self.write(data, file, user, row)
        return negotiation.render(self.dump(self.reread(row)))

    def destroy_response(self, pk: str) -> Any:
        user = self.authorize_write(writes.DESTROY)
        row = self.get_object_for_write(pk, user)
        if self.upload is not None:
            files = self.upload.files_of(row)
            after_commit(db.session, lambda: self.upload.remove(files))
        writes.delete_checked(db.session, self.rules, row, user, request.args.to_dict())
        commit()
        return negotiation.render(None, 204)

    def reread(self, obj: Any) -> Record:
        """A saved row as the read schema shows it (read back from the database)."""
        pk = inspect(obj).identity[0]
        record = read_one(self.read_plan, select(self.model).where(self.primary_key == pk))
        assert record is not None  # the row was just written in this transaction
        return record

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
            # upstream names the path parameter "id"; a word is no id (rest.smorest.IntegerKey)
            f"/{self.name}/<{'int_key' if self.pk_is_int else 'uuid_key'}:id>/",
            view_func=detail_view,
            endpoint=f"{self.name}-detail",
            parameters=[pk_parameter(self)],
            tags=list(self.tags or [self.name]),
        )
        blueprint.resources.append(self)
        return self


def render_page(
    resource: Resource, stmt: Select[*tuple[Any, ...]], page: pagination.PageRequest, filtered: bool
) -> Any:
    """The default list page: the rows counted, the page's records read, the envelope."""
    total = resource.count_rows(stmt)
    rows = resource.page_rows(stmt, page) if page.offset < total else []
    body = pagination.envelope(page, total, [resource.dump(row) for row in rows])
    negotiation.page_context().pagination = {"next": body["next"], "previous": body["previous"]}
    return negotiation.render(body, etag=resource.etag)


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
