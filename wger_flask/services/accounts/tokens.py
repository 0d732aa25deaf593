"""JSON Web Tokens: short-lived access tokens, rotating refresh tokens, one blocklist.

Claims of both kinds: ``exp``, ``iat``, ``jti``, ``token_type`` (``access`` / ``refresh``),
``sub`` and ``user_id`` (the user's id as a string, as simplejwt writes it), ``gen`` (the
account's credential generation: a password change or deactivation moves it on, and every token
minted before stops working at once) and ``auth_time`` (when the user last proved who they are).
Refresh tokens also carry ``fam``, their family.

Every refresh token is recorded (``RefreshToken``). Rotation is one conditional UPDATE — "revoke
this jti if it is not revoked yet" — in the request's transaction, so of two concurrent
refreshes of one token exactly one wins, on SQLite and PostgreSQL, across workers and hosts.
Presenting a token that was already rotated revokes its whole family (reuse detection), at
once: there is no grace window in which a replay is only refused.
"""

from __future__ import annotations

import datetime as dt
import threading
import uuid
from dataclasses import dataclass
from typing import Any, cast

import jwt as pyjwt
from flask import Flask, current_app
from flask_jwt_extended import create_access_token, create_refresh_token
from sqlalchemy import bindparam, exists, select, update
from sqlalchemy.orm import aliased

from wger_flask.database import changed_rows
from wger_flask.extensions import db
from wger_flask.models.accounts import WITH_DATA_STAMP, AppSession, RefreshToken, User
from wger_flask.models.types import utcnow
from wger_flask.rest import caches

ACCESS = "access"
REFRESH = "refresh"


class InvalidToken(Exception):
    """A token that must be refused; the message is safe to show to the client."""


@dataclass(frozen=True)
class TokenPair:
    access: str
    refresh: str


def access_lifetime() -> dt.timedelta:
    return dt.timedelta(minutes=current_app.config["ACCESS_TOKEN_LIFETIME_MINUTES"])


def refresh_lifetime() -> dt.timedelta:
    return dt.timedelta(hours=current_app.config["REFRESH_TOKEN_LIFETIME_HOURS"])


def _claims(user: User, token_type: str, auth_time: float | None) -> dict[str, Any]:
    return {
        "token_type": token_type,
        "user_id": str(user.id),
        "gen": user.auth_generation,
        "auth_time": int(auth_time if auth_time is not None else utcnow().timestamp()),
    }


def mint_access(
    user: User,
    auth_time: float | None = None,
    *,
    session_id: int | None = None,
    family: str | None = None,
) -> str:
    """A short-lived access token for ``user``: ``sid`` names the app session and ``fam`` the
    refresh-token family it was minted with; when either ends, the token stops working."""
    claims = _claims(user, ACCESS, auth_time)
    if session_id is not None:
        claims["sid"] = session_id
    if family is not None:
        claims["fam"] = family
    token: str = create_access_token(
        identity=str(user.id), expires_delta=access_lifetime(), additional_claims=claims
    )
    return token


def mint_refresh(
    user: User,
    source: str,
    *,
    family: str | None = None,
    session_id: int | None = None,
    auth_time: float | None = None,
    lifetime: dt.timedelta | None = None,
    jti: str | None = None,
) -> str:
    """A refresh token, recorded so it can be rotated and revoked (not committed here)."""
    jti = jti or str(uuid.uuid4())
    lifetime = lifetime or refresh_lifetime()
    claims = _claims(user, REFRESH, auth_time)
    claims.update({"jti": jti, "fam": family or jti})
    token: str = create_refresh_token(
        identity=str(user.id), expires_delta=lifetime, additional_claims=claims
    )
    db.session.add(
        RefreshToken(
            jti=jti,
            user_id=user.id,
            family=family or jti,
            source=source,
            session_id=session_id,
            expires=utcnow() + lifetime,
        )
    )
    return token


def mint_pair(
    user: User, source: str, *, session_id: int | None = None, auth_time: float | None = None
) -> TokenPair:
    """Access and refresh token for a fresh login (a new refresh-token family)."""
    family = str(uuid.uuid4())  # the first refresh token's jti names its family
    return TokenPair(
        mint_access(user, auth_time, session_id=session_id, family=family),
        mint_refresh(user, source, session_id=session_id, auth_time=auth_time, jti=family),
    )


# Several hosts mint and check each other's tokens, and their clocks differ by a few
# milliseconds (NTP): a token minted on a host slightly ahead carries an ``iat``/``nbf`` that is
# a moment in the future on the host that checks it. Up to this much is the hosts' skew, not
# a forged time; ``exp`` gets no such allowance.
CLOCK_SKEW_SECONDS = 5


