"""``flask powersync setup-storage``: the service's storage role and schema, made once and
brought up to date when run again; refused clearly where it cannot work."""

from __future__ import annotations

import uuid

import pytest
import sqlalchemy as sa

from wger_flask.extensions import db
from wger_flask.services.powersync import storage


def run(app, monkeypatch, uri: str, *args: str):
    monkeypatch.setitem(app.config, "PS_STORAGE_PG_URI", uri)
    return app.test_cli_runner().invoke(args=["powersync", "setup-storage", *args])


def test_without_a_storage_uri_nothing_happens(app, monkeypatch):
    result = run(app, monkeypatch, "")
    assert result.exit_code == 0
    assert "PS_STORAGE_PG_URI is not set" in result.output


@pytest.mark.parametrize(
    ("uri", "message"),
    [
        ("not a url", "not a database URL"),
        ("mysql://u:p@h/db", "must be a postgresql:// URL"),
        ("postgresql://user@host/db", "must name a user, a password and a database"),
    ],
)
def test_an_unusable_uri_is_named(uri, message):
    with pytest.raises(storage.StorageSetupError, match=message):
        storage.parse_storage_uri(uri)


def test_the_role_and_schema_are_made_and_made_again(app, monkeypatch):
    with app.app_context():
        dialect = db.engine.dialect.name
        database = db.engine.url.database
    if dialect != "postgresql":
        result = run(app, monkeypatch, "postgresql://ps:secret@localhost/wger")
        assert result.exit_code == 1
        assert "PowerSync needs PostgreSQL" in result.output
        return
    # Everything below runs in the test's transaction and is rolled back with it.
    role = f"ps_storage_{uuid.uuid4().hex[:8]}"
    schema = f"ps_{uuid.uuid4().hex[:8]}"
    uri = f"postgresql://{role}:it's%20secret@localhost/{database}"
    first = run(app, monkeypatch, uri, "--schema", schema)
    assert first.exit_code == 0, first.output
    assert f"created role '{role}'" in first.output
    again = run(app, monkeypatch, uri, "--schema", schema)
    assert again.exit_code == 0, again.output
    assert f"password updated for role '{role}'" in again.output
    with app.app_context():
        owner = db.session.execute(
            sa.text(
                "SELECT r.rolname, r.rolcanlogin FROM pg_namespace n "
                "JOIN pg_roles r ON n.nspowner = r.oid WHERE n.nspname = :schema"
            ),
            {"schema": schema},
        ).one()
    assert tuple(owner) == (role, True)
    elsewhere = run(app, monkeypatch, f"postgresql://{role}:x@localhost/other_db")
    assert elsewhere.exit_code == 1
    assert "names database 'other_db'" in elsewhere.output
