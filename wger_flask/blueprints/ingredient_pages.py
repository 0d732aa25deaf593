"""How ingredient lists are paged: id windows for deep offsets, streamed large pages, the
sync cursor.

- A page of the unfiltered, id-ordered list starts at the id the trigger-kept blocks give for
  its offset (``services/ingredient_counts``), so ``offset=500000`` reads 20 rows from the
  primary-key index instead of stepping over half a million.
- A page larger than ``STREAM_ABOVE`` rows (``?limit=100000``) is streamed: each relation is
  read once for the whole page, then rows come from a server-side cursor and are encoded to
  JSON chunk by chunk, so the page is never held in memory, as rows or as JSON.
- ``ingredient-sync`` pages by DRF cursor on the id: ``page_size`` 200 by default, at most
  1000; ``{next, previous, results}``; a cursor that does not decode, or whose position is not
  an id, is a 404.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from flask import Response, request, stream_with_context
from sqlalchemy import Select

from wger_flask.models.nutrition import Ingredient
from wger_flask.rest import negotiation, pagination
from wger_flask.rest.errors import APIError
from wger_flask.rest.resources import Resource
from wger_flask.services import ingredient_counts

STREAM_ABOVE = 1000
STREAM_CHUNK = 1000
SYNC_PAGE_SIZE = 200
SYNC_MAX_PAGE_SIZE = 1000
PAGE_SIZE_PARAM = "page_size"


def _is_plain_id_order() -> bool:
    """Whether the list is unfiltered and in id order (the case the blocks can window)."""
    context = negotiation.page_context()
    return not context.filters and context.ordering in ([], ["id"])


def window(stmt: Select, page: pagination.PageRequest) -> Select:
    """The statement of one page: an id range when possible, LIMIT/OFFSET otherwise."""
    if _is_plain_id_order():
        return ingredient_counts.id_ordered_window(stmt, page.limit, page.offset)
    return stmt.limit(page.limit).offset(page.offset)


def render_page(resource: Resource, stmt: Select, page: pagination.PageRequest, total: int) -> Any:
    """The ``page_renderer`` of the ingredient lists."""
    outcome = negotiation.negotiated()
    plain_json = not outcome.is_html and outcome.indent is None
    if page.limit > STREAM_ABOVE and page.offset < total and plain_json:
        return stream_page(resource, window(stmt, page), page, total)
    rows = resource.read_plan.page(window(stmt, page)) if page.offset < total else []
    body = pagination.envelope(page, total, [resource.dump(row) for row in rows])
    negotiation.page_context().pagination = {"next": body["next"], "previous": body["previous"]}
    return negotiation.render(body, etag=resource.etag)


def stream_page(
    resource: Resource, page_stmt: Select, page: pagination.PageRequest, total: int
) -> Response:
    """A large page as a streamed JSON body, encoded chunk by chunk."""
    head = pagination.envelope(page, total, [])
    del head["results"]
    opening = negotiation.dumps(head)[:-1] + b',"results":['

    def chunks() -> Iterator[bytes]:
        yield opening
        separator = b""
        for records in resource.read_plan.stream(page_stmt, STREAM_CHUNK):
            encoded = negotiation.dumps([resource.dump(record) for record in records])
            yield separator + encoded[1:-1]
            separator = b","
        yield b"]}"

    return negotiation.render_stream(stream_with_context(chunks()))


# ------------------------------------------------------------------------------ sync cursor


def sync_page_size() -> int:
    """DRF's rule: a positive whole number, capped at the maximum; anything else the default."""
    raw = request.args.get(PAGE_SIZE_PARAM, "").strip()
    if not (raw.isascii() and raw.isdigit()) or int(raw) == 0:
        return SYNC_PAGE_SIZE
    return min(int(raw), SYNC_MAX_PAGE_SIZE)


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


def sync_statement(stmt: Select, cursor: pagination.Cursor, position: int | None, size: int):
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


def render_sync_page(resource: Resource, stmt: Select, page: Any, total: int) -> Response:
    """The ``page_renderer`` of ``ingredient-sync``: DRF cursor pagination on the id."""
    cursor, position = read_cursor()
    size = sync_page_size()
    rows = resource.read_plan.page(sync_statement(stmt, cursor, position, size))
    has_more = len(rows) > size
    rows = rows[:size]
    if cursor.reverse:
        rows.reverse()
    next_url, previous_url = sync_links(rows, cursor, position, has_more)
    body = {
        "next": next_url,
        "previous": previous_url,
        "results": [resource.dump(row) for row in rows],
    }
    negotiation.page_context().pagination = {"next": next_url, "previous": previous_url}
    return negotiation.render(body)


def sync_links(
    rows: list[Any], cursor: pagination.Cursor, position: int | None, has_more: bool
) -> tuple[str | None, str | None]:
    """``next`` and ``previous`` as DRF's cursor pager builds them for unique positions."""
    started_elsewhere = position is not None or cursor.offset > 0
    has_next = started_elsewhere if cursor.reverse else has_more
    has_previous = has_more if cursor.reverse else started_elsewhere
    first = str(rows[0].id) if rows else cursor.position
    last = str(rows[-1].id) if rows else cursor.position
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
            "404": {"description": "Invalid cursor"},
        },
    }
