"""How ingredient lists are counted, paged and rendered (the resources' ``page_renderer``
and ``detail_renderer``).

- The count: the trigger-kept blocks when unfiltered; an exact count (a search: its ranked
  ids) kept per query shape and table generation otherwise (``services/ingredient_counts``,
  ``services/ingredient_query_cache``). A worker assumes the generation it saw last and checks
  it with the statement that reads the rows; when the table changed, the page is computed
  again.
- A page of the unfiltered, id-ordered list starts at the id the blocks give for its offset,
  so ``offset=500000`` reads 20 ids from the primary-key index instead of stepping over half a
  million; then the rows of those ids are read (two statements a page, whatever its size).
- Rows come from the database rendered (``services/ingredient_json``), nested relations
  included; the envelope is put around them as bytes.
- A page larger than ``STREAM_ABOVE`` rows (``?limit=100000``) is streamed from a server-side
  cursor, chunk by chunk, so the page is never held in memory.
- The browsable page and indented JSON (rare, small) decode the texts and render as usual.
- Whole JSON answers are kept per request and ingredient generation (``kept_per_generation``,
  the resources' ``answers`` hook): a repeated request is one primary-key look-up.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any, cast

import orjson
from flask import Response, g, request, stream_with_context
from sqlalchemy import Select, select

from wger_flask.extensions import db
from wger_flask.models.ingredients import Ingredient
from wger_flask.rest import answers, negotiation, pagination
from wger_flask.rest.errors import APIError
from wger_flask.rest.resources import Resource
from wger_flask.services.ingredients import counts as ingredient_counts
from wger_flask.services.ingredients import query_cache as ingredient_query_cache
from wger_flask.services.ingredients import rendering as ingredient_json
from wger_flask.services.ingredients import search as ingredient_search
from wger_flask.services.ingredients.query_cache import CACHE, Kept

STREAM_ABOVE = 1000
STREAM_CHUNK = 1000


def _is_plain_id_order() -> bool:
    """Whether the list is unfiltered and in id order (the case the blocks can window)."""
    context = negotiation.page_context()
    return not context.filters and context.ordering in ([], ["id"])


def _is_relevance_search() -> bool:
    context = negotiation.page_context()
    return not context.ordering and any(name == "name__search" for name, _ in context.filters)


# The table generation this worker saw last: requests assume it is still current and check it
# with the statement that reads their rows (which returns it), saving a statement per request.
_last_seen: int | None = None
ATTEMPTS = 3


class GenerationMoved(Exception):
    """The table changed since the generation a request assumed: compute its page again."""

    def __init__(self, current: int) -> None:
        super().__init__(current)
        self.current = current


def current_generation() -> int:
    """The generation this request works at: the last one this worker saw (checked when the
    rows are read), or read now the first time."""
    if "ingredient_generation" not in g:
        if _last_seen is None:
            confirm_generation(None, assumed=False)
        else:
            g.ingredient_generation = _last_seen
    return cast(int, g.ingredient_generation)


def confirm_generation(seen: int | None, assumed: bool = True) -> None:
    """Check the generation a statement saw (None: read it now) against the one assumed."""
    global _last_seen
    if seen is None:
        seen = ingredient_query_cache.generation()
    _last_seen = seen
    if assumed and g.get("ingredient_generation") != seen:
        raise GenerationMoved(seen)
    g.ingredient_generation = seen


def kept_per_generation(resource: Resource, compute: Callable[[], Response]) -> Response:
    """The ``answers`` hook of the public ingredient resources: each JSON answer (list page,
    search, detail) kept whole per request and ingredient generation, so a repeated request
    costs one primary-key look-up. A write to an ingredient or to anything ``ingredientinfo``
    nests moves the generation (database triggers), so the next read on every worker computes
    the answer anew. Bad credentials are still a 401; a request without any is anonymous."""
    environ = request.environ
    if not resource.public or "HTTP_AUTHORIZATION" in environ or "HTTP_COOKIE" in environ:
        resource.authorize_read()
    return answers.answer_kept(
        compute, _generation_for_answers, ingredient_query_cache.kept_answers(), "ingredients"
    )


def _generation_for_answers() -> int:
    """The generation read for a kept answer; a page computed after it assumes it (and checks
    it with the statement that reads its rows, as always)."""
    global _last_seen
    _last_seen = current = ingredient_query_cache.generation_before_reading()
    return current


def search_term() -> str:
    return next(raw for name, raw in negotiation.page_context().filters if name == "name__search")


def count_rows(stmt: Select[*tuple[Any, ...]], filtered: bool) -> int:
    """The count of an ingredient list: trigger-kept blocks when unfiltered; else an exact
    count (for a search: its ranked ids) kept per query shape and table generation."""
    if not filtered:
        return ingredient_counts.total_rows(current_generation())
    searching = _is_relevance_search()
    key = (searching, tuple(negotiation.page_context().filters))
    generation = current_generation()
    kept = CACHE.get(key, generation)
    if kept is None:
        if searching:
            ids = ingredient_search.ranked_ids(stmt, search_term())
            kept = Kept(generation, len(ids), ingredient_query_cache.ranked(ids))
        else:
            kept = Kept(generation, ingredient_counts.exact_count(stmt))
        CACHE.put(key, kept)
    g.ingredient_ranking = kept.ranked_ids
    return kept.count


def window(
    stmt: Select[*tuple[Any, ...]], page: pagination.PageRequest
) -> Select[*tuple[Any, ...]]:
    """The statement of one page: an id range when possible, LIMIT/OFFSET otherwise."""
    if _is_plain_id_order():
        return ingredient_counts.id_ordered_window(
            stmt, page.limit, page.offset, current_generation()
        )
    return stmt.limit(page.limit).offset(page.offset)


def row_renderer(resource: Resource) -> ingredient_json.RowRenderer:
    return ingredient_json.renderer(resource.schema, db.session.get_bind().dialect.name)


def json_rows(resource: Resource, page_stmt: Select[*tuple[Any, ...]]) -> Select[*tuple[Any, ...]]:
    """``page_stmt`` selecting what renders each row (then its id), per the resource's schema."""
    dialect = db.session.get_bind().dialect.name
    return page_stmt.with_only_columns(*row_renderer(resource).columns, Ingredient.id).select_from(
        ingredient_json.json_source(resource.schema, dialect)
    )