def verified_claims(token: str) -> dict[str, Any]:
    """The claims of a token this server signed, verified in one pass: signature with the
    pinned algorithm (``JWT_DECODE_ALGORITHMS``: HS256 only), ``exp``, ``iat`` and ``nbf`` (not
    later than ``CLOCK_SKEW_SECONDS`` ahead), and a subject present. What flask-jwt-extended's
    ``decode_token`` checks with this app's settings, without its first, unverified decode (a
    sixth of an authenticated request's time).

    A token whose signature was verified once is kept (``VerifiedTokens``): the same bytes sent
    again need no second decode, only the checks of time, made on every use."""
    config = current_app.config
    leeway = config.get("JWT_DECODE_LEEWAY", 0)
    now = wall_clock()
    store = verified_tokens(current_app)
    signing = (config["JWT_SECRET_KEY"], tuple(config["JWT_DECODE_ALGORITHMS"]))
    kept = store.get(token, signing)
    if kept is None:
        claims: dict[str, Any] = pyjwt.decode(
            token,
            config["JWT_SECRET_KEY"],
            algorithms=config["JWT_DECODE_ALGORITHMS"],
            leeway=leeway,
            options={
                "verify_aud": False,
                "require": ["sub"],
                "verify_iat": False,
                "verify_nbf": False,
            },
        )
        claims.setdefault("type", ACCESS)
    else:
        claims = dict(kept)  # a copy: a caller that changes its claims changes no other's
        if "exp" in claims and int(claims["exp"]) <= now - _seconds(leeway):
            raise pyjwt.ExpiredSignatureError("Signature has expired")  # as PyJWT says it
    latest = now + CLOCK_SKEW_SECONDS
    for moment in ("iat", "nbf"):
        value = claims.get(moment)
        if value is not None and (not isinstance(value, int | float) or value > latest):
            raise pyjwt.ImmatureSignatureError(f"The token is not yet valid ({moment})")
    if kept is None:
        store.put(token, dict(claims), signing)
    return claims


def wall_clock() -> float:
    """Now, in seconds since the epoch: what PyJWT compares ``exp`` with (a function, so a
    test can move it past a kept token's expiry)."""
    return dt.datetime.now(dt.UTC).timestamp()


def _seconds(leeway: float | dt.timedelta) -> float:
    return leeway.total_seconds() if isinstance(leeway, dt.timedelta) else leeway


# A token is about 500 bytes, its claims about as many as a dict: 2 kB an entry is generous.
VERIFIED_TOKEN_BYTES = 2048
MAX_VERIFIED_TOKEN_BYTES = 2 * 1024 * 1024  # ~1,000 live tokens a worker
VERIFIED_TOKENS = "wger_verified_tokens"  # app.extensions key: each app its own signing key


class VerifiedTokens:
    """Tokens whose signature this app verified, with their claims, least recently used
    first out (a ``rest.caches.BoundedLRU``, each entry counted at ``VERIFIED_TOKEN_BYTES``).
    Keyed by the whole token (header, claims and signature): a token that differs in one byte
    is decoded and verified anew. Only what the signature proves is kept; what changes with
    time (``exp``, ``iat``, ``nbf``) and with the database (the user, the session and the
    family behind the token, ``user_for_claims``) is checked on every use. Every entry belongs
    to one signing key (the key and the algorithms): a changed key forgets them all, and a
    token verified with the old key while it changed is not kept."""

    def __init__(self, max_bytes: int = MAX_VERIFIED_TOKEN_BYTES) -> None:
        self._claims: caches.BoundedLRU[dict[str, Any]] = caches.BoundedLRU(
            max_bytes, lambda _claims: VERIFIED_TOKEN_BYTES - caches.ENTRY_OVERHEAD
        )
        self._signing: object = None
        self._lock = threading.Lock()

    @property
    def max_bytes(self) -> int:
        return self._claims.max_bytes

    def _same_signing(self, signing: object) -> bool:
        """Whether the kept tokens were verified with ``signing``; if not, they are forgotten
        and ``signing`` is the key from now on."""
        with self._lock:
            if signing == self._signing:
                return True
            self._claims.clear()
            self._signing = signing
            return False

    def get(self, token: str, signing: object) -> dict[str, Any] | None:
        """The kept claims of ``token``, if it was verified with ``signing``."""
        if not self._same_signing(signing):
            return None
        return self._claims.get(token)

    def put(self, token: str, claims: dict[str, Any], signing: object) -> None:
        """Keep the claims of ``token``, verified with ``signing``."""
        if len(token) + caches.ENTRY_OVERHEAD > VERIFIED_TOKEN_BYTES:
            return  # an odd, long token: verified every time
        with self._lock:
            if signing != self._signing:
                return  # the key changed while this token was verified
            self._claims.put(token, claims)

    def size_bytes(self) -> int:
        return self._claims.size_bytes()

    def __len__(self) -> int:
        return len(self._claims)


