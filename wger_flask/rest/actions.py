"""Routes that are not CRUD, declared as DRF's ``@action`` declares them, documented by
flask-smorest as its author intends: the query arguments loaded by a schema
(``Blueprint.arguments``: a malformed one is DRF's 400 naming it), the answer described by a
schema (``Blueprint.response``), the refusals by ``Blueprint.alt_response``, the security by
the shared constants of ``rest.smorest``. The view renders by negotiation as every route does
(flask-smorest only documents a response a view returns itself).

    @action(blp, ROUTINE, "stats", detail=True, response=LogStatsDataSchema, ...)
    def stats(id: str) -> Response: ...
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from marshmallow import EXCLUDE, Schema
from marshmallow import ValidationError as MarshmallowValidationError
from webargs.flaskparser import FlaskParser

from wger_flask.rest.errors import ValidationFailed
from wger_flask.rest.smorest import (
    AUTHENTICATED,
    VALIDATION_ERROR,
    Blueprint,
    ErrorSchema,
    pk_parameter,
)
from wger_flask.rest.throttling import throttle
from wger_flask.schemas.fields import messages_of


class QueryArguments(Schema):
    """Base of an action's query arguments: the other parameters of the query string (a
    list's filters, ``format``) pass by."""

    class Meta:
        unknown = EXCLUDE


class QueryParser(FlaskParser):
    """webargs as the API speaks: a malformed argument is DRF's 400 naming it."""

    DEFAULT_VALIDATION_STATUS = 400

    def handle_error(
        self, error: MarshmallowValidationError, req: Any, schema: Any, **kwargs: Any
    ) -> Any:
        messages = messages_of(error)
        raise ValidationFailed(messages.get("query", messages)) from None


Blueprint.ARGUMENTS_PARSER = QueryParser()


def action(
    blueprint: Blueprint,
    resource: Any,
    url_path: str,
    *,
    operation_id: str,
    response: Any,
    description: str,
    detail: bool = False,
    query: type[Schema] | None = None,
    errors: Mapping[int, str] | None = None,
    security: Sequence[Mapping[str, list[str]]] = AUTHENTICATED,
    parameters: Sequence[Mapping[str, Any]] = (),
    tag: str | None = None,
    summary: str | None = None,
    details: str | None = None,
    endpoint: str | None = None,
    throttle_scope: str | None = None,
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Add ``view`` as the GET route ``/<resource>/[<id>/]<url_path>/`` of ``blueprint``.

    ``resource`` is the ``Resource`` the action belongs to (its name prefixes the path, its
    key is the ``{id}`` of a ``detail`` action) or a plain name. ``query``: the arguments'
    schema (a ``QueryArguments``); the view receives them as keyword arguments.
    ``response``: the 200 body's schema (``Schema(many=True)`` for a bare list) or an
    OpenAPI schema dict. ``parameters``: more documented query parameters (a list's filters,
    which the view applies itself).
    """
    name = resource if isinstance(resource, str) else resource.name
    path = f"/{name}/<id>/{url_path}/" if detail else f"/{name}/{url_path}/"
    refusals = {}
    if list(security) == AUTHENTICATED:
        refusals[401] = "Authentication credentials were not provided or invalid"
    refusals.update(errors or {})

    def decorator(view: Callable[..., Any]) -> Callable[..., Any]:
        documented = view
        if query is not None:
            documented = blueprint.arguments(query, location="query", as_kwargs=True)(documented)
        documented = blueprint.response(200, response, description=description)(documented)
        for status, text in refusals.items():
            documented = blueprint.alt_response(status, schema=ErrorSchema, description=text)(
                documented
            )
        manual: dict[str, Any] = {"operationId": operation_id, "security": list(security)}
        if summary or view.__doc__:
            manual["summary"] = summary or (view.__doc__ or "").strip().splitlines()[0]
        if details:
            manual["description"] = details
        if query is not None:
            manual["responses"] = {"400": VALIDATION_ERROR}
        documented = blueprint.doc(**manual)(documented)
        if throttle_scope is not None:
            documented = throttle(throttle_scope)(documented)
        path_parameters = [pk_parameter(resource)] if detail else []
        blueprint.add_url_rule(
            path,
            endpoint=endpoint or operation_id,
            view_func=documented,
            methods=["GET"],
            tags=[tag or name],
            parameters=[*path_parameters, *parameters],
        )
        return view

    return decorator
