"""JSON Web Tokens: access tokens for ``Authorization: Bearer``, decoded and checked here.

Claims: ``exp``, ``iat``, ``jti``, ``token_type`` (``access`` / ``refresh``), ``sub`` and
``user_id`` (the user's id as a string, as simplejwt writes it), and ``gen``, the account's
credential generation: changing the password or deactivating the account moves it on, and
every token minted before stops working at once.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import jwt as pyjwt
from flask import current_app
from flask_jwt_extended import create_access_token, decode_token
from flask_jwt_extended.exceptions import JWTExtendedException

from wger_flask.extensions import db
from wger_flask.models.accounts import User

ACCESS = "access"
REFRESH = "refresh"


class InvalidToken(Exception):
    """A token that must be refused; the message is safe to show to the client."""


def access_lifetime() -> dt.timedelta:
    return dt.timedelta(minutes=current_app.config["ACCESS_TOKEN_LIFETIME_MINUTES"])


def refresh_lifetime() -> dt.timedelta:
    return dt.timedelta(hours=current_app.config["REFRESH_TOKEN_LIFETIME_HOURS"])


def identity_claims(user: User, token_type: str) -> dict[str, Any]:
    return {"token_type": token_type, "user_id": str(user.id), "gen": user.auth_generation}


def mint_access(user: User, extra_claims: dict[str, Any] | None = None) -> str:
    """A short-lived access token for ``user``."""
    claims = identity_claims(user, ACCESS)
    claims.update(extra_claims or {})
    return create_access_token(
        identity=str(user.id), expires_delta=access_lifetime(), additional_claims=claims
    )


def decode(token: str, expected_type: str) -> dict[str, Any]:
    """Verify signature, algorithm, expiry and type; returns the claims or raises InvalidToken."""
    if not token or token.count(".") != 2:
        raise InvalidToken("Token is invalid")
    try:
        claims = decode_token(token)
    except pyjwt.ExpiredSignatureError:
        raise InvalidToken("Token is expired") from None
    except (pyjwt.InvalidTokenError, JWTExtendedException, ValueError, TypeError):
        raise InvalidToken("Token is invalid") from None
    token_type = claims.get("token_type")
    if token_type is None:
        raise InvalidToken("Token has no type")
    if token_type != expected_type or claims.get("type") != expected_type:
        raise InvalidToken("Token has wrong type")
    if not isinstance(claims.get("sub"), str) or claims.get("user_id") != claims["sub"]:
        raise InvalidToken("Token contained no recognizable user identification")
    return claims


def user_for_claims(claims: dict[str, Any]) -> User:
    """The active user the claims name, at the credential generation they were minted in."""
    try:
        user_id = int(claims["sub"])
    except (KeyError, ValueError):
        raise InvalidToken("Token contained no recognizable user identification") from None
    user = db.session.get(User, user_id)
    if user is None:
        raise InvalidToken("User not found")
    if not user.is_active:
        raise InvalidToken("User is inactive")
    if claims.get("gen") != user.auth_generation:
        raise InvalidToken("Token is invalid")
    return user


def user_for_access_token(token: str) -> User:
    """The user behind a Bearer access token; raises InvalidToken."""
    return user_for_claims(decode(token, ACCESS))
