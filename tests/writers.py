"""Every path that writes user data, behind one interface, so a domain rule is tested once per
path: ``tests/unit/<domain>/test_writers.py`` parametrises over ``WRITERS``.

A writer takes a REST-shaped body (field names as the API spells them) and answers an
``Outcome``: the status a client would see (201, 200, 204, or the refusal's 400/403) and the
answer's body (the field errors of a 400). Adding a path (``flask import-wger``) means one
more class here with the three methods, appended to ``WRITERS``: every domain's writer tests
then run through it too (the PowerSync upload is one).
"""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest
from marshmallow import ValidationError
from sqlalchemy.exc import IntegrityError

from wger_flask.extensions import db
from wger_flask.models.types import uuid7
from wger_flask.rest import writes
from wger_flask.rest.errors import APIError, ValidationFailed, integrity_errors
from wger_flask.rest.resources import commit


@dataclasses.dataclass
class Outcome:
    status: int
    body: Any = None

    @property
    def id(self) -> Any:
        return self.body.get("id") if isinstance(self.body, dict) else None


def resource_of(app: Any, model: type) -> Any:
    """The REST resource that writes ``model`` (its schema loads the bodies)."""
    for resource in app.extensions["wger_resources"]:
        if resource.model is model and "create" in resource.actions:
            return resource
    raise LookupError(model)


class RestWriter:
    """The REST routes, as a client calls them."""

    name = "rest"

    def __init__(self, app: Any, client: Any, auth_headers: Any) -> None:
        self.app, self.client, self.auth_headers = app, client, auth_headers

    def _outcome(self, response: Any) -> Outcome:
        return Outcome(response.status_code, response.get_json(silent=True))

    def create(self, model: type, body: dict, user: Any) -> Outcome:
        url = f"/api/v2/{resource_of(self.app, model).name}/"
        return self._outcome(self.client.post(url, json=body, headers=self.auth_headers(user)))

    def update(self, model: type, pk: Any, body: dict, user: Any) -> Outcome:
        url = f"/api/v2/{resource_of(self.app, model).name}/{pk}/"
        return self._outcome(self.client.patch(url, json=body, headers=self.auth_headers(user)))

    def delete(self, model: type, pk: Any, user: Any, options: dict | None = None) -> Outcome:
        url = f"/api/v2/{resource_of(self.app, model).name}/{pk}/"
        query = "&".join(f"{key}={value}" for key, value in (options or {}).items())
        response = self.client.delete(
            url + (f"?{query}" if query else ""), headers=self.auth_headers(user)
        )
        return self._outcome(response)


class ServiceWriter:
    """A writer that is not a route (a command, the importer, the upload): the body loaded by
    the table's schema, then ``rest.writes`` with the table's registered rules and the one
    commit point, in an app context without a request."""

    name = "service"

    def __init__(self, app: Any, client: Any, auth_headers: Any) -> None:
        self.app = app

    def _run(self, work: Any) -> Outcome:
        with self.app.app_context():
            try:
                return work()
            except ValidationError as error:
                db.session.rollback()
                return Outcome(400, ValidationFailed(error.normalized_messages()).payload())
            except APIError as error:
                db.session.rollback()
                return Outcome(error.code, error.payload())
            except IntegrityError as error:  # an early flush broke a constraint: the client's 400
                db.session.rollback()
                return Outcome(400, integrity_errors(error))

    def _user(self, user: Any) -> Any:
        return db.session.get(type(user), user.id)

    def _own_row(self, model: type, pk: Any, user: Any) -> Any:
        """The row to change, found as every writer must: among the user's own (404 else)."""
        return resource_of(self.app, model).get_object_for_write(str(pk), user)

    def _answer(self, model: type, row: Any, status: int) -> Outcome:
        resource = resource_of(self.app, model)
        return Outcome(status, resource.dump(resource.reread(row)))

    def create(self, model: type, body: dict, user: Any) -> Outcome:
        def work() -> Outcome:
            writer = self._user(user)
            data = resource_of(self.app, model).create_schema.load(body)
            row = writes.write(db.session, model, writes.rules_of(model), data, writer)
            commit()
            return self._answer(model, row, 201)

        return self._run(work)

    def update(self, model: type, pk: Any, body: dict, user: Any) -> Outcome:
        def work() -> Outcome:
            writer = self._user(user)
            row = self._own_row(model, pk, writer)
            data = resource_of(self.app, model).patch_schema.load(body)
            writes.write(db.session, model, writes.rules_of(model), data, writer, row=row)
            commit()
            return self._answer(model, row, 200)

        return self._run(work)

    def delete(self, model: type, pk: Any, user: Any, options: dict | None = None) -> Outcome:
        def work() -> Outcome:
            writer = self._user(user)
            row = self._own_row(model, pk, writer)
            writes.delete(db.session, writes.rules_of(model), row, writer, options or {})
            commit()
            return Outcome(204)

        return self._run(work)


