"""Device cookies (OWASP's "Slow down online guessing attacks with device cookies"): a client
that logged in to an account before carries a signed token naming that account, and keeps
logging in with the right password while strangers are locked out of it.

The token is ``{"u": user id, "n": random nonce}``, signed with ``SECRET_KEY`` and dated (it
is accepted for ``DEVICE_COOKIE_DAYS``). It grants nothing by itself: the password is still
checked. It only changes which failure count a login attempt is judged by (``users.log_in``):

- a known device: its own count (``login_failed_device``, 5 in 5 minutes), so someone who
  stole a device token still gets only a handful of guesses;
- anyone else (no token, another account's, a forged or expired one): the per-address count
  and the account-wide count of untrusted attempts, which a distributed attack fills.
"""

from __future__ import annotations

import secrets

from flask import current_app
from itsdangerous import BadSignature, URLSafeTimedSerializer

from wger_flask.models.accounts import User

COOKIE_NAME = "wger_device"
DEVICE_FAILED = "login_failed_device"  # the rate-limit scope of a known device's failures


def _signer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="device-cookie")


def lifetime_seconds() -> int:
    return int(current_app.config.get("DEVICE_COOKIE_DAYS", 365)) * 24 * 3600


def issue(user: User) -> str:
    """A new device token for a client that just logged in to ``user``'s account."""
    return _signer().dumps({"u": user.id, "n": secrets.token_urlsafe(16)})


def known_device(token: str | None, user: User | None) -> str | None:
    """The token's nonce when it is a valid, unexpired device token of ``user``; else None."""
    if not token or user is None:
        return None
    try:
        payload = _signer().loads(token, max_age=lifetime_seconds())
    except BadSignature:  # SignatureExpired is one too
        return None
    if not isinstance(payload, dict) or payload.get("u") != user.id:
        return None
    nonce = payload.get("n")
    return nonce if isinstance(nonce, str) and nonce else None
