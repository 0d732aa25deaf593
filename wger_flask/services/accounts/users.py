"""Creating and changing accounts: usernames, emails and passwords checked in one place."""

from __future__ import annotations

import datetime as dt
import re
from types import SimpleNamespace
from typing import Any

from flask import current_app
from itsdangerous import URLSafeTimedSerializer
from sqlalchemy import func, select
from sqlalchemy.sql.schema import ColumnDefault

from wger_flask.extensions import db
from wger_flask.models.accounts import User, UserProfile
from wger_flask.rest import metrics, throttling
from wger_flask.services import body
from wger_flask.services.accounts import app_sessions, devices, password_rules, tokens
from wger_flask.services.accounts.passwords import hash_password, needs_rehash, verify_password
from wger_flask.services.accounts.zones import zone_named

USERNAME_RE = re.compile(r"^[\w.@+-]{1,150}$")
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
# The per-address bucket of failed passwords (``RATE_LIMITS`` in config.py); the per-account
# one is the generic layer's ``throttling.LOGIN_FAILED_ACCOUNT``.
LOGIN_FAILED_ADDRESS = "login_failed_address"


class AccountError(ValueError):
    """Bad input for an account: ``field`` names what is wrong, ``code`` is allauth's error
    code, the message says how to fix it."""

    def __init__(self, field: str, message: str, code: str = "invalid") -> None:
        super().__init__(message)
        self.field = field
        self.code = code


def validate_username(username: str) -> str:
    username = (username or "").strip()
    if not USERNAME_RE.match(username):
        raise AccountError(
            "username",
            "Enter a valid username: up to 150 letters, digits and @/./+/-/_ characters.",
        )
    taken = db.session.execute(
        select(User.id).where(func.lower(User.username) == username.lower())
    ).first()
    if taken:
        raise AccountError(
            "username", "A user with that username already exists.", "username_taken"
        )
    return username


def validate_email(email: str, *, required: bool = False) -> str:
    email = (email or "").strip()
    if not email:
        if required:
            raise AccountError("email", "This field is required.", "required")
        return ""
    if len(email) > 254 or not EMAIL_RE.match(email):
        raise AccountError("email", "Enter a valid email address.")
    taken = db.session.execute(
        select(User.id).where(func.lower(User.email) == email.lower())
    ).first()
    if taken:
        raise AccountError(
            "email", "A user is already registered with this email address.", "email_taken"
        )
    return email


def validate_password(password: str, username: str = "", email: str = "") -> str:
    """A new password, or AccountError naming the first rule it breaks
    (``password_rules``: upstream's Django validators). Logins never check these rules."""
    if not password or not password.strip():
        raise AccountError("password", "This field is required.", "required")
    found = password_rules.problems(password, username=username, email=email)
    if found:
        raise AccountError("password", found[0].message, found[0].code)
    return password


def create_user(
    username: str,
    password: str,
    *,
    email: str = "",
    superuser: bool = False,
    email_verified: bool = False,
) -> User:
    """A new active account with its profile and the official measurement categories every
    user has (not committed): a read never has to create them. ``email_verified``: someone
    trusted vouches for the address (an administrator creating the account on the command
    line)."""
    username = validate_username(username)
    email = validate_email(email)
    validate_password(password, username, email)
    user = User(
        username=username,
        email=email,
        email_verified=bool(email) and email_verified,
        password_hash=hash_password(password),
        is_superuser=superuser,
        is_staff=superuser,
        is_active=True,
    )
    user.profile = UserProfile()
    db.session.add(user)
    db.session.flush()
    body.ensure_official_categories(user.id)
    return user


def default_profile(user: User) -> Any:
    """What a profile holds before anything is changed (its columns' defaults), for an
    account without a stored one; nothing is added to the session."""
    values = {
        column.key: column.default.arg if isinstance(column.default, ColumnDefault) else None
        for column in UserProfile.__table__.columns
        if column.default is None or column.default.is_scalar
    }
    return SimpleNamespace(**values, user=user)


def age_on(birthdate: dt.date, today: dt.date) -> int:
    """Whole years from ``birthdate`` to ``today`` (a 29 February birthday comes on 1 March
    in other years, as upstream counts)."""
    return (
        today.year - birthdate.year - ((today.month, today.day) < (birthdate.month, birthdate.day))
    )


def update_profile(profile: Any, changes: dict[str, Any], now: dt.datetime) -> None:
    """Write ``changes`` into the profile; then, as upstream's ``set_user_age`` does on every
    save, a profile with a ``birthdate`` and no ``age`` gets the age it has on the user's
    today (in their time zone). An age the user set stays as set."""
    for key, value in changes.items():
        setattr(profile, key, value)
    if profile.age is None and profile.birthdate is not None:
        today = now.astimezone(zone_named(profile.time_zone)).date()
        profile.age = age_on(profile.birthdate, today)