class ImportWriter(ServiceWriter):
    """``flask import-wger``'s way of writing a row (``wger_import.import_row``: the table's
    save rule as for an API create, then the insert; statistics and trophies recomputed as the
    import does after a user's rows). The importer only creates rows: its update and delete
    cases are skipped."""

    name = "import"

    def create(self, model: type, body: dict, user: Any) -> Outcome:
        from wger_flask.models.routines import WorkoutLog, WorkoutSession
        from wger_flask.services import body as body_domain
        from wger_flask.services import trophies, wger_import

        if model.__tablename__.startswith("exercises_"):
            import pytest

            pytest.skip(
                "the importer copies contributed exercises with upstream's author history, "
                "without the catalogue's save rules (docs/import.md)"
            )

        def work() -> Outcome:
            writer = self._user(user)
            data = resource_of(self.app, model).create_schema.load(body)
            rules = writes.rules_of(model)
            if rules.existing is not None and rules.existing(db.session, data, writer):
                import pytest

                pytest.skip("the importer never overwrites: a row found here stays as it is")
            key = wger_import.import_row(db.session, model, data, writer)
            if model in (WorkoutLog, WorkoutSession):
                trophies.recompute([writer.id])
            body_domain.refresh_calculated(writer.id)  # as the import does after a user's rows
            commit()
            return self._answer(model, db.session.get(model, key), 201)

        return self._run(work)

    def update(self, model: type, pk: Any, body: dict, user: Any) -> Outcome:
        import pytest

        pytest.skip("the importer only creates rows")

    def delete(self, model: type, pk: Any, user: Any, options: dict | None = None) -> Outcome:
        import pytest

        pytest.skip("the importer only creates rows")


class PowerSyncWriter:
    """The mobile app 2.x's upload (``upload-powersync-data``), a change as the app sends it:
    the REST-shaped body is what the app's transform makes of its local row (the API's field
    names, ``_id`` stripped) with the id the app chose. A refusal's 200 ``{"error", "details"}``
    is read back as the status the REST route would answer (``Validation failed``: 400 and the
    field errors; ``Forbidden``: 403). Tables and operations the app does not upload (upstream's
    twelve tables; no routine or photo made, no profile made or deleted) are skipped, saying so."""

    name = "powersync"
    URL = "/api/v2/upload-powersync-data"

    def __init__(self, app: Any, client: Any, auth_headers: Any) -> None:
        self.app, self.client, self.auth_headers = app, client, auth_headers

    def _table(self, model: type, allowed: str) -> str:
        from wger_flask.blueprints.powersync.tables import TABLES

        # by model: a weight entry is uploaded to weight_weightentry, a table no longer here
        table = next((table for table in TABLES.values() if table.model is model), None)
        if table is None or not getattr(table, allowed, True):
            pytest.skip(
                f"the app 2.x does not upload this to {model.__name__} "
                "(upstream's twelve tables and operations only)"
            )
        return table.name

    def _send(self, method: str, table: str, data: dict, user: Any) -> Any:
        return self.client.open(
            self.URL,
            method=method,
            json={"table": table, "data": data},
            headers=self.auth_headers(user),
        )

    def _refusal(self, response: Any) -> Outcome | None:
        body = response.get_json(silent=True)
        if response.status_code != 200:
            return Outcome(response.status_code, body)
        if "error" not in body:
            return None
        if body["error"] == "Validation failed":
            return Outcome(400, body.get("details"))
        if body["error"] == "Forbidden":
            return Outcome(403, {"detail": body.get("details")})
        return Outcome(400, body)

    def _written(self, model: type, row_id: Any, body: dict, user: Any, status: int) -> Outcome:
        """The written row as the REST route shows it (by the app's id, or, where the table
        has an upsert key, the existing row the upload updated instead)."""
        resource = resource_of(self.app, model)
        with self.app.app_context():
            row = db.session.get(model, resource.parse_pk(str(row_id)))
            if row is None and resource.rules.existing is not None:
                data = resource.create_schema.load(body)
                writer = db.session.get(type(user), user.id)
                row = resource.rules.existing(db.session, data, writer)
            assert row is not None, (model, row_id)
            return Outcome(status, resource.dump(resource.reread(row)))

    def create(self, model: type, body: dict, user: Any) -> Outcome:
        table = self._table(model, "can_create")
        row_id = body.get("id") or str(uuid7())
        response = self._send("PUT", table, {**body, "id": str(row_id)}, user)
        return self._refusal(response) or self._written(model, row_id, body, user, 201)

    def update(self, model: type, pk: Any, body: dict, user: Any) -> Outcome:
        table = self._table(model, "name")
        response = self._send("PATCH", table, {**body, "id": str(pk)}, user)
        return self._refusal(response) or self._written(model, pk, body, user, 200)

    def delete(self, model: type, pk: Any, user: Any, options: dict | None = None) -> Outcome:
        table = self._table(model, "can_delete")
        if options:
            pytest.skip("the app's deletes carry no options")
        response = self._send("DELETE", table, {"id": str(pk)}, user)
        return self._refusal(response) or Outcome(204)


WRITERS = [RestWriter, ServiceWriter, ImportWriter, PowerSyncWriter]
