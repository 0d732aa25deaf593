"""Every error body in one place: DRF's shapes under /api/v2, the allauth envelope under
/allauth, HTML pages for the web.

Views raise (``abort``-style helpers below, or any werkzeug ``HTTPException``); the handlers
registered by ``register_error_handlers`` turn the exception into the body the client expects.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from flask import Flask, Response, current_app, g, render_template, request
from sqlalchemy.exc import DataError, DBAPIError, IntegrityError, OperationalError
from werkzeug.exceptions import HTTPException, InternalServerError

from wger_flask.rest import negotiation

# app.extensions key of the callable giving a 429's Retry-After (set by rest.throttling)
RETRY_AFTER_PROVIDER = "wger_retry_after"

log = logging.getLogger(__name__)

API_PREFIX = "/api/"
ALLAUTH_PREFIX = "/allauth/"

# DRF's default messages, so clients that show `detail` read the familiar text.
DETAIL_BY_STATUS = {
    400: "Bad request.",
    401: "Authentication credentials were not provided.",
    403: "You do not have permission to perform this action.",
    404: "Not found.",
    406: "Could not satisfy the request Accept header.",
    409: "Conflict.",
    413: "Request entity too large.",
    415: "Unsupported media type in request.",
    429: "Request was throttled.",
    500: "A server error occurred.",
    503: "Service temporarily unavailable, try again later.",
}


class APIError(HTTPException):
    """An error with a DRF body: ``{"detail": ..., "code"?: ...}`` or a field dict for 400."""

    def __init__(
        self,
        status: int,
        detail: str | None = None,
        *,
        code: str | None = None,
        body: Any = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(description=detail or DETAIL_BY_STATUS.get(status, ""))
        self.code = status
        self.body = body
        self.error_code = code
        self.extra_headers = headers or {}

    def payload(self) -> Any:
        if self.body is not None:
            return self.body
        payload: dict[str, Any] = {"detail": self.description}
        if self.error_code:
            payload["code"] = self.error_code
        return payload


class ValidationFailed(APIError):
    """400 with DRF's field-error dict, e.g. ``{"end": ["..."]}``."""

    def __init__(self, errors: dict[str, Any]) -> None:
        super().__init__(400, body=_listify(errors))


END_BEFORE_START = "The end date cannot be before the start date."
END_BEFORE_START_TIME = "The end cannot be before the start."


def refuse_end_before_start(start: Any, end: Any, field: str = "end") -> None:
    """The one end-before-start rule: a 400 naming ``field`` when ``end`` (a date or a moment)
    comes before ``start``; nothing when either is missing."""
    if start is None or end is None or not end < start:
        return
    timed = hasattr(end, "hour")  # a datetime: its own wording, as upstream's
    raise ValidationFailed({field: [END_BEFORE_START_TIME if timed else END_BEFORE_START]})


def _listify(errors: Any) -> Any:
    """DRF lists every message; marshmallow sometimes nests dicts (kept) or gives a string."""
    if isinstance(errors, dict):
        return {str(key): _listify(value) for key, value in errors.items()}
    if isinstance(errors, (list, tuple)):
        return [_listify(item) if isinstance(item, dict) else str(item) for item in errors]
    return [str(errors)]


# The challenge of every 401 under /api/v2/ (the contract: standard HTTP, not upstream's 403).
CHALLENGE = {"WWW-Authenticate": 'Bearer realm="api"'}


def not_authenticated(detail: str | None = None, code: str | None = None) -> APIError:
    return APIError(401, detail, code=code, headers=CHALLENGE)


def not_found(detail: str | None = None) -> APIError:
    return APIError(404, detail)


def method_not_allowed_detail(method: str) -> str:
    return f'Method "{method}" not allowed.'


# --------------------------------------------------------------------------------------
# Rendering


def _retry_after_seconds() -> int:
    """Seconds until a throttled client may try again, from the rate limiter that
    ``rest.throttling.init_app`` registers (1 when none answers)."""
    provider = current_app.extensions.get(RETRY_AFTER_PROVIDER)
    return (provider() if provider is not None else None) or 1


def _throttled_detail() -> str:
    seconds = _retry_after_seconds()
    return f"Request was throttled. Expected available in {seconds} second{'s' if seconds != 1 else ''}."


