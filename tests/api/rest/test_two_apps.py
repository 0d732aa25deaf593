"""Two apps in one process share no plug-in registry: each has its own credential loaders, its
own OpenAPI ``Api`` and document, its own write rules (all in ``app.extensions``); building a
second app changes nothing the first one answers."""

from __future__ import annotations

import json

import pytest

from wger_flask import create_app
from wger_flask.config import TestConfig
from wger_flask.extensions import db
from wger_flask.models.body import WeightEntry
from wger_flask.rest import auth, writes
from wger_flask.rest.smorest import API_EXTENSION


@pytest.fixture
def second_app(tmp_path, instance_dir):
    """Another app of this process (its own database; never migrated: nothing here reads it)."""
    config = TestConfig(f"sqlite:///{tmp_path / 'second.sqlite3'}")
    config.API_VERSION = "9.9.9"
    made = create_app(config)
    yield made
    with made.app_context():
        db.engine.dispose()


def test_the_openapi_document_is_each_apps_own(app, client, second_app):
    assert app.extensions[API_EXTENSION] is not second_app.extensions[API_EXTENSION]
    first = json.loads(client.get("/api/v2/schema").data)
    second = json.loads(second_app.test_client().get("/api/v2/schema").data)
    assert (first["info"]["version"], second["info"]["version"]) == ("2.7.0", "9.9.9")
    assert first["paths"].keys() == second["paths"].keys()


def test_credential_loaders_are_each_apps_own(app, client, second_app, user, make_user):
    """A loader registered on one app authenticates nobody on the other."""
    auth.register_credential_loader(second_app, auth.TOKEN, lambda key: user)
    assert app.extensions[auth.LOADERS] is not second_app.extensions[auth.LOADERS]
    refused = client.get("/api/v2/userprofile/", headers={"Authorization": "Token made-up"})
    assert refused.status_code == 401
    assert second_app.extensions[auth.LOADERS][auth.TOKEN]("made-up") is user


def test_write_rules_are_each_apps_own(app, second_app):
    second_app.extensions[writes.EXTENSION][WeightEntry] = writes.Rules()
    with app.app_context():
        assert writes.rules_of(WeightEntry).save is not None  # the body domain's rule
    with second_app.app_context():
        assert writes.rules_of(WeightEntry).save is None
