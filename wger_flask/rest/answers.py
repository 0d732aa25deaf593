"""Whole JSON answers kept in a worker's memory per a number the database keeps (a
**generation**), so a repeated read costs one primary-key look-up.

A domain whose rows are read constantly and written rarely (the exercise catalogue, the
ingredient catalogue) keeps one number that its database triggers renew, in the writing
transaction, on every write to what its answers show, to a value never used before. A read
takes that number (``read_number``: one primary-key look-up) and serves the answer kept for
its request at that number, or computes it and keeps it (``answer_kept``). Nothing kept is
used unless it was computed at the number the database holds now, so a write is in the next
read on every worker and every host, whoever wrote it. The domain owns its number and its
store; this module only knows how to keep, look up and send.
"""

from __future__ import annotations

import contextlib
import os
import threading
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Any, cast

from flask import Response, request
from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError

from wger_flask.database import db
from wger_flask.rest import caches, metrics, negotiation

MAX_RESPONSE_BYTES = 3 * 1024 * 1024 // 2  # all kept responses of one store, per worker
MAX_KEPT_RESPONSE = 1024 * 1024  # a larger answer is computed every time


@dataclass(frozen=True)
class KeptResponse:
    generation: int
    body: bytes
    etag: str


class ResponseStore(caches.BoundedLRU[KeptResponse]):
    """Whole JSON answers by request key (``caches.BoundedLRU``); an answer kept at another
    generation is not returned, and one over ``max_response`` bytes is never kept."""

    def __init__(
        self, max_bytes: int = MAX_RESPONSE_BYTES, max_response: int = MAX_KEPT_RESPONSE
    ) -> None:
        super().__init__(max_bytes, lambda kept: len(kept.body) + len(kept.etag))
        self.max_response = max_response

    def at(self, key: Hashable, generation: int) -> KeptResponse | None:
        """The answer kept for ``key`` if it was kept at ``generation``."""
        kept = self.get(key)
        if kept is None or kept.generation != generation:
            return None
        return kept

    def put(self, key: Hashable, kept: KeptResponse) -> None:
        if len(kept.body) <= self.max_response:
            super().put(key, kept)


def read_number(sql: str) -> int:
    """The one integer ``sql`` selects (a generation: one primary-key look-up); 0 for no row.

    Read, when the request has not opened its transaction yet, on a connection of its own
    without the ORM session (a tenth of the cost, and most reads of a kept answer need nothing
    else): everything the request reads later sees this number or a newer one. Once the
    request's transaction is open (an API key was looked up), or when the session is bound to
    one connection (a test's transaction), read through the session, so its snapshot and the
    number agree.
    """
    session = db.session()  # this request's session
    bind = session.get_bind()
    if isinstance(bind, Engine) and not session.in_transaction():
        if bind.dialect.name == "postgresql":
            return _read_on_own_connection(bind, sql)
        connection = bind.raw_connection()  # an outage raises SQLAlchemy's errors here...
        try:
            cursor = connection.cursor()
            cursor.execute(sql)
            row = cursor.fetchone()
            cursor.close()
        except bind.dialect.loaded_dbapi.Error as error:  # ...and the driver's here
            raise _wrapped(bind, sql, error) from error
        finally:
            connection.close()
        return int(row[0]) if row else 0
    return int(db.session.execute(text(sql)).scalar() or 0)


def _wrapped(bind: Engine, sql: str, error: Exception) -> DBAPIError:
    dbapi_error = bind.dialect.loaded_dbapi.Error
    return cast(DBAPIError, DBAPIError.instance(sql, {}, error, dbapi_error))


class _OwnConnections(threading.local):
    """Per thread: an autocommit PostgreSQL (psycopg) connection per engine, for
    ``read_number``."""

    def __init__(self) -> None:
        self.pid = os.getpid()
        self.by_engine: dict[Engine, Any] = {}


_own = _OwnConnections()


