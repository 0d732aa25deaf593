"""The allauth-headless envelope: ``{status, data?, meta?, errors?}`` and its response kinds.

Shapes follow the allauth "app" client as observed upstream (``allauth-headless-reference.md``
§0–§2), with the contract's addition: a successful login carries the tokens both in ``data``
(``access``/``refresh``, the seed's shape) and in ``meta`` (``access_token``/``refresh_token``,
what upstream clients read).
"""

from __future__ import annotations

from typing import Any

from flask import Response, current_app

from wger_flask.models.accounts import User
from wger_flask.rest.negotiation import NO_CACHE, dumps
from wger_flask.services.accounts import mfa
from wger_flask.services.accounts.tokens import TokenPair


def envelope(
    status: int,
    data: Any = None,
    meta: dict[str, Any] | None = None,
    errors: list[dict[str, str]] | None = None,
    session_token: str | None = None,
) -> Response:
    body: dict[str, Any] = {"status": status}
    if data is not None:
        body["data"] = data
    if meta is not None:
        body["meta"] = meta
    if errors:
        body["errors"] = errors
    response = Response(dumps(body), status=status, mimetype="application/json")
    response.headers["Cache-Control"] = NO_CACHE
    if session_token:
        response.headers["X-Session-Token"] = session_token
    return response


def error(field: str | None, code: str, message: str, status: int = 400) -> Response:
    item = {"message": message, "code": code}
    if field:
        item["param"] = field
    return envelope(status, errors=[item])


def errors(items: list[dict[str, str]], status: int = 400) -> Response:
    return envelope(status, errors=items)


def user_data(user: User) -> dict[str, Any]:
    """allauth's user object; keys with empty values are dropped."""
    data = {
        "id": user.id,
        "display": user.username,
        "email": user.email,
        "has_usable_password": bool(user.password_hash),
        "username": user.username,
    }
    return {key: value for key, value in data.items() if value not in ("", None)}


def anonymous_flows(pending_types: list[str] | None = None) -> list[dict[str, Any]]:
    flows: list[dict[str, Any]] = [{"id": "login"}]
    if current_app.config.get("ALLOW_REGISTRATION", True):
        flows.append({"id": "signup"})
    if pending_types is not None:
        flows.append({"id": "mfa_authenticate", "is_pending": True, "types": pending_types})
    return flows


def authenticated(
    user: User,
    methods: list[dict[str, Any]],
    *,
    session_token: str | None = None,
    pair: TokenPair | None = None,
) -> Response:
    """200: the user is signed in (a fresh login also gets the session token and tokens)."""
    data: dict[str, Any] = {"user": user_data(user), "methods": methods}
    meta: dict[str, Any] = {"is_authenticated": True}
    if session_token:
        meta["session_token"] = session_token
    if pair is not None:
        data["access"], data["refresh"] = pair.access, pair.refresh
        meta["access_token"], meta["refresh_token"] = pair.access, pair.refresh
    return envelope(200, data, meta, session_token=session_token)


def mfa_pending(user: User, session_token: str | None) -> Response:
    """401: the password was right, the second factor is due (``mfa_authenticate`` pending)."""
    meta: dict[str, Any] = {"is_authenticated": False}
    if session_token:
        meta["session_token"] = session_token
    data = {"flows": anonymous_flows(mfa.active_types(user)), "requires_mfa": True}
    return envelope(401, data, meta, session_token=session_token)


def not_authenticated() -> Response:
    """401: nobody is signed in."""
    return envelope(401, {"flows": anonymous_flows()}, {"is_authenticated": False})


def no_pending_stage(status: int = 401) -> Response:
    """401 (or 410 for a dead session token): no login waits here; ``is_authenticated: null``."""
    return envelope(status, {"flows": anonymous_flows()}, {"is_authenticated": None})


def reauthentication_required(user: User, methods: list[dict[str, Any]]) -> Response:
    """401: a sensitive change needs the password (or a code) again first."""
    flows: list[dict[str, Any]] = []
    if user.password_hash:
        flows.append({"id": "reauthenticate"})
    types = mfa.active_types(user)
    if types:
        flows.append({"id": "mfa_reauthenticate", "types": types})
    data = {"user": user_data(user), "methods": methods, "flows": flows}
    return envelope(401, data, {"is_authenticated": True})


def authenticator_data(row: Any, *, with_codes: list[str] | None = None) -> dict[str, Any]:
    """An authenticator as allauth lists it (no id for TOTP and recovery codes)."""
    data: dict[str, Any] = {
        "type": row.type,
        "created_at": row.created.timestamp(),
        "last_used_at": row.last_used.timestamp() if row.last_used else None,
    }
    if row.type == mfa.RECOVERY_CODES:
        total, unused = mfa.recovery_code_counts(row)
        data["total_code_count"], data["unused_code_count"] = total, unused
        if with_codes is not None:
            data["unused_codes"] = with_codes
    return data
