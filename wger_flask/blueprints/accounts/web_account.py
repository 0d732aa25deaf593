"""The account pages: the account overview (address, verification mail, profile settings),
password change, password reset by mail, deactivation, the export download and deletion.

Every form answers a success with a redirect (POST/redirect/GET), so reloading never repeats
an action; a form with a mistake is shown again with the error (400). All forms carry the
CSRF token (flask-wtf) and work without JavaScript.
"""

from __future__ import annotations

from typing import Any

from flask import (
    Blueprint,
    Response,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user, login_required, logout_user
from werkzeug.wrappers import Response as WerkzeugResponse

from wger_flask import security
from wger_flask.blueprints.accounts import session_store
from wger_flask.blueprints.accounts.session_store import server_session
from wger_flask.blueprints.accounts.web import safe_next
from wger_flask.extensions import db
from wger_flask.models.accounts import User
from wger_flask.rest import negotiation, throttling
from wger_flask.rest.transaction import commit
from wger_flask.services.accounts import known_time_zones, lifecycle, users

blp = Blueprint("web_account", __name__, url_prefix="/user")

WEIGHT_UNITS = {"kg": "Kilograms (kg)", "lb": "Pounds (lb)"}

WRONG_PASSWORD = "Your password is not right."
RESET_SENT = (
    "If an account uses this address, a link to choose a new password is on its way. "
    "It works once, for an hour."
)


def me() -> User:
    return db.session.get_one(User, current_user.id)


def render(template: str, status: int = 200, **context: Any) -> tuple[str, int]:
    return render_template(template, **context), status


def _no_referrer(response: Response) -> Response:
    """Pages whose URL holds a secret must not leak it to the next site in a Referer (the
    view also carries ``security.view_headers``, so the security headers agree)."""
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["Cache-Control"] = negotiation.NO_CACHE
    return response


# ------------------------------------------------------------------ the account page


FIELD_LABELS = {
    "email": "New email address",
    "email-password": "Your password (email change)",
    "weight_unit": "Weight unit",
    "num_days_weight_reminder": "Weight reminder",
    "time_zone": "Time zone",
    "deactivate-password": "Your password (deactivate)",
    "confirm_username": "Type your username to confirm",
    "delete-password": "Your password (delete)",
}


def account_page(user: User, status: int = 200, **extra: Any) -> tuple[str, int]:
    """The account page; after a mistake (400) the errors are listed at the top, each linking
    to its field, shown again by the field, and ``typed`` keeps what the person entered."""
    errors = extra.pop("errors", {})
    typed = extra.pop("typed", {})
    return render(
        "web/account.html",
        status,
        user=user,
        profile=user.profile,
        weight_units=WEIGHT_UNITS,
        errors=errors,
        typed=typed,
        field_labels=FIELD_LABELS,
        **extra,
    )


def back_to_account() -> WerkzeugResponse:
    """The forms' addresses answer a GET (a reload, a bookmark, a shared link) with the page
    the form is on, instead of 405."""
    return redirect(url_for("web_account.account"))


for _path in ("verify-email", "email", "profile", "deactivate", "delete"):
    blp.add_url_rule(
        f"/account/{_path}/",
        f"back_from_{_path.replace('-', '_')}",
        back_to_account,
        methods=["GET"],
    )


@blp.route("/account/")
@login_required
def account() -> Any:
    """Username, address (with its verification), profile settings, the other pages."""
    return account_page(me())


@blp.route("/account/verify-email/", methods=["POST"])
@login_required
def send_verification() -> WerkzeugResponse:
    """Mail a verification link (at most one per few minutes), then go back where asked."""
    user = me()
    target = safe_next(request.form.get("next") or url_for("web_account.account"))
    outcome = lifecycle.send_verification_mail(user, target)
    messages = {
        lifecycle.SENT: (f"A verification link was sent to {user.email}.", "mail"),
        lifecycle.ALREADY_VERIFIED: ("Your email address is already verified.", "success"),
        lifecycle.NO_ADDRESS: ("Add an email address first.", "error"),
        lifecycle.TOO_SOON: (
            "A verification mail was sent a moment ago: check your inbox, or try again in a "
            "few minutes.",
            "error",
        ),
    }
    flash(*messages[outcome])
    return redirect(target)


@blp.route("/account/email/", methods=["POST"])
@login_required
def change_email() -> Any:
    """A new address (current password required); it must be verified again."""
    user = me()
    try:
        old = lifecycle.change_email(
            user, request.form.get("password", ""), request.form.get("email", "")
        )
    except lifecycle.WrongPassword:
        return account_page(user, 400, errors={"email-password": WRONG_PASSWORD})
    except users.AccountError as problem:
        db.session.rollback()
        typed = {"email": request.form.get("email", "")}
        return account_page(user, 400, errors={"email": str(problem)}, typed=typed)
    commit()
    lifecycle.send_email_changed_notice(old, user)
    lifecycle.send_verification_mail(user, url_for("web_account.account"))
    flash(f"Your address is now {user.email}. Open the link we sent there to verify it.", "mail")
    return redirect(url_for("web_account.account"))


@blp.route("/account/profile/", methods=["POST"])
@login_required
def update_profile() -> Any:
    """The settings users change here: weight unit, weight reminder and time zone."""
    user = me()
    errors: dict[str, str] = {}
    unit = request.form.get("weight_unit", "")
    if unit not in WEIGHT_UNITS:
        errors["weight_unit"] = "Choose kg or lb."
    raw_days = request.form.get("num_days_weight_reminder", "0").strip() or "0"
    if not raw_days.isdigit() or int(raw_days) > 30:
        errors["num_days_weight_reminder"] = "Enter a whole number of days from 0 to 30."
    zone = request.form.get("time_zone", "").strip()
    if zone and zone not in known_time_zones():
        errors["time_zone"] = 'Enter an IANA time zone name such as "Europe/Berlin", or nothing.'
    if errors:  # shown at the top and by each field, with what was typed still in it
        typed = {"weight_unit": unit, "num_days_weight_reminder": raw_days, "time_zone": zone}
        return account_page(user, 400, errors=errors, typed=typed)
    profile = user.profile
    assert profile is not None  # every account has one (users.create_user)
    profile.weight_unit = unit
    profile.num_days_weight_reminder = int(raw_days)
    profile.time_zone = zone
    commit()
    flash("Your settings are saved.", "success")
    return redirect(url_for("web_account.account"))


# ------------------------------------------------------------------ password change


@blp.route("/password/", methods=["GET", "POST"])
@login_required
def change_password() -> Any:
    """Change the password: the current one, then the new one twice (sign-up's rules)."""
    user = me()
    errors: dict[str, str] = {}
    if request.method == "POST":
        if lifecycle.over_quota(lifecycle.PASSWORD_CHANGE, f"user:{user.id}"):
            errors["form"] = "Too many password changes. Try again in a minute."
            return render("web/password_change.html", 429, errors=errors)
        new = request.form.get("new_password", "")
        if new != request.form.get("new_password2", ""):
            errors["new_password2"] = "The two passwords differ."
        try:
            lifecycle.check_password(user, request.form.get("current_password", ""))
        except lifecycle.WrongPassword:
            errors["current_password"] = WRONG_PASSWORD
        if not errors:
            try:
                lifecycle.set_new_password(user, new)
            except users.AccountError as problem:
                db.session.rollback()
                errors["new_password"] = str(problem)
        if not errors:
            session_store.keep_signed_in(user)  # this browser stays, under a new session id
            commit()
            flash(
                "Your password is changed. Every other session, app login, refresh token and "
                "your API key have ended: sign in again elsewhere and create a new key if you "
                "need one.",
                "success",
            )
            return redirect(url_for("web_account.account"))
    return render("web/password_change.html", 400 if errors else 200, errors=errors)


# ------------------------------------------------------------------ password reset


@blp.route("/password/reset/", methods=["GET", "POST"])
@throttling.throttle(lifecycle.PASSWORD_RESET, methods=["POST"])
def request_password_reset() -> Any:
    """Ask for a reset link by address. The answer is the same whether or not an account
    uses it (no hint for someone probing addresses)."""
    errors: dict[str, str] = {}
    email = request.form.get("email", "").strip()
    if request.method == "POST":
        if not users.EMAIL_RE.match(email):
            errors["email"] = "Enter a valid email address."
        elif lifecycle.over_quota(lifecycle.PASSWORD_RESET_ADDRESS, email.lower()):
            errors["form"] = "Too many reset requests for this address. Try again later."
            return render("web/password_reset_request.html", 429, errors=errors, email=email)
        else:
            user = lifecycle.user_for_reset_request(email)
            if user is not None:
                lifecycle.send_password_reset_mail(user)
            flash(RESET_SENT, "mail")
            return redirect(url_for("web_account.request_password_reset"))
    return render(
        "web/password_reset_request.html", 400 if errors else 200, errors=errors, email=email
    )


@blp.route("/password/reset/<key>/", methods=["GET", "POST"])
@throttling.throttle(lifecycle.PASSWORD_RESET_CONFIRM, methods=["POST"])
@security.view_headers(Referrer_Policy="no-referrer")
def reset_password(key: str) -> Any:
    """The link of the reset mail: choose a new password (the link then stops working)."""
    try:
        user = lifecycle.user_for_reset_key(key)
    except lifecycle.InvalidResetKey:
        body, status = render(
            "web/message.html",
            400,
            title="Invalid link",
            message="This reset link is not valid: it was used, it expired, or the password "
            "changed since. Ask for a new one.",
            links=[
                (url_for("web_account.request_password_reset"), "Ask for a new reset link"),
                (url_for("web.login"), "Log in"),
            ],
        )
        return _no_referrer(Response(body, status, mimetype="text/html"))
    errors: dict[str, str] = {}
    if request.method == "POST":
        new = request.form.get("new_password", "")
        if new != request.form.get("new_password2", ""):
            errors["new_password2"] = "The two passwords differ."
        else:
            try:
                lifecycle.set_new_password_from_link(user, new)
            except users.AccountError as problem:
                db.session.rollback()
                errors["new_password"] = str(problem)
            else:
                commit()
                return _leave("Your password is changed. Log in with the new one.")
    body, status = render(
        "web/password_reset_confirm.html", 400 if errors else 200, errors=errors, user=user
    )
    return _no_referrer(Response(body, status, mimetype="text/html"))


# ------------------------------------------------------------------ deactivate, export, delete


def _confirmed(user: User) -> bool:
    try:
        lifecycle.check_password(user, request.form.get("password", ""))
    except lifecycle.WrongPassword:
        return False
    return True


def _leave(message: str) -> WerkzeugResponse:
    """Sign this browser out (its server session has ended or gone with the account) and say
    so on the login page, through a fresh anonymous session."""
    logout_user()
    server_session().end()
    commit()
    flash(message, "success")
    return redirect(url_for("web.login"))


@blp.route("/account/deactivate/", methods=["POST"])
@login_required
def deactivate() -> Any:
    """Switch the account off (password required): every session and token ends."""
    user = me()
    if not _confirmed(user):
        return account_page(user, 400, errors={"deactivate-password": WRONG_PASSWORD})
    lifecycle.deactivate(user)
    commit()
    return _leave(
        "Your account is deactivated: nobody can log in to it. An administrator can switch "
        "it on again."
    )


@blp.route("/account/export/")
@login_required
def export() -> Response:
    """All of one's data as one JSON download."""
    user = me()
    body = negotiation.dumps(lifecycle.export_user(user), indent=2)
    response = Response(body, mimetype="application/json")
    response.headers["Content-Disposition"] = (
        f'attachment; filename="{lifecycle.export_filename(user)}"'
    )
    response.headers["Cache-Control"] = negotiation.NO_CACHE
    return response


@blp.route("/account/delete/", methods=["POST"])
@login_required
def delete() -> Any:
    """Delete the account and everything in it, after the password and a confirmation."""
    user = me()
    errors = {}
    if request.form.get("confirm_username", "").strip() != user.username:
        errors["confirm_username"] = "Type your username to confirm."
    if not _confirmed(user):
        errors["delete-password"] = WRONG_PASSWORD
    if errors:
        return account_page(user, 400, errors=errors)
    lifecycle.delete_user(user)
    return _leave("Your account and all its data are deleted.")