def _read_on_own_connection(bind: Engine, sql: str) -> int:
    """``sql`` on this thread's own autocommit connection: one round trip. A pooled connection
    costs four on PostgreSQL (the pre-ping on checkout, ``BEGIN``, the statement, the
    ``ROLLBACK`` when it goes back): about 280 µs against 50 µs a read, measured, on every
    kept answer. A connection that fails is dropped and the read tried once on a new one (the
    server restarted); a second failure is the outage it looks like (a 503)."""
    for attempt in range(2):
        connection = _own_connection(bind)
        try:
            row = connection.execute(sql).fetchone()
            return int(row[0]) if row else 0
        except bind.dialect.loaded_dbapi.Error as error:
            _own.by_engine.pop(bind, None)
            with contextlib.suppress(Exception):
                connection.close()
            if attempt:
                raise _wrapped(bind, sql, error) from error
    raise AssertionError("unreachable")  # the loop returns or raises


def _own_connection(bind: Engine) -> Any:
    if _own.pid != os.getpid():  # forked: the parent's connections are the parent's
        _own.by_engine = {}
        _own.pid = os.getpid()
    connection: Any = _own.by_engine.get(bind)
    if connection is None:
        pooled = bind.raw_connection()  # the engine's settings and connect hooks
        connection = pooled.driver_connection
        pooled.detach()  # ours now: the pool neither pings nor resets it
        connection.rollback()  # (no transaction open: nothing is sent)
        connection.autocommit = True
        _own.by_engine[bind] = connection
    return connection


def close_own_connections() -> None:
    """Close this thread's own connections (the master, before it forks its workers)."""
    for connection in _own.by_engine.values():
        with contextlib.suppress(Exception):
            connection.close()
    _own.by_engine = {}


def response_key() -> tuple[Any, ...]:
    """What a kept answer depends on besides the database: scheme, host, path (as the client
    spelt it: ``.json`` links), query string and JSON indent (the WSGI values ``request.url``
    is made of, without the cost of making it)."""
    environ = request.environ
    return (
        environ["wsgi.url_scheme"],
        environ.get("HTTP_HOST") or (environ.get("SERVER_NAME"), environ.get("SERVER_PORT")),
        environ.get("SCRIPT_NAME", ""),
        environ.get(negotiation.ORIGINAL_PATH_ENVIRON_KEY) or environ.get("PATH_INFO"),
        environ.get("QUERY_STRING", ""),
        negotiation.negotiated().indent,
    )


def kept_answer(kept: KeptResponse) -> Response:
    """A kept answer, as ``negotiation.render_encoded`` sends it (304 when the client has it)."""
    if request.if_none_match.contains(kept.etag):
        return Response(status=304, headers={"ETag": f'"{kept.etag}"', "Vary": "Accept"})
    response = Response(kept.body, mimetype=negotiation.JSON_MIMETYPE)
    response.headers["Vary"] = "Accept"
    response.set_etag(kept.etag)
    return response


def answer_kept(
    compute: Callable[[], Response],
    generation: Callable[[], int],
    store: ResponseStore,
    metric: str,
) -> Response:
    """The answer kept in ``store`` for this request at ``generation()`` (read once, before
    anything is computed), or ``compute()``'s, kept when it is a complete JSON answer with a
    strong ETag. The browsable page is never kept (it is rare and shows the request's own
    headers). ``metric`` names the store in the hit/miss counters."""
    if negotiation.negotiated().is_html:
        return compute()
    current = generation()
    key = response_key()
    kept = store.at(key, current)
    if kept is not None:
        metrics.catalogue_cache(metric, hits=1)
        return kept_answer(kept)
    metrics.catalogue_cache(metric, misses=1)
    response = compute()
    tag, weak = response.get_etag()
    if response.status_code == 200 and not response.is_streamed and tag and not weak:
        store.put(key, KeptResponse(current, response.get_data(), tag))
    return response
