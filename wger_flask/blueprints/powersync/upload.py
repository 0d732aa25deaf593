"""``PUT | PATCH | DELETE /api/v2/upload-powersync-data``: one local change of the mobile app
2.x per request, written through its table's own rules (``tables``, ``services.powersync``).

Statuses as the app reads them: 200 ``{"status": "ok!"}``; 200 with an ``error`` key for a
refusal that retrying cannot cure; 401 for a bad token (the app refreshes it and re-sends), 403
without credentials; 503 when the database is unreachable (re-sent later); 500 otherwise.
"""

from __future__ import annotations

import logging
from typing import Any

import orjson
from flask import Response, request
from flask.views import MethodView
from sqlalchemy.exc import DataError, IntegrityError, InterfaceError, OperationalError

from wger_flask.blueprints.powersync.routes import blp
from wger_flask.blueprints.powersync.tables import TABLES
from wger_flask.extensions import db
from wger_flask.rest import negotiation
from wger_flask.rest.auth import current_user
from wger_flask.rest.errors import (
    DATA_DOES_NOT_FIT,
    APIError,
    ValidationFailed,
    integrity_errors,
)
from wger_flask.rest.smorest import AUTHENTICATED, set_doc
from wger_flask.rest.transaction import commit
from wger_flask.services.powersync import upload

log = logging.getLogger(__name__)
OK = {"status": "ok!"}


def answer(
    body: dict[str, Any], status: int = 200, headers: dict[str, Any] | None = None
) -> Response:
    response = Response(negotiation.dumps(body), status=status, mimetype="application/json")
    for key, value in (headers or {}).items():
        response.headers[key] = value
    return response


def request_body() -> object:
    """The JSON body (anything JSON); a body that is not JSON is the app's bug: a 400."""
    raw = request.get_data(cache=True)
    if not raw.strip():
        return {}
    try:
        return orjson.loads(raw)
    except orjson.JSONDecodeError as error:
        raise APIError(400, f"JSON parse error - {error}") from None


def upload_change() -> Response:
    """Write one local change of the mobile app (PUT creates, PATCH updates, DELETE deletes)."""
    user = current_user()  # a bad token: 401, which the app answers with a fresh token
    if user is None:
        raise APIError(403, "Authentication credentials were not provided.")
    body = request_body()
    try:
        name, data = upload.parse(body)
        table = upload.table_of(TABLES, name)
        operation = upload.OPERATIONS[request.method]
        if operation == upload.CREATE:
            upload.create(table, data, user)
        elif operation == upload.UPDATE:
            upload.update(table, data, user)
        else:
            upload.delete(table, data, user)
        commit()  # the request's one commit point (a broken constraint: ValidationFailed)
    except upload.Refused as refused:
        db.session.rollback()
        return answer(refused.body())
    except ValidationFailed as error:  # a domain rule's 400
        db.session.rollback()
        return answer(upload.refusal_of(error).body())
    except APIError as error:
        db.session.rollback()
        if error.code in (400, 403):
            return answer(upload.refusal_of(error).body())
        raise
    except (IntegrityError, DataError) as error:
        db.session.rollback()
        details = (
            integrity_errors(error)
            if isinstance(error, IntegrityError)
            else {"non_field_errors": [DATA_DOES_NOT_FIT]}
        )
        return answer(upload.Refused(upload.VALIDATION_FAILED, details).body())
    except (OperationalError, InterfaceError) as error:
        db.session.rollback()
        log.error("upload-powersync-data: database unavailable: %s", error)
        return answer({"error": "Temporarily unavailable"}, 503, {"Retry-After": "5"})
    return answer(OK)


class UploadView(MethodView):
    """One local change of the mobile app 2.x, written through its table's own rules."""

    def put(self) -> Response:
        """Create a row with the app's id (one the user already has: ok, unchanged)."""
        return upload_change()

    def patch(self) -> Response:
        """Change the columns the app sends of the user's row (none such: ok, unchanged)."""
        return upload_change()

    def delete(self) -> Response:
        """Delete the user's row (none such: ok, unchanged)."""
        return upload_change()


UPLOAD_BODY = {
    "type": "object",
    "properties": {
        "table": {"type": "string", "minLength": 1, "enum": sorted(TABLES)},
        "data": {"type": "object", "description": "The row's id and its changed columns"},
    },
}
UPLOAD_RESPONSES = {
    "200": {
        "description": 'Written ({"status": "ok!"}), or refused for good ({"error", "details"})',
        "content": {
            "application/json": {
                "schema": {
                    "type": "object",
                    "properties": {
                        "status": {"type": "string"},
                        "error": {"type": "string"},
                        "details": {},
                    },
                }
            }
        },
    },
    "401": {"description": "Invalid or expired token: the app refreshes it and retries"},
    "403": {"description": "The request is not authenticated"},
    "500": {"description": "Unclassified server error, the client should retry"},
    "503": {"description": "Transient database error, the client should retry"},
}
for method, operation_id, required in (
    ("put", "upload_powersync_data_update", ["table", "data"]),
    ("patch", "upload_powersync_data_partial_update", []),
    ("delete", "upload_powersync_data_destroy", []),
):
    body = {**UPLOAD_BODY, **({"required": required} if required else {})}
    set_doc(
        getattr(UploadView, method),
        {
            "operationId": operation_id,
            "tags": ["upload-powersync-data"],
            "requestBody": {
                "required": bool(required),
                "content": {"application/json": {"schema": body}},
            },
            "responses": UPLOAD_RESPONSES,
            "security": AUTHENTICATED,
        },
    )
blp.add_url_rule("/upload-powersync-data/", view_func=UploadView, endpoint="upload")
