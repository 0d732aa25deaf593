"""Catalogue answers kept per catalogue generation, and exercise pages assembled from pieces.

``kept_per_generation`` is the ``answers`` hook of the catalogue's resources: their JSON
answers (lists and details) are kept whole, with their ETag, per request and catalogue
generation (``services/catalogue/rendering``): a repeated request costs one primary-key look-up
of the generation. A write anywhere in the
catalogue moves the generation, so the next read on every worker computes its answer anew.
The browsable page is never kept (it is rare and shows the request's own headers).

``exerciseinfo`` computes a missed answer from **pieces**: each exercise's JSON rendered once
per stamp (the trigger-kept number that moves when anything the exercise shows changes). The
page statement reads the ids in the order of the filters, search ranking and ordering, each
id's stamp, the exercise's columns and the total count (a window function): one statement.
Exercises whose piece is current cost nothing more; the others are read with the schema's
read plan (one statement per nested relation, whatever their number) and rendered. The page
is the envelope around the pieces joined.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, cast

import orjson
from flask import Response, g, request
from sqlalchemy import Select, func, select

from wger_flask.extensions import db
from wger_flask.models.catalogue import Exercise
from wger_flask.rest import answers, metrics, negotiation, pagination
from wger_flask.rest.errors import not_found
from wger_flask.rest.loading import Record
from wger_flask.rest.resources import Resource
from wger_flask.services.catalogue import generation as catalogue_generation
from wger_flask.services.catalogue import rendering
from wger_flask.services.catalogue.rendering import HOST, HOST_BYTES

HOST_URL_ENVIRON_KEY = "wger.host_url"  # where ``schemas.catalogue.absolute_url`` looks first


def generation() -> int:
    """The catalogue generation this request works at (read once per request)."""
    if "catalogue_generation" not in g:
        g.catalogue_generation = catalogue_generation.current_generation()
    return cast(int, g.catalogue_generation)


def answer_kept(compute: Callable[[], Response]) -> Response:
    """The kept answer to this request at the current generation, or ``compute()`` kept."""
    return answers.answer_kept(compute, generation, rendering.rendered().responses, "answers")


def kept_per_generation(resource: Resource, compute: Callable[[], Response]) -> Response:
    """The ``answers`` hook of a public catalogue resource: its JSON answers kept per
    catalogue generation. Bad credentials are a 401 whether or not an answer is kept; a
    request with neither an ``Authorization`` header nor a cookie is anonymous: nothing to
    check (everyone may read the catalogue)."""
    environ = request.environ
    if not resource.public or "HTTP_AUTHORIZATION" in environ or "HTTP_COOKIE" in environ:
        resource.authorize_read()
    return answer_kept(compute)


# --------------------------------------------------------------------------------------
# exerciseinfo from pieces


def _pieces(resource: Resource, rows: Sequence[Sequence[Any]]) -> list[bytes]:
    """The JSON of each exercise row (plan columns, then its stamp): kept or rendered now."""
    store = rendering.rendered().pieces
    kind = resource.name
    plan = resource.read_plan
    keys = [column.key for column in plan.columns]
    width, id_position = len(keys), keys.index(plan.primary_key.key)
    pieces: list[bytes | None] = []
    missing: list[tuple[int, Record, Any]] = []
    for position, row in enumerate(rows):
        stamp = row[width]
        piece = store.get(kind, row[id_position], stamp)
        if piece is None:
            record = Record.__new__(Record)
            record.__dict__.update(zip(keys, row[:width], strict=True))
            missing.append((position, record, stamp))
        pieces.append(piece)
    metrics.catalogue_cache("pieces", hits=len(rows) - len(missing), misses=len(missing))
    if missing:
        records = [record for _, record, _ in missing]
        ids = [record.id for record in records]
        plan.complete(records, select(Exercise.id).where(Exercise.id.in_(ids)))
        environ = request.environ
        own_host = environ.get(HOST_URL_ENVIRON_KEY)
        environ[HOST_URL_ENVIRON_KEY] = HOST  # pieces are rendered for any host
        try:
            for position, record, stamp in missing:
                piece = negotiation.dumps(resource.dump(record))
                store.put(kind, record.id, stamp, piece)
                pieces[position] = piece
        finally:
            if own_host is None:
                environ.pop(HOST_URL_ENVIRON_KEY, None)
            else:
                environ[HOST_URL_ENVIRON_KEY] = own_host
        if len(missing) >= rendering.TRIM_AFTER_PIECES:
            del records, missing
            rendering.give_back_memory()
    return cast("list[bytes]", pieces)  # every position filled: kept or rendered above


def _for_this_host(body: bytes) -> bytes:
    return body.replace(HOST_BYTES, request.host_url.encode()) if HOST_BYTES in body else body


def _send(body: bytes, etag: bool) -> Response:
    outcome = negotiation.negotiated()
    if outcome.is_html or outcome.indent is not None:
        return negotiation.render(orjson.loads(body), etag=etag)
    return negotiation.render_encoded(body, etag=etag)


def exerciseinfo_page(
    resource: Resource, stmt: Select[*tuple[Any, ...]], page: pagination.PageRequest, filtered: bool
) -> Response:
    """The ``page_renderer`` of exerciseinfo: one statement for the page, pieces for the rows.

    The first page of a query shape at a generation counts its rows with a window function in
    the page statement (no statement of its own); the count is kept for the following pages,
    whose statement then reads only their window (the window function scans every row)."""
    counts = rendering.rendered().counts
    shape = (resource.name, tuple(negotiation.page_context().filters))
    current = generation()
    total = counts.get(shape, current)
    counting = total is None
    after = (func.count().over().label("total"),) if counting else ()
    page_stmt = catalogue_generation.with_stamps(stmt, resource.read_plan.columns, *after)
    rows: Sequence[Sequence[Any]] = db.session.execute(
        page_stmt.limit(page.limit).offset(page.offset)
    ).all()
    if counting:
        if rows:
            total = rows[0][-1]
        elif page.offset:  # past the end: count on its own
            count = select(func.count()).select_from(stmt.order_by(None).subquery())
            total = db.session.execute(count).scalar_one()
        else:
            total = 0
        rows = [row[:-1] for row in rows]
        counts.put(shape, current, total)
    assert total is not None  # counted above when it was not kept
    head = pagination.envelope(page, total, [])
    negotiation.page_context().pagination = {"next": head["next"], "previous": head["previous"]}
    opening = negotiation.dumps(head)[: -len(b"[]}")]
    body = b"".join((opening, b"[", b",".join(_pieces(resource, rows)), b"]}"))
    return _send(_for_this_host(body), resource.etag)


def exerciseinfo_detail(resource: Resource, pk: str, user: Any) -> Response:
    """The ``detail_renderer`` of exerciseinfo: the exercise's piece."""
    stmt = catalogue_generation.with_stamps(
        resource.detail_statement(pk, user), resource.read_plan.columns
    )
    rows = db.session.execute(stmt).all()
    if not rows:
        raise not_found()
    return _send(_for_this_host(_pieces(resource, rows)[0]), resource.etag)