def execute(page_stmt: Select[*tuple[Any, ...]], **options: Any) -> Any:
    """Run a ``json_rows`` statement (it needs the request's media URL)."""
    parameters = ingredient_json.media_url_parameter(request.host_url)
    return db.session.connection().execute(page_stmt, parameters, execution_options=options)


def driver_rows(result: Any) -> list[tuple[Any, ...]]:
    """All rows of a result as the driver's plain tuples: this code reads rows by position, and
    building a thousand ``Row`` objects costs milliseconds. (No column here has a result
    processor, so the values are the same. Not for ``yield_per`` results: those prefetch.)"""
    rows: list[tuple[Any, ...]] = result.cursor.fetchall()
    result.close()
    return rows


def results_opening(head: dict[str, Any]) -> bytes:
    """``head`` (without results) encoded up to the opening of its ``results`` array."""
    return orjson.dumps(head)[:-1] + b',"results":['


RESULTS_CLOSING = b"]}"


def envelope_bytes(head: dict[str, Any], texts: Iterable[bytes]) -> bytes:
    """``head`` (without results) and the rows' JSON as one JSON object."""
    return results_opening(head) + b",".join(texts) + RESULTS_CLOSING


def respond(body: bytes, etag: bool) -> Response:
    """Send the encoded page, or decode it for the browsable page and indented JSON."""
    outcome = negotiation.negotiated()
    if outcome.is_html or outcome.indent is not None:
        return negotiation.render(orjson.loads(body), etag=etag)
    return negotiation.render_encoded(body, etag=etag)


def render_page(
    resource: Resource, stmt: Select[*tuple[Any, ...]], page: pagination.PageRequest, filtered: bool
) -> Any:
    """The ``page_renderer`` of the ingredient lists: counted (``count_rows``), then rendered
    (both again when the table changed meanwhile)."""
    total = count_rows(stmt, filtered)
    for _ in range(ATTEMPTS - 1):
        try:
            return render_page_at_generation(resource, stmt, page, total)
        except GenerationMoved as moved:
            g.ingredient_generation = moved.current
            g.pop("ingredient_ranking", None)
            total = count_rows(stmt, filtered)
    g.ingredient_generation_final = True  # a table written to without pause: serve this one
    return render_page_at_generation(resource, stmt, page, total)


