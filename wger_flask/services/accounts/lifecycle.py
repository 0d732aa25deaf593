"""An account's life after sign-up: password change and reset links, deactivation, the export
of all one's data, deletion.

Ending credentials (``end_credentials``): a password change, a reset and a deactivation all end
every web session, app session (``X-Session-Token``), JWT access and refresh token and the
permanent API key. The credential generation does most of it (``users.set_password`` bumps
it); the refresh tokens are marked revoked and the API key deleted so the API-key page lists
nothing that no longer works.

Export and deletion go through a registry of *data sources*: each domain that keeps a user's
data contributes ``export_user(user_id) -> dict[str, list[dict]]`` (rows as plain values, by
resource name) and, if it keeps files, ``delete_user_files(user_id)``. They are found by name
in ``wger_flask.services.<domain>`` (``DOMAINS``), so wiring a domain is one line there.
Deleting the user row relies on ``ON DELETE CASCADE`` foreign keys for the rows themselves.

May import: models.accounts, the extensions, the accounts services, and other domains' public
package functions (by name, lazily, through the registry).
"""

from __future__ import annotations

import datetime as dt
import functools
import importlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import delete, func, select

from wger_flask.database import after_commit
from wger_flask.extensions import db
from wger_flask.models.accounts import (
    ApiKey,
    AppSession,
    Authenticator,
    RefreshToken,
    User,
    UserProfile,
)
from wger_flask.models.types import utcnow
from wger_flask.rest import throttling
from wger_flask.services.accounts import api_keys, mail, users
from wger_flask.services.accounts.passwords import verify_password

# The domains whose data an export holds and a deletion removes, in export order. Each names
# a package ``wger_flask.services.<domain>`` with ``export_user`` (and ``delete_user_files``
# if it keeps files). Wiring a domain is adding its name here.
DOMAINS: tuple[str, ...] = ("accounts", "routines", "nutrition", "body", "trophies")

EXPORT_FORMAT = "wger-flask account export"
EXPORT_VERSION = 1

# Rate-limit scopes (quotas in ``config.RATE_LIMITS``).
VERIFICATION_MAIL = "verification_mail"  # per account: verification mails sent
PASSWORD_RESET = "password_reset"  # per client: reset requests (the decorator's bucket)
PASSWORD_RESET_ADDRESS = "password_reset_address"  # per address: reset mails asked for
PASSWORD_RESET_CONFIRM = "password_reset_confirm"  # per client: new passwords from a link
PASSWORD_CHANGE = "password_change"  # per account: password changes

PASSWORD_RESET_MAX_AGE = 3600  # seconds a reset link works


class WrongPassword(Exception):
    """The current password given to confirm a sensitive action is not right."""


class InvalidResetKey(Exception):
    """A password-reset key that is malformed, expired, used or for an inactive account."""


# ------------------------------------------------------------------ rate limits


def over_quota(scope: str, identity: str) -> bool:
    """Count one use of ``identity``'s bucket in ``scope``; True (and nothing counted) when
    the bucket is already full. A storage failure lets the request through (logged)."""
    if throttling.account_locked(scope, identity):
        return True
    throttling.record_failure(scope, identity)
    return False


# ------------------------------------------------------------------ passwords


def check_password(user: User, password: str) -> None:
    """Raise WrongPassword unless ``password`` is the user's."""
    if not verify_password(user.password_hash, password or ""):
        raise WrongPassword()


def end_credentials(user: User) -> None:
    """End everything that stands for the user: ``users.end_all_sessions`` (web and app
    sessions, JWTs through the credential generation, refresh tokens revoked) and the API key
    (deleted, so the API-key page lists nothing that no longer works). Not committed."""
    users.end_all_sessions(user)
    api_keys.revoke(user)


def change_password(user: User, current: str, new: str) -> None:
    """Change the password after checking the current one (WrongPassword) and the new one's
    strength (users.AccountError, field ``password``). Ends every session and token."""
    check_password(user, current)
    set_new_password(user, new)


def set_new_password(user: User, new: str) -> None:
    """Set a password that passed the sign-up rules; ends every session and token."""
    users.set_password(user, new)  # validates; ends every session and token
    api_keys.revoke(user)


