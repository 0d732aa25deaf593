"""``/healthz`` for load balancers: the database answers and its schema is migrated."""

from __future__ import annotations

from functools import lru_cache

from alembic.script import ScriptDirectory
from flask import Blueprint, Response, current_app
from flask_migrate import Migrate
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from wger_flask.extensions import db
from wger_flask.rest.negotiation import dumps

blp = Blueprint("health", __name__)


@lru_cache(maxsize=4)
def expected_heads(directory: str) -> frozenset[str]:
    """The newest migration(s) of the code, read once."""
    config = Migrate().get_config(directory)
    # flask_migrate.Config subclasses alembic's Config; its stub (types-flask-migrate) cannot say so
    return frozenset(ScriptDirectory.from_config(config).get_heads())  # type: ignore[arg-type]  # see above


def _answer(http_status: int, **body: str) -> Response:
    response = Response(dumps(body), status=http_status, mimetype="application/json")
    response.headers["Cache-Control"] = "no-store"
    return response


@blp.get("/healthz/")
def healthz() -> Response:
    """200 when the database answers and is at the newest migration; 503 otherwise."""
    try:
        applied = frozenset(
            db.session.execute(text("SELECT version_num FROM alembic_version")).scalars()
        )
    except SQLAlchemyError as error:
        db.session.rollback()
        current_app.logger.error("health check: database unavailable: %s", error)
        return _answer(503, status="unavailable", database="unreachable")
    heads = expected_heads(current_app.extensions["migrate"].directory)
    if applied != heads:
        return _answer(503, status="unavailable", database="ok", migrations="pending")
    return _answer(200, status="ok", database="ok", migrations="current")
