"""Who may contribute to the shared exercise catalogue (upstream's ``CanContributeExercises``).

- Adding and editing: a *trustworthy* account (a superuser; or an account that is not a
  temporary guest, has a verified email address and was created over
  ``MIN_ACCOUNT_AGE_TO_TRUST`` = 21 days ago), or one holding ``exercises.add_exercise``.
- Deleting: only accounts holding ``exercises.delete_exercise`` (superusers hold every
  permission).
- Everyone else gets a 403, anonymous callers a 401 (the generic layer's ``require_user``).

Permissions are rows of ``accounts_userpermission``, granted by an administrator with
``flask --app wsgi user grant NAME exercise.add`` (short names map to upstream's names).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import delete, select

from wger_flask.database import changed_rows, db
from wger_flask.models.accounts import UserPermission, UserProfile

MIN_ACCOUNT_AGE_TO_TRUST = dt.timedelta(days=21)

ADD_EXERCISE = "exercises.add_exercise"
DELETE_EXERCISE = "exercises.delete_exercise"
# Names an administrator may grant, with the short forms the CLI accepts.
KNOWN_PERMISSIONS = {
    ADD_EXERCISE: ADD_EXERCISE,
    DELETE_EXERCISE: DELETE_EXERCISE,
    "exercise.add": ADD_EXERCISE,
    "exercise.delete": DELETE_EXERCISE,
}


class UnknownPermission(ValueError):
    pass


def canonical(name: str) -> str:
    """Upstream's name of a permission (``exercise.add`` → ``exercises.add_exercise``)."""
    try:
        return KNOWN_PERMISSIONS[name.strip()]
    except KeyError:
        known = ", ".join(sorted(KNOWN_PERMISSIONS))
        raise UnknownPermission(f"unknown permission {name!r}; known: {known}") from None


def has_permission(user: Any, name: str) -> bool:
    """Whether ``user`` (or None) holds permission ``name`` (superusers hold all)."""
    if user is None:
        return False
    if user.is_superuser:
        return True
    stmt = select(UserPermission.id).where(
        UserPermission.user_id == user.id, UserPermission.name == name
    )
    return db.session.execute(stmt.limit(1)).first() is not None


def holds(user: Any, name: str) -> bool:
    """Upstream's ``user.has_perm(name)`` for ``check-permission/``: a superuser holds every
    permission (Django's rule, even one no app defines); anyone else only what was granted to
    them (short names accepted); an anonymous caller none. The trust rule of contributions is
    not a permission: a trustworthy account may contribute but holds nothing here, as upstream."""
    return has_permission(user, KNOWN_PERMISSIONS.get(name.strip(), name))


def is_trustworthy(user: Any, now: dt.datetime | None = None) -> bool:
    """Upstream's ``userprofile.is_trustworthy``."""
    if user.is_superuser:
        return True
    if not user.email_verified:
        return False
    now = now or dt.datetime.now(dt.UTC)
    if now - user.date_joined <= MIN_ACCOUNT_AGE_TO_TRUST:
        return False
    temporary = db.session.execute(
        select(UserProfile.is_temporary).where(UserProfile.user_id == user.id)
    ).scalar_one_or_none()
    return not temporary


def may_add_or_edit(user: Any) -> bool:
    return is_trustworthy(user) or has_permission(user, ADD_EXERCISE)


def may_delete(user: Any) -> bool:
    return has_permission(user, DELETE_EXERCISE)


def may_write(user: Any, method: str) -> bool:
    """The rule for one request method on a catalogue resource."""
    if method == "DELETE":
        return may_delete(user)
    return may_add_or_edit(user)


def grant(user: Any, name: str) -> bool:
    """Give ``user`` a permission; False when it already held it."""
    name = canonical(name)
    if db.session.execute(
        select(UserPermission.id).where(
            UserPermission.user_id == user.id, UserPermission.name == name
        )
    ).first():
        return False
    db.session.add(UserPermission(user_id=user.id, name=name))
    return True


def revoke(user: Any, name: str) -> bool:
    """Take a permission away; False when the user did not hold it."""
    name = canonical(name)
    result = db.session.execute(
        delete(UserPermission).where(UserPermission.user_id == user.id, UserPermission.name == name)
    )
    return bool(changed_rows(result))


def granted(user: Any) -> list[str]:
    return list(
        db.session.execute(
            select(UserPermission.name)
            .where(UserPermission.user_id == user.id)
            .order_by(UserPermission.name)
        ).scalars()
    )
