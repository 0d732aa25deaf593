"""The device cookie on the wire: set on a successful web login's answer, read by both logins
(an API client that keeps the browser's cookie is known too; the headless API itself sets no
cookie: its known apps are told by their session token). What it means is
``services.accounts.devices``."""

from __future__ import annotations

from typing import TypeVar

from flask import current_app, request
from werkzeug.wrappers import Response

from wger_flask.models.accounts import User
from wger_flask.services.accounts import devices


def presented() -> str | None:
    return request.cookies.get(devices.COOKIE_NAME)


R = TypeVar("R", bound=Response)


def remember(response: R, user: User) -> R:
    """Give this client a fresh device token for ``user`` (HttpOnly, SameSite=Lax, Secure
    over HTTPS), valid ``DEVICE_COOKIE_DAYS``."""
    response.set_cookie(
        devices.COOKIE_NAME,
        devices.issue(user),
        max_age=devices.lifetime_seconds(),
        httponly=True,
        samesite="Lax",
        secure=current_app.config["SESSION_COOKIE_SECURE"] or request.is_secure,
        path="/",
    )
    return response
