"""One log line per request, a request id on every line and answer, and the per-request
figures the metrics take (duration, SQL statements).

- The **request id** is the client's or proxy's ``X-Request-ID`` when it is a plain token (at
  most 128 of ``A-Z a-z 0-9 . _ : -``), else a new random one; it is returned in the
  ``X-Request-ID`` header of every answer, errors included, carried into every log line
  written while the request runs (``RequestIdFilter``), and into the body of server errors.
- ``LOG_FORMAT=json`` writes every log line as one JSON object (``JsonFormatter``); ``plain``
  (the default, ``make run``) keeps the readable text format.
- The request line (logger ``wger_flask.request``) holds the method, the **route template**
  (``/api/v2/routine/<int:pk>/``, never the path as sent: a path or query string can carry a
  token or a reset key), status, duration, statement count, the user's id when the request
  authenticated one, and the request id. Nothing of the headers or the body is logged.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import time
import uuid
from typing import Any

from flask import Flask, Response, g, has_request_context, request
from sqlalchemy import event

from wger_flask.rest import metrics

HEADER = "X-Request-ID"
_VALID_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")
log = logging.getLogger("wger_flask.request")
QUIET_ROUTES = frozenset({"/healthz/", "/readyz/", "/metrics/"})
PLAIN_FORMAT = "%(asctime)s %(levelname)s %(name)s [%(request_id)s]: %(message)s"


def request_id() -> str | None:
    """The id of the request being served (None outside a request)."""
    if not has_request_context():
        return None
    found: str | None = g.get("request_id")
    return found


class RequestIdFilter(logging.Filter):
    """Puts ``request_id`` on every record (``-`` outside a request)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = request_id() or "-"
        return True


# attributes every LogRecord has: whatever else a record carries was passed in ``extra``
_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {
    "message",
    "asctime",
    "request_id",
}


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time (UTC), level, logger, message, request id, the
    record's ``extra`` fields, and the traceback of an exception."""

    def format(self, record: logging.LogRecord) -> str:
        from wger_flask.rest.negotiation import dumps

        entry: dict[str, Any] = {
            "time": dt.datetime.fromtimestamp(record.created, dt.UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", None) or request_id(),
        }
        for key, value in record.__dict__.items():
            if key not in _STANDARD and not key.startswith("_"):
                plain = value is None or isinstance(value, (str, int, float, bool))
                entry[key] = value if plain else str(value)
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return dumps(entry).decode()


def configure_logging(log_format: str, level: int = logging.INFO) -> None:
    """The root logger's handler for this process: JSON lines or plain text, request ids on
    both (called by ``create_app`` outside tests; ``gunicorn.conf.py`` uses the formatter)."""
    root = logging.getLogger()
    if not root.handlers:
        root.addHandler(logging.StreamHandler())
    for handler in root.handlers:
        if not any(isinstance(item, RequestIdFilter) for item in handler.filters):
            handler.addFilter(RequestIdFilter())
        if log_format == "json":
            handler.setFormatter(JsonFormatter())
        else:
            handler.setFormatter(logging.Formatter(PLAIN_FORMAT))
    root.setLevel(level)


def _begin() -> None:
    given = request.headers.get(HEADER, "")
    g.request_id = given if _VALID_ID.match(given) else uuid.uuid4().hex
    g.request_started = time.perf_counter()
    g.sql_statements = 0


def _user_id() -> int | None:
    """The id of the user the request authenticated, without authenticating anyone here."""
    user = g.get("_api_user") or g.get("_login_user")
    return getattr(user, "id", None) if getattr(user, "is_authenticated", True) else None


def _finish(response: Response) -> Response:
    if "request_id" not in g:  # a request that failed before the first hook ran
        _begin()
    response.headers[HEADER] = g.request_id
    seconds = time.perf_counter() - g.request_started
    rule = request.url_rule
    route = rule.rule if rule is not None else None
    statements = g.get("sql_statements", 0)
    metrics.observe_request(route, request.method, response.status_code, seconds, statements)
    fields = {
        "method": request.method,
        "route": route or metrics.UNMATCHED_ROUTE,
        "status": response.status_code,
        "duration_ms": round(seconds * 1000, 2),
        "statements": statements,
        "user_id": _user_id(),
    }
    message = " ".join(f"{key}={value}" for key, value in fields.items())
    # a proxy's health checks and Prometheus' scrapes every few seconds would drown the rest:
    # their lines are DEBUG (they are counted in the metrics all the same)
    level = logging.DEBUG if route in QUIET_ROUTES else logging.INFO
    log.log(level, message, extra={**fields, "request_id": g.request_id})
    return response


def count_statement(*_args: Any) -> None:
    """``before_cursor_execute``: one more statement for the request being served."""
    if has_request_context() and "sql_statements" in g:
        g.sql_statements += 1


def init_app(app: Flask, engine: Any) -> None:
    app.before_request_funcs.setdefault(None, []).insert(0, _begin)  # first: ids for all
    app.after_request(_finish)
    if not event.contains(engine, "before_cursor_execute", count_statement):
        event.listen(engine, "before_cursor_execute", count_statement)
