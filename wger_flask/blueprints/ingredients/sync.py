"""``ingredient-sync``: DRF cursor pagination on the id, for instances that copy the catalogue.

``page_size`` 200 by default, at most 1000; ``{next, previous, results}`` (no count); a cursor
that does not decode, or whose position is not an id, is a 404. Filters apply as on the lists
(``last_update__gt`` for incremental syncs); the order is always the id.
"""

from __future__ import annotations

from typing import Any

from flask import Response, request
from sqlalchemy import Select

from wger_flask.blueprints.ingredients.pages import (
    driver_rows,
    envelope_bytes,
    execute,
    json_rows,
    respond,
    row_renderer,
)
from wger_flask.models.ingredients import Ingredient
from wger_flask.rest import negotiation, pagination
from wger_flask.rest.errors import APIError
from wger_flask.rest.resources import Resource
from wger_flask.rest.smorest import error_response

SYNC_PAGE_SIZE = 200
SYNC_MAX_PAGE_SIZE = 1000
PAGE_SIZE_PARAM = "page_size"


def sync_page_size() -> int:
    """DRF's rule: a positive whole number, capped at the maximum; anything else the default."""
    size = pagination.whole_number(request.args.get(PAGE_SIZE_PARAM), strict=True)
    return min(size, SYNC_MAX_PAGE_SIZE) if size else SYNC_PAGE_SIZE


def read_cursor() -> tuple[pagination.Cursor, int | None]:
    """The request's cursor and its id position; a 404 when it is not one of ours."""
    try:
        cursor = pagination.decode_cursor(request.args.get(pagination.CURSOR_PARAM))
    except pagination.InvalidCursor:
        raise APIError(404, "Invalid cursor") from None
    if cursor.position is None:
        return cursor, None
    text = cursor.position
    if not (text.isascii() and text.lstrip("-").isdigit()) or len(text) > 18:
        raise APIError(404, "Invalid cursor")
    return cursor, int(text)


def sync_statement(
    stmt: Select[*tuple[Any, ...]], cursor: pagination.Cursor, position: int | None, size: int
) -> Select[*tuple[Any, ...]]:
    stmt = stmt.order_by(None)
    if cursor.reverse:
        if position is not None:
            stmt = stmt.where(Ingredient.id < position)
        stmt = stmt.order_by(Ingredient.id.desc())
    else:
        if position is not None:
            stmt = stmt.where(Ingredient.id > position)
        stmt = stmt.order_by(Ingredient.id)
    return stmt.offset(cursor.offset).limit(size + 1)


def render_sync_page(
    resource: Resource, stmt: Select[*tuple[Any, ...]], page: Any, filtered: bool
) -> Response:
    """The ``page_renderer`` of ``ingredient-sync``: DRF cursor pagination on the id (no
    count: the pager sends none)."""
    cursor, position = read_cursor()
    size = sync_page_size()
    page_stmt = sync_statement(stmt, cursor, position, size)
    rows = driver_rows(execute(json_rows(resource, page_stmt)))
    has_more = len(rows) > size
    rows = rows[:size]
    if cursor.reverse:
        rows.reverse()
    ids = [row[-1] for row in rows]
    next_url, previous_url = sync_links(ids, cursor, has_more)
    negotiation.page_context().pagination = {"next": next_url, "previous": previous_url}
    head = {"next": next_url, "previous": previous_url}
    return respond(envelope_bytes(head, row_renderer(resource).texts(rows)), etag=False)


def sync_links(
    ids: list[int], cursor: pagination.Cursor, has_more: bool
) -> tuple[str | None, str | None]:
    """``next`` and ``previous`` as DRF's cursor pager builds them for unique positions."""
    started_elsewhere = cursor.position is not None or cursor.offset > 0
    has_next = started_elsewhere if cursor.reverse else has_more
    has_previous = has_more if cursor.reverse else started_elsewhere
    first = str(ids[0]) if ids else cursor.position
    last = str(ids[-1]) if ids else cursor.position
    next_url = pagination.cursor_url(pagination.Cursor(last)) if has_next else None
    previous_url = (
        pagination.cursor_url(pagination.Cursor(first, reverse=True)) if has_previous else None
    )
    return next_url, previous_url


SYNC_PARAMETERS = [
    {
        "in": "query",
        "name": pagination.CURSOR_PARAM,
        "required": False,
        "schema": {"type": "string"},
        "description": "The pagination cursor value (from `next` or `previous`).",
    },
    {
        "in": "query",
        "name": PAGE_SIZE_PARAM,
        "required": False,
        "schema": {"type": "integer"},
        "description": "Number of results per page (default 200, at most 1000).",
    },
]


def sync_list_doc(item_schema: str, filter_parameters: list[dict[str, Any]]) -> dict[str, Any]:
    """The OpenAPI list operation of ``ingredient-sync``: cursor parameters and envelope."""
    envelope = {
        "type": "object",
        "required": ["results"],
        "properties": {
            "next": {"type": "string", "nullable": True, "format": "uri"},
            "previous": {"type": "string", "nullable": True, "format": "uri"},
            "results": {"type": "array", "items": {"$ref": f"#/components/schemas/{item_schema}"}},
        },
    }
    return {
        "summary": "Walk the whole ingredient catalogue, page by page",
        "parameters": SYNC_PARAMETERS + filter_parameters,
        "responses": {
            "200": {
                "description": "A page of results (no `count`)",
                "content": {"application/json": {"schema": envelope}},
            },
            "404": error_response("Invalid cursor"),
        },
    }
