"""The import is safe on real data: a run killed in the middle of a user (``kill -9``) left
nothing of that user and is finished by running it again; an account that already exists here
is reported and left as it is, never overwritten."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

from sqlalchemy import func, select, text

from tests.api.wger_import.conftest import FIXTURE, database_for, make_server, source_url
from wger_flask.extensions import db

REPOSITORY = Path(__file__).resolve().parents[3]
# Dies (SIGKILL, no clean-up of any kind) in the middle of ines.r's transaction: her account,
# profile, routines and nutrition are written, her body data not yet.
KILLER = """
import os, signal, sys
from wger_flask.services.wger_import import people

original = people._body


def dying(context, user_id, result):
    if user_id == int(os.environ["DIE_AT_USER"]):
        os.kill(os.getpid(), signal.SIGKILL)
    return original(context, user_id, result)


people._body = dying
from flask.cli import main

sys.argv = ["flask", "--app", "wsgi", "import-wger", *sys.argv[1:]]
main()
"""


def _owned_rows(app, user_id: int) -> int:
    with app.app_context():
        return sum(
            db.session.execute(text(sql), {"u": user_id}).scalar_one()
            for sql in (
                "SELECT count(*) FROM auth_user WHERE id = :u",
                "SELECT count(*) FROM core_userprofile WHERE user_id = :u",
                "SELECT count(*) FROM nutrition_nutritionplan WHERE user_id = :u",
                "SELECT count(*) FROM manager_routine WHERE user_id = :u",
                # the weights: body-weight measurements (one row of truth)
                "SELECT count(*) FROM measurements_measurement m JOIN measurements_category c "
                "ON m.category_id = c.id WHERE c.user_id = :u AND c.metric_type = 'body_weight'",
            )
        )


def test_a_run_killed_mid_user_is_finished_by_running_it_again(tmp_path, request):
    if FIXTURE is None:
        import pytest

        pytest.skip("the upstream fixture is not here")
    with database_for(request, tmp_path) as url:
        server = make_server(url, tmp_path / "media")
        environment = {
            **os.environ,
            "DATABASE_URL": url,
            "WGER_INSTANCE_PATH": str(tmp_path),
            "MEDIA_ROOT": str(tmp_path / "media"),
            "DIE_AT_USER": "9",
        }
        killed = subprocess.run(
            [sys.executable, "-c", KILLER, source_url(), "--media", str(FIXTURE / "media")],
            cwd=REPOSITORY,
            env=environment,
            capture_output=True,
            text=True,
            timeout=600,
        )
        assert killed.returncode == -signal.SIGKILL, killed.stderr[-2000:]
        assert [_owned_rows(server, user) > 0 for user in (1, 7, 8, 9, 10)] == [
            True,
            True,
            True,
            False,  # killed half-way: nothing of ines.r was left behind
            False,  # never reached
        ]
        again = server.test_cli_runner().invoke(
            args=["import-wger", source_url(), "--media", str(FIXTURE / "media")]
        )
        assert again.exit_code == 0, again.output
        assert "users: 2 imported, 3 unchanged" in again.output
        for line in again.output.splitlines():
            if line.startswith(("manager_", "nutrition_", "weight_", "measurements_", "gallery_")):
                name, source, imported, present, skipped = line.split()
                assert int(imported) + int(present) == int(source) and skipped == "0", line
        with server.app_context():
            db.session.remove()
            db.engine.dispose()


def test_an_account_already_here_is_reported_and_never_overwritten(tmp_path, request):
    if FIXTURE is None:
        import pytest

        pytest.skip("the upstream fixture is not here")
    from wger_flask.models.accounts import User
    from wger_flask.services.accounts import users

    with database_for(request, tmp_path) as url:
        server = make_server(url, tmp_path / "media")
        with server.app_context():
            # Someone else, here first: takes id 1 (upstream's admin) and tomasz_w's username;
            # another takes ines.r's email address.
            users.create_user("tomasz_w", "a different person's password")
            users.create_user("someone", "another password", email="INES.ROCHA@example.com")
            db.session.commit()
            before = {
                row.username: (row.id, row.password_hash, row.email)
                for row in db.session.execute(select(User)).scalars()
            }
        done = server.test_cli_runner().invoke(args=["import-wger", source_url()])
        assert done.exit_code == 0, done.output
        assert "users: 2 imported, 3 refused" in done.output
        assert (
            "admin (id 1): refused: user id 1 is another account here ('tomasz_w')" in done.output
        )
        assert (
            "tomasz_w (id 8): refused: the username is already taken here by account id 1"
            in done.output
        )
        assert (
            "ines.r (id 9): refused: the email is already taken here by account id 2" in done.output
        )
        with server.app_context():
            after = {
                row.username: (row.id, row.password_hash, row.email)
                for row in db.session.execute(select(User)).scalars()
            }
            assert {name: after[name] for name in before} == before
            assert sorted(after) == ["mara_lifts", "olaf_h", "someone", "tomasz_w"]
            routines = db.session.execute(
                select(func.count()).select_from(text("manager_routine")).where(text("user_id = 8"))
            ).scalar_one()
            assert routines == 0
            db.session.remove()
            db.engine.dispose()