def _api_payload(error: HTTPException) -> dict[str, Any]:
    if isinstance(error, APIError):
        payload: dict[str, Any] = error.payload()
        return payload
    status = error.code or 500
    if status == 429:
        return {"detail": _throttled_detail()}
    if status == 405:
        return {"detail": method_not_allowed_detail(request.method)}
    if status == 415:
        mimetype = request.mimetype or ""
        return {"detail": f'Unsupported media type "{mimetype}" in request.'}
    data = getattr(error, "data", None)
    if status in (400, 422) and isinstance(data, dict):
        messages = data.get("messages") or data.get("errors")
        if isinstance(messages, dict):
            # webargs nests by location ({"query": {...}}): DRF shows the fields themselves.
            flat: dict[str, Any] = {}
            for value in messages.values():
                if isinstance(value, dict):
                    flat.update(value)
            listed: dict[str, Any] = _listify(flat or messages)
            return listed
    if status >= 500:
        return {"detail": DETAIL_BY_STATUS.get(status, DETAIL_BY_STATUS[500])}
    default = DETAIL_BY_STATUS.get(status)
    description = error.description if error.description else default
    # werkzeug's stock sentences are long and HTML-ish; DRF's short ones are what clients know.
    if default and description == type(error).description:
        description = default
    return {"detail": description}


def _headers_of(error: HTTPException) -> dict[str, str]:
    headers: dict[str, str] = {}
    if isinstance(error, APIError):
        headers.update(error.extra_headers)
    if error.code == 405:
        valid = getattr(error, "valid_methods", None)
        if valid:
            headers["Allow"] = ", ".join(valid)
    if error.code == 429:
        headers["Retry-After"] = str(_retry_after_seconds())
    return headers


def api_error_response(error: HTTPException) -> Response:
    """The DRF-shaped response (JSON, or the browsable page when the browser asked)."""
    status = 400 if error.code == 422 else (error.code or 500)
    payload = _api_payload(error)
    if status >= 500 and isinstance(payload, dict) and g.get("request_id"):
        # the id every log line of this request carries (rest.requestlog): what a user quotes
        # to the operator (it is in the X-Request-ID header of every answer too)
        payload = {**payload, "request_id": g.request_id}
    headers = _headers_of(error)
    outcome = negotiation.negotiated_or_json()
    if outcome.is_html:
        return negotiation.render_browsable(payload, status, headers)
    body = negotiation.dumps(payload, outcome.indent)
    response = Response(body, status=status, mimetype=negotiation.JSON_MIMETYPE)
    for key, value in headers.items():
        response.headers[key] = value
    return response


def allauth_error_response(error: HTTPException) -> Response:
    """The allauth headless envelope: ``{"status": N, "errors"?: [...]}``."""
    status = error.code or 500
    payload: dict[str, Any] = {"status": status}
    if isinstance(error, APIError) and error.body is not None:
        payload = error.body
    elif 400 <= status < 500 and status not in (401, 404, 405, 410, 429):
        message = error.description or DETAIL_BY_STATUS.get(status, "")
        payload["errors"] = [{"message": message, "code": error.name.lower().replace(" ", "_")}]
    response = Response(negotiation.dumps(payload), status=status, mimetype="application/json")
    response.headers["Cache-Control"] = negotiation.NO_CACHE  # as every headless answer
    for key, value in _headers_of(error).items():
        response.headers[key] = value
    return response


def html_error_response(error: HTTPException) -> Response:
    status = error.code or 500
    body = render_template("error.html", status=status, title=error.name, error=error)
    response = Response(body, status=status, mimetype="text/html")
    for key, value in _headers_of(error).items():
        response.headers[key] = value
    return response


def handle_http_exception(error: HTTPException) -> Response:
    """Shape any HTTP error by the area of the site it happened in."""
    if error.code is None:  # a RequestRedirect or similar routing exception
        # A routing exception is a WSGI response itself: Flask sends it as it is.
        return error  # type: ignore[return-value]  # RequestRedirect answers as its own response
    path = request.path
    if path.startswith(API_PREFIX):
        return api_error_response(error)
    if path.startswith(ALLAUTH_PREFIX):
        return allauth_error_response(error)
    return html_error_response(error)


