"""Sessions on the server: the headless API's app sessions and the web pages' browser sessions.

App sessions (``X-Session-Token``) hold a pending or finished login of the allauth-headless
API. The token is 32 random lowercase letters and digits (the shape of a Django session key);
only its SHA-256 digest is stored. A login waiting for its second factor lives 15 minutes
(``MFA_LOGIN_TIMEOUT``); a finished login as long as a refresh token. Completing a login gives
a new token and ends the pending one (as Django cycles the session key); logging out ends it.
An unknown, expired or ended token is answered 410 by the views.

Browser sessions are the same records (``kind="browser"``) with the content of
``flask.session`` in ``data``; the cookie holds only the token. They end after
``SESSION_IDLE_TIMEOUT`` idle minutes and ``SESSION_LIFETIME`` hours after they began.
``last_seen`` is written at most once a minute, so a page costs no write of its own.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
import string
import time
from dataclasses import dataclass
from typing import Any

from flask import current_app, has_request_context, request
from sqlalchemy import delete, select, update

from wger_flask.database import changed_rows
from wger_flask.extensions import db
from wger_flask.models.accounts import WITH_DATA_STAMP, AppSession, User
from wger_flask.models.types import utcnow
from wger_flask.services.accounts import tokens

ALPHABET = string.ascii_lowercase + string.digits
TOKEN_LENGTH = 32
APP, BROWSER = "app", "browser"
# Writing last_seen on every request would turn page views into writes; a minute is enough.
LAST_SEEN_RESOLUTION = dt.timedelta(minutes=1)
USER_AGENT_LENGTH = 255


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
        select(AppSession).where(AppSession.digest == _digest(token), AppSession.kind == APP)
    ).scalar_one_or_none()  # a browser session's cookie is no X-Session-Token
    if session is None or session.ended is not None or session.expires <= utcnow():
        return None
    if session.pending is not None and session.user_id is None and _pending_expired(session):
        return None
    return session


def _pending_expired(session: AppSession) -> bool:
    timeout: float = current_app.config["MFA_LOGIN_TIMEOUT_SECONDS"]
    started: float = (session.pending or {}).get("started", 0)
    return time.time() - started > timeout


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
        **_device(),
    )
    db.session.add(session)
    db.session.flush()
    return session, token


def live_by_id(session_id: int) -> AppSession | None:
    """The session an access token's ``sid`` names, unless it has ended (logged out)."""
    session = db.session.get(AppSession, session_id)
    live = session is not None and session.ended is None and session.kind == APP
    return session if live else None


def _device() -> dict[str, Any]:
    """Who opens a session, as the sessions page shows it: user agent and client address (the
    one ``NUMBER_OF_PROXIES`` trusted proxies vouch for)."""
    if not has_request_context():
        return {"user_agent": "", "address": "", "last_seen": utcnow()}
    agent = request.headers.get("User-Agent", "")[:USER_AGENT_LENGTH]
    return {"user_agent": agent, "address": (request.remote_addr or "")[:45], "last_seen": utcnow()}


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
        **_device(),
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


# ------------------------------------------------------------------ browser sessions


def idle_timeout() -> dt.timedelta:
    return dt.timedelta(minutes=current_app.config["SESSION_IDLE_TIMEOUT_MINUTES"])


def browser_lifetime() -> dt.timedelta:
    return dt.timedelta(hours=current_app.config["SESSION_LIFETIME_HOURS"])


@dataclass(frozen=True)
class BrowserSession:
    """What a request needs of its browser session, read in one statement."""

    id: int
    data: dict[str, Any]
    user: User | None  # the signed-in, active user (None: anonymous or a pending 2FA step)
    last_seen: dt.datetime | None


def browser_lookup(token: str | None) -> BrowserSession | None:
    """The live browser session of a cookie's token, with its user: ONE statement (the session
    row joined to its user), which is also the request's user lookup."""
    if not token or len(token) > 128:
        return None
    row = db.session.execute(
        select(AppSession, User)
        .outerjoin(User, User.id == AppSession.user_id)
        .where(AppSession.digest == _digest(token), AppSession.kind == BROWSER)
        .options(*WITH_DATA_STAMP)
    ).first()
    if row is None:
        return None
    session, user = row
    now = utcnow()
    seen = session.last_seen or session.created
    if session.ended is not None or session.expires <= now or now - seen > idle_timeout():
        return None
    if user is not None and not user.is_active:
        return None
    return BrowserSession(session.id, dict(session.data or {}), user, session.last_seen)


