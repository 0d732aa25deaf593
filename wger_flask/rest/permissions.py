"""Who may see and change what: public reads, owner-only rows, foreign-parent checks.

User-owned models name the path from themselves to the row that holds ``user_id`` in a class
attribute ``__owner__`` (a tuple of relationship names; ``()`` when the model holds ``user_id``
itself). Day is ``("routine",)``, a config is ``("slot_entry", "slot", "day", "routine")``.
The scope is applied in SQL, so another user's row is never loaded: it is a 404.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any

from sqlalchemy import Select, select

from wger_flask.database import AnySession
from wger_flask.rest.errors import APIError, not_authenticated
from wger_flask.rest.filtering import beyond_any_key

NOT_ALLOWED = "You are not allowed to do this"


def owner_path(model: type[Any]) -> tuple[str, ...] | None:
    """The relationship path of a user-owned model, or None for shared data."""
    return getattr(model, "__owner__", None)


def owner_model_and_joins(model: type[Any]) -> tuple[type[Any], list[Any]]:
    """Follow ``__owner__`` from ``model``: the model holding ``user_id`` and the joins to it."""
    path = owner_path(model)
    if path is None:
        raise TypeError(f"{model.__name__} has no __owner__ path")
    current, joins = model, []
    for name in path:
        relationship_attribute = getattr(current, name)
        joins.append(relationship_attribute)
        current = relationship_attribute.property.mapper.class_
    return current, joins


def scope_to_owner(
    stmt: Select[*tuple[Any, ...]], model: type[Any], user_id: int
) -> Select[*tuple[Any, ...]]:
    """Restrict ``stmt`` (a select of ``model``) to rows owned by ``user_id``."""
    owner, joins = owner_model_and_joins(model)
    for join in joins:
        stmt = stmt.join(join)
    return stmt.where(owner.user_id == user_id)


def owned_row_exists(session: AnySession, model: type[Any], pk: Any, user_id: int) -> bool:
    """Whether the ``model`` row ``pk`` exists and belongs to ``user_id`` (one query)."""
    primary_key = model.__mapper__.primary_key[0]
    stmt = scope_to_owner(select(primary_key).where(primary_key == pk), model, user_id)
    return session.execute(stmt.limit(1)).first() is not None


def coerce_pk(model: type[Any], raw: Any) -> Any | None:
    """Turn a body value into ``model``'s primary-key type, or None if it cannot be one."""
    column = model.__mapper__.primary_key[0]
    python_type = getattr(column.type, "python_type", None)
    try:
        if isinstance(raw, bool):
            return None
        if python_type is int:
            if isinstance(raw, float) and not raw.is_integer():
                return None
            value = int(raw)
            # no row has a key past its column (and the database cannot even be asked): the
            # schema's 400 names the field
            return None if beyond_any_key(model, value) else value
        return uuid.UUID(str(raw))
    except (TypeError, ValueError, OverflowError, NotImplementedError):
        return None


def check_owned_parents(
    session: AnySession, parents: Mapping[str, type[Any]], values: Mapping[str, Any], user_id: int
) -> None:
    """403 before anything is written when ``values`` name a parent the caller does not own.

    ``parents`` maps a key of ``values`` to the model of the row it names. A parent that does
    not exist is refused the same way (upstream's behaviour), so ids of other users' rows
    cannot be probed. A malformed id is left to the schema's 400.
    """
    for key, parent_model in parents.items():
        if values.get(key) is None:
            continue
        pk = coerce_pk(parent_model, values[key])
        if pk is None:
            continue
        if not owned_row_exists(session, parent_model, pk, user_id):
            raise APIError(403, NOT_ALLOWED)


def body_parents(parents: Mapping[str, type[Any]]) -> dict[str, type[Any]]:
    """The parents of a table's rules (keyed by foreign-key attribute, ``category_id``) keyed
    by the body field that names them (``category``: ``schemas.fields.Related``'s binding)."""
    return {key.removesuffix("_id"): model for key, model in parents.items()}


def require_user(user: Any) -> Any:
    """The authenticated user, or a 401 with ``WWW-Authenticate``."""
    if user is None:
        raise not_authenticated()
    return user
