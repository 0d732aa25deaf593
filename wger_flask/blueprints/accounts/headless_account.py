"""The allauth-headless account endpoints (second factors) and the app's token refresh."""

from __future__ import annotations

from flask import Response

from wger_flask.blueprints.accounts import headless_responses as respond
from wger_flask.blueprints.accounts.headless import Caller, blp, body, caller, required, text_field
from wger_flask.extensions import db
from wger_flask.rest.transaction import commit, commit_early
from wger_flask.services.accounts import mfa, tokens

UNVERIFIED = (
    "You cannot activate two-factor authentication until you have verified your email address."
)


def _signed_in() -> Caller | Response:
    current = caller()
    return current if current.user is not None else respond.not_authenticated()


def _email_unverified(current: Caller) -> bool:
    return bool(current.signed_in_user.email) and not current.signed_in_user.email_verified


@blp.get("/account/authenticators/")
def list_authenticators() -> Response:
    """The user's second factors."""
    current = _signed_in()
    if isinstance(current, Response):
        return current
    data = [
        respond.authenticator_data(row) for row in mfa.active_authenticators(current.signed_in_user)
    ]
    return respond.envelope(200, data)


@blp.get("/account/authenticators/totp/")
def totp_state() -> Response:
    """TOTP if active (200); else 404 offering a fresh secret and its otpauth:// URI."""
    current = _signed_in()
    if isinstance(current, Response):
        return current
    active = mfa.authenticators(current.signed_in_user).get(mfa.TOTP)
    if active is not None:
        return respond.envelope(200, respond.authenticator_data(active))
    if _email_unverified(current):
        return respond.error(None, "unverified_email", UNVERIFIED, status=409)
    secret = mfa.offer_secret(current.signed_in_user)
    commit()
    uri = mfa.provisioning_uri(current.signed_in_user, secret)
    return respond.envelope(404, meta={"secret": secret, "totp_url": uri})


@blp.post("/account/authenticators/totp/")
def totp_activate() -> Response:
    """Turn TOTP on with a code for the offered secret; recovery codes are made too."""
    current = _signed_in()
    if isinstance(current, Response):
        return current
    code = text_field(body(), "code")
    if code is None:
        return respond.errors([required("code")])
    if mfa.has_totp(current.signed_in_user):
        return respond.envelope(409)
    if _email_unverified(current):
        return respond.error("code", "unverified_email", UNVERIFIED)
    if not current.recently_authenticated():
        return respond.reauthentication_required(current.signed_in_user, current.methods)
    activated = mfa.activate_totp(current.signed_in_user, code)
    if activated is None:
        db.session.rollback()
        return respond.error("code", "incorrect_code", "Incorrect code.")
    commit()
    return respond.envelope(200, respond.authenticator_data(activated))


@blp.delete("/account/authenticators/totp/")
def totp_deactivate() -> Response:
    """Turn TOTP (and its recovery codes) off; needs a recent authentication."""
    current = _signed_in()
    if isinstance(current, Response):
        return current
    if not current.recently_authenticated():
        return respond.reauthentication_required(current.signed_in_user, current.methods)
    mfa.deactivate(current.signed_in_user)
    commit()
    return respond.envelope(200)


@blp.get("/account/authenticators/recovery-codes/")
def recovery_codes() -> Response:
    """The recovery codes' counts; the codes themselves only the first time they are shown."""
    current = _signed_in()
    if isinstance(current, Response):
        return current
    row = mfa.authenticators(current.signed_in_user).get(mfa.RECOVERY_CODES)
    if row is None:
        return respond.envelope(404)
    if not current.recently_authenticated():
        return respond.reauthentication_required(current.signed_in_user, current.methods)
    codes = mfa.reveal_recovery_codes(row)
    commit()
    return respond.envelope(200, respond.authenticator_data(row, with_codes=codes))


@blp.post("/account/authenticators/recovery-codes/")
def regenerate_recovery_codes() -> Response:
    """A new set of recovery codes (the old ones stop working), shown once."""
    current = _signed_in()
    if isinstance(current, Response):
        return current
    if not mfa.has_totp(current.signed_in_user):
        return respond.error(
            None,
            "cannot_generate_recovery_codes",
            "You cannot generate recovery codes without having two-factor authentication enabled.",
        )
    if not current.recently_authenticated():
        return respond.reauthentication_required(current.signed_in_user, current.methods)
    row, codes = mfa.regenerate_recovery_codes(current.signed_in_user)
    commit()
    return respond.envelope(200, respond.authenticator_data(row, with_codes=codes))


@blp.post("/tokens/refresh/")
def refresh() -> Response:
    """Rotate a refresh token: ``{"refresh_token"}`` → a new access and refresh token."""
    caller()
    token = text_field(body(), "refresh_token")
    if token is None:
        return respond.errors([required("refresh_token")])
    try:
        pair = tokens.rotate(token)
    except tokens.ReusedToken:
        commit_early("the family revocation stands although this request fails")
        return respond.envelope(400)
    except tokens.InvalidToken:
        db.session.rollback()
        return respond.envelope(400)
    commit()
    return respond.envelope(200, {"access_token": pair.access, "refresh_token": pair.refresh})