def _reset_links() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="password-reset")


def password_reset_key(user: User) -> str:
    """The signed key of a reset link. It names the credential generation it was made in: the
    reset moves the generation on, so a key works once (and also dies with any other password
    change or a deactivation); it expires after PASSWORD_RESET_MAX_AGE."""
    return _reset_links().dumps({"user": user.id, "gen": user.auth_generation})


def user_for_reset_key(key: str, *, now: float | None = None) -> User:
    """The active user a reset key is for, or InvalidResetKey."""
    serializer = _reset_links()
    try:
        if now is None:
            payload = serializer.loads(key or "", max_age=PASSWORD_RESET_MAX_AGE)
        else:
            payload, signed_at = serializer.loads(key or "", return_timestamp=True)
            if now - signed_at.timestamp() > PASSWORD_RESET_MAX_AGE:
                raise SignatureExpired("expired")
    except (BadSignature, SignatureExpired):
        raise InvalidResetKey() from None
    user = db.session.get(User, payload.get("user")) if isinstance(payload, dict) else None
    if user is None or not user.is_active or user.auth_generation != payload.get("gen"):
        raise InvalidResetKey()
    return user


def reset_password(key: str, new: str) -> User:
    """Set a new password from a reset key (InvalidResetKey, users.AccountError). The key came
    by mail to the account's address, so that address is verified from now on."""
    user = user_for_reset_key(key)
    set_new_password_from_link(user, new)
    return user


def set_new_password_from_link(user: User, new: str) -> None:
    """A new password chosen through a reset link: the mailed link proved the address."""
    set_new_password(user, new)
    if user.email:
        user.email_verified = True


def user_for_reset_request(email: str) -> User | None:
    """The one active account with this address (None if none, several, or inactive)."""
    rows = (
        db.session.execute(
            select(User).where(func.lower(User.email) == email.strip().lower()).limit(2)
        )
        .scalars()
        .all()
    )
    if len(rows) != 1 or not rows[0].is_active:
        return None
    return rows[0]


# ------------------------------------------------------------------ email address

SENT, ALREADY_VERIFIED, NO_ADDRESS, TOO_SOON = "sent", "verified", "no_address", "too_soon"


def site_link(path: str) -> str:
    """An absolute link on the site's public address (``SITE_URL``): mail links are never
    built from a request's Host header, which the client chooses."""
    return f"{current_app.config['SITE_URL']}{path}"


def send_verification_mail(user: User, next_path: str | None = None) -> str:
    """Mail the user a link that verifies their address, at most once per
    ``RATE_LIMITS["verification_mail"]``. Returns SENT, ALREADY_VERIFIED, NO_ADDRESS or
    TOO_SOON. Call it after the commit that stored the address. ``next_path``: the page the
    verified address leads back to (the 2FA page, the account page)."""
    if not user.email:
        return NO_ADDRESS
    if user.email_verified:
        return ALREADY_VERIFIED
    if over_quota(VERIFICATION_MAIL, f"user:{user.id}"):
        return TOO_SOON
    token = users.email_verification_token(user, next_path)
    mail.send(
        user.email,
        "Verify your email address",
        "verify_email",
        secrets=[token],
        username=user.username,
        email=user.email,
        link=site_link(f"/user/verify-email/{token}/"),
    )
    return SENT


def send_password_reset_mail(user: User) -> None:
    """Mail the user a single-use link to choose a new password. It goes to the account's
    address whether or not that is verified yet (as allauth): the link proves the address,
    and a reset made with it marks the address verified (``reset_password``)."""
    key = password_reset_key(user)
    mail.send(
        user.email,
        "Reset your password",
        "password_reset",
        secrets=[key],
        username=user.username,
        link=site_link(f"/user/password/reset/{key}/"),
        minutes=PASSWORD_RESET_MAX_AGE // 60,
    )


def send_email_changed_notice(old_address: str, user: User) -> None:
    """Tell the previous address that the account's address changed (no link in it that
    acts as a credential)."""
    if old_address:
        mail.send(
            old_address,
            "Your email address was changed",
            "email_changed",
            username=user.username,
            new_email=user.email,
        )


