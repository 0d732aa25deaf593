"""User accounts and everything that stands for them: profile, API keys, app sessions, refresh
tokens and second factors."""

from __future__ import annotations

import datetime as dt
import decimal
from typing import Any

from flask_login import UserMixin
from sqlalchemy import (
    BigInteger,
    Boolean,
    Date,
    FetchedValue,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    UniqueConstraint,
    column,
    select,
    table,
    true,
)
from sqlalchemy.orm import Mapped, column_property, mapped_column, relationship, undefer

from wger_flask.database import Model
from wger_flask.models.types import JSONDocument, UTCDateTime, utcnow

# Catalogues users' answers nest: their generations are read with the stamp (one primary-key
# look-up each, in the same statement). Trophies: migration 7d2e9b4c1a05; exercises and units:
# df707f7c1c83; ingredients, weight units, images: b6e107786122 and 3b9d6f0a2c71; public
# routines: 9c4e7a2b5d18.
_TROPHY_GENERATION = table("trophies_catalogue_generation", column("id"), column("value"))
_CATALOGUE_GENERATION = table("exercises_catalogue_generation", column("id"), column("value"))
_INGREDIENT_GENERATION = table("nutrition_ingredient_generation", column("id"), column("value"))
_PUBLIC_ROUTINE_GENERATION = table(
    "manager_public_routine_generation", column("id"), column("value")
)


def _generation(generation: Any) -> Any:
    """The one value of a generation table, as a deferred column of the user."""
    return column_property(
        select(generation.c.value).where(generation.c.id == 1).scalar_subquery(), deferred=True
    )


class User(UserMixin, Model):
    """An account. Passwords are stored only as argon2id hashes (``services.passwords``)."""

    __tablename__ = "auth_user"
    # a new row's server-made data_stamp is read when asked for, not RETURNed by the INSERT
    __mapper_args__ = {"eager_defaults": False}

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(150), unique=True)
    email: Mapped[str] = mapped_column(String(254), default="", index=True)
    email_verified: Mapped[bool] = mapped_column(Boolean, default=False)
    password_hash: Mapped[str] = mapped_column(String(255), default="")
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    is_staff: Mapped[bool] = mapped_column(Boolean, default=False)
    is_superuser: Mapped[bool] = mapped_column(Boolean, default=False)
    date_joined: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_login: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    # Bumped whenever the account's credentials change (password, deactivation): sessions and
    # JWTs carry the generation they were made in and stop working when it moves on.
    auth_generation: Mapped[int] = mapped_column(Integer, default=0)
    # The version of everything the user's own answers read, renewed by database triggers on
    # every write to that data, whoever writes it (migration 7d2e9b4c1a05): the owner answer
    # cache's key. Never written from Python. Deferred: only the authentication look-ups read
    # it (``WITH_DATA_STAMP``), in their one statement, and a user row is still written and
    # read on a schema older than the column (the migrations' own tests do).
    data_stamp: Mapped[int] = mapped_column(
        BigInteger, server_default=FetchedValue(), server_onupdate=FetchedValue(), deferred=True
    )
    # The trophy catalogue's generation (one row, renewed by triggers on every trophy write):
    # not the user's, but read with the stamp because every user's trophy progress nests it.
    trophy_generation: Mapped[int] = _generation(_TROPHY_GENERATION)
    # What the routine and nutrition answers nest besides the user's rows (their domains key
    # kept answers on these: ``blueprints/routines``, ``blueprints/nutrition``).
    exercise_catalogue_generation: Mapped[int] = _generation(_CATALOGUE_GENERATION)
    ingredient_generation: Mapped[int] = _generation(_INGREDIENT_GENERATION)
    public_routine_generation: Mapped[int] = _generation(_PUBLIC_ROUTINE_GENERATION)

    api_key: Mapped[ApiKey | None] = relationship(
        back_populates="user", cascade="all, delete-orphan"
    )
    profile: Mapped[UserProfile | None] = relationship(
        back_populates="user", cascade="all, delete-orphan"
    )

    def get_id(self) -> str:
        return f"{self.id}:{self.auth_generation}"

    def __repr__(self) -> str:
        return f"<User {self.username}>"


class UserProfile(Model):
    """Upstream's profile: preferences and the body data the calorie calculator uses."""

    __tablename__ = "core_userprofile"
    __owner__ = ()

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("auth_user.id", ondelete="CASCADE"), unique=True
    )
    is_temporary: Mapped[bool] = mapped_column(Boolean, default=False)
    workout_reminder_active: Mapped[bool] = mapped_column(Boolean, default=False)
    workout_reminder: Mapped[int] = mapped_column(Integer, default=14)
    workout_duration: Mapped[int] = mapped_column(Integer, default=12)
    last_workout_notification: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    notification_language_id: Mapped[int] = mapped_column(ForeignKey("core_language.id"), default=2)
    weight_rounding: Mapped[decimal.Decimal | None] = mapped_column(Numeric(4, 2), nullable=True)
    repetitions_rounding: Mapped[decimal.Decimal | None] = mapped_column(
        Numeric(4, 2), nullable=True
    )
    age: Mapped[int | None] = mapped_column(Integer, nullable=True)
    birthdate: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    height: Mapped[int | None] = mapped_column(Integer, nullable=True)
    gender: Mapped[str | None] = mapped_column(String(1), nullable=True, default="1")
    sleep_hours: Mapped[int | None] = mapped_column(Integer, nullable=True, default=7)
    work_hours: Mapped[int | None] = mapped_column(Integer, nullable=True, default=8)
    work_intensity: Mapped[str | None] = mapped_column(String(1), nullable=True, default="1")
    sport_hours: Mapped[int | None] = mapped_column(Integer, nullable=True, default=3)
    sport_intensity: Mapped[str | None] = mapped_column(String(1), nullable=True, default="2")
    freetime_hours: Mapped[int | None] = mapped_column(Integer, nullable=True, default=8)
    freetime_intensity: Mapped[str | None] = mapped_column(String(1), nullable=True, default="1")
    calories: Mapped[int | None] = mapped_column(Integer, nullable=True, default=2500)
    weight_unit: Mapped[str] = mapped_column(String(2), default="kg")
    num_days_weight_reminder: Mapped[int] = mapped_column(Integer, default=0)
    # IANA zone name ("Europe/Berlin"); empty: none reported yet, the server's UTC is used.
    time_zone: Mapped[str] = mapped_column(String(50), default="", server_default="")
    trophies_enabled: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())

    user: Mapped[User] = relationship(back_populates="profile")


