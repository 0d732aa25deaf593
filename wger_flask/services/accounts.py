"""Creating and changing accounts: usernames, emails and passwords checked in one place."""

from __future__ import annotations

import re

from sqlalchemy import func, select

from wger_flask.extensions import db
from wger_flask.models.accounts import User
from wger_flask.services.passwords import hash_password

USERNAME_RE = re.compile(r"^[\w.@+-]{1,150}$")
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
MIN_PASSWORD_LENGTH = 8


class AccountError(ValueError):
    """Bad input for an account; ``field`` names what is wrong, the message says how."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


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
        raise AccountError("username", "A user with that username already exists.")
    return username


def validate_email(email: str, *, required: bool = False) -> str:
    email = (email or "").strip()
    if not email:
        if required:
            raise AccountError("email", "This field is required.")
        return ""
    if len(email) > 254 or not EMAIL_RE.match(email):
        raise AccountError("email", "Enter a valid email address.")
    taken = db.session.execute(
        select(User.id).where(func.lower(User.email) == email.lower())
    ).first()
    if taken:
        raise AccountError("email", "A user is already registered with this email address.")
    return email


def validate_password(password: str, username: str = "") -> str:
    if not password or not password.strip():
        raise AccountError("password", "The password may not be empty.")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(
            "password",
            f"This password is too short. It must contain at least {MIN_PASSWORD_LENGTH} characters.",
        )
    if username and password.lower() == username.lower():
        raise AccountError("password", "The password is too similar to the username.")
    return password


def create_user(username: str, password: str, *, email: str = "", superuser: bool = False) -> User:
    """A new active account (not committed)."""
    username = validate_username(username)
    email = validate_email(email)
    validate_password(password, username)
    user = User(
        username=username,
        email=email,
        password_hash=hash_password(password),
        is_superuser=superuser,
        is_staff=superuser,
        is_active=True,
    )
    db.session.add(user)
    db.session.flush()
    return user


def set_password(user: User, password: str) -> None:
    """Change the password; every session and token made before stops working."""
    validate_password(password, user.username)
    user.password_hash = hash_password(password)
    user.auth_generation += 1
