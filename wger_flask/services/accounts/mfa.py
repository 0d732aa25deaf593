"""Second factors: TOTP (RFC 6238, pyotp) and single-use recovery codes.

- TOTP: 30-second period, 6 digits, SHA-1, a 32-character base32 secret shown as an
  ``otpauth://`` URI and a QR code. A code is accepted once: the authenticator remembers the
  time step of the last accepted code and a conditional UPDATE only lets a later step through,
  so a replay is refused even when two workers see it at the same moment. One step of clock
  drift either way is tolerated.
- Recovery codes: 10 codes of 8 digits, made at activation and on demand; only their HMAC
  (keyed with the server secret) is stored, so they are shown once; each works once.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlencode

import pyotp
import segno
from flask import current_app
from sqlalchemy import select, update

from wger_flask.database import changed_rows
from wger_flask.extensions import db
from wger_flask.models.accounts import Authenticator, User
from wger_flask.models.types import utcnow
from wger_flask.rest import metrics, throttling

TOTP = "totp"
TOTP_SETUP = "totp_setup"
RECOVERY_CODES = "recovery_codes"
PERIOD = 30
DIGITS = 6
DRIFT_STEPS = 1
RECOVERY_CODE_COUNT = 10
RECOVERY_CODE_DIGITS = 8
ISSUER = "wger"


@dataclass(frozen=True)
class Verified:
    """A second factor that was accepted: which authenticator and of what type."""

    authenticator_id: int
    type: str


def new_secret() -> str:
    """20 random bytes as base32 (32 characters), RFC 4226's recommended length."""
    return pyotp.random_base32(length=32)


def provisioning_uri(user: User, secret: str) -> str:
    """``otpauth://totp/<label>?secret=...&issuer=wger`` (label: email, else username)."""
    label = quote(user.email or user.username)
    return f"otpauth://totp/{label}?" + urlencode(
        {"secret": secret, "issuer": ISSUER}, quote_via=quote
    )


def qr_code_svg(uri: str) -> str:
    """The URI as an inline SVG QR code (no image service, works offline)."""
    return segno.make(uri, error="m").svg_inline(scale=5, dark="#1d2733", light="#ffffff")


def _normalize(code: str | None) -> str:
    return "".join((code or "").split())


def authenticators(user: User) -> dict[str, Authenticator]:
    rows = db.session.execute(select(Authenticator).where(Authenticator.user_id == user.id))
    return {row.type: row for row in rows.scalars()}


def active_authenticators(user: User) -> list[Authenticator]:
    """The user's second factors in allauth's order (recovery_codes, totp)."""
    rows = authenticators(user)
    return [rows[kind] for kind in (RECOVERY_CODES, TOTP) if kind in rows]


def active_types(user: User) -> list[str]:
    return [row.type for row in active_authenticators(user)]


def has_totp(user: User) -> bool:
    return (
        db.session.execute(
            select(Authenticator.id).where(
                Authenticator.user_id == user.id, Authenticator.type == TOTP
            )
        ).first()
        is not None
    )


def _matching_step(secret: str, code: str, now: float) -> int | None:
    """The time step whose code equals ``code`` (within the drift), or None."""
    if len(code) != DIGITS or not code.isdigit():
        return None
    totp = pyotp.TOTP(secret, digits=DIGITS, interval=PERIOD)
    current = int(now // PERIOD)
    for step in range(current - DRIFT_STEPS, current + DRIFT_STEPS + 1):
        if hmac.compare_digest(totp.at(step * PERIOD), code):
            return step
    return None


def offer_secret(user: User) -> str:
    """A fresh secret for setting TOTP up, remembered until activation. Not committed here."""
    secret = new_secret()
    setup = authenticators(user).get(TOTP_SETUP)
    if setup is None:
        db.session.add(Authenticator(user_id=user.id, type=TOTP_SETUP, data={"secret": secret}))
    else:
        setup.data = {"secret": secret}
        setup.created = utcnow()
    return secret


def offered_secret(user: User) -> str | None:
    setup = authenticators(user).get(TOTP_SETUP)
    return setup.data.get("secret") if setup is not None else None


def activate_totp(user: User, code: str, now: float | None = None) -> Authenticator | None:
    """Turn TOTP on if ``code`` is valid for the offered secret (the code counts as used) and
    make recovery codes; None if the code is wrong. Not committed here."""
    rows = authenticators(user)
    setup = rows.get(TOTP_SETUP)
    if setup is None or TOTP in rows:
        return None
    secret = setup.data["secret"]
    step = _matching_step(secret, _normalize(code), time.time() if now is None else now)
    if step is None:
        return None
    db.session.delete(setup)
    totp = Authenticator(user_id=user.id, type=TOTP, data={"secret": secret}, last_counter=step)
    db.session.add(totp)
    regenerate_recovery_codes(user, show_later=True)
    db.session.flush()
    return totp


def deactivate(user: User) -> None:
    """Remove TOTP, its set-up and the recovery codes that belong to it."""
    for row in authenticators(user).values():
        db.session.delete(row)


def _recovery_digest(code: str) -> str:
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, f"recovery:{code}".encode(), hashlib.sha256).hexdigest()