class ApiKey(Model):
    """The permanent ``Token`` key of a user: only its SHA-256 digest is stored."""

    __tablename__ = "accounts_apikey"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("auth_user.id", ondelete="CASCADE"), unique=True
    )
    digest: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(8))
    created: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_used: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)

    user: Mapped[User] = relationship(back_populates="api_key")


class AppSession(Model):
    """A session on the server, of one of two kinds:

    - ``app``: an allauth-headless app session (``X-Session-Token``), a pending login or a
      signed-in app; an ended one answers 410. Its access tokens carry its id (``sid``).
    - ``browser``: the web pages' session; the cookie holds only the random token, the
      session's content (CSRF token, flashed messages, the login) lives in ``data``.

    Only the token's SHA-256 digest is stored. Logout, a password change, deactivation and
    "log out everywhere" set ``ended``: a replayed token is then worth nothing.
    """

    __tablename__ = "accounts_appsession"
    __table_args__ = (Index("ix_accounts_appsession_expires", "expires"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    digest: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("auth_user.id", ondelete="CASCADE"), nullable=True, index=True
    )
    # The login waiting for its second factor: {"user_id", "methods", "started"}.
    pending: Mapped[dict[str, Any] | None] = mapped_column(JSONDocument, nullable=True)
    # Authentication records shown as ``data.methods``.
    methods: Mapped[list[Any]] = mapped_column(JSONDocument, default=list)
    created: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    ended: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    kind: Mapped[str] = mapped_column(String(8), default="app", server_default="app")
    # A browser session's content (the dict behind ``flask.session``).
    data: Mapped[dict[str, Any] | None] = mapped_column(JSONDocument, nullable=True)
    # Shown on the sessions page: the device, the address, the last request (to the minute).
    user_agent: Mapped[str] = mapped_column(String(255), default="", server_default="")
    address: Mapped[str] = mapped_column(String(45), default="", server_default="")
    last_seen: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)


class RefreshToken(Model):
    """Every refresh token this server mints, so it can be rotated, blocklisted and listed.

    Tokens of one login form a *family*: each rotation adds a member and blocklists its
    predecessor. Presenting a blocklisted member again means it was stolen and replayed, so the
    whole family is revoked (OAuth 2.0 Security BCP, refresh token rotation).
    """

    __tablename__ = "accounts_refreshtoken"
    __table_args__ = (Index("ix_accounts_refreshtoken_user_active", "user_id", "revoked"),)

    jti: Mapped[str] = mapped_column(String(36), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("auth_user.id", ondelete="CASCADE"))
    family: Mapped[str] = mapped_column(String(36), index=True)
    # Where the family began: login, 2fa, signup, api-key-page, issue-refresh-token.
    source: Mapped[str] = mapped_column(String(32))
    session_id: Mapped[int | None] = mapped_column(
        ForeignKey("accounts_appsession.id", ondelete="SET NULL"), nullable=True, index=True
    )
    created: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    last_used: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    revoked: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    # Set when rotated: the jti that replaced this one (None for a plain revocation).
    replaced_by: Mapped[str | None] = mapped_column(String(36), nullable=True)


class Authenticator(Model):
    """A second factor: a TOTP secret, or a set of recovery codes (stored as digests).

    ``totp_setup`` holds the secret offered while the user sets TOTP up (replaced by every
    offer, removed at activation), so the set-up works over any transport.
    """

    __tablename__ = "accounts_authenticator"
    __table_args__ = (UniqueConstraint("user_id", "type"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("auth_user.id", ondelete="CASCADE"))
    type: Mapped[str] = mapped_column(String(20))
    # totp / totp_setup: {"secret"}; recovery_codes: {"digests", "used", "unseen"?} where
    # "unseen" keeps the new codes until they are shown once, then it is dropped.
    data: Mapped[dict[str, Any]] = mapped_column(JSONDocument, default=dict)
    created: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_used: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    # TOTP replay protection: the time step of the last accepted code (a code is accepted once).
    last_counter: Mapped[int] = mapped_column(Integer, default=0)
    # Optimistic lock for ``data``: a recovery code is spent by "UPDATE ... WHERE version = seen".
    version: Mapped[int] = mapped_column(Integer, default=0)


class UserPermission(Model):
    """A permission an administrator granted to an account (``flask user grant``), named as
    upstream's Django permissions are (``exercises.add_exercise``). Superusers hold them all."""

    __tablename__ = "accounts_userpermission"
    __table_args__ = (UniqueConstraint("user_id", "name"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("auth_user.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(100))
    granted: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


# How the authentication look-ups load the user: with the data stamp (and the generations of
# the catalogues users' answers nest), in the same statement.
WITH_DATA_STAMP = (
    undefer(User.data_stamp),
    undefer(User.trophy_generation),
    undefer(User.exercise_catalogue_generation),
    undefer(User.ingredient_generation),
    undefer(User.public_routine_generation),
)
