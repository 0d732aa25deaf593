"""Every path that writes user data, behind one interface, so a domain rule is tested once per
path: ``tests/unit/<domain>/test_writers.py`` parametrises over ``WRITERS``.

A writer takes a REST-shaped body (field names as the API spells them) and answers an
``Outcome``: the status a client would see (201, 200, 204, or the refusal's 400/403) and the
answer's body (the field errors of a 400). Adding a path (the PowerSync upload, ``flask
import-wger``) means one more class here with the three methods, appended to ``WRITERS``:
every domain's writer tests then run through it too.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from marshmallow import ValidationError
from sqlalchemy.exc import IntegrityError

from wger_flask.extensions import db
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


WRITERS = [RestWriter, ServiceWriter]
