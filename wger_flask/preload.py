"""What the gunicorn master does with the app before it forks the workers (``gunicorn.conf.py``).

Loaded once in the master, the app's code, libraries and start-up data are shared by every
worker (copy-on-write) instead of built again in each. ``warm_up`` also answers a few public
catalogue reads in the master, in-process: what each worker would otherwise build on its own
first requests (SQLAlchemy's compiled statements, the serializers, the catalogue's rendered
pieces) is then built once and shared. Nothing kept is trusted without its check: the
catalogue's pieces carry the generation they were rendered at, so a write after the fork makes
them stale in every worker as it would after any read.

Then nothing may stay connected across the fork (``release_connections``; each worker opens
its own), and the master's objects are frozen out of the cycle collector's reach, so a
collection in a worker does not write to (and so copy) every shared page that holds one.
"""

from __future__ import annotations

import contextlib
import ctypes
import gc
import logging
from collections.abc import Iterable

from flask import Flask

from wger_flask.database import db
from wger_flask.extensions import limiter
from wger_flask.rest import answers

log = logging.getLogger(__name__)

# Public, cheap at any catalogue size (first pages; no search over a million ingredients).
WARM_UP_PATHS = (
    "/api/v2/version/",
    "/api/v2/exerciseinfo/?limit=20",
    "/api/v2/exerciseinfo/?limit=100",
    "/api/v2/exerciseinfo/?name__search=curl&language__code=en",
    "/api/v2/exercise/?limit=20",
    "/api/v2/muscle/",
    "/api/v2/equipment/",
    "/api/v2/exercisecategory/",
    "/api/v2/language/",
    "/api/v2/ingredient/?limit=20",
    "/api/v2/ingredient/?name__search=butter",
    "/api/v2/ingredientinfo/?limit=100",
)


def warm_up(app: Flask, paths: Iterable[str] = WARM_UP_PATHS) -> dict[str, int]:
    """Answer ``paths`` in-process (no socket, rate limits not counted); each path's status.
    A failure is logged and skipped: warming up never stops the server from starting."""
    statuses: dict[str, int] = {}
    client = app.test_client()
    base_url = app.config.get("SITE_URL") or "http://localhost"
    enabled, limiter.enabled = limiter.enabled, False
    try:
        for path in paths:
            try:
                statuses[path] = client.get(path, base_url=base_url).status_code
            except Exception:  # a warm-up is an optimisation, never a reason not to start
                log.warning("warm-up of %s failed", path, exc_info=True)
                statuses[path] = 0
    finally:
        limiter.enabled = enabled
    return statuses


def release_connections(app: Flask) -> None:
    """Close the app's pooled database connections (a worker opens its own)."""
    with app.app_context():
        for engine in db.engines.values():
            engine.dispose()
    answers.close_own_connections()  # the generation reads' own (outside the pools)


def forget_inherited_connections(app: Flask) -> None:
    """In a new worker: drop the pools inherited from the master without closing their
    connections (they belong to the master)."""
    with app.app_context():
        for engine in db.engines.values():
            engine.dispose(close=False)


def prepare_for_fork(app: Flask, warm: bool = True) -> None:
    """Warm the app up, release its connections, give freed memory back to the system and
    freeze what is left (the last thing before the workers are forked)."""
    if warm:
        statuses = warm_up(app)
        log.info("warmed up in the master: %s", ", ".join(f"{p} {s}" for p, s in statuses.items()))
    release_connections(app)
    _malloc_trim()
    gc.freeze()


def _malloc_trim() -> None:
    with contextlib.suppress(OSError, AttributeError):  # not glibc: nothing to give back
        ctypes.CDLL("libc.so.6").malloc_trim(0)