def verified_tokens(app: Flask | None) -> VerifiedTokens:
    """This app's store of verified tokens (made on first use)."""
    if app is None:
        raise RuntimeError("verified tokens are kept per app")
    store = app.extensions.get(VERIFIED_TOKENS)
    if store is None:
        store = app.extensions.setdefault(VERIFIED_TOKENS, VerifiedTokens())
    return cast(VerifiedTokens, store)


caches.register("verified_tokens", lambda app: app.extensions.get(VERIFIED_TOKENS) if app else None)


def decode(token: str, expected_type: str | None) -> dict[str, Any]:
    """Verify signature, algorithm, expiry and type; returns the claims or raises InvalidToken."""
    if not isinstance(token, str) or token.count(".") != 2:
        raise InvalidToken("Token is invalid")
    try:
        claims = verified_claims(token)
    except pyjwt.ExpiredSignatureError:
        raise InvalidToken("Token is expired") from None
    except (pyjwt.InvalidTokenError, ValueError, TypeError):
        raise InvalidToken("Token is invalid") from None
    token_type = claims.get("token_type")
    if token_type not in (ACCESS, REFRESH) or claims.get("type") != token_type:
        raise InvalidToken("Token has no type")
    if expected_type is not None and token_type != expected_type:
        raise InvalidToken("Token has wrong type")
    if not isinstance(claims.get("exp"), int) or isinstance(claims["exp"], bool):
        raise InvalidToken("Token has no expiry")  # a token that never expires is refused
    if user_id_of(claims) is None or claims.get("user_id") != claims["sub"]:
        raise InvalidToken("Token contained no recognizable user identification")
    return claims


MAX_ID = 2**63 - 1  # a 64-bit signed id: anything else is refused before it reaches SQL


def user_id_of(claims: dict[str, Any]) -> int | None:
    """``sub`` as a user id: plain decimal digits of a positive 64-bit integer, else None."""
    sub = claims.get("sub")
    if not isinstance(sub, str) or not sub.isascii() or not sub.isdigit() or len(sub) > 19:
        return None
    value = int(sub)
    return value if 0 < value <= MAX_ID and str(value) == sub else None


def _look_up(with_session: bool, with_family: bool) -> Any:
    """The user by id, with the liveness of the token's session and family when it names
    them: built once per shape (the claims go in as parameters), not per request."""
    columns: list[Any] = [User]
    if with_session:
        columns.append(
            exists()
            .where(AppSession.id == bindparam("sid"), AppSession.ended.is_(None))
            .correlate(None)
            .label("session_live")
        )
    if with_family:
        columns.append(
            exists()
            .where(RefreshToken.family == bindparam("fam"), RefreshToken.revoked.is_(None))
            .correlate(None)
            .label("family_live")
        )
    return select(*columns).where(User.id == bindparam("user_id")).options(*WITH_DATA_STAMP)


LOOK_UPS = {(sid, fam): _look_up(sid, fam) for sid in (False, True) for fam in (False, True)}


def user_for_claims(claims: dict[str, Any]) -> User:
    """The active user the claims name, at the credential generation they were minted in, and
    still live: the app session (``sid``) and refresh-token family (``fam``) an access token
    came from must not have ended. Those checks ride on the user lookup: ONE statement, by
    primary key and indexes."""
    user_id = user_id_of(claims)
    if user_id is None:
        raise InvalidToken("Token contained no recognizable user identification")
    sid, fam = claims.get("sid"), claims.get("fam")
    with_session = isinstance(sid, int) and not isinstance(sid, bool)
    with_family = isinstance(fam, str) and claims.get("token_type") == ACCESS
    parameters: dict[str, Any] = {"user_id": user_id}
    if with_session:
        parameters["sid"] = sid
    if with_family:
        parameters["fam"] = fam
    row = db.session.execute(LOOK_UPS[with_session, with_family], parameters).first()
    if row is None:
        raise InvalidToken("User not found")
    user: User
    user, *live = row
    if not user.is_active:
        raise InvalidToken("User is inactive")
    if claims.get("gen") != user.auth_generation or not all(live):
        raise InvalidToken("Token is invalid")
    return user


def user_for_access_token(token: str) -> User:
    """The user behind a Bearer access token; raises InvalidToken."""
    return user_for_claims(decode(token, ACCESS))


def verify(token: str) -> None:
    """``/api/v2/token/verify``: any token of ours, valid, of a usable account, not revoked."""
    claims = decode(token, None)
    user_for_claims(claims)
    if claims["token_type"] == REFRESH:
        record = db.session.get(RefreshToken, claims.get("jti"))
        if record is None or record.revoked is not None:
            raise InvalidToken("Token is blacklisted")


