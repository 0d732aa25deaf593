"""The allauth-headless password endpoints (``allauth-headless-reference.md`` §1.1 rows 10–12
and 22): change, reset request, reset key check, reset.

- ``POST /account/password/change`` ``{current_password, new_password}``: 200 Authenticated
  with a new ``meta.session_token`` (the old session ends with every other one); no new
  access token, as upstream.
- ``POST /auth/password/request`` ``{email}``: always ``{"status": 200}`` (no hint whether an
  address has an account); 429 per client and per address.
- ``GET /auth/password/reset`` with ``X-Password-Reset-Key``: 200 ``data: {user}``.
- ``POST /auth/password/reset`` ``{key, password}``: 401 Not authenticated (no login on reset).
"""

from __future__ import annotations

from flask import Response, request

from wger_flask.blueprints.accounts import headless_responses as respond
from wger_flask.blueprints.accounts.headless import blp, body, caller, required, text_field
from wger_flask.extensions import db
from wger_flask.rest import throttling
from wger_flask.rest.transaction import commit
from wger_flask.services.accounts import app_sessions, lifecycle, users
from wger_flask.services.accounts.passwords import verify_password

INVALID_KEY = {
    "message": "The password reset token was invalid.",
    "code": "invalid_password_reset",
    "param": "key",
}


def _password_error(problem: users.AccountError, param: str) -> dict[str, str]:
    return {"message": str(problem), "code": problem.code, "param": param}


@blp.post("/account/password/change/")
def change_password() -> Response:
    """Change the password (the current one required): every session and token ends; the
    caller gets a new session token."""
    current = caller()
    if current.user is None:
        return respond.not_authenticated()
    user = current.user
    if lifecycle.over_quota(lifecycle.PASSWORD_CHANGE, f"user:{user.id}"):
        return respond.envelope(429)
    data = body()
    current_password = data.get("current_password")
    new_password = data.get("new_password")
    problems = []
    if user.password_hash:
        if not isinstance(current_password, str) or not current_password:
            problems.append(required("current_password"))
        elif not verify_password(user.password_hash, current_password):
            problems.append(
                {
                    "message": "Please type your current password.",
                    "code": "enter_current_password",
                    "param": "current_password",
                }
            )
    if not isinstance(new_password, str) or not new_password:
        problems.append(required("new_password"))
    if problems:
        return respond.errors(problems)
    assert isinstance(new_password, str)  # else a problem above
    try:
        lifecycle.set_new_password(user, new_password)
    except users.AccountError as problem:
        db.session.rollback()
        return respond.errors([_password_error(problem, "new_password")])
    if current.session is None:  # a Bearer token alone: there is no session to cycle
        commit()
        return respond.authenticated(user, [])
    methods = current.methods
    _, session_token = app_sessions.start_authenticated(user, methods, replaces=current.session)
    commit()
    return respond.authenticated(user, methods, session_token=session_token)


@blp.post("/auth/password/request/")
@throttling.throttle(lifecycle.PASSWORD_RESET)
def request_password_reset() -> Response:
    """Mail a reset link if an active account uses the address; the same answer if not."""
    caller()
    email = text_field(body(), "email")
    if email is None:
        return respond.errors([required("email")])
    if not users.EMAIL_RE.match(email) or len(email) > 254:
        return respond.error("email", "invalid", "Enter a valid email address.")
    if lifecycle.over_quota(lifecycle.PASSWORD_RESET_ADDRESS, email.lower()):
        return respond.envelope(429)
    user = lifecycle.user_for_reset_request(email)
    if user is not None:
        lifecycle.send_password_reset_mail(user)
    return respond.envelope(200)


@blp.get("/auth/password/reset/")
def check_password_reset_key() -> Response:
    """Whose key this is (``X-Password-Reset-Key``), before a new password is chosen."""
    caller()
    try:
        user = lifecycle.user_for_reset_key(request.headers.get("X-Password-Reset-Key", ""))
    except lifecycle.InvalidResetKey:
        return respond.errors([INVALID_KEY])
    return respond.envelope(200, {"user": respond.user_data(user)})


@blp.post("/auth/password/reset/")
@throttling.throttle(lifecycle.PASSWORD_RESET_CONFIRM)
def reset_password() -> Response:
    """A new password from a reset key; the key then stops working. Not logged in after."""
    caller()
    data = body()
    key = text_field(data, "key")
    password = data.get("password")
    problems = [] if key else [required("key")]
    if not isinstance(password, str) or not password:
        problems.append(required("password"))
    if problems:
        return respond.errors(problems)
    assert key is not None and isinstance(password, str)  # else a problem above
    try:
        lifecycle.reset_password(key, password)
    except lifecycle.InvalidResetKey:
        db.session.rollback()
        return respond.errors([INVALID_KEY])
    except users.AccountError as problem:
        db.session.rollback()
        return respond.errors([_password_error(problem, "password")])
    commit()
    return respond.not_authenticated()