def handle_database_unavailable(error: DBAPIError) -> Response:
    """A database outage is a 503 the load balancer can act on, never an HTML 500."""
    log.error("database unavailable: %s", error)
    from wger_flask.database import db

    db.session.rollback()
    unavailable = APIError(503, headers={"Retry-After": "5"})
    if request.path.startswith(API_PREFIX) or request.path in ("/healthz/", "/readyz/"):
        return api_error_response(unavailable)
    return handle_http_exception(unavailable)


DATA_DOES_NOT_FIT = "A value does not fit its field (too long or out of range)."


def handle_data_error(error: DataError) -> Response:
    """A value the database cannot hold (too long, out of range), wherever the statement ran
    (a commit, a flush, a query): the client's 400, and nothing of the request is kept."""
    from wger_flask.database import db

    db.session.rollback()
    return handle_http_exception(ValidationFailed({"non_field_errors": [DATA_DOES_NOT_FIT]}))


def integrity_errors(error: Exception) -> dict[str, list[str]]:
    """The client's view of a broken constraint, naming the fields (DRF's wording): one
    unique column → ``{"name": ["... already exists."]}``; several → the unique set."""
    message = str(getattr(error, "orig", error))
    columns = unique_columns(message)
    if columns:
        # foreign keys go by their field's name; the owner is implicit in every request
        names = [column.removesuffix("_id") if column != "id" else column for column in columns]
        named = [name for name in names if name != "user"] or names
        if len(named) == 1:
            return {named[0]: [f"An object with this {named[0]} already exists."]}
        return {"non_field_errors": [f"The fields {', '.join(named)} must make a unique set."]}
    lowered = message.lower()
    if "unique" in lowered or "duplicate" in lowered:
        return {"non_field_errors": ["The fields must make a unique set: such a row exists."]}
    if "foreign key" in lowered:
        return {"non_field_errors": ["A related object does not exist."]}
    return {"non_field_errors": ["The data conflicts with stored data."]}


_SQLITE_UNIQUE = re.compile(r"UNIQUE constraint failed: (.+)$", re.MULTILINE)
_POSTGRES_KEY = re.compile(r"Key \((.+?)\)=\(")


def unique_columns(message: str) -> list[str] | None:
    """The columns of a unique violation, from SQLite's or PostgreSQL's message."""
    found = _SQLITE_UNIQUE.search(message)
    if found:
        return [part.strip().rsplit(".", 1)[-1] for part in found.group(1).split(",")]
    found = _POSTGRES_KEY.search(message)
    if found and ("unique" in message or "duplicate key" in message):
        return [part.strip().strip('"') for part in found.group(1).split(",")]
    return None


def handle_integrity_error(error: IntegrityError) -> Response:
    """A constraint the request broke outside the commit point (an early flush): a 400."""
    from wger_flask.database import db

    db.session.rollback()
    return handle_http_exception(ValidationFailed(integrity_errors(error)))


OUT_OF_RANGE = "A date or number is outside the range this server can compute with."


def handle_overflow(error: OverflowError) -> Response:
    """Arithmetic past the calendar's or a number's end, on a value the client sent (a date
    at 9999-12-31 plus a day): the client's 400. Field types and filters catch what they can
    name first; this is the backstop, so it is never a 500."""
    from wger_flask.database import db

    log.info("overflow on %s %s: %s", request.method, request.path, error)
    db.session.rollback()
    return handle_http_exception(ValidationFailed({"non_field_errors": [OUT_OF_RANGE]}))


def handle_unexpected(error: Exception) -> Response:
    """Anything else: logged with its traceback, answered as a plain 500 in the right shape."""
    if isinstance(error, HTTPException):
        return handle_http_exception(error)
    log.exception("unhandled error on %s %s", request.method, request.path)
    return handle_http_exception(InternalServerError())


def register_error_handlers(app: Flask) -> None:
    app.register_error_handler(HTTPException, handle_http_exception)
    app.register_error_handler(OperationalError, handle_database_unavailable)
    app.register_error_handler(DataError, handle_data_error)
    app.register_error_handler(OverflowError, handle_overflow)
    app.register_error_handler(IntegrityError, handle_integrity_error)
    app.register_error_handler(Exception, handle_unexpected)
