"""allauth-headless app sessions: the ``X-Session-Token`` of a pending or finished login.

The token is 32 random lowercase letters and digits (the shape of a Django session key);
only its SHA-256 digest is stored. A login waiting for its second factor lives 15 minutes
(``MFA_LOGIN_TIMEOUT``); a finished login as long as a refresh token. Completing a login gives
a new token and ends the pending one (as Django cycles the session key); logging out ends it.
An unknown, expired or ended token is answered 410 by the views.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
import string
import time
from typing import Any

from flask import current_app
from sqlalchemy import select

from wger_flask.extensions import db
from wger_flask.models.accounts import AppSession, User
from wger_flask.models.types import utcnow
from wger_flask.services.accounts import tokens

ALPHABET = string.ascii_lowercase + string.digits
TOKEN_LENGTH = 32


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def _new_token() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(TOKEN_LENGTH))


def auth_record(method: str, **extra: Any) -> dict[str, Any]:
    """An authentication record as allauth shows it in ``data.methods``."""
    return {"method": method, "at": time.time(), **extra}


def lookup(token: str | None) -> AppSession | None:
    """The live session of a token, or None (→ 410)."""
    if not token or len(token) > 128:
        return None
    session = db.session.execute(
        select(AppSession).where(AppSession.digest == _digest(token))
    ).scalar_one_or_none()
    if session is None or session.ended is not None or session.expires <= utcnow():
        return None
    if session.pending is not None and session.user_id is None and _pending_expired(session):
        return None
    return session


def _pending_expired(session: AppSession) -> bool:
    timeout = current_app.config["MFA_LOGIN_TIMEOUT_SECONDS"]
    return time.time() - session.pending.get("started", 0) > timeout


def start_pending(user: User, methods: list[dict[str, Any]]) -> tuple[AppSession, str]:
    """A session holding a login that waits for its second factor. Not committed here."""
    token = _new_token()
    timeout = dt.timedelta(seconds=current_app.config["MFA_LOGIN_TIMEOUT_SECONDS"])
    session = AppSession(
        digest=_digest(token),
        pending={
            "user_id": user.id,
            "gen": user.auth_generation,
            "methods": methods,
            "started": time.time(),
        },
        methods=[],
        expires=utcnow() + timeout,
    )
    db.session.add(session)
    db.session.flush()
    return session, token


def live_by_id(session_id: int) -> AppSession | None:
    """The session an access token's ``sid`` names, unless it has ended (logged out)."""
    session = db.session.get(AppSession, session_id)
    return session if session is not None and session.ended is None else None


def pending_user(session: AppSession) -> User | None:
    """The user whose login waits in ``session`` (still active, same credentials)."""
    if session.pending is None or session.user_id is not None:
        return None
    user = db.session.get(User, session.pending["user_id"])
    if user is None or not user.is_active or user.auth_generation != session.pending.get("gen"):
        return None
    return user


def start_authenticated(
    user: User, methods: list[dict[str, Any]], replaces: AppSession | None = None
) -> tuple[AppSession, str]:
    """A signed-in session (a finished login); ends the session it replaces. Not committed."""
    if replaces is not None:
        replaces.ended = utcnow()
    token = _new_token()
    session = AppSession(
        digest=_digest(token),
        user_id=user.id,
        methods=methods,
        expires=utcnow() + tokens.refresh_lifetime(),
    )
    db.session.add(session)
    db.session.flush()
    user.last_login = utcnow()
    return session, token


def session_user(session: AppSession) -> User | None:
    """The signed-in user of a session (None for a pending one or a changed account)."""
    if session.user_id is None:
        return None
    user = db.session.get(User, session.user_id)
    return user if user is not None and user.is_active else None


def end(session: AppSession) -> None:
    """Log out: the token dies (410 from now on) and so do the refresh tokens it issued."""
    session.ended = utcnow()
    session.pending = None
    tokens.revoke_session(session.id)
