"""User accounts and the credentials that stand for them (permanent API keys)."""

from __future__ import annotations

import datetime as dt

from flask_login import UserMixin
from sqlalchemy import Boolean, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from wger_flask.extensions import db
from wger_flask.models.types import UTCDateTime, utcnow


class User(UserMixin, db.Model):
    """An account. Passwords are stored only as argon2id hashes (``services.passwords``)."""

    __tablename__ = "auth_user"

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

    api_key: Mapped[ApiKey | None] = relationship(
        back_populates="user", cascade="all, delete-orphan"
    )

    def get_id(self) -> str:
        return f"{self.id}:{self.auth_generation}"

    def __repr__(self) -> str:
        return f"<User {self.username}>"


class ApiKey(db.Model):
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
