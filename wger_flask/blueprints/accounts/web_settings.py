"""The settings pages: "API key" (permanent key, long-lived refresh tokens) and 2FA set-up.

Every action answers with a redirect (POST/redirect/GET), so reloading a page never repeats
it. A secret the action made (API key, refresh token, recovery codes) rides along in the
session for exactly one GET, which shows it and drops it: it is shown once and never stored
in readable form (keys and codes as digests; refresh tokens only by their id).
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required

from wger_flask.extensions import db
from wger_flask.models.accounts import ApiKey, User
from wger_flask.rest.transaction import commit
from wger_flask.services.accounts import api_keys, mfa, tokens
from wger_flask.services.accounts.passwords import verify_password

blp = Blueprint("web_settings", __name__, url_prefix="/user")

REFRESH_SOURCES = {
    "login": "App login",
    "2fa": "App login (with 2FA)",
    "signup": "App sign-up",
    "api-key-page": "Minted on this page",
    "issue-refresh-token": "Issued over the API",
}


SHOW_ONCE_KEY = "show_once"


def me() -> User:
    return db.session.get_one(User, current_user.id)


def show_once(endpoint: str, **secrets: Any) -> Any:
    """Redirect to ``endpoint``'s page, which shows ``secrets`` on its next GET only."""
    session[SHOW_ONCE_KEY] = {"endpoint": endpoint, "secrets": secrets}
    return redirect(url_for(endpoint))


@blp.before_app_request
def drop_secrets_meant_for_another_page() -> None:
    """A waiting secret is for the very next page: any other web page's GET drops it. (The
    API's answers do not look at the session, so they stay free of ``Vary: Cookie``.)"""
    if not request.path.startswith("/user/") or SHOW_ONCE_KEY not in session:
        return
    waiting = session.get(SHOW_ONCE_KEY)
    if (
        waiting
        and request.method == "GET"
        and request.endpoint not in (waiting.get("endpoint"), "static")
    ):
        session.pop(SHOW_ONCE_KEY, None)


def take_shown_once(endpoint: str) -> dict[str, Any]:
    """The secrets waiting for this page's GET, removed from the session as they are read."""
    waiting = session.pop(SHOW_ONCE_KEY, None)
    if not waiting or waiting.get("endpoint") != endpoint:
        return {}
    return dict(waiting.get("secrets") or {})


def api_key_page(user: User, status: int = 200, **shown: Any) -> tuple[str, int]:
    key = db.session.query(ApiKey).filter_by(user_id=user.id).one_or_none()
    return render_template(
        "web/api_key.html",
        user=user,
        key=key,
        refresh_tokens=tokens.outstanding(user),
        sources=REFRESH_SOURCES,
        **shown,
    ), status


@blp.route("/api-key/", methods=["GET", "POST"])
@login_required
def api_key() -> Any:
    """The permanent API key and long-lived refresh tokens: create, rotate, revoke."""
    user = me()
    if request.method == "GET":
        shown = take_shown_once("web_settings.api_key")
        shown = {k: v for k, v in shown.items() if k in ("new_key", "new_refresh_token")}
        return api_key_page(user, **shown)
    action = request.form.get("action", "")
    if action in ("create_key", "rotate_key"):
        new_key = api_keys.issue(user)
        commit()
        return show_once("web_settings.api_key", new_key=new_key)
    if action == "delete_key":
        api_keys.revoke(user)
        flash("Your API key is deleted: it no longer works.", "success")
    elif action == "mint_refresh_token":
        token = tokens.mint_refresh(user, "api-key-page")
        commit()
        return show_once("web_settings.api_key", new_refresh_token=token)
    elif action == "revoke_refresh_token":
        if tokens.revoke(user, request.form.get("jti", "")):
            flash("The refresh token is revoked.", "success")
    elif action == "revoke_all_refresh_tokens":
        count = tokens.revoke_all(user)
        flash(f"{count} refresh token(s) revoked.", "success")
    else:
        flash("Unknown action.", "error")
    commit()
    return redirect(url_for("web_settings.api_key"))


@blp.route("/2fa/", methods=["GET", "POST"])
@login_required
def two_factor() -> Any:
    """Two-factor authentication: enable (QR code + confirmation), recovery codes, disable."""
    user = me()
    if request.method == "POST":
        return _two_factor_action(user, request.form.get("action", ""))
    if mfa.has_totp(user):
        shown = take_shown_once("web_settings.two_factor")
        return _page(
            user,
            recovery_codes=shown.get("recovery_codes"),
            just_enabled=bool(shown.get("just_enabled")),
        )
    if user.email and not user.email_verified:
        return _page(user, unverified=True)
    return _setup_page(user)


def _page(user: User, status: int = 200, **extra: Any) -> tuple[str, int]:
    rows = mfa.authenticators(user)
    recovery = rows.get(mfa.RECOVERY_CODES)
    counts = mfa.recovery_code_counts(recovery) if recovery is not None else (0, 0)
    return render_template(
        "web/two_factor.html",
        user=user,
        enabled=mfa.TOTP in rows,
        totp=rows.get(mfa.TOTP),
        recovery_counts=counts,
        **extra,
    ), status


def _setup_page(user: User, status: int = 200, error: str | None = None) -> tuple[str, int]:
    secret = mfa.offered_secret(user) or mfa.offer_secret(user)
    commit()
    uri = mfa.provisioning_uri(user, secret)
    return _page(
        user, status, secret=secret, uri=uri, qr_svg=mfa.qr_code_svg(uri), setup_error=error
    )


def _two_factor_action(user: User, action: str) -> Any:
    if action == "enable":
        activated = mfa.activate_totp(user, request.form.get("code", ""))
        if activated is None:
            db.session.rollback()
            return _setup_page(
                user, 400, "That code is not right. Enter the 6 digits the app shows now."
            )
        codes = mfa.reveal_recovery_codes(mfa.authenticators(user)[mfa.RECOVERY_CODES])
        commit()
        return show_once("web_settings.two_factor", recovery_codes=codes, just_enabled=True)
    if not mfa.has_totp(user):
        return redirect(url_for("web_settings.two_factor"))
    if not verify_password(user.password_hash, request.form.get("password", "")):
        return _page(user, 400, password_error="Your password is not right.", failed_action=action)
    if action == "regenerate":
        _, codes = mfa.regenerate_recovery_codes(user)
        commit()
        return show_once("web_settings.two_factor", recovery_codes=codes)
    if action == "disable":
        mfa.deactivate(user)
        commit()
        flash("Two-factor authentication is off.", "success")
    return redirect(url_for("web_settings.two_factor"))


@blp.app_context_processor
def settings_navigation() -> dict[str, Any]:
    return {
        "settings_pages": [
            ("web_settings.api_key", "API key"),
            ("web_settings.two_factor", "Two-factor authentication"),
            ("web_account.account", "Account"),
        ]
    }
