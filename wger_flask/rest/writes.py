"""How a row is written, whoever writes it: a REST route, the PowerSync upload, the importer,
a command. The domain rules of a table are plain functions of ``services/<domain>/rules.py``
gathered in a ``Rules``; every writer runs them through the three steps here, so a rule
broken through one path is refused through all of them. Nothing here commits: the writer's
one commit point does (``rest.resources.commit``).

``data`` is always what the table's schema loaded: model attribute names (``category_id``,
not ``category``) to checked values.
"""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Callable, Mapping
from typing import Any

from flask import current_app
from sqlalchemy import inspect

from wger_flask.database import AnySession
from wger_flask.models.types import uuid7
from wger_flask.rest.errors import APIError, ValidationFailed
from wger_flask.rest.permissions import check_owned_parents, owner_path

# (session, row, data, user, creating): complete the row (defaults, derived fields) or refuse
# it (``ValidationFailed`` naming the field, ``APIError(403)``). Runs after ``data`` was set on
# the row, before the row is added.
SaveRule = Callable[[AnySession, Any, dict[str, Any], Any, bool], None]
# (session, row, data, user): refuse a delete, or tidy up before it (``data``: the delete's
# options, e.g. a REST delete's query string; ``{}`` when there are none).
DeleteRule = Callable[[AnySession, Any, Mapping[str, str], Any], None]
# (session, data, user): the row a create updates instead of adding one (an upsert key such
# as a measurement's ``external_id``), or None.
FindRule = Callable[[AnySession, dict[str, Any], Any], Any]
# (user, action): may this user write this shared table? (``CREATE``, ``UPDATE``, ``DESTROY``)
Permission = Callable[[Any, str], bool]
CREATE, UPDATE, DESTROY = "create", "update", "destroy"

EXTENSION = "wger_write_rules"
ID_TAKEN = "An object with this id already exists."


@dataclasses.dataclass(frozen=True)
class Rules:
    """The domain rules of one table (all optional: a table without rules has ``Rules()``)."""

    save: SaveRule | None = None
    delete: DeleteRule | None = None
    existing: FindRule | None = None
    # shared data: who may write it (None: a user writes their own rows only)
    permission: Permission | None = None
    # foreign-key attribute → the model whose row it names, which must be the writer's own
    # (403 otherwise, a missing row alike): {"category_id": MeasurementCategory}
    parents: Mapping[str, type[Any]] = dataclasses.field(default_factory=dict)


NO_RULES = Rules()


# ------------------------------------------------------------------------------ registry


def init_app(app: Any, *tables: Mapping[type[Any], Rules]) -> None:
    """Register each domain's ``RULES`` (model → Rules) on ``app`` (called by ``create_app``)."""
    registry: dict[type[Any], Rules] = app.extensions.setdefault(EXTENSION, {})
    for rules in tables:
        registry.update(rules)


def rules_of(model: type[Any]) -> Rules:
    """The rules of ``model``'s table in the running app (``Rules()`` when it has none)."""
    rules: Rules = current_app.extensions.get(EXTENSION, {}).get(model, NO_RULES)
    return rules


# ------------------------------------------------------------------------------ the steps


def check_permission(rules: Rules, user: Any, action: str) -> None:
    """403 when ``user`` may not do ``action`` on the table (shared data only)."""
    if rules.permission is not None and not rules.permission(user, action):
        raise APIError(403)


def check_parents(session: AnySession, rules: Rules, values: Mapping[str, Any], user: Any) -> None:
    """403 when ``values`` (keyed by attribute) name a parent row ``user`` does not own."""
    check_owned_parents(session, rules.parents, values, user.id)


def keep_client_id(session: AnySession, row: Any, data: Mapping[str, Any], creating: bool) -> None:
    """Rows with a UUID key take the id a client made (offline clients do): a new row keeps
    the id ``data`` gives (none or null: one is made; one already taken is a 400 naming
    ``id``); an update never changes it."""
    key = inspect(type(row)).primary_key[0]
    if getattr(key.type, "python_type", None) is not uuid.UUID:
        return
    name = key.key
    if not creating:
        if name in data:
            setattr(row, name, inspect(row).identity[0])
        return
    if getattr(row, name) is None:
        setattr(row, name, uuid7())
    elif session.get(type(row), getattr(row, name)) is not None:
        raise ValidationFailed({name: [ID_TAKEN]})


def save(
    session: AnySession, rules: Rules, row: Any, data: dict[str, Any], user: Any, creating: bool
) -> Any:
    """Set ``data`` on ``row``, make it the user's (a new row of a table holding ``user_id``),
    keep a client's id, run the table's save rule and add the row. Parents are checked by the
    caller first (``check_parents``; ``write`` does). Not committed."""
    for key, value in data.items():
        setattr(row, key, value)
    if creating and owner_path(type(row)) == () and getattr(row, "user_id", None) is None:
        row.user_id = user.id
    keep_client_id(session, row, data, creating)
    if rules.save is not None:
        rules.save(session, row, data, user, creating)
    if creating:
        session.add(row)
    return row


def write(
    session: AnySession,
    model: type[Any],
    rules: Rules,
    data: dict[str, Any],
    user: Any,
    row: Any = None,
) -> Any:
    """The whole write of one row for a writer that is not a REST route: the permission and
    the parents checked, then ``write_checked``. ``row`` None creates; otherwise ``row`` (one of
    ``user``'s, found through the owner scope) is updated."""
    check_permission(rules, user, CREATE if row is None else UPDATE)
    check_parents(session, rules, data, user)
    return write_checked(session, model, rules, data, user, row)


def write_checked(
    session: AnySession,
    model: type[Any],
    rules: Rules,
    data: dict[str, Any],
    user: Any,
    row: Any = None,
) -> Any:
    """``write`` once the permission and parents are checked (a REST route checks them before
    it reads the body): a create that names an existing row (``rules.existing``) updates it
    instead, then ``save``."""
    if row is None and rules.existing is not None:
        row = rules.existing(session, data, user)
        if row is not None:
            data = {key: value for key, value in data.items() if key != "id"}
    if row is None:
        return save(session, rules, model(), data, user, creating=True)
    return save(session, rules, row, data, user, creating=False)


def delete(
    session: AnySession, rules: Rules, row: Any, user: Any, options: Mapping[str, str] | None = None
) -> None:
    """The whole delete of ``row`` (one of ``user``'s) for a writer that is not a REST route:
    the permission checked, then ``delete_checked``. Not committed."""
    check_permission(rules, user, DESTROY)
    delete_checked(session, rules, row, user, options)


def delete_checked(
    session: AnySession, rules: Rules, row: Any, user: Any, options: Mapping[str, str] | None = None
) -> None:
    """Run the table's delete rule, then delete ``row``. Not committed."""
    if rules.delete is not None:
        rules.delete(session, row, options or {}, user)
    session.delete(row)
