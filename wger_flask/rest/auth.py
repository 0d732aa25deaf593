"""One current user from three transports: session cookie, ``Token <key>``, ``Bearer <JWT>``.

An ``Authorization`` header decides: a bad key or token is a 401 even on public endpoints (as
DRF does), never a silent fall-back to anonymous. Without the header the session cookie of the
web pages counts, and then unsafe methods must carry the CSRF token.

The generic layer knows the transports, not the accounts: the accounts domain registers how a
key and an access token become a user (``register_credential_loader``, kept per app in
``app.extensions``), as Flask-Login's ``user_loader`` does for the session cookie.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

from flask import Flask, current_app, g, request
from flask_login import current_user as session_user
from flask_wtf.csrf import CSRFError

from wger_flask.database import db
from wger_flask.rest.errors import APIError, not_authenticated
from wger_flask.rest.transaction import commit_early

SESSION, TOKEN, BEARER = "session", "token", "bearer"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

# scheme ("token", "bearer") → credentials → user; a loader answers None or raises APIError(401)
CredentialLoader = Callable[[str], Any]
LOADERS = "wger_credential_loaders"  # app.extensions key: {scheme: loader}


def register_credential_loader(app: Flask, scheme: str, loader: CredentialLoader) -> None:
    """Let ``Authorization: <scheme> <credentials>`` authenticate through ``loader`` on
    ``app`` (each app its own: two apps in one process do not share them)."""
    app.extensions.setdefault(LOADERS, {})[scheme.lower()] = loader


def current_user() -> Any:
    """The authenticated user of this request, or None; raises 401 for bad credentials."""
    if "_api_user" not in g:
        g._api_user, g.auth_transport = _authenticate()
    return g._api_user


def auth_transport() -> str | None:
    current_user()
    return cast("str | None", g.auth_transport)


def _authenticate() -> tuple[Any, str | None]:
    header = request.headers.get("Authorization", "")
    if header.strip():
        scheme, _, credentials = header.strip().partition(" ")
        credentials = credentials.strip()
        if scheme.lower() == TOKEN:
            return _by_api_key(credentials), TOKEN
        if scheme.lower() == BEARER:
            return _loader(BEARER)(credentials), BEARER
        # Another scheme (e.g. Basic) is not ours: as DRF, it authenticates nobody.
    if session_user.is_authenticated:
        if request.method not in SAFE_METHODS:
            _check_csrf()
        return session_user._get_current_object(), SESSION
    return None, None


def _loader(scheme: str) -> CredentialLoader:
    loader = current_app.extensions.get(LOADERS, {}).get(scheme)
    if loader is None:  # the app was built without the accounts domain
        raise not_authenticated("Invalid token.")
    return cast(CredentialLoader, loader)


def _by_api_key(key: str) -> Any:
    if not key or " " in key:
        raise not_authenticated("Invalid token header. Token string should not contain spaces.")
    user = _loader(TOKEN)(key)
    if user is None:
        raise not_authenticated("Invalid token.")
    if db.session.dirty:
        commit_early("the key's last-used time: bookkeeping, kept apart from the view's writes")
    return user


def _check_csrf() -> None:
    try:
        current_app.extensions["csrf"].protect()
    except CSRFError as error:
        raise APIError(403, f"CSRF Failed: {error.description}") from None
