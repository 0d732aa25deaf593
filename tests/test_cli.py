"""The flask commands: bootstrap is idempotent, user create checks its input."""

import pytest
from sqlalchemy import func, select

from wger_flask import create_app
from wger_flask.config import TestConfig
from wger_flask.extensions import db
from wger_flask.models.accounts import User
from wger_flask.models.catalogue import Exercise
from wger_flask.services.accounts.passwords import verify_password


@pytest.fixture
def fresh_app(tmp_path, monkeypatch):
    monkeypatch.setenv("WGER_INSTANCE_PATH", str(tmp_path))
    return create_app(TestConfig(f"sqlite:///{tmp_path / 'cli.sqlite3'}"))


def test_bootstrap_twice_changes_nothing(fresh_app):
    runner = fresh_app.test_cli_runner()
    first = runner.invoke(args=["bootstrap"])
    assert first.exit_code == 0, first.output
    assert "Database ready" in first.output
    with fresh_app.app_context():
        exercises = db.session.execute(select(func.count()).select_from(Exercise)).scalar_one()
    assert exercises == 872
    second = runner.invoke(args=["bootstrap"])
    assert second.exit_code == 0
    assert "0 catalogue rows inserted" in second.output


def test_user_create_and_its_errors(fresh_app):
    runner = fresh_app.test_cli_runner()
    assert runner.invoke(args=["bootstrap"]).exit_code == 0
    created = runner.invoke(
        args=[
            "user",
            "create",
            "admin",
            "--password",
            "s3cret-pass",
            "--email",
            "admin@example.com",
            "--superuser",
        ]
    )
    assert created.exit_code == 0, created.output
    assert "superuser 'admin'" in created.output
    with fresh_app.app_context():
        admin = db.session.execute(select(User).where(User.username == "admin")).scalar_one()
        assert admin.is_superuser and admin.is_staff and admin.email == "admin@example.com"
        assert admin.password_hash.startswith("$argon2id$")
        assert verify_password(admin.password_hash, "s3cret-pass")

    duplicate = runner.invoke(args=["user", "create", "ADMIN", "--password", "another-pass"])
    assert duplicate.exit_code == 1
    assert "already exists" in duplicate.output

    empty = runner.invoke(args=["user", "create", "bob", "--password", ""])
    assert empty.exit_code == 1
    assert "password" in empty.output.lower()

    bad_email = runner.invoke(
        args=["user", "create", "bob", "--password", "long-enough", "--email", "nope"]
    )
    assert bad_email.exit_code == 1
    assert "email" in bad_email.output.lower()
    missing = runner.invoke(args=["user", "create", "bob"])
    assert missing.exit_code != 0


def test_user_create_before_bootstrap_says_what_to_run(fresh_app):
    runner = fresh_app.test_cli_runner()
    assert runner.invoke(args=["db", "upgrade"]).exit_code == 0
    result = runner.invoke(args=["user", "create", "early", "--password", "a long passphrase"])
    assert result.exit_code == 1
    assert "flask --app wsgi bootstrap" in result.output
    with fresh_app.app_context():
        assert db.session.execute(select(func.count()).select_from(User)).scalar_one() == 0


def test_user_create_asks_for_the_password_twice_when_not_given(app):
    runner = app.test_cli_runner()
    typed = "harbour lights at dusk\nharbour lights at dusk\n"
    result = runner.invoke(args=["user", "create", "prompted", "--superuser"], input=typed)
    assert result.exit_code == 0, result.output
    assert "Password:" in result.output and "Repeat for confirmation:" in result.output
    assert "harbour" not in result.output  # not echoed
    with app.app_context():
        made = db.session.execute(select(User).where(User.username == "prompted")).scalar_one()
        assert verify_password(made.password_hash, "harbour lights at dusk") and made.is_staff
        db.session.delete(made)
        db.session.commit()
    weak = runner.invoke(args=["user", "create", "weakling"], input="password1\npassword1\n")
    assert weak.exit_code == 1 and "too common" in weak.output
