"""The "your sessions" page (/user/sessions): every signed-in browser and app, ended one by
one or all at once ("log out everywhere")."""

from __future__ import annotations

import re
from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required, logout_user

from wger_flask.blueprints.accounts.session_store import server_session
from wger_flask.extensions import db
from wger_flask.models.accounts import AppSession, User
from wger_flask.rest.transaction import commit
from wger_flask.services.accounts import app_sessions, users

blp = Blueprint("web_sessions", __name__, url_prefix="/user")

BROWSERS = [("Edg/", "Edge"), ("OPR/", "Opera"), ("Firefox/", "Firefox"), ("Chrome/", "Chrome")]
BROWSERS += [("Chromium/", "Chromium"), ("Safari/", "Safari")]
SYSTEMS = [("Android", "Android"), ("iPhone", "iOS"), ("iPad", "iPadOS"), ("Windows", "Windows")]
SYSTEMS += [("Mac OS X", "macOS"), ("CrOS", "ChromeOS"), ("Linux", "Linux")]


def describe_device(user_agent: str) -> str:
    """A short name for a user agent ("Firefox on Linux"); the raw string where unknown."""
    if not user_agent:
        return "Unknown device"
    browser = next((name for mark, name in BROWSERS if mark in user_agent), None)
    system = next((name for mark, name in SYSTEMS if mark in user_agent), None)
    if browser and system:
        return f"{browser} on {system}"
    first = re.split(r"[\s(]", user_agent.strip(), maxsplit=1)[0]
    return browser or first[:60] or "Unknown device"


def _me() -> User:
    return db.session.get_one(User, current_user.id)


@blp.route("/sessions/", methods=["GET"])
@login_required
def sessions() -> Any:
    """The signed-in browsers and apps of this account."""
    rows: list[AppSession] = app_sessions.live_sessions(_me())
    return render_template(
        "web/sessions.html",
        sessions=rows,
        current_id=getattr(session, "record_id", None),
        describe=describe_device,
        browser_kind=app_sessions.BROWSER,
    )


@blp.route("/sessions/", methods=["POST"])
@login_required
def end_sessions() -> Any:
    """End one session (``session_id``) or all of them (``action=everywhere``)."""
    user = _me()
    if request.form.get("action") == "everywhere":
        users.end_all_sessions(user)
        return _logged_out(
            "You are logged out everywhere: every browser and app has to log in again."
        )
    raw = request.form.get("session_id", "")
    session_id = int(raw) if raw.isdigit() and len(raw) < 19 else None
    if session_id is None or not app_sessions.end_users_session(user, session_id):
        flash("That session has already ended.", "error")
        db.session.rollback()
        return redirect(url_for("web_sessions.sessions"))
    if session_id == getattr(session, "record_id", None):
        return _logged_out("You are logged out.")
    commit()
    flash("The session has ended.", "success")
    return redirect(url_for("web_sessions.sessions"))


def _logged_out(message: str) -> Any:
    logout_user()
    server_session().end()
    commit()
    flash(message, "success")
    return redirect(url_for("web.login"))
