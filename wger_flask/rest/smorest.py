"""flask-smorest, the way its author uses it: a project ``Api``/``Blueprint`` pair holding the
API-wide concerns (error format, security schemes, the paginated envelope, the document built
once), so resource code only declares what is its own.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar, cast

import flask_smorest
from apispec.ext.marshmallow import MarshmallowPlugin
from flask import current_app
from flask.views import View
from marshmallow import Schema, fields
from werkzeug.routing import BaseConverter

from wger_flask.rest import filtering

# A ``rest.resources.Resource`` (not imported: that module builds on this one).
Resource = Any

SECURITY_SCHEMES = {
    "tokenAuth": {
        "type": "apiKey",
        "in": "header",
        "name": "Authorization",
        "description": 'Permanent API key with the prefix "Token": `Authorization: Token <key>`',
    },
    "jwtAuth": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"},
    "cookieAuth": {"type": "apiKey", "in": "cookie", "name": "session"},
}
AUTHENTICATED: list[dict[str, list[str]]] = [{"tokenAuth": []}, {"jwtAuth": []}, {"cookieAuth": []}]
OPTIONAL_AUTH = [*AUTHENTICATED, {}]

# Paths upstream spells without the trailing slash (both spellings are served).
EXACT_PATHS = (
    "/api/v2/token/refresh/",
    "/api/v2/token/verify/",
    "/api/v2/issue-refresh-token/",
    "/api/v2/schema/",
    "/api/v2/powersync-token/",
    "/api/v2/powersync-keys/",
    "/api/v2/upload-powersync-data/",
)

DESCRIPTION = """Self hosted FLOSS workout and fitness tracker.

## Authentication

The exercise catalogue, ingredients and units can be read without authenticating. Everything
tied to a user account needs one of: `Authorization: Token <key>` (a permanent API key from the
"API key" page), `Authorization: Bearer <access token>` (a JWT from
`POST /allauth/app/v1/auth/login`), or the session cookie of a logged-in browser. Missing or
invalid credentials answer 401 with `WWW-Authenticate`.

## Pagination

Lists take `limit` (default 20, no upper cap) and `offset`, and answer
`{count, next, previous, results}`. `/api/v2/ingredient-sync/` pages by cursor instead.

## Filtering and ordering

`?field=value` on the fields each list documents, AND-joined; booleans are `True` or `False`,
case-sensitive (other values, `true` and `false` included, are ignored). `?ordering=a,-b` orders; unknown fields are
ignored.

## Formats