def change_email(user: User, password: str, new_email: str) -> str:
    """Set a new address (unverified until its link is opened); returns the old one.
    WrongPassword, users.AccountError (field ``email``)."""
    check_password(user, password)
    new_email = (new_email or "").strip()
    if new_email.lower() == (user.email or "").lower():
        raise users.AccountError("email", "This is already your address.", "invalid")
    email = users.validate_email(new_email, required=True)
    old = user.email
    user.email = email
    user.email_verified = False
    return old


# ------------------------------------------------------------------ deactivation


def deactivate(user: User) -> None:
    """Switch the account off: it cannot log in, every session and token ends. An
    administrator can switch it on again (``flask user activate``). Not committed."""
    users.deactivate(user)
    api_keys.revoke(user)


def activate(user: User) -> None:
    user.is_active = True


# ------------------------------------------------------------------ export and deletion


@dataclass(frozen=True)
class DataSource:
    """What one domain contributes to an export and a deletion."""

    name: str
    export: Callable[[int], dict[str, list[dict[str, Any]]]]
    delete_files: Callable[[int], None] | None = None


def data_sources() -> list[DataSource]:
    """The registered sources, in ``DOMAINS`` order (each domain package, imported lazily)."""
    found = []
    for name in DOMAINS:
        module = importlib.import_module(f"wger_flask.services.{name}")
        found.append(
            DataSource(name, module.export_user, getattr(module, "delete_user_files", None))
        )
    return found


def table_rows(statement: Any, *, without: tuple[str, ...] = ()) -> list[dict[str, Any]]:
    """The rows of a Core SELECT as dicts of plain column values (minus ``without``)."""
    return [
        {key: value for key, value in row.items() if key not in without}
        for row in db.session.execute(statement).mappings()
    ]


def export_accounts(user_id: int) -> dict[str, list[dict[str, Any]]]:
    """The accounts domain's rows of a user, without any secret or digest."""
    return {
        "user": table_rows(
            select(User.__table__).where(User.id == user_id),
            without=("password_hash", "auth_generation"),
        ),
        "userprofile": table_rows(
            select(UserProfile.__table__).where(UserProfile.user_id == user_id)
        ),
        "apikey": table_rows(
            select(ApiKey.__table__).where(ApiKey.user_id == user_id), without=("digest",)
        ),
        "authenticator": table_rows(
            select(
                Authenticator.id, Authenticator.type, Authenticator.created, Authenticator.last_used
            ).where(Authenticator.user_id == user_id, Authenticator.type != "totp_setup")
        ),
        "app_session": table_rows(
            select(AppSession.__table__).where(AppSession.user_id == user_id),
            without=("digest", "pending", "methods", "data"),  # data: CSRF token, one-time secrets
        ),
        "refresh_token": table_rows(
            select(RefreshToken.__table__).where(RefreshToken.user_id == user_id)
        ),
    }


def export_user(user: User) -> dict[str, Any]:
    """Everything the server keeps about a user, by domain and resource, as one document."""
    return {
        "format": EXPORT_FORMAT,
        "version": EXPORT_VERSION,
        "exported": utcnow().isoformat(),
        "user": {"id": user.id, "username": user.username, "email": user.email},
        "data": {source.name: source.export(user.id) for source in data_sources()},
    }


def export_filename(user: User, today: dt.date | None = None) -> str:
    day = (today or utcnow().date()).isoformat()
    safe = "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in user.username)
    return f"wger-export-{safe}-{day}.json"


def delete_user(user: User) -> None:
    """Delete the account with all its data: the user row (its rows go with it through ON
    DELETE CASCADE), then, once the caller's commit succeeded, each domain's files (a failed
    commit keeps both the rows and their files). Not committed here."""
    user_id = user.id
    for source in data_sources():
        if source.delete_files is not None:
            after_commit(db.session, functools.partial(source.delete_files, user_id))
    db.session.expunge_all()  # the ORM must not try to null or re-save the cascaded rows
    db.session.execute(delete(User).where(User.id == user_id))