class ReusedToken(InvalidToken):
    """A refresh token presented again after it was rotated: its family has been revoked."""


# A rotated refresh token presented again ends its whole family, however soon after the
# rotation. There is no grace window: inside one, a thief who rotated a stolen token first kept
# the login while the victim's replay was merely refused. The cost falls on a client that sends
# two refreshes of one token at once: one wins, the other ends the login, and the user signs in
# again (clients refresh one at a time). Answering the replay with the first rotation's pair
# (the other choice) would break the contract that a second use is a 401.


def rotate(token: str) -> TokenPair:
    """Exchange a refresh token for a new pair; the presented one is blocklisted at once.

    The first statement is the conditional UPDATE (a write, so SQLite takes its lock before
    reading anything): of concurrent refreshes exactly one updates a row. Not committed here.
    """
    claims = decode(token, REFRESH)
    jti, now, new_jti = claims.get("jti"), utcnow(), str(uuid.uuid4())
    won = changed_rows(
        db.session.execute(
            update(RefreshToken)
            .where(
                RefreshToken.jti == jti, RefreshToken.revoked.is_(None), RefreshToken.expires > now
            )
            .values(revoked=now, replaced_by=new_jti, last_used=now)
            .execution_options(synchronize_session=False)
        )
    )
    if won != 1:
        db.session.rollback()
        _refuse_lost_rotation(jti)
    user = user_for_claims(claims)
    record = db.session.get(RefreshToken, jti)
    if record is None or record.user_id != user.id:
        raise InvalidToken("Token is invalid")
    if record.session_id is not None:  # the app session's "last seen" on the sessions page
        db.session.execute(
            update(AppSession)
            .where(AppSession.id == record.session_id)
            .values(last_seen=now)
            .execution_options(synchronize_session=False)
        )
    refresh = mint_refresh(
        user,
        record.source,
        family=record.family,
        session_id=record.session_id,
        auth_time=claims.get("auth_time"),
        jti=new_jti,
    )
    access = mint_access(
        user, claims.get("auth_time"), session_id=record.session_id, family=record.family
    )
    return TokenPair(access, refresh)


def _refuse_lost_rotation(jti: str | None) -> None:
    """Why a refresh token could not be rotated; revokes its family when it was replayed."""
    record = db.session.get(RefreshToken, jti) if jti else None
    if record is None:
        raise InvalidToken("Token is invalid")
    if record.revoked is None:
        raise InvalidToken("Token is expired")
    if record.replaced_by is not None:  # rotated before: a replay, by a thief or of a thief
        revoke_family(record.family)
        raise ReusedToken("Token is blacklisted")
    raise InvalidToken("Token is blacklisted")


def revoke(user: User, jti: str) -> bool:
    """Revoke one of the user's refresh tokens (its whole family: the login it belongs to)."""
    record = db.session.get(RefreshToken, jti)
    if record is None or record.user_id != user.id:
        return False
    return revoke_family(record.family) > 0


def revoke_all(user: User) -> int:
    """Revoke every live refresh token of a user (not committed here)."""
    return _revoke_where(RefreshToken.user_id == user.id)


def revoke_session(session_id: int) -> int:
    """Revoke the live refresh tokens an app session issued (its logout; not committed here)."""
    return _revoke_where(RefreshToken.session_id == session_id)


def revoke_family(family: str) -> int:
    """Revoke every live token of a family (not committed here)."""
    return _revoke_where(RefreshToken.family == family)


def _revoke_where(condition: Any) -> int:
    return changed_rows(
        db.session.execute(
            update(RefreshToken)
            .where(condition, RefreshToken.revoked.is_(None))
            .values(revoked=utcnow())
            .execution_options(synchronize_session=False)
        )
    )


@dataclass(frozen=True)
class Outstanding:
    """A live refresh-token family as the API-key page lists it."""

    jti: str  # its live member (what "revoke" names)
    source: str
    created: dt.datetime  # when the family began (the login, or the minting)
    last_used: dt.datetime | None  # its last rotation: when the live member was made
    expires: dt.datetime


def outstanding(user: User) -> list[Outstanding]:
    """The user's live refresh-token families, newest first (one live member each: rotation
    revokes the predecessor), with their start and last use read off the family."""
    first = aliased(RefreshToken)
    rows = db.session.execute(
        select(RefreshToken, first.created)
        .outerjoin(first, first.jti == RefreshToken.family)
        .where(
            RefreshToken.user_id == user.id,
            RefreshToken.revoked.is_(None),
            RefreshToken.expires > utcnow(),
        )
        .order_by(RefreshToken.created.desc())
    )
    return [
        Outstanding(
            jti=live.jti,
            source=live.source,
            created=began or live.created,
            last_used=live.created if live.jti != live.family else None,
            expires=live.expires,
        )
        for live, began in rows
    ]
