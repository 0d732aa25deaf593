"""The web pages' session, kept on the server (Flask's ``SessionInterface`` over ``AppSession``).

Flask's default session is a signed cookie that carries its whole content, the login
included: nothing on the server can end it, so a copied cookie outlives logout. Here the
cookie carries only a random token (32 characters, ~165 bits; only its SHA-256 digest is
stored) naming an ``AppSession`` row of kind ``browser`` whose ``data`` holds what
``flask.session`` holds (the CSRF token, flashed messages, flask-login's keys, a pending 2FA
step). Ending the row (logout, password change, deactivation, "log out everywhere", idle or
absolute timeout) makes a replayed cookie anonymous on its next request.

Why this table and not a server-side session library (Flask-Session): the sessions page must
list a user's sessions and end them, browser and app alike; a library's store is a blob per id
with no user column, so it would need this table beside it anyway. One table holds both kinds.

Cost: a request with the cookie reads its session joined to its user in ONE statement (that
is also the request's user lookup: flask-login's loader finds the user already loaded). It
writes only when the content changed or ``last_seen`` is a minute old. Requests without the
cookie (the API with a key or token) touch nothing, and a request that carries an
``Authorization`` or ``X-Session-Token`` header is never sent a cookie.
"""

from __future__ import annotations

from typing import Any, cast

from flask import Flask, Request, Response, current_app
from flask.sessions import SessionInterface, SessionMixin
from werkzeug.datastructures import CallbackDict

from wger_flask.extensions import db
from wger_flask.models.accounts import User
from wger_flask.rest.transaction import commit_early
from wger_flask.services.accounts import app_sessions

SAVED_APART = "the browser session's own row, saved after the view's response and its commit"


class ServerSession(CallbackDict[str, Any], SessionMixin):
    """``flask.session``: a dict whose content is saved to the server after the request."""

    def __init__(
        self,
        initial: dict[str, Any] | None = None,
        *,
        record: app_sessions.BrowserSession | None = None,
        token: str | None = None,
    ) -> None:
        def on_update(session: ServerSession) -> None:
            session.modified = True
            session.accessed = True

        super().__init__(initial, on_update)
        self.record_id = record.id if record is not None else None
        self.user: User | None = record.user if record is not None else None
        self.last_seen = record.last_seen if record is not None else None
        self.token = token
        self.new_token = False  # a rotated or new token: the cookie must be (re)sent
        self.cookie_sent = token is not None
        self.modified = False
        self.accessed = False

    def rotate(self, user: User | None) -> None:
        """A new session id for the same content, signed in as ``user`` (None: nobody yet, as
        during the 2FA step). The old id ends at once: a fixed or copied one is worthless.
        Not committed: the view's commit makes it happen."""
        self.record_id, self.token = app_sessions.start_browser(
            dict(self), user=user, replaces=self.record_id
        )
        self.user = user
        self.last_seen = None
        self.new_token = True
        self.modified = True

    def end(self) -> None:
        """Log out: the server record ends and the content is dropped (not committed here)."""
        if self.record_id is not None:
            app_sessions.end_by_id(self.record_id)
        self.record_id, self.token, self.user = None, None, None
        self.clear()


def server_session() -> ServerSession:
    """This request's session: a ``ServerSession``, as this app's interface makes them all
    (``flask.session`` is typed as any ``SessionMixin``)."""
    from flask import session

    return cast(ServerSession, session)


def keep_signed_in(user: User) -> None:
    """After a change that ended every session of ``user`` (``users.set_password``), keep the
    browser that made the change signed in, under a new session id. Not committed here."""
    from flask_login import login_user

    server_session().rotate(user)
    login_user(user)


class ServerSessionInterface(SessionInterface):
    """Open the session from the cookie's token; save its content to the server."""

    def open_session(self, app: Flask, request: Request) -> ServerSession:
        token = request.cookies.get(self.get_cookie_name(app))
        if token:
            record = app_sessions.browser_lookup(token)
            if record is not None:
                return ServerSession(record.data, record=record, token=token)
        session = ServerSession()
        session.cookie_sent = bool(token)  # a dead token: the cookie is deleted on the way out
        return session

    # Only ever given the ServerSession its open_session made (Flask's type says any session).
    def save_session(self, app: Flask, session: ServerSession, response: Response) -> None:  # type: ignore[override]  # see above
        from flask import request

        if request.headers.get("Authorization") or request.headers.get("X-Session-Token"):
            return  # a token-authenticated client gets no cookie (and creates no session)
        if session.accessed:
            response.vary.add("Cookie")
        try:
            self._store(session)
        except Exception:
            db.session.rollback()
            current_app.logger.exception("the web session could not be saved")
            return
        name, domain, path = self.get_cookie_name(app), self.get_cookie_domain(app), "/"
        if session.token is None:
            if session.cookie_sent:
                response.delete_cookie(name, domain=domain, path=path)
            return
        if session.new_token:
            response.vary.add("Cookie")
            response.set_cookie(
                name,
                session.token,
                httponly=self.get_cookie_httponly(app),
                secure=app.config["SESSION_COOKIE_SECURE"] or request.is_secure,
                samesite=self.get_cookie_samesite(app),
                domain=domain,
                path=path,
            )

    def _store(self, session: ServerSession) -> None:
        """Create, update or leave the record; commits only when it wrote."""
        if session.record_id is None:
            if not session:
                return
            session.rotate(None)  # a first visit that stored something (e.g. a CSRF token)
            commit_early(SAVED_APART)
            return
        data = dict(session) if session.modified else None
        if app_sessions.save_browser(session.record_id, data, session.last_seen):
            commit_early(SAVED_APART)