def render_page_at_generation(
    resource: Resource, stmt: Select[*tuple[Any, ...]], page: pagination.PageRequest, total: int
) -> Any:
    outcome = negotiation.negotiated()
    head = pagination.envelope(page, total, [])
    del head["results"]
    negotiation.page_context().pagination = {"next": head["next"], "previous": head["previous"]}
    streaming = page.limit > STREAM_ABOVE and not outcome.is_html and outcome.indent is None
    if page.offset >= total or streaming:
        confirm_generation(None, assumed=not g.get("ingredient_generation_final"))
    if page.offset >= total:
        return respond(envelope_bytes(head, []), resource.etag)
    ranking = g.get("ingredient_ranking")
    if streaming:
        return stream_page(head, streamed_rows(resource, stmt, page), resource)
    if ranking is not None:
        ids = list(ranking[page.offset : page.offset + page.limit])
    elif _is_plain_id_order():
        return respond(envelope_bytes(head, plain_page(resource, page)), resource.etag)
    else:
        ids = list(execute(window(stmt, page).with_only_columns(Ingredient.id)).scalars())
    return respond(envelope_bytes(head, texts_by_id(resource, ids)), resource.etag)


def plain_page(resource: Resource, page: pagination.PageRequest) -> list[bytes]:
    """A page of the unfiltered, id-ordered list: its ids from the primary key at the block
    the offset falls in, then those rows."""
    start = ingredient_counts.window_start(page.offset, current_generation())
    if start is None:
        confirm_generation(None, assumed=not g.get("ingredient_generation_final"))
        return []
    parameters = {"first_id": start.first_id, "limit": page.limit, "skip": start.skip}
    ids = list(db.session.connection().execute(ingredient_json.ID_WINDOW, parameters).scalars())
    return texts_by_id(resource, ids)


def render_detail(resource: Resource, pk: str, user: Any) -> Response:
    """The ``detail_renderer`` of the ingredient resources: one row, rendered by the database."""
    texts = texts_by_id(resource, [resource.parse_pk(pk)])
    if not texts:
        raise APIError(404)
    return respond(texts[0], resource.etag)


def texts_by_id(resource: Resource, ids: list[int]) -> list[bytes]:
    """The JSON texts of the rows ``ids``, in that order (one statement).

    Windowing the ids first and rendering only those keeps PostgreSQL from rendering the rows
    an OFFSET skips (it computes the select list before applying OFFSET).
    """
    if not ids:
        if "ingredient_generation" in g:
            confirm_generation(None, assumed=not g.get("ingredient_generation_final"))
        return []
    dialect = db.session.get_bind().dialect.name
    statement = ingredient_json.rows_by_ids(resource.schema, dialect)
    parameters = {"ids": ids, **ingredient_json.media_url_parameter(request.host_url)}
    rows = driver_rows(db.session.connection().execute(statement, parameters))
    if "ingredient_generation" in g:  # a list page: its count and window assumed a generation
        seen = rows[0][-1] if rows else None
        confirm_generation(seen, assumed=not g.get("ingredient_generation_final"))
    texts = dict(zip((row[-2] for row in rows), row_renderer(resource).texts(rows), strict=True))
    return [texts[pk] for pk in ids if pk in texts]


def streamed_rows(
    resource: Resource, stmt: Select[*tuple[Any, ...]], page: pagination.PageRequest
) -> Select[*tuple[Any, ...]]:
    """The statement of a large page: in id order its window's ids are rendered (no work for
    skipped rows); other orders (a search's relevance too) render the window itself."""
    page_window = window(stmt, page)
    if negotiation.page_context().ordering in ([], ["id"]) and not _is_relevance_search():
        ids = page_window.with_only_columns(Ingredient.id).scalar_subquery()
        by_id = select(Ingredient).where(Ingredient.id.in_(ids)).order_by(Ingredient.id)
        return json_rows(resource, by_id)
    return json_rows(resource, page_window)


def stream_page(
    head: dict[str, Any], page_stmt: Select[*tuple[Any, ...]], resource: Resource
) -> Response:
    """A large page as a streamed JSON body, from a server-side cursor, chunk by chunk."""
    opening = results_opening(head)

    def chunks() -> Iterator[bytes]:
        yield opening
        separator = b""
        result = execute(page_stmt, yield_per=STREAM_CHUNK)
        render = row_renderer(resource).texts
        for rows in result.partitions(STREAM_CHUNK):
            yield separator + b",".join(render(rows))
            separator = b","
        yield RESULTS_CLOSING

    return negotiation.render_stream(stream_with_context(chunks()))
