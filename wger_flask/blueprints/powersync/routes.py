"""The PowerSync routes of the mobile app 2.x: ``powersync-token`` (a token for the PowerSync
service and the service's URL) and ``powersync-keys`` (the JSON Web Key Set that service
verifies tokens with). Both without a trailing slash, as upstream spells them."""

from __future__ import annotations

from flask import Response, current_app, request

from wger_flask.models.types import utcnow
from wger_flask.rest import negotiation
from wger_flask.rest.auth import current_user
from wger_flask.rest.errors import APIError
from wger_flask.rest.permissions import require_user
from wger_flask.rest.smorest import AUTHENTICATED, Blueprint, documented, error_response
from wger_flask.services import powersync

blp = Blueprint(
    "powersync",
    __name__,
    url_prefix="/api/v2",
    description="PowerSync: the mobile app's token, the service's keys, local changes uploaded",
)

NOT_CONFIGURED = error_response("No key pair is configured (JWT_PRIVATE_KEY, JWT_PUBLIC_KEY)")


def configured_keys() -> powersync.KeyPair:
    """The key pair loaded at start-up, or a 503 saying what to set."""
    try:
        return powersync.keys_of(current_app.extensions)
    except powersync.KeysMissing as missing:
        raise APIError(503, str(missing)) from None


TOKEN_DOC = {
    "operationId": "powersync_token_retrieve",
    "tags": ["powersync-token"],
    "responses": {
        "200": {
            "description": "A token (RS256, aud powersync, 10 minutes) and the service URL",
            "content": {
                "application/json": {
                    "schema": {
                        "type": "object",
                        "properties": {
                            "token": {"type": "string"},
                            "powersync_url": {"type": "string"},
                        },
                        "required": ["powersync_url", "token"],
                    }
                }
            },
        },
        "401": error_response("Authentication credentials were not provided or invalid"),
        "503": NOT_CONFIGURED,
    },
    "security": AUTHENTICATED,
}
KEYS_DOC = {
    "operationId": "powersync_keys_retrieve",
    "tags": ["powersync-keys"],
    "responses": {
        "200": {
            "description": "A JSON Web Key Set holding the one public key",
            "content": {
                "application/json": {
                    "schema": {
                        "type": "object",
                        "properties": {
                            "keys": {
                                "type": "array",
                                "items": {"type": "object", "additionalProperties": {}},
                            }
                        },
                        "required": ["keys"],
                    }
                }
            },
        },
        "503": NOT_CONFIGURED,
    },
    "security": [],
}


@blp.route("/powersync-token/", endpoint="token", methods=["GET"])
@documented(TOKEN_DOC)
def powersync_token() -> Response:
    """A PowerSync token for the caller (10 minutes) and the URL of the PowerSync service."""
    user = require_user(current_user())
    keys = configured_keys()
    return negotiation.render(
        {
            "token": powersync.mint_token(keys, user.id, utcnow()),
            "powersync_url": powersync.service_url(current_app.config, request.host_url),
        }
    )


@blp.route("/powersync-keys/", endpoint="keys", methods=["GET"])
@documented(KEYS_DOC)
def powersync_keys() -> Response:
    """The public key set the PowerSync service verifies tokens with (no credentials needed)."""
    current_user()  # as every API route: bad credentials are a 401, none are fine
    return negotiation.render(configured_keys().jwks())