def regenerate_recovery_codes(
    user: User, *, show_later: bool = False
) -> tuple[Authenticator, list[str]]:
    """A fresh set of codes (every older code stops working) and its authenticator. The codes
    are for the caller to show now; with ``show_later`` they are also kept readable until
    ``reveal_recovery_codes`` shows them once (allauth's first GET after activation).

    Not committed here."""
    codes = [
        f"{secrets.randbelow(10**RECOVERY_CODE_DIGITS):0{RECOVERY_CODE_DIGITS}d}"
        for _ in range(RECOVERY_CODE_COUNT)
    ]
    data: dict[str, Any] = {"digests": [_recovery_digest(code) for code in codes], "used": []}
    if show_later:
        data["unseen"] = codes
    row = authenticators(user).get(RECOVERY_CODES)
    if row is None:
        row = Authenticator(user_id=user.id, type=RECOVERY_CODES, data=data)
        db.session.add(row)
        db.session.flush()
    else:
        row.data = data
        row.version += 1
        row.created = utcnow()
        row.last_used = None
    return row, codes


def recovery_code_counts(row: Authenticator) -> tuple[int, int]:
    """(total, unused) codes of a recovery-codes authenticator."""
    total = len(row.data.get("digests", []))
    return total, total - len(row.data.get("used", []))


def reveal_recovery_codes(row: Authenticator) -> list[str] | None:
    """The codes if they have not been shown yet (then never again); else None."""
    unseen = row.data.get("unseen")
    if not unseen:
        return None
    row.data = {key: value for key, value in row.data.items() if key != "unseen"}
    row.version += 1
    return list(unseen)


def verify(user: User, code: str, now: float | None = None) -> Verified | None:
    """Accept a TOTP code (once) or an unused recovery code; None if neither matches."""
    code = _normalize(code)
    rows = authenticators(user)
    totp_row = rows.get(TOTP)
    if totp_row is None:
        return None
    step = _matching_step(totp_row.data["secret"], code, time.time() if now is None else now)
    if step is not None:
        return _consume_totp(totp_row, step)
    recovery = rows.get(RECOVERY_CODES)
    if recovery is not None and len(code) == RECOVERY_CODE_DIGITS:
        return _consume_recovery_code(recovery, code)
    return None


class TooManyFailures(Exception):
    """The account has used up its wrong second-factor codes for now."""


def verify_login_step(user: User, code: str) -> Verified | None:
    """verify() for the login's second step (headless API and login page alike), behind the
    account's quota of wrong codes: a locked account raises TooManyFailures, a wrong code
    counts, a right one clears the count."""
    identity = f"user-{user.id}"
    if throttling.account_locked(throttling.MFA_FAILED_ACCOUNT, identity):
        metrics.login_failure("locked")
        raise TooManyFailures()
    verified = verify(user, code)
    if verified is None:
        metrics.login_failure("mfa")
        throttling.record_failure(throttling.MFA_FAILED_ACCOUNT, identity)
    else:
        throttling.clear_failures(throttling.MFA_FAILED_ACCOUNT, identity)
    return verified


def _consume_totp(row: Authenticator, step: int) -> Verified | None:
    """Accept the step only if no later-or-equal step was accepted before (replay refused)."""
    accepted = changed_rows(
        db.session.execute(
            update(Authenticator)
            .where(Authenticator.id == row.id, Authenticator.last_counter < step)
            .values(last_counter=step, last_used=utcnow())
            .execution_options(synchronize_session=False)
        )
    )
    return Verified(row.id, TOTP) if accepted == 1 else None


def _consume_recovery_code(row: Authenticator, code: str) -> Verified | None:
    digest = _recovery_digest(code)
    digests = row.data.get("digests", [])
    used = set(row.data.get("used", []))
    index = next((i for i, known in enumerate(digests) if hmac.compare_digest(known, digest)), None)
    if index is None or index in used:
        return None
    spent = changed_rows(
        db.session.execute(
            update(Authenticator)
            .where(Authenticator.id == row.id, Authenticator.version == row.version)
            .values(
                data={**row.data, "used": sorted(used | {index})},
                version=row.version + 1,
                last_used=utcnow(),
            )
            .execution_options(synchronize_session=False)
        )
    )
    return Verified(row.id, RECOVERY_CODES) if spent == 1 else None


def adopt(
    user_id: int,
    *,
    totp_secret: str,
    recovery_codes: list[str],
    used: list[int],
    created: dt.datetime | None = None,
    last_used: dt.datetime | None = None,
) -> bool:
    """Take over second factors made elsewhere (an upstream server's, ``flask import-wger``):
    the same TOTP secret, so the user's authenticator app goes on working, and the same
    recovery codes (stored as digests like ours; the ``used`` indexes stay spent). Nothing is
    changed when the user already has TOTP here; whether it was adopted. Not committed here."""
    if not _is_base32(totp_secret):
        raise ValueError("the TOTP secret is not base32")
    existing = db.session.execute(
        select(Authenticator.id).where(
            Authenticator.user_id == user_id, Authenticator.type.in_((TOTP, RECOVERY_CODES))
        )
    ).first()
    if existing is not None:
        return False
    when = created or utcnow()
    db.session.add(
        Authenticator(
            user_id=user_id,
            type=TOTP,
            data={"secret": totp_secret},
            created=when,
            last_used=last_used,
        )
    )
    if recovery_codes:
        data = {
            "digests": [_recovery_digest(code) for code in recovery_codes],
            "used": sorted(set(used)),
        }
        db.session.add(Authenticator(user_id=user_id, type=RECOVERY_CODES, data=data, created=when))
    db.session.flush()
    return True


def _is_base32(secret: str) -> bool:
    import base64
    import binascii

    try:
        base64.b32decode(secret + "=" * (-len(secret) % 8), casefold=True)
    except (binascii.Error, ValueError):
        return False
    return bool(secret)
