"""Password hashing with argon2id (OWASP's first choice), parameters upgraded on login.

Hashes in Django's formats (accounts moved in from an upstream wger server,
``django_hashes``) are verified as they are and replaced by argon2id at the first successful
login (``needs_rehash``).
"""

from __future__ import annotations

import contextlib
import functools

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from flask import current_app, has_app_context

from wger_flask.services.accounts import django_hashes

_PRODUCTION = PasswordHasher()  # argon2id, library defaults (RFC 9106 low-memory profile)
# The test suite hashes hundreds of passwords: same algorithm, cheap parameters.
_FAST = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)


@functools.cache
def _dummy_hash() -> str:
    """Verified against when the user does not exist, so a login takes as long either way.
    Made at the first such login, not at import: a full argon2 hash costs every process that
    imports this module (each `flask` command, each server start) about a third of a second."""
    return _PRODUCTION.hash("wger-flask: no such user")


def _hasher() -> PasswordHasher:
    if has_app_context() and current_app.config.get("PASSWORD_HASH_FAST"):
        return _FAST
    return _PRODUCTION


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """Constant-effort check; an empty or unknown hash never matches."""
    if not password_hash:
        with contextlib.suppress(VerificationError):
            _PRODUCTION.verify(_dummy_hash(), password)
        return False
    if django_hashes.is_django_hash(password_hash):
        return django_hashes.verify(password_hash, password)
    try:
        return _hasher().verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    """True for older argon2 parameters and for any other format (Django's included)."""
    try:
        return _hasher().check_needs_rehash(password_hash)
    except InvalidHashError:
        return True
