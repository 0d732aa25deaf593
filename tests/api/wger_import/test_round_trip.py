"""Moving out and back: the server that imported the fixture exports into an empty database of
upstream's schema (``flask export-wger``), a fresh server imports that, and every recorded
request then answers the same on both servers, field by field, apart from what each server
makes itself (listed below)."""

from __future__ import annotations

import sqlite3

import pytest
import time_machine

from tests.api.wger_import.conftest import FIXTURE, make_server
from tests.api.wger_import.test_upstream_answers import ANSWERED_AT, ANSWERS, KEYS
from tests.upstream_answers import MISSING, Difference, compare, unexplained
from wger_flask.extensions import db

MADE_HERE = "made by each server"
ROUND_TRIP: list[Difference] = [
    Difference(
        "*__gallery",
        ("results[*].image",),
        MADE_HERE,
        "each server stores a photo under a name of its own storage",
    ),
    Difference(
        "*__user-statistics",
        ("results[*].id", "results[*].last_updated"),
        MADE_HERE,
        "statistics are recomputed at each import",
    ),
    Difference(
        "*__user-trophy",
        ("results[*].id", "results[*].earned_at"),
        MADE_HERE,
        "trophies are recomputed from the history (not exported: upstream recomputes them)",
    ),
    Difference(
        "*__measurement-category",
        ("results[*].id", "results[*].parent"),
        MADE_HERE,
        "each server makes its users' official categories (no readings in them: not exported)",
        check=lambda expected, actual: expected is not MISSING and actual is not MISSING,
    ),
]


# Official categories are made by each server (new ids): matched by their metric type.
ROUND_TRIP_KEYS = {
    **KEYS,
    "measurement-category": lambda row: row["metric_type"] if row["is_official"] else row["id"],
}


def empty_upstream_database(path) -> str:
    """An empty database of upstream's schema: the fixture's own tables and indexes."""
    with sqlite3.connect(f"file:{FIXTURE / 'upstream-A.sqlite3'}?mode=ro", uri=True) as source:
        statements = source.execute(
            "SELECT sql FROM sqlite_master WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite_%' "
            "ORDER BY type = 'index'"
        ).fetchall()
    with sqlite3.connect(path) as target:
        for (statement,) in statements:
            target.execute(statement)
    return f"sqlite:///{path}"


@pytest.fixture(scope="module")
def returned(imported, tmp_path_factory, request):
    from tests.api.wger_import.conftest import database_for

    folder = tmp_path_factory.mktemp("round-trip")
    target = empty_upstream_database(folder / "upstream.sqlite3")
    exported = imported.app.test_cli_runner().invoke(
        args=["export-wger", target, "--media", str(folder / "upstream-media")]
    )
    assert exported.exit_code == 0, exported.output
    with database_for(request.config, folder) as url:
        server = make_server(url, folder / "media")
        again = server.test_cli_runner().invoke(
            args=["import-wger", target, "--media", str(folder / "upstream-media")]
        )
        assert again.exit_code == 0, again.output
        assert "users: 5 imported" in again.output
        yield server
        with server.app_context():
            db.session.remove()
            db.engine.dispose()


def _answer(app, answer):
    from wger_flask.models.accounts import User
    from wger_flask.services.accounts import tokens

    with app.app_context(), time_machine.travel(ANSWERED_AT, tick=False):
        user = db.session.query(User).filter_by(username=answer.user).one()
        active = user.is_active
        user.is_active = True
        db.session.commit()
        try:
            headers = {"Authorization": f"Bearer {tokens.mint_access(user)}"}
            response = app.test_client().open(answer.path, method=answer.method, headers=headers)
        finally:
            user = db.session.get(User, user.id)
            user.is_active = active
            db.session.commit()
    return response


@pytest.mark.parametrize("answer", ANSWERS, ids=[f"{a.user}__{a.name}" for a in ANSWERS])
def test_the_server_moved_out_and_back_answers_the_same(imported, returned, answer):
    before = _answer(imported.app, answer)
    after = _answer(returned, answer)
    assert before.status_code == after.status_code == answer.status
    differences = compare(before.get_json(), after.get_json(), key=ROUND_TRIP_KEYS.get(answer.name))
    left, _ = unexplained(answer, differences, ROUND_TRIP)
    assert left == [], "\n".join(
        f"  {path}: before {expected!r}, after {actual!r}" for path, expected, actual in left[:40]
    )


def test_the_authenticator_app_still_works_after_the_round_trip(imported, returned):
    import pyotp

    from tests.accounts_helpers import LOGIN, TWO_FACTOR

    mara = [u for u in imported.manifest["users"] if u["username"] == "mara_lifts"][0]
    client = returned.test_client()
    pending = client.post(LOGIN, json={"username": "mara_lifts", "password": mara["password"]})
    assert pending.status_code == 401
    token = pending.get_json()["meta"]["session_token"]
    code = pyotp.TOTP(mara["totp"]["secret"]).now()
    done = client.post(TWO_FACTOR, json={"code": code}, headers={"X-Session-Token": token})
    assert done.status_code == 200, done.get_json()