def set_password(user: User, password: str) -> None:
    """Change the password; every session (browser and app) and token made before stops
    working at once (not committed here)."""
    validate_password(password, user.username, user.email)
    user.password_hash = hash_password(password)
    end_all_sessions(user)


def end_all_sessions(user: User) -> None:
    """ "Log out everywhere": every browser and app session ends, every refresh token is
    revoked, and the credential generation moves on so every access token and pending login
    made before is refused (not committed here). The permanent API key is left alone."""
    user.auth_generation += 1
    app_sessions.end_all(user)
    tokens.revoke_all(user)


def deactivate(user: User) -> None:
    """Deactivate an account: it can no longer log in, and everything it had open ends."""
    user.is_active = False
    end_all_sessions(user)


class LoginRefused(Exception):
    """Credentials that do not open an account: allauth's error ``code`` and message."""

    def __init__(self, code: str, message: str, param: str | None = None) -> None:
        super().__init__(message)
        self.code, self.message, self.param = code, message, param


TOO_MANY_FAILURES = "Too many failed login attempts. Try again later."
MISMATCH_MESSAGES = {
    "email": "The email address and/or password you specified are not correct.",
    "username": "The username and/or password you specified are not correct.",
}


def find_login_user(field: str, identifier: str) -> User | None:
    """The account a login names, by username or email (case-insensitive)."""
    column = User.email if field == "email" else User.username
    rows = (
        db.session.execute(
            select(User).where(func.lower(column) == identifier.strip().lower()).limit(2)
        )
        .scalars()
        .all()
    )
    return rows[0] if len(rows) == 1 else None


def check_credentials(field: str, identifier: str, password: str) -> User:
    """The user for a username/email and password, or LoginRefused (same answer and effort
    for an unknown account and a wrong password, so accounts cannot be enumerated)."""
    return _check_password(find_login_user(field, identifier), field, password)


def _check_password(user: User | None, field: str, password: str) -> User:
    if not verify_password(user.password_hash if user else None, password) or user is None:
        raise LoginRefused(f"{field}_password_mismatch", MISMATCH_MESSAGES[field], "password")
    if not user.is_active:
        raise LoginRefused("account_inactive", "This account is currently inactive.")
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    return user


def log_in(
    field: str,
    identifier: str,
    password: str,
    address: str | None = None,
    *,
    device: str | None = None,
    known_session_user_id: int | None = None,
) -> User:
    """check_credentials behind failure counts that a stranger cannot turn against the owner
    (OWASP ASVS 2.2.1 and its "device cookie" pattern; the same for the API and the web):

    - a **known device** (``device``: a device token this account issued to the client at an
      earlier login, ``devices``; or ``known_session_user_id``: the app session the request
      carries belongs to this account) is judged by its own count only (5 in 5 minutes);
    - anyone else by two counts: per account and client address (5 in 5 minutes), and per
      account from all untrusted clients together (50 in 5 minutes).

    So 55 wrong passwords from 11 addresses lock every stranger out of the account, the right
    password included, while the owner's browser or app, which logged in before, gets in. A
    locked count refuses before the password is checked; a success clears its own count."""
    user = find_login_user(field, identifier)
    account = f"user:{user.id}" if user is not None else f"{field}:{identifier.strip().lower()}"
    nonce = devices.known_device(device, user)
    if nonce is None and user is not None and known_session_user_id == user.id:
        nonce = f"user:{user.id}|app-session"
    if nonce is not None:
        counts = [(devices.DEVICE_FAILED, nonce)]
    else:
        from_here = f"{account}|{address or 'unknown'}"
        counts = [(LOGIN_FAILED_ADDRESS, from_here), (throttling.LOGIN_FAILED_ACCOUNT, account)]
    if any(throttling.account_locked(scope, key) for scope, key in counts):
        metrics.login_failure("locked")
        raise LoginRefused("too_many_login_attempts", TOO_MANY_FAILURES)
    try:
        user = _check_password(user, field, password)
    except LoginRefused:
        metrics.login_failure("credentials")
        for scope, key in counts:
            throttling.record_failure(scope, key)
        raise
    throttling.clear_failures(*counts[0])  # this device's, or this address's, count
    return user


EMAIL_LINK_MAX_AGE = 2 * 24 * 3600


def _email_links() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="verify-email")


def email_verification_token(user: User, next_path: str | None = None) -> str:
    """The signed token of the verification link: the account and the address it confirms,
    and the page the person asked from (``next_path``), where the link leads back to."""
    payload: dict[str, Any] = {"user": user.id, "email": user.email}
    if next_path:
        payload["next"] = next_path
    return _email_links().dumps(payload)


def read_email_verification_token(token: str) -> dict[str, Any]:
    """The token's payload; raises itsdangerous' SignatureExpired (older than two days) or
    BadSignature."""
    payload: dict[str, Any] = _email_links().loads(token, max_age=EMAIL_LINK_MAX_AGE)
    return payload
