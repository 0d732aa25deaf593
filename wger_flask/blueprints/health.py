"""``/healthz`` (the process is alive) and ``/readyz`` (it can serve: database, migrations,
Redis and media storage when configured) for load balancers and orchestrators, and
``/metrics`` for Prometheus (``rest.metrics``: loopback, or the ``METRICS_TOKEN`` bearer).

``/healthz`` touches nothing outside the process, so a database outage never gets every host
restarted at once; ``/readyz`` is what a proxy routes on. Each dependency is one cheap call
with a short timeout. A Redis outage is reported but does not make a host unready (the rate
limits fall back to each worker's share of every quota and the API keeps serving: taking
every host out of the pool would turn a degraded service into none) unless
``READYZ_REQUIRE_REDIS=true``.
"""

from __future__ import annotations

import ast
import logging
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from flask import Blueprint, Flask, Response, current_app, request
from flask.globals import app_ctx
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from wger_flask.extensions import db
from wger_flask.rest import metrics
from wger_flask.rest.negotiation import dumps
from wger_flask.services import media

if TYPE_CHECKING:
    from redis import Redis

blp = Blueprint("health", __name__)
log = logging.getLogger(__name__)
REDIS_TIMEOUT_SECONDS = 1.0

MIGRATIONS_DIRECTORY = Path(__file__).resolve().parents[2] / "migrations"


@lru_cache(maxsize=4)
def migration_graph(
    directory: Path = MIGRATIONS_DIRECTORY,
) -> tuple[frozenset[str], frozenset[str]]:
    """(every revision, the revisions some other revision names as its ``down_revision``) of
    the code's migrations, read once from the files' assignments, not through alembic, which
    a served app does not load (``create_app(serving=True)``)."""
    revisions: set[str] = set()
    parents: set[str] = set()
    for script in Path(directory, "versions").glob("*.py"):
        values = _assignments(script, ("revision", "down_revision"))
        revision, down = values.get("revision"), values.get("down_revision")
        if isinstance(revision, str):
            revisions.add(revision)
            if isinstance(down, str):
                parents.add(down)
            elif isinstance(down, tuple | list):
                parents.update(str(parent) for parent in down)
    return frozenset(revisions), frozenset(parents)


def expected_heads(directory: Path = MIGRATIONS_DIRECTORY) -> frozenset[str]:
    """The newest migration(s) of the code: revisions no other revision comes after."""
    revisions, parents = migration_graph(directory)
    return revisions - parents


def known_revisions(directory: Path = MIGRATIONS_DIRECTORY) -> frozenset[str]:
    """Every migration the code knows."""
    return migration_graph(directory)[0]


def _assignments(script: Path, names: tuple[str, ...]) -> dict[str, object]:
    found: dict[str, object] = {}
    for node in ast.parse(script.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.Assign):
            target, value = node.targets[0], node.value
        elif isinstance(node, ast.AnnAssign) and node.value is not None:
            target, value = node.target, node.value
        else:
            continue
        if isinstance(target, ast.Name) and target.id in names:
            found[target.id] = ast.literal_eval(value)
    return found


def _answer(http_status: int, **body: str) -> Response:
    response = Response(dumps(body), status=http_status, mimetype="application/json")
    response.headers["Cache-Control"] = "no-store"
    return response


@blp.get("/healthz/")
def healthz() -> Response:
    """200 while the process answers; checks nothing else (that is ``/readyz``)."""
    return _answer(200, status="ok")


@blp.get("/readyz/")
def readyz() -> Response:
    """200 when this host can serve: the database answers at the newest migration, the media
    storage answers, Redis answers when configured (see the module); 503 otherwise."""
    checks = {"database": _database()}
    if checks["database"] == "ok":
        checks["migrations"] = _migrations()
    checks["storage"] = _storage()
    redis_state = _redis()
    if redis_state is not None:
        checks["redis"] = redis_state
    failed = [name for name, state in checks.items() if state not in ("ok", "current", "ahead")]
    redis_only = failed == ["redis"] and not current_app.config.get("READYZ_REQUIRE_REDIS")
    if not failed:
        return _answer(200, status="ok", **checks)
    if redis_only:
        return _answer(200, status="degraded", **checks)
    return _answer(503, status="unavailable", **checks)


def _database() -> str:
    try:
        db.session.execute(text("SELECT 1"))
    except SQLAlchemyError as error:
        db.session.rollback()
        log.error("readiness: database unavailable: %s", error)
        return "unreachable"
    return "ok"


def _migrations() -> str:
    try:
        applied = frozenset(
            db.session.execute(text("SELECT version_num FROM alembic_version")).scalars()
        )
    except SQLAlchemyError as error:
        db.session.rollback()
        log.error("readiness: no migration table: %s", error)
        return "pending"
    if applied == expected_heads():
        return "current"
    if applied - known_revisions():
        # a newer release migrated the database (a rolling deploy): this host's code still
        # serves (migrations add before they take away), so it stays in the pool
        return "ahead"
    return "pending"


def _storage() -> str:
    try:
        media.storage().check()
    except Exception as error:  # any failure of the backend means "not ready"
        log.error("readiness: media storage unavailable: %s", error)
        return "unreachable"
    return "ok"


def _redis() -> str | None:
    """``ok``/``unreachable`` for a Redis rate-limit storage; None when none is configured."""
    uri = current_app.config.get("RATELIMIT_STORAGE_URI", "")
    if not uri.startswith(("redis://", "rediss://", "unix://")):
        return None
    try:
        _redis_client(app_ctx.app, uri).ping()
    except Exception as error:  # connection, timeout, auth: all "unreachable"
        log.warning("readiness: redis unavailable: %s", error)
        return "unreachable"
    return "ok"


def _redis_client(app: Flask, uri: str) -> Redis:
    clients: dict[str, Redis] = app.extensions.setdefault("wger_readyz_redis", {})
    if uri not in clients:
        import redis

        clients[uri] = redis.Redis.from_url(
            uri,
            socket_timeout=REDIS_TIMEOUT_SECONDS,
            socket_connect_timeout=REDIS_TIMEOUT_SECONDS,
        )
    return clients[uri]


@blp.get("/metrics/")
def metrics_page() -> Response:
    """Every metric of this host's workers in Prometheus' text format; 401/403 for a client
    that is neither on loopback (as the trusted proxies report it) nor holds the token."""
    token = current_app.config.get("METRICS_TOKEN", "")
    refusal = metrics.may_read(request.remote_addr, request.headers.get("Authorization", ""), token)
    if refusal == "forbidden":
        return _answer(403, detail="Metrics are readable from this host only (set METRICS_TOKEN).")
    if refusal is not None:
        response = _answer(401, detail="Send the metrics token: Authorization: Bearer <token>.")
        response.headers["WWW-Authenticate"] = 'Bearer realm="metrics"'
        return response
    body, content_type = metrics.exposition(app_ctx.app)
    response = Response(body, status=200, content_type=content_type)
    response.headers["Cache-Control"] = "no-store"
    return response
