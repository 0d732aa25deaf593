"""The web pages: log in (with the 2FA step), sign up, log out, verify an email address.

Server-rendered, usable without JavaScript, CSRF-protected (flask-wtf) on every form. The
settings pages (API key, 2FA) are in ``web_settings``.
"""

from __future__ import annotations

import time
from typing import Any
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    Response,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required, login_user, logout_user
from itsdangerous import BadSignature, SignatureExpired
from werkzeug.wrappers import Response as WerkzeugResponse

from wger_flask.blueprints.accounts import device_cookie
from wger_flask.blueprints.accounts.session_store import server_session
from wger_flask.extensions import db, login_manager
from wger_flask.models.accounts import User
from wger_flask.rest import throttling
from wger_flask.rest.transaction import commit
from wger_flask.services.accounts import lifecycle, mfa, users

blp = Blueprint("web", __name__)
PENDING_KEY = "pending_2fa"


@login_manager.unauthorized_handler
def ask_to_log_in() -> WerkzeugResponse:
    """Pages that need a login send the browser to it (the API answers 401 instead)."""
    return redirect(url_for("web.login", next=request.full_path.rstrip("?")))


def safe_next(target: str | None) -> str:
    """Only a path on this site: an open redirect would let a link send users elsewhere."""
    if target and target.startswith("/") and not target.startswith("//"):
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc:
            return target
    return url_for("web_settings.api_key")


def render(template: str, status: int = 200, **context: Any) -> tuple[str, int]:
    """A page and its status (which the template sees too, as ``status``)."""
    return render_template(template, status=status, **context), status


def _finish(user: User) -> WerkzeugResponse:
    """Signed in: a new session id (the one used before the login ends: no fixation), and a
    device cookie that keeps this browser out of the account's lockout (``devices``)."""
    session.pop(PENDING_KEY, None)
    server_session().rotate(user)
    login_user(user)
    commit()
    flash(f"Welcome, {user.username}!", "success")
    response = redirect(safe_next(request.args.get("next")))
    device_cookie.remember(response, user)
    return response


@blp.route("/user/login/", methods=["GET", "POST"])
@throttling.throttle(throttling.LOGIN, methods=["POST"])
def login() -> Any:
    """Log in with username or email and password; then the 2FA step if it is on."""
    if current_user.is_authenticated and request.method == "GET":
        return redirect(safe_next(request.args.get("next")))
    errors: dict[str, str] = {}
    login_name = request.form.get("login", "").strip()
    if request.method == "POST":
        password = request.form.get("password", "")
        if not login_name:
            errors["login"] = "Enter your username or email address."
        if not password:
            errors["password"] = "Enter your password."
        if not errors:
            user, message = _check_login(login_name, password)
            if user is None:
                errors["form"] = message
            elif mfa.has_totp(user):
                session[PENDING_KEY] = {
                    "user": user.id,
                    "gen": user.auth_generation,
                    "started": time.time(),
                }
                server_session().rotate(None)  # the password step is done: a new id for the next
                commit()
                return redirect(url_for("web.login_two_factor", next=request.args.get("next")))
            else:
                return _finish(user)
    return render("web/login.html", 400 if errors else 200, errors=errors, login_name=login_name)


LOCKED_OUT = (
    "Too many failed login attempts for this account: it is locked for a few minutes for "
    "browsers it does not know. A browser you have logged in with before is not locked out. "
    "Try again later, or reset your password."
)


def _check_login(login_name: str, password: str) -> tuple[User | None, str]:
    field = "email" if "@" in login_name else "username"
    try:
        user = users.log_in(
            field, login_name, password, request.remote_addr, device=device_cookie.presented()
        )
    except users.LoginRefused as refused:
        locked = refused.code == "too_many_login_attempts"
        return None, LOCKED_OUT if locked else refused.message
    return user, ""


def pending_user() -> User | None:
    """The user whose password was right and who owes the second factor (15 minutes)."""
    pending = session.get(PENDING_KEY)
    if not pending:
        return None
    timeout = current_app.config["MFA_LOGIN_TIMEOUT_SECONDS"]
    user = db.session.get(User, pending.get("user"))
    if (
        user is None
        or not user.is_active
        or user.auth_generation != pending.get("gen")
        or time.time() - pending.get("started", 0) > timeout
    ):
        session.pop(PENDING_KEY, None)
        return None
    return user


