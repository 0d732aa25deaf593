"""simplejwt's token endpoints, /api/v2/token/refresh and /api/v2/token/verify (JSON or form
bodies, as the seed's examples send them), and /api/v2/issue-refresh-token."""

from __future__ import annotations

from typing import Any

from flask import Response

from wger_flask.extensions import csrf, db
from wger_flask.rest import negotiation
from wger_flask.rest.auth import current_user
from wger_flask.rest.errors import ValidationFailed, not_authenticated
from wger_flask.rest.permissions import require_user
from wger_flask.rest.requests import json_body
from wger_flask.rest.smorest import AUTHENTICATED, Blueprint, documented, error_response
from wger_flask.rest.transaction import commit, commit_early
from wger_flask.services.accounts import tokens

blp = Blueprint("tokens", __name__, url_prefix="/api/v2", description="JSON Web Tokens")
csrf.exempt(blp)


def required_text(field: str) -> str:
    value = json_body(allow_form=True).get(field)
    if value is None or value == "":
        raise ValidationFailed({field: ["This field is required."]})
    if not isinstance(value, str):
        raise ValidationFailed({field: ["Not a valid string."]})
    return value


def _schema(properties: dict[str, Any], required: list[str]) -> dict[str, Any]:
    return {"type": "object", "properties": properties, "required": required}


TOKEN_PAIR = _schema(
    {"access": {"type": "string", "readOnly": True}, "refresh": {"type": "string"}},
    ["access", "refresh"],
)
BODY_TYPES = ("application/json", "application/x-www-form-urlencoded")
TOKEN_NOT_VALID = "token_not_valid"


REFRESH_DOC = {
    "operationId": "token_refresh_create",
    "requestBody": {
        "required": True,
        "content": {
            kind: {"schema": _schema({"refresh": {"type": "string", "minLength": 1}}, ["refresh"])}
            for kind in BODY_TYPES
        },
    },
    "responses": {
        "200": {
            "description": "A new pair",
            "content": {"application/json": {"schema": TOKEN_PAIR}},
        },
        "400": error_response("The refresh field is missing"),
        "401": error_response("Invalid, expired or blocklisted token"),
    },
    "security": [],
}
VERIFY_DOC = {
    "operationId": "token_verify_create",
    "requestBody": {
        "required": True,
        "content": {
            kind: {"schema": _schema({"token": {"type": "string", "minLength": 1}}, ["token"])}
            for kind in BODY_TYPES
        },
    },
    "responses": {
        "200": {
            "description": "The token is valid",
            "content": {"application/json": {"schema": {"type": "object"}}},
        },
        "400": error_response("The token field is missing"),
        "401": error_response("Invalid or expired token"),
    },
    "security": [],
}
ISSUE_DOC = {
    "operationId": "issue_refresh_token_create",
    "responses": {
        "200": {
            "description": "A refresh token",
            "content": {
                "application/json": {
                    "schema": _schema({"refresh_token": {"type": "string"}}, ["refresh_token"])
                }
            },
        },
        "401": error_response("Authentication credentials were not provided or invalid"),
    },
    "security": AUTHENTICATED,
}


@blp.route("/token/refresh/", endpoint="refresh", methods=["POST"])
@documented(REFRESH_DOC)
def refresh() -> Response:
    """Rotate a refresh token: the old one is blocklisted at once; a second use gets 401."""
    token = required_text("refresh")
    try:
        pair = tokens.rotate(token)
    except tokens.ReusedToken as refused:
        commit_early("the family revocation stands although this request fails")
        raise not_authenticated(str(refused), TOKEN_NOT_VALID) from None
    except tokens.InvalidToken as refused:
        db.session.rollback()
        raise not_authenticated(str(refused), TOKEN_NOT_VALID) from None
    commit()
    return negotiation.render({"access": pair.access, "refresh": pair.refresh})


@blp.route("/token/verify/", endpoint="verify", methods=["POST"])
@documented(VERIFY_DOC)
def verify() -> Response:
    """Check a token: 200 ``{}`` if it is valid, 401 otherwise."""
    try:
        tokens.verify(required_text("token"))
    except tokens.InvalidToken as refused:
        raise not_authenticated(str(refused), TOKEN_NOT_VALID) from None
    return negotiation.render({})


@blp.route("/issue-refresh-token/", endpoint="issue_refresh_token", methods=["POST"])
@documented(ISSUE_DOC)
def issue_refresh_token() -> Response:
    """A new long-lived refresh token for the caller (any credentials: key, token, session)."""
    user = require_user(current_user())
    token = tokens.mint_refresh(user, "issue-refresh-token")
    commit()
    return negotiation.render({"refresh_token": token})