JSON by default; `Accept: application/json; indent=4` indents; `.api`, `?format=api` or
`Accept: text/html` give the browsable page.
"""


def schema_name(schema: Any) -> str:
    """Component name: ``MuscleSchema`` → ``Muscle``; a partial schema → ``PatchedMuscle``."""
    cls = schema if isinstance(schema, type) else type(schema)
    name = cls.__name__
    if name.endswith("Schema"):
        name = name[: -len("Schema")]
    if not isinstance(schema, type) and getattr(schema, "partial", False):
        name = f"Patched{name}"
    return name


class ErrorSchema(Schema):
    """DRF's error body (simplejwt's adds the ``messages`` of a refused token)."""

    detail = fields.String(required=True)
    code = fields.String()
    messages = fields.List(
        fields.Dict(keys=fields.String(), values=fields.String()),
        metadata={"description": "Why each kind of token was refused (a bad Bearer token)"},
    )


# DRF's 400: ``{"field": ["message", ...]}``; ``non_field_errors`` for the body as a whole; a
# nested object or list of objects holds the errors of its own fields.
FIELD_ERRORS = {
    "type": "object",
    "description": "The messages of each field that was refused",
    "minProperties": 1,
    "additionalProperties": {
        "anyOf": [
            {"type": "array", "items": {"anyOf": [{"type": "string"}, {"type": "object"}]}},
            {"type": "object"},
        ]
    },
}
# Every 400 under /api/v2/: the field errors, or ``{"detail"}`` for a body that is not
# well-formed JSON (DRF's ParseError).
BAD_REQUEST = {
    "anyOf": [{"$ref": "#/components/schemas/Error"}, {"$ref": "#/components/schemas/FieldErrors"}]
}


class IntegerKey(BaseConverter):
    """``<int_key:id>``: a detail route's integer id, ASCII digits only, kept as text
    (``Resource.parse_pk`` bounds it and answers 404 past the column's range).

    The key converters keep a word out of the detail route: ``measurement/aggregate/`` is no
    id, so a method the word's own route lacks is a 405 with that route's ``Allow`` (and its
    ``OPTIONS`` lists only its own methods), not a 404 from a detail route that took the word
    for an id."""

    regex = "[0-9]+"


class UUIDKey(BaseConverter):
    """``<uuid_key:id>``: a detail route's UUID id, in any spelling ``uuid.UUID`` reads (32 hex
    digits, hyphens anywhere, optional braces or ``urn:uuid:``), kept as text."""

    regex = r"(?:urn:)?(?:uuid:)?\{?[0-9a-fA-F-]{32,}\}?"


KEY_CONVERTERS = {"int_key": IntegerKey, "uuid_key": UUIDKey}


class Api(flask_smorest.Api):
    """The project's Api: DRF error bodies (handled in ``rest.errors``), our name resolver,
    security schemes, and the OpenAPI document rendered once."""

    ERROR_SCHEMA = ErrorSchema

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault(
            "spec_kwargs",
            {"marshmallow_plugin": MarshmallowPlugin(schema_name_resolver=schema_name)},
        )
        super().__init__(*args, **kwargs)
        self._document: bytes | None = None

    def init_app(self, app: Any, *, spec_kwargs: dict[str, Any] | None = None) -> None:
        self._document = None
        app.url_map.converters.update(KEY_CONVERTERS)
        self.register_converter(IntegerKey, lambda converter: {"type": "integer"})
        self.register_converter(UUIDKey, lambda converter: {"type": "string", "format": "uuid"})
        super().init_app(app, spec_kwargs=spec_kwargs)
        self.spec.options["info"] = {
            "description": DESCRIPTION,
            "license": {
                "name": "AGPL-3.0-or-later",
                "url": "https://www.gnu.org/licenses/agpl-3.0.html",
            },
        }
        for name, scheme in SECURITY_SCHEMES.items():
            self.spec.components.security_scheme(name, scheme)
        self.spec.components.schema("FieldErrors", FIELD_ERRORS)
        self.spec.components.schema("BadRequest", BAD_REQUEST)
        from wger_flask.schemas.fields import DecimalString

        # DRF renders decimals as strings: say so (upstream's documents "type: string").
        # apispec leaves map_to_openapi_type unannotated (field class, type, format)
        self.ma_plugin.map_to_openapi_type(DecimalString, "string", "decimal")  # type: ignore[no-untyped-call]  # apispec leaves it unannotated

    def _register_error_handlers(self) -> None:
        """Errors are shaped by ``rest.errors`` for the whole app, not by flask-smorest."""

    def document(self) -> dict[str, Any]:
        """The OpenAPI document as a dict, with upstream's spelling of the exact paths."""
        spec = self.spec.to_dict()
        paths = {}
        for path, operations in spec.get("paths", {}).items():
            if path in EXACT_PATHS:
                path = path.rstrip("/")
            paths[path] = operations
        spec["paths"] = paths
        used: set[str] = set()
        for operations in paths.values():
            for method, operation in operations.items():
                if method in HTTP_METHODS:
                    used.update(operation.get("tags", ()))
                    operation.setdefault("summary", readable_summary(operation))
                    document_bad_request(method, operation)
        # A tag no operation carries is an empty group in Swagger UI and ReDoc.
        spec["tags"] = [tag for tag in spec.get("tags", []) if tag["name"] in used]
        return spec

    def document_json(self) -> bytes:
        """The document encoded once (it does not change while the app runs)."""
        if self._document is None:
            from wger_flask.rest.negotiation import dumps

            self._document = dumps(self.document())
        return self._document


API_EXTENSION = "wger_api"


def current_api() -> Api:
    """The running app's ``Api`` (each app its own: its spec and document)."""
    return cast(Api, current_app.extensions[API_EXTENSION])