@blp.route("/user/login/2fa/", methods=["GET", "POST"])
@throttling.throttle(throttling.LOGIN, methods=["POST"])
def login_two_factor() -> Any:
    """The second step: a code from the authenticator app, or a recovery code."""
    user = pending_user()
    if user is None:
        flash("Please log in again.", "error")
        return redirect(url_for("web.login", next=request.args.get("next")))
    error = None
    if request.method == "POST":
        try:
            verified = mfa.verify_login_step(user, request.form.get("code", ""))
        except mfa.TooManyFailures:
            error = "Too many wrong codes. Try again in a few minutes."
        else:
            if verified is not None:
                return _finish(user)
            db.session.rollback()
            error = "That code is not right (or was already used). Try the next one."
    return render("web/login_2fa.html", 400 if error else 200, error=error)


@blp.route("/user/logout/", methods=["POST"])
def logout() -> WerkzeugResponse:
    """Log out (a POST, so a link on another site cannot log you out): the session ends on
    the server, so a copy of the cookie is worth nothing from now on."""
    logout_user()
    server_session().end()
    commit()
    flash("You are logged out.", "success")
    return redirect(url_for("web.login"))


@blp.route("/user/signup/", methods=["GET", "POST"])
@throttling.throttle(throttling.REGISTRATION, methods=["POST"])
def signup() -> Any:
    """Create an account (only while registration is open)."""
    if not current_app.config["ALLOW_REGISTRATION"]:
        return render("web/signup_closed.html", 403)
    errors: dict[str, str] = {}
    values = {key: request.form.get(key, "").strip() for key in ("username", "email")}
    if request.method == "POST":
        password = request.form.get("password", "")
        if password != request.form.get("password2", ""):
            errors["password2"] = "The two passwords differ."
        else:
            try:
                user = users.create_user(values["username"], password, email=values["email"])
            except users.AccountError as problem:
                db.session.rollback()
                errors[problem.field] = str(problem)
            else:
                signed_in = _finish(user)  # commits: the mail names a stored account
                if lifecycle.send_verification_mail(user) == lifecycle.SENT:
                    flash(f"A link to verify {user.email} was sent to that address.", "mail")
                return signed_in
    return render("web/signup.html", 400 if errors else 200, errors=errors, values=values)


@blp.route("/user/verify-email/<token>/")
def verify_email(token: str) -> Any:
    """The link of the verification mail: marks the address verified."""
    try:
        payload = users.read_email_verification_token(token)
    except SignatureExpired:
        return render(
            "web/message.html",
            400,
            title="Link expired",
            message="This link has expired: verification links work for two days. Send a "
            "new one from your account page.",
            links=[(url_for("web_account.account"), "Your account")],
        )
    except BadSignature:
        return render(
            "web/message.html", 400, title="Invalid link", message="This link is not valid."
        )
    user = db.session.get(User, payload.get("user"))
    if user is None or user.email != payload.get("email"):
        return render(
            "web/message.html",
            400,
            title="Invalid link",
            message="This link does not match an account's current address.",
        )
    user.email_verified = True
    commit()
    onward = safe_next(payload.get("next") or url_for("web_account.account"))
    names = {
        url_for("web_settings.two_factor"): "Continue to two-factor authentication",
        url_for("web_account.account"): "Back to your account",
    }
    return render(
        "web/message.html",
        title="Email verified",
        message=f"Thank you: {user.email} is verified.",
        links=[(onward, names.get(onward, "Continue"))],
    )


@blp.route("/<lang>/user/<path:rest>/")
def language_prefixed(lang: str, rest: str) -> ResponseReturnValue:
    """Upstream's pages live under a language prefix (/en/user/api-key): send them home."""
    if len(lang) != 2 or not lang.isalpha():
        return render("error.html", 404, title="Not Found", error=None)
    return redirect(f"/user/{rest}")


@blp.route("/favicon.ico")
def favicon() -> Response:
    """The site's icon where browsers look for it first (pages also link it)."""
    return current_app.send_static_file("favicon.svg")


@blp.route("/")
@login_required
def home() -> WerkzeugResponse:
    return redirect(url_for("web_settings.api_key"))