def start_browser(
    data: dict[str, Any], *, user: User | None = None, replaces: int | None = None
) -> tuple[int, str]:
    """A new browser session (a new token: login and the 2FA step rotate it). The one it
    replaces ends: deleted when nobody was signed in to it, else marked ended. Not committed."""
    if replaces is not None:
        _end_replaced(replaces)
    token = _new_token()
    session = AppSession(
        kind=BROWSER,
        digest=_digest(token),
        user_id=user.id if user is not None else None,
        data=data,
        methods=[],
        expires=utcnow() + browser_lifetime(),
        **_device(),
    )
    db.session.add(session)
    db.session.flush()
    if user is not None:
        user.last_login = utcnow()
    return session.id, token


def _end_replaced(session_id: int) -> None:
    db.session.execute(
        delete(AppSession)
        .where(AppSession.id == session_id, AppSession.user_id.is_(None))
        .execution_options(synchronize_session=False)
    )
    end_by_id(session_id)


def save_browser(
    session_id: int, data: dict[str, Any] | None, last_seen: dt.datetime | None
) -> bool:
    """Write a browser session's content (``data`` None: unchanged) and its last use (at most
    once a minute). True when something was written; not committed here."""
    values: dict[str, Any] = {}
    if data is not None:
        values["data"] = data
    now = utcnow()
    if last_seen is None or now - last_seen > LAST_SEEN_RESOLUTION:
        values["last_seen"] = now
    if not values:
        return False
    db.session.execute(
        update(AppSession)
        .where(AppSession.id == session_id, AppSession.ended.is_(None))
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    return True


def end_by_id(session_id: int) -> None:
    """End one session, browser or app, with the refresh tokens it issued (not committed)."""
    db.session.execute(
        update(AppSession)
        .where(AppSession.id == session_id, AppSession.ended.is_(None))
        .values(ended=utcnow(), pending=None, data=None)
        .execution_options(synchronize_session=False)
    )
    tokens.revoke_session(session_id)


def end_all(user: User) -> None:
    """End every session of a user, browser and app (not committed here)."""
    db.session.execute(
        update(AppSession)
        .where(AppSession.user_id == user.id, AppSession.ended.is_(None))
        .values(ended=utcnow(), pending=None, data=None)
        .execution_options(synchronize_session=False)
    )


def live_sessions(user: User) -> list[AppSession]:
    """The user's signed-in sessions, browser and app, most recently used first."""
    now = utcnow()
    rows = (
        db.session.execute(
            select(AppSession).where(
                AppSession.user_id == user.id,
                AppSession.ended.is_(None),
                AppSession.expires > now,
            )
        )
        .scalars()
        .all()
    )
    idle = idle_timeout()
    live = [
        row for row in rows if row.kind != BROWSER or now - (row.last_seen or row.created) <= idle
    ]
    return sorted(live, key=lambda row: row.last_seen or row.created, reverse=True)


def end_users_session(user: User, session_id: int) -> bool:
    """End one of the user's own sessions (another user's id ends nothing)."""
    session = db.session.get(AppSession, session_id)
    if session is None or session.user_id != user.id or session.ended is not None:
        return False
    end_by_id(session_id)
    return True


def purge(older_than: dt.timedelta = dt.timedelta(days=30)) -> int:
    """Delete sessions that ended or expired more than ``older_than`` ago, and anonymous
    browser sessions idle past their timeout (what a cron job runs: ``flask sessions purge``)."""
    now = utcnow()
    cutoff = now - older_than
    gone = changed_rows(
        db.session.execute(
            delete(AppSession)
            .where((AppSession.ended < cutoff) | (AppSession.expires < cutoff))
            .execution_options(synchronize_session=False)
        )
    )
    gone += changed_rows(
        db.session.execute(
            delete(AppSession)
            .where(
                AppSession.kind == BROWSER,
                AppSession.user_id.is_(None),
                AppSession.last_seen < now - idle_timeout(),
            )
            .execution_options(synchronize_session=False)
        )
    )
    return gone
