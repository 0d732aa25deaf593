"""``/healthz`` for load balancers: the database answers and its schema is migrated."""

from __future__ import annotations

import ast
from functools import lru_cache
from pathlib import Path

from flask import Blueprint, Response, current_app
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from wger_flask.extensions import db
from wger_flask.rest.negotiation import dumps

blp = Blueprint("health", __name__)

MIGRATIONS_DIRECTORY = Path(__file__).resolve().parents[2] / "migrations"


@lru_cache(maxsize=4)
def expected_heads(directory: Path = MIGRATIONS_DIRECTORY) -> frozenset[str]:
    """The newest migration(s) of the code, read once: the revisions no other revision names
    as its ``down_revision``. Read from the files' assignments, not through alembic, which a
    served app does not load (``create_app(serving=True)``)."""
    revisions: set[str] = set()
    parents: set[str] = set()
    for script in Path(directory, "versions").glob("*.py"):
        values = _assignments(script, ("revision", "down_revision"))
        if isinstance(values.get("revision"), str):
            revisions.add(values["revision"])
            down = values.get("down_revision")
            parents.update(down if isinstance(down, tuple | list) else [down] if down else [])
    return frozenset(revisions - parents)


def _assignments(script: Path, names: tuple[str, ...]) -> dict[str, object]:
    found: dict[str, object] = {}
    for node in ast.parse(script.read_text(encoding="utf-8")).body:
        target = node.targets[0] if isinstance(node, ast.Assign) else getattr(node, "target", None)
        if isinstance(target, ast.Name) and target.id in names and node.value is not None:
            found[target.id] = ast.literal_eval(node.value)
    return found


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
    heads = expected_heads()
    if applied != heads:
        return _answer(503, status="unavailable", database="ok", migrations="pending")
    return _answer(200, status="ok", database="ok", migrations="current")
