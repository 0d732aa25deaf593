"""The allauth-headless "app" API under /allauth/app/v1: login (with the TOTP step), sign-up,
the session, second factors and token refresh, as allauth's app client speaks it."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

import orjson
from flask import Blueprint, Response, current_app, request

from wger_flask.blueprints.accounts import device_cookie
from wger_flask.blueprints.accounts import headless_responses as respond
from wger_flask.extensions import csrf, db
from wger_flask.models.accounts import AppSession, User
from wger_flask.rest import throttling
from wger_flask.rest.transaction import commit
from wger_flask.services.accounts import app_sessions, lifecycle, mfa, tokens, users
from wger_flask.services.accounts.passwords import verify_password

blp = Blueprint("headless", __name__, url_prefix="/allauth/app/v1")
csrf.exempt(blp)

RECENT_AUTHENTICATION_SECONDS = 300


class Gone(Exception):
    """The X-Session-Token names no live session (410)."""


@dataclass
class Caller:
    """Who is calling: the app session of ``X-Session-Token`` and/or a Bearer access token."""

    session: AppSession | None = None
    user: User | None = None
    claims: dict[str, Any] | None = None

    @property
    def methods(self) -> list[dict[str, Any]]:
        return list(self.session.methods) if self.session is not None else []

    @property
    def signed_in_user(self) -> User:
        """The user, where the view has made sure there is one."""
        assert self.user is not None
        return self.user

    def recently_authenticated(self) -> bool:
        """The last authentication record (or the token's auth_time) is under 5 minutes old."""
        moments = [record.get("at", 0) for record in self.methods]
        if self.claims is not None:
            moments.append(self.claims.get("auth_time", 0))
        return bool(moments) and time.time() - max(moments) < RECENT_AUTHENTICATION_SECONDS


def caller() -> Caller:
    """Resolve the session token (410 if dead) and a Bearer token (ignored if invalid)."""
    found = Caller()
    token = request.headers.get("X-Session-Token")
    if token is not None:
        found.session = app_sessions.lookup(token)
        if found.session is None:
            raise Gone()
        found.user = app_sessions.session_user(found.session)
    scheme, _, credential = request.headers.get("Authorization", "").partition(" ")
    if found.user is None and scheme.lower() == "bearer":
        try:
            found.claims = tokens.decode(credential.strip(), tokens.ACCESS)
            found.user = tokens.user_for_claims(found.claims)
        except tokens.InvalidToken:
            found.claims = None
        else:
            if found.session is None and found.claims.get("sid"):
                found.session = app_sessions.live_by_id(found.claims["sid"])
    return found


@blp.errorhandler(Gone)
def gone(_: Gone) -> Response:
    return respond.no_pending_stage(410)


def body() -> dict[str, Any]:
    """The JSON body ({} when empty); a body that is not a JSON object is a 400."""
    raw = request.get_data(cache=True)
    if not raw.strip():
        return {}
    try:
        data = orjson.loads(raw)
    except orjson.JSONDecodeError:
        data = None
    if not isinstance(data, dict):
        raise InvalidBody()
    return data


class InvalidBody(Exception):
    pass


@blp.errorhandler(InvalidBody)
def invalid_body(_: InvalidBody) -> Response:
    return respond.error(None, "invalid", "The request body must be a JSON object.")


def text_field(data: dict[str, Any], name: str) -> str | None:
    value = data.get(name)
    return value.strip() if isinstance(value, str) and value.strip() else None


def required(field: str) -> dict[str, str]:
    return {"message": "This field is required.", "code": "required", "param": field}


def finish_login(
    user: User, methods: list[dict[str, Any]], source: str, replaces: AppSession | None = None
) -> Response:
    """A completed login: a new app session, a token pair, one commit."""
    session, session_token = app_sessions.start_authenticated(user, methods, replaces)
    auth_time = max((record["at"] for record in methods), default=time.time())
    pair = tokens.mint_pair(user, source, session_id=session.id, auth_time=auth_time)
    commit()
    return respond.authenticated(user, methods, session_token=session_token, pair=pair)


# ------------------------------------------------------------------------------ config


@blp.get("/config/")
def config() -> Response:
    """What this server supports: login by username or email, sign-up, TOTP."""
    caller()
    return respond.envelope(
        200,
        {
            "account": {
                "login_methods": ["username", "email"],
                "is_open_for_signup": current_app.config["ALLOW_REGISTRATION"],
                "email_verification_by_code_enabled": False,
                "login_by_code_enabled": False,
                "password_reset_by_code_enabled": False,
                "authentication_method": "username_email",
            },
            "mfa": {
                "supported_types": [mfa.RECOVERY_CODES, mfa.TOTP],
                "passkey_login_enabled": False,
            },
        },
    )


# ------------------------------------------------------------------------------ login


@blp.post("/auth/login/")
@throttling.throttle(throttling.LOGIN)
def login() -> Response:
    """Username or email and password → tokens, or a pending TOTP step (401)."""
    current = caller()
    data = body()
    identifiers = [field for field in ("username", "email") if text_field(data, field)]
    password = data.get("password") if isinstance(data.get("password"), str) else None
    problems = [] if password else [required("password")]
    if len(identifiers) != 1:
        problems.append({"message": "Invalid login.", "code": "invalid_login"})
    if problems:
        return respond.errors(problems)
    field = identifiers[0]
    login_name = text_field(data, field)
    assert login_name is not None and password is not None  # else a problem above
    try:
        user = users.log_in(
            field,
            login_name,
            password,
            request.remote_addr,
            device=device_cookie.presented(),
            known_session_user_id=known_session_user_id(current),
        )
    except users.LoginRefused as refused:
        return respond.error(refused.param, refused.code, refused.message)
    if current.user is not None:
        return respond.envelope(409)
    methods = [app_sessions.auth_record("password", **{field: text_field(data, field)})]
    if mfa.has_totp(user):
        session, session_token = app_sessions.start_pending(user, methods)
        commit()
        return respond.mfa_pending(user, session_token)
    return finish_login(user, methods, "login")


def known_session_user_id(current: Caller) -> int | None:
    """The account of the app session the request carries (signed in or waiting for its
    second factor): an app that logged in to it before, for the lockout (``users.log_in``)."""
    if current.session is None:
        return None
    if current.user is not None:
        return current.user.id
    pending = app_sessions.pending_user(current.session)
    return pending.id if pending is not None else None


@blp.post("/auth/2fa/authenticate/")
@throttling.throttle(throttling.LOGIN)
def two_factor_authenticate() -> Response:
    """Finish a pending login with a TOTP or recovery code (X-Session-Token required)."""
    current = caller()
    session = current.session
    user = app_sessions.pending_user(session) if session is not None else None
    if user is None:
        return respond.no_pending_stage()
    code = text_field(body(), "code")
    if code is None:
        return respond.errors([required("code")])
    try:
        verified = mfa.verify_login_step(user, code)
    except mfa.TooManyFailures:
        return respond.error("code", "too_many_login_attempts", users.TOO_MANY_FAILURES)
    if verified is None:
        db.session.rollback()
        return respond.error("code", "incorrect_code", "Incorrect code.")
    assert session is not None and session.pending is not None  # a pending login (above)
    methods = list(session.pending["methods"]) + [
        app_sessions.auth_record("mfa", id=verified.authenticator_id, type=verified.type)
    ]
    return finish_login(user, methods, "2fa", replaces=session)


@blp.post("/auth/reauthenticate/")
def reauthenticate() -> Response:
    """Confirm the password again before a sensitive change."""
    current = caller()
    if current.user is None:
        return respond.not_authenticated()
    password = body().get("password")
    if not isinstance(password, str) or not verify_password(current.user.password_hash, password):
        return respond.error("password", "incorrect_password", "Incorrect password.")
    return _record_reauthentication(
        current, app_sessions.auth_record("password", reauthenticated=True)
    )


def _record_reauthentication(current: Caller, record: dict[str, Any]) -> Response:
    user = current.signed_in_user
    if current.session is None:  # a Bearer token without a session: nothing to remember it in
        return respond.authenticated(user, [record])
    current.session.methods = current.methods + [record]
    commit()
    return respond.authenticated(user, current.session.methods)


@blp.post("/auth/2fa/reauthenticate/")
def two_factor_reauthenticate() -> Response:
    """Confirm a TOTP or recovery code again before a sensitive change."""
    current = caller()
    if current.user is None:
        return respond.not_authenticated()
    code = text_field(body(), "code")
    if code is None:
        return respond.errors([required("code")])
    verified = mfa.verify(current.user, code)
    if verified is None:
        db.session.rollback()
        return respond.error("code", "incorrect_code", "Incorrect code.")
    record = app_sessions.auth_record(
        "mfa", id=verified.authenticator_id, type=verified.type, reauthenticated=True
    )
    return _record_reauthentication(current, record)


# ------------------------------------------------------------------------------ session


@blp.get("/auth/session/")
def session_state() -> Response:
    """Who is signed in (200), or the pending and possible flows (401)."""
    current = caller()
    if current.user is not None:
        return respond.authenticated(current.user, current.methods)
    if current.session is not None:
        user = app_sessions.pending_user(current.session)
        if user is not None:
            return respond.mfa_pending(user, None)
    return respond.not_authenticated()


@blp.delete("/auth/session/")
def logout() -> Response:
    """Log out: the session token dies (410 afterwards) with the refresh tokens it issued."""
    current = caller()
    if current.session is not None:
        app_sessions.end(current.session)
        commit()
    return respond.not_authenticated()


# ------------------------------------------------------------------------------ sign-up


@blp.post("/auth/signup/")
@throttling.throttle(throttling.REGISTRATION)
def signup() -> Response:
    """Create an account and sign it in (403 when registration is closed)."""
    current = caller()
    if not current_app.config["ALLOW_REGISTRATION"]:
        return respond.envelope(403)
    data = body()
    username, email = text_field(data, "username"), text_field(data, "email") or ""
    password = data.get("password") if isinstance(data.get("password"), str) else ""
    if current.user is not None:
        return respond.envelope(409)
    try:
        user = users.create_user(username or "", password or "", email=email)
    except users.AccountError as problem:
        db.session.rollback()
        field_code = "required" if problem.field == "username" and not username else problem.code
        message = "This field is required." if field_code == "required" else str(problem)
        return respond.error(problem.field, field_code, message)
    signed_in = finish_login(user, [], "signup")  # commits: the mail names a stored account
    lifecycle.send_verification_mail(user)  # at once, as allauth does on sign-up
    return signed_in