HTTP_METHODS = {"get", "put", "post", "delete", "options", "head", "patch", "trace"}


ERROR_REF = "#/components/schemas/Error"


def document_bad_request(method: str, operation: dict[str, Any]) -> None:
    """Every operation that takes input (a body, a delete's options, query parameters)
    can answer DRF's 400, in either of its shapes: field errors, or ``{"detail"}`` when the
    body is not well-formed JSON. Documented here once for every route, so no route's own
    description can forget one shape (a 400 described as ``{detail}`` alone gets both)."""
    responses = operation.setdefault("responses", {})
    takes_input = (
        method == "delete"  # a delete's options come in the query string (``replaced_by``)
        or "requestBody" in operation
        or any(parameter.get("in") == "query" for parameter in operation.get("parameters", ()))
    )
    documented = responses.get("400")
    if documented is None:
        if takes_input:
            responses["400"] = dict(VALIDATION_ERROR)
        return
    schema = documented.get("content", {}).get("application/json", {}).get("schema", {})
    if schema.get("$ref") == ERROR_REF:
        responses["400"] = {**VALIDATION_ERROR, "description": documented["description"]}


def readable_summary(operation: dict[str, Any]) -> str:
    """A summary for an operation that has none, so the viewers never show a bare
    operationId: the first sentence of its description, else its id in words."""
    description = (operation.get("description") or "").strip()
    if description:
        first = description.split("\n\n")[0].replace("\n", " ")
        return first.split(". ")[0].rstrip(".")
    words: str = operation.get("operationId", "operation").replace("_", " ")
    return words[:1].upper() + words[1:]


class Blueprint(flask_smorest.Blueprint):
    """A smorest blueprint that also remembers the resources declared on it (for /api/v2/)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.resources: list[Resource] = []  # the rest.resources.Resource declarations, in order

    def add_url_rule(self, rule: str, *args: Any, **kwargs: Any) -> None:
        """flask-smorest copies a view's documentation when its route is added: mark the view
        so that a later ``set_doc`` fails loudly instead of being silently lost."""
        super().add_url_rule(rule, *args, **kwargs)
        view = kwargs.get("view_func", args[1] if len(args) > 1 else None)
        if isinstance(view, type) and issubclass(
            view, View
        ):  # a MethodView: its methods carry the docs
            functions = [getattr(view, method.lower()) for method in (view.methods or ())]
        else:
            functions = [view]
        for function in functions:
            if function is not None:
                function._doc_registered = rule


def set_doc(function: Any, operation: dict[str, Any]) -> Any:
    """Attach an OpenAPI operation to a view function without wrapping it (no call overhead).
    Call it before the view's route is added (flask-smorest reads the docs then); returns the
    function, so it also serves as a decorator's body."""
    registered = getattr(function, "_doc_registered", None)
    if registered is not None:
        raise RuntimeError(
            f"set_doc({function.__qualname__}) after its route {registered} was added: "
            "the documentation would be lost; document the view before adding its route"
        )
    doc = getattr(function, "_apidoc", {})
    manual = doc.setdefault("manual_doc", {})
    manual.update(operation)
    function._apidoc = doc
    return function


_View = TypeVar("_View", bound=Callable[..., Any])


def documented(operation: dict[str, Any]) -> Callable[[_View], _View]:
    """``set_doc`` as a decorator, placed under the route's: ``@blp.route(...)`` then
    ``@documented({...})``, so the documentation is attached before the route is added."""

    def decorate(function: _View) -> _View:
        set_doc(function, operation)
        return function

    return decorate


# --------------------------------------------------------------------------------------
# Documentation of generated resource views


