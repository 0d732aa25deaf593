"""One current user from three transports: session cookie, ``Token <key>``, ``Bearer <JWT>``.

An ``Authorization`` header decides: a bad key or token is a 401 even on public endpoints (as
DRF does), never a silent fall-back to anonymous. Without the header the session cookie of the
web pages counts, and then unsafe methods must carry the CSRF token.
"""

from __future__ import annotations

from flask import g, request
from flask_login import current_user as session_user
from flask_wtf.csrf import CSRFError

from wger_flask.extensions import csrf, db
from wger_flask.models.accounts import User
from wger_flask.rest.errors import CHALLENGE, APIError, not_authenticated
from wger_flask.services import api_keys, tokens

SESSION, TOKEN, BEARER = "session", "token", "bearer"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def current_user() -> User | None:
    """The authenticated user of this request, or None; raises 401 for bad credentials."""
    if "_api_user" not in g:
        g._api_user, g.auth_transport = _authenticate()
    return g._api_user


def auth_transport() -> str | None:
    current_user()
    return g.auth_transport


def _authenticate() -> tuple[User | None, str | None]:
    header = request.headers.get("Authorization", "")
    if header.strip():
        scheme, _, credentials = header.strip().partition(" ")
        credentials = credentials.strip()
        if scheme.lower() == "token":
            return _by_api_key(credentials), TOKEN
        if scheme.lower() == "bearer":
            return _by_access_token(credentials), BEARER
        # Another scheme (e.g. Basic) is not ours: as DRF, it authenticates nobody.
    if session_user.is_authenticated:
        if request.method not in SAFE_METHODS:
            _check_csrf()
        return session_user._get_current_object(), SESSION
    return None, None


def _by_api_key(key: str) -> User:
    if not key or " " in key:
        raise not_authenticated("Invalid token header. Token string should not contain spaces.")
    user = api_keys.user_for_key(key)
    if user is None:
        raise not_authenticated("Invalid token.")
    if db.session.dirty:
        db.session.commit()  # the key's last-used time: bookkeeping, kept apart from the view
    return user


def _by_access_token(token: str) -> User:
    try:
        return tokens.user_for_access_token(token)
    except tokens.InvalidToken as error:
        raise APIError(
            401,
            "Given token not valid for any token type",
            body={
                "detail": "Given token not valid for any token type",
                "code": "token_not_valid",
                "messages": [
                    {"token_class": "AccessToken", "token_type": "access", "message": str(error)}
                ],
            },
            headers=CHALLENGE,
        ) from None


def _check_csrf() -> None:
    try:
        csrf.protect()
    except CSRFError as error:
        raise APIError(403, f"CSRF Failed: {error.description}") from None


def load_session_user(session_id: str) -> User | None:
    """flask-login's loader: the session holds ``"<user id>:<credential generation>"``, so a
    password change or deactivation ends every open session too."""
    user_id, _, generation = session_id.partition(":")
    if not user_id.isdigit():
        return None
    user = db.session.get(User, int(user_id))
    if user is None or not user.is_active or str(user.auth_generation) != generation:
        return None
    return user
