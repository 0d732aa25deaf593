"""Permanent API keys (``Authorization: Token <key>``): made, rotated, deleted, looked up.

A key is 40 hexadecimal characters (160 random bits, the shape upstream's clients know). Only
its SHA-256 digest is stored: a random key of that strength needs no slow hash, and a leaked
database does not leak usable keys.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from sqlalchemy import bindparam, select

from wger_flask.extensions import db
from wger_flask.models.accounts import WITH_DATA_STAMP, ApiKey, User
from wger_flask.models.types import utcnow

KEY_BYTES = 20
# Writing last_used on every request would turn reads into writes; once a minute is enough.
LAST_USED_RESOLUTION = dt.timedelta(minutes=1)


def digest_of(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()


def issue(user: User) -> str:
    """Create or rotate the user's key; returns the new key, shown to the user once."""
    key = secrets.token_hex(KEY_BYTES)
    record = db.session.execute(
        select(ApiKey).where(ApiKey.user_id == user.id)
    ).scalar_one_or_none()
    if record is None:
        record = ApiKey(user_id=user.id)
        db.session.add(record)
    record.digest = digest_of(key)
    record.prefix = key[:8]
    record.created = utcnow()
    record.last_used = None
    return key


def revoke(user: User) -> bool:
    """Delete the user's key; True if there was one."""
    record = db.session.execute(
        select(ApiKey).where(ApiKey.user_id == user.id)
    ).scalar_one_or_none()
    if record is None:
        return False
    db.session.delete(record)
    return True


# The key's row joined to its user by the key's unique digest: one indexed statement, built once.
KEY_WITH_USER = (
    select(ApiKey, User)
    .join(User, ApiKey.user_id == User.id)
    .where(ApiKey.digest == bindparam("digest"))
    .options(*WITH_DATA_STAMP)
)


def user_for_key(key: str) -> User | None:
    """The active user a key belongs to, or None. Notes the use (not committed here)."""
    if not key or len(key) > 128:
        return None
    row = db.session.execute(KEY_WITH_USER, {"digest": digest_of(key)}).first()
    if row is None:
        return None
    record, user = row
    if not user.is_active:
        return None
    now = utcnow()
    if record.last_used is None or now - record.last_used > LAST_USED_RESOLUTION:
        record.last_used = now
    return user


def adopt(user_id: int, key: str, created: dt.datetime | None = None) -> bool:
    """Take over a key made elsewhere (an upstream server's ``authtoken`` key, ``flask
    import-wger``): the same key goes on working, stored as its digest like ours. Nothing is
    changed when the user already has a key; whether it was adopted. Not committed here."""
    if not key or len(key) > 128:
        raise ValueError("not an API key")
    existing = db.session.execute(select(ApiKey.id).where(ApiKey.user_id == user_id)).first()
    if existing is not None:
        return False
    db.session.add(
        ApiKey(user_id=user_id, digest=digest_of(key), prefix=key[:8], created=created or utcnow())
    )
    db.session.flush()
    return True