def error_response(description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": ErrorSchema}}}


VALIDATION_ERROR = {
    "description": "Invalid input: the messages per field, or `{detail}` for malformed JSON",
    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/BadRequest"}}},
}


def paginated_schema(resource: Resource) -> dict[str, Any]:
    """The ``Paginated<X>List`` envelope, as an inline-able component reference."""
    item = schema_name(resource.schema)
    return {
        "type": "object",
        "required": ["count", "results"],
        "properties": {
            "count": {"type": "integer", "example": 123},
            "next": {"type": "string", "nullable": True, "format": "uri"},
            "previous": {"type": "string", "nullable": True, "format": "uri"},
            "results": {"type": "array", "items": {"$ref": f"#/components/schemas/{item}"}},
        },
    }


def filter_parameters(filter_set: filtering.FilterSet) -> list[dict[str, Any]]:
    openapi_types = {
        "int": {"type": "integer"},
        "decimal": {"type": "number"},
        "bool": {"type": "boolean"},
        "str": {"type": "string"},
        "uuid": {"type": "string", "format": "uuid"},
        "date": {"type": "string", "format": "date"},
        "datetime": {"type": "string", "format": "date-time"},
        "time": {"type": "string", "format": "time"},
    }
    parameters = []
    for name, declared, lookup in filter_set.parameters():
        schema = dict(openapi_types.get(declared.kind, {"type": "string"}))
        parameter: dict[str, Any] = {"in": "query", "name": name, "required": False}
        if lookup == filtering.IN:
            parameter["schema"] = {"type": "array", "items": schema}
            parameter["style"], parameter["explode"] = "form", False
            parameter["description"] = "Multiple values may be separated by commas."
        elif lookup == filtering.DATE:
            parameter["schema"] = openapi_types["date"]
        else:
            parameter["schema"] = schema
        if declared.kind == "bool":
            parameter["description"] = (
                "`True` or `False` (case-sensitive); other values are ignored."
            )
        if declared.description:
            parameter["description"] = declared.description
        parameters.append(parameter)
    return parameters


LIST_PARAMETERS = [
    {
        "in": "query",
        "name": "limit",
        "required": False,
        "schema": {"type": "integer"},
        "description": "Number of results to return per page (default 20, no upper cap).",
    },
    {
        "in": "query",
        "name": "offset",
        "required": False,
        "schema": {"type": "integer"},
        "description": "The initial index from which to return the results.",
    },
    {
        "in": "query",
        "name": "ordering",
        "required": False,
        "schema": {"type": "string"},
        "description": "Which field(s) to use when ordering the results: `a,-b`.",
    },
]


def _security(resource: Resource, writing: bool) -> list[dict[str, list[str]]]:
    return AUTHENTICATED if (writing or not resource.public) else OPTIONAL_AUTH


def _common_errors(resource: Resource, writing: bool) -> dict[str, Any]:
    responses: dict[str, Any] = {}
    if writing or not resource.public:
        responses["401"] = error_response("Authentication credentials were not provided or invalid")
    if writing:
        responses["403"] = error_response("Not allowed (shared data, or a parent you do not own)")
    if resource.rate_limits:
        responses["429"] = error_response("Too many requests: see the Retry-After header")
    return responses


def upload_schema(resource: Resource) -> type[Schema]:
    """The multipart body of a resource with an ``Upload``: the writer's fields as form values
    and the file in the upload's field, one flat component (``<Writer>Upload``) that a client
    (or a fuzzer) can fill: the read field of the same name (the file's URL) gives way."""
    writer = resource.write_schema or resource.schema
    upload = resource.upload
    file = fields.Raw(
        required=True,
        load_only=True,
        metadata={"type": "string", "format": "binary", "description": upload.description},
    )
    schema: type[Schema] = writer.from_dict(
        {upload.field: file}, name=f"{schema_name(writer)}UploadSchema"
    )
    return schema


def _request_body(
    resource: Resource, schema: Any, partial: bool, multipart: type[Schema] | None
) -> dict[str, Any]:
    """A write's body: JSON; with an ``Upload``, multipart (``multipart``, the schema's fields
    and the file), and JSON too only when the upload allows it."""
    content: dict[str, Any] = {"application/json": {"schema": schema}}
    if resource.upload is None or multipart is None:
        return content
    form = {"multipart/form-data": {"schema": multipart(partial=True) if partial else multipart}}
    return {**form, **content} if resource.upload.json else form


def _not_acceptable(resource: Resource) -> dict[str, Any]:
    if resource.upload is not None and not resource.upload.json:
        return {"415": error_response("The body is not multipart/form-data")}
    return {"415": error_response("The body is not JSON")}


def _read_refusal(resource: Resource) -> dict[str, Any]:
    if resource.read_permission is None:
        return {}
    return {"403": error_response("Not allowed to read this object")}


def document_resource(
    resource: Resource, list_methods: dict[str, Any], detail_methods: dict[str, Any]
) -> None:
    """Attach OpenAPI operations to the generated view functions of ``resource``."""
    item_ref = resource.schema
    writer = resource.write_schema or resource.schema
    multipart = upload_schema(resource) if resource.upload is not None else None
    tag = resource.name
    if "get" in list_methods:
        set_doc(
            list_methods["get"],
            {
                "operationId": f"{_op(tag)}_list",
                "summary": f"List {resource.title.lower()}",
                "description": resource.summary,
                "parameters": LIST_PARAMETERS + filter_parameters(resource.filters),
                "responses": {
                    "200": {
                        "description": "A page of results",
                        "content": {"application/json": {"schema": paginated_schema(resource)}},
                    },
                    "400": VALIDATION_ERROR,
                    **_common_errors(resource, writing=False),
                },
                "security": _security(resource, writing=False),
                **(resource.list_doc or {}),
            },
        )
    if "post" in list_methods:
        set_doc(
            list_methods["post"],
            {
                "operationId": f"{_op(tag)}_create",
                "summary": f"Create a {resource.title.lower()}",
                "requestBody": {
                    "required": True,
                    "content": _request_body(resource, writer, False, multipart),
                },
                "responses": {
                    "201": {
                        "description": "Created",
                        "content": {"application/json": {"schema": item_ref}},
                    },
                    "400": VALIDATION_ERROR,
                    **_not_acceptable(resource),
                    **_common_errors(resource, writing=True),
                },
                "security": _security(resource, writing=True),
            },
        )
    if "get" in detail_methods:
        set_doc(
            detail_methods["get"],
            {
                "operationId": f"{_op(tag)}_retrieve",
                "summary": f"Get one {resource.title.lower()}",
                "description": resource.summary,
                "responses": {
                    "200": {
                        "description": "The object",
                        "content": {"application/json": {"schema": item_ref}},
                    },
                    "404": error_response("Not found"),
                    **_common_errors(resource, writing=False),
                    **_read_refusal(resource),
                },
                "security": _security(resource, writing=False),
            },
        )
    for method, operation_id, partial in (
        ("put", "update", False),
        ("patch", "partial_update", True),
    ):
        if method in detail_methods:
            body_schema = writer(partial=True) if partial else writer
            set_doc(
                detail_methods[method],
                {
                    "operationId": f"{_op(tag)}_{operation_id}",
                    "summary": f"{'Partly update' if partial else 'Update'} a {resource.title.lower()}",
                    "requestBody": {
                        "content": _request_body(resource, body_schema, partial, multipart)
                    },
                    "responses": {
                        "200": {
                            "description": "Updated",
                            "content": {"application/json": {"schema": item_ref}},
                        },
                        "400": VALIDATION_ERROR,
                        "404": error_response("Not found"),
                        **_not_acceptable(resource),
                        **_common_errors(resource, writing=True),
                    },
                    "security": _security(resource, writing=True),
                },
            )
    if "delete" in detail_methods:
        set_doc(
            detail_methods["delete"],
            {
                "operationId": f"{_op(tag)}_destroy",
                "summary": f"Delete a {resource.title.lower()}",
                "responses": {
                    "204": {"description": "Deleted"},
                    "404": error_response("Not found"),
                    **_common_errors(resource, writing=True),
                },
                "security": _security(resource, writing=True),
            },
        )


def pk_parameter(resource: Resource) -> dict[str, Any]:
    """The detail routes' path parameter, named ``id`` as upstream names it."""
    return {
        "in": "path",
        "name": "id",
        "required": True,
        "schema": {"type": "integer"}
        if resource.pk_is_int
        else {"type": "string", "format": "uuid"},
        "description": f"A unique value identifying this {resource.title.lower()}.",
    }


def _op(tag: str) -> str:
    return tag.replace("-", "_")
