"""The upload protocol of the mobile app 2.x: each local change arrives as one request,
``{"table": <db table>, "data": {"id": ..., <changed columns>}}``, its method the operation
(PUT creates, PATCH updates, DELETE deletes), and is written through the rules of the table's
own domain (``SyncedTable`` points at them), exactly as upstream's handlers do:

- the app re-sends a whole transaction after any 5xx, 401, 408 or 429, so a create of a row
  the user already has and a delete or update of a row they do not have (any more) are "ok"
  and change nothing;
- another user's row is never found (every look-up is owner-filtered): a silent no-op;
- a body naming a parent row the user does not own is refused ``Forbidden`` before anything is
  read into the row;
- a refusal that retrying cannot cure is a 200 with an ``error`` key (``Refused``): the app
  retries every other status for ever.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from marshmallow import ValidationError
from sqlalchemy import select

from wger_flask.database import after_commit, db
from wger_flask.rest import permissions, writes
from wger_flask.rest.errors import APIError
from wger_flask.rest.permissions import coerce_pk, scope_to_owner
from wger_flask.schemas.fields import messages_of

CREATE, UPDATE, DELETE = "create", "update", "delete"
OPERATIONS = {"PUT": CREATE, "PATCH": UPDATE, "DELETE": DELETE}
MISSING_FIELDS = "Missing required fields: table, data"
VALIDATION_FAILED = "Validation failed"
FORBIDDEN = "Forbidden"
NOT_ALLOWED = "Method not allowed"

# (payload, partial) → validated data (model attribute names); raises ValidationError
Loader = Callable[[dict[str, Any], bool], dict[str, Any]]


class Refused(Exception):
    """A permanent refusal: answered 200 ``{"error": ..., "details"?: ...}``."""

    def __init__(self, error: str, details: Any = None) -> None:
        super().__init__(error)
        self.error = error
        self.details = details

    def body(self) -> dict[str, Any]:
        body: dict[str, Any] = {"error": self.error}
        if self.details is not None:
            body["details"] = self.details
        return body


@dataclass(frozen=True)
class SyncedTable:
    """How the app's rows of one table are written: the table's schema (what the REST route
    reads), its domain rules (``rest.writes.Rules``: save and delete rules, upsert key, the
    parents that must be the user's), what the app may do here, and upload specifics."""

    name: str
    model: type[Any]
    load: Loader
    # None: the rules the app registered for the model (``rest.writes.rules_of``)
    rules: writes.Rules | None = None
    can_create: bool = True
    can_delete: bool = True
    # Columns the app sends that the upload never writes (a photo's file goes through REST).
    ignored: tuple[str, ...] = ()
    # Values the app chooses on create where the REST route sets its own (a meal's ``order``),
    # as upstream's handlers keep them: name → check (raises ValidationError).
    kept_on_create: Mapping[str, Callable[[Any], Any]] = field(default_factory=dict)
    # The stored files of a row, removed after the commit that deleted it.
    files_of: Callable[[Any], Callable[[], None]] | None = None


def rules_of(table: SyncedTable) -> writes.Rules:
    return table.rules if table.rules is not None else writes.rules_of(table.model)


def parse(body: Any) -> tuple[str, dict[str, Any]]:
    """``(table, data)`` of an upload body; ``Refused`` when either is missing."""
    if not isinstance(body, dict):
        raise Refused(MISSING_FIELDS)
    table, data = body.get("table"), body.get("data")
    if not isinstance(table, str) or not table or not isinstance(data, dict):
        raise Refused(MISSING_FIELDS)
    return table, data


def table_of(tables: Mapping[str, SyncedTable], name: str) -> SyncedTable:
    if name not in tables:
        raise Refused(f"Unknown table: {name}")
    return tables[name]


def own_row(table: SyncedTable, synced_id: Any, user_id: int) -> Any | None:
    """The user's row of ``table`` with the app's id (a string even for integer keys), or None
    when there is none, it is another user's, or the id cannot be one of the table's."""
    pk = coerce_pk(table.model, synced_id)
    if pk is None:
        return None
    key = table.model.__mapper__.primary_key[0]
    stmt = scope_to_owner(select(table.model).where(key == pk), table.model, user_id)
    return db.session.execute(stmt).scalar_one_or_none()


def create(table: SyncedTable, data: dict[str, Any], user: Any) -> None:
    """PUT: a new row with the app's id; one the user already has is left as it is."""
    if not table.can_create:
        raise Refused(NOT_ALLOWED, f"{table.model.__name__} creation must go through the REST API")
    synced_id = required_id(data)
    if own_row(table, synced_id, user.id) is not None:
        return  # a re-sent transaction: already here
    payload = payload_of(table, data)
    writes.check_permission(rules_of(table), user, writes.CREATE)
    check_owned_parents(table, payload, user)
    values = load(table, payload, partial=False)
    row = writes.write_checked(db.session, table.model, rules_of(table), values, user)
    for name, check in table.kept_on_create.items():
        if name in payload:
            setattr(row, name, checked(name, check, payload[name]))


def update(table: SyncedTable, data: dict[str, Any], user: Any) -> None:
    """PATCH: the changed columns onto the user's row; no such row: nothing to do."""
    row = own_row(table, required_id(data), user.id)
    if row is None:
        return
    payload = payload_of(table, data)
    writes.check_permission(rules_of(table), user, writes.UPDATE)
    check_owned_parents(table, payload, user)
    values = load(table, payload, partial=True)
    writes.write_checked(db.session, table.model, rules_of(table), values, user, row)


def delete(table: SyncedTable, data: dict[str, Any], user: Any) -> None:
    """DELETE: the user's row goes (its files after the commit); no such row: nothing to do."""
    if not table.can_delete:
        raise Refused(NOT_ALLOWED, f"{table.model.__name__} deletion must go through the REST API")
    row = own_row(table, required_id(data), user.id)
    if row is None:
        return
    if table.files_of is not None:
        after_commit(db.session, table.files_of(row))
    writes.delete(db.session, rules_of(table), row, user, {})


def required_id(data: dict[str, Any]) -> Any:
    synced_id = data.get("id")
    if synced_id is None or synced_id == "" or isinstance(synced_id, (bool, dict, list)):
        raise Refused(VALIDATION_FAILED, {"id": ["This field is required."]})
    return synced_id


def payload_of(table: SyncedTable, data: dict[str, Any]) -> dict[str, Any]:
    """What the domain's schema reads: the app's columns (``_id`` already stripped by the app)
    without those the upload never writes."""
    return {key: value for key, value in data.items() if key not in table.ignored}


def check_owned_parents(table: SyncedTable, payload: dict[str, Any], user: Any) -> None:
    """As the REST route: the parents the body names (by their API names) are the user's,
    checked before the body is loaded (a 403 before any 400)."""
    try:
        permissions.check_owned_parents(
            db.session, permissions.body_parents(rules_of(table).parents), payload, user.id
        )
    except APIError:
        raise Refused(
            FORBIDDEN, f"{table.model.__name__} references an object you do not own"
        ) from None


def load(table: SyncedTable, payload: dict[str, Any], partial: bool) -> dict[str, Any]:
    try:
        return table.load(payload, partial)
    except ValidationError as error:
        raise Refused(VALIDATION_FAILED, messages_of(error)) from None


def checked(name: str, check: Callable[[Any], Any], value: Any) -> Any:
    try:
        return check(value)
    except ValidationError as error:
        raise Refused(VALIDATION_FAILED, {name: error.messages}) from None


def refusal_of(error: APIError) -> Refused:
    """A domain rule's refusal (raised as the REST route's 400 or 403) as the upload's answer:
    a 400's field errors are "Validation failed", a 403 is "Forbidden" with its reason."""
    if error.code == 400:
        return Refused(VALIDATION_FAILED, error.payload())
    if error.code == 403:
        return Refused(FORBIDDEN, error.description)
    return Refused(error.description or "Refused", error.payload())
