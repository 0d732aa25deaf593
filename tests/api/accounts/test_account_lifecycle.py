"""The lifecycle service's registry of data sources, and the administrator's CLI: export,
deactivate, activate, delete."""

import json
import sys
import types

import pytest
from sqlalchemy import func, select

from tests.accounts_helpers import PASSWORD, login
from tests.api.routine_api import plan
from wger_flask.extensions import db
from wger_flask.models.accounts import User
from wger_flask.models.routines import Routine
from wger_flask.rest.transaction import commit
from wger_flask.services.accounts import lifecycle


@pytest.fixture
def files_domain(monkeypatch):
    """A domain that keeps files, wired the way nutrition, body and trophies will be."""
    calls = []
    module = types.ModuleType("wger_flask.services.fakefiles")
    module.export_user = lambda user_id: {"photo": [{"user_id": user_id, "path": "a.jpg"}]}
    module.delete_user_files = calls.append
    monkeypatch.setitem(sys.modules, "wger_flask.services.fakefiles", module)
    monkeypatch.setattr(lifecycle, "DOMAINS", (*lifecycle.DOMAINS, "fakefiles"))
    return calls


def test_every_domain_contributes_to_the_export_and_the_deletion(app, user, files_domain):
    with app.app_context():
        row = db.session.get(User, user.id)
        document = lifecycle.export_user(row)
        assert list(document["data"]) == [*lifecycle.DOMAINS[:-1], "fakefiles"]
        assert {"accounts", "routines"} <= set(document["data"])
        assert document["data"]["fakefiles"] == {"photo": [{"user_id": user.id, "path": "a.jpg"}]}
        lifecycle.delete_user(row)
        assert files_domain == []  # the files go once the rows have gone: after the commit
        commit()
        assert files_domain == [user.id]
        assert db.session.get(User, user.id) is None


def test_a_deletion_that_does_not_commit_keeps_the_files(app, user, files_domain):
    with app.app_context():
        lifecycle.delete_user(db.session.get(User, user.id))
        db.session.rollback()  # as a failed commit ends
        assert files_domain == []
        assert db.session.get(User, user.id) is not None


def test_the_shipped_domains_expose_the_registry_functions():
    import importlib

    for name in lifecycle.DOMAINS:
        module = importlib.import_module(f"wger_flask.services.{name}")
        assert callable(module.export_user), name


def test_cli_exports_deactivates_activates_and_deletes(app, client, user, alice, tmp_path):
    plan(client, alice, name="Legs")
    runner = app.test_cli_runner()
    target = tmp_path / "alice.json"
    exported = runner.invoke(args=["user", "export", "alice", "--output", str(target)])
    assert exported.exit_code == 0, exported.output
    document = json.loads(target.read_text())
    assert [row["name"] for row in document["data"]["routines"]["routine"]] == ["Legs"]
    to_stdout = runner.invoke(args=["user", "export", "ALICE"])
    assert json.loads(to_stdout.stdout)["user"]["username"] == "alice"

    assert runner.invoke(args=["user", "deactivate", "alice"]).exit_code == 0
    assert login(client, "alice").get_json()["errors"][0]["code"] == "account_inactive"
    assert client.get("/api/v2/routine/", headers=alice).status_code == 401
    assert runner.invoke(args=["user", "activate", "alice"]).exit_code == 0
    assert login(client, "alice").status_code == 200

    refused = runner.invoke(args=["user", "delete", "alice"], input="n\n")
    assert refused.exit_code == 1
    with app.app_context():
        assert db.session.get(User, user.id) is not None
    deleted = runner.invoke(args=["user", "delete", "alice", "--yes"])
    assert deleted.exit_code == 0, deleted.output
    with app.app_context():
        assert db.session.get(User, user.id) is None
        assert db.session.scalar(select(func.count()).select_from(Routine)) == 0
    assert login(client, "alice", PASSWORD).status_code == 400


def test_cli_names_an_unknown_user(app):
    result = app.test_cli_runner().invoke(args=["user", "delete", "ghost", "--yes"])
    assert result.exit_code == 1 and "no user 'ghost'" in result.output
