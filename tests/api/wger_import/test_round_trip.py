"""Moving out and back: the server that imported the fixture exports into an empty database of
upstream's schema (``flask export-wger``), a fresh server imports that, and every recorded
request then answers the same on both servers, field by field (issue 25's comparator), apart
from what each server makes itself (``MADE_HERE``)."""

from __future__ import annotations

import sqlite3
import uuid

import pytest
from sqlalchemy import text

from tests.api.wger_import.conftest import FIXTURE, make_server
from tests.api.wger_import.test_upstream_answers import ANSWERS, ORDER_BY, answer_as_user
from tests.upstream_answers import Deliberate, IdMap, compare, format_report
from wger_flask.extensions import db

MADE_HERE = (
    Deliberate(
        ("gallery:results[].image",),
        "each server stores a photo under a name of its own storage",
    ),
    Deliberate(
        ("user-statistics:results[].id", "user-statistics:results[].last_updated"),
        "statistics are recomputed at each import",
    ),
    Deliberate(
        ("user-trophy:results[].id", "user-trophy:results[].earned_at"),
        "trophies are recomputed from the history (not exported: upstream recomputes them)",
    ),
    Deliberate(
        ("measurement-category:results[].id", "measurement-category:results[].parent"),
        "each server makes its users' official categories (without readings: not exported)",
    ),
)
# Rows each server numbers itself are matched by what they are.
ROUND_TRIP_ORDER = {
    **ORDER_BY,
    "measurement-category": lambda row: row["metric_type"] if row["is_official"] else row["id"],
}


BODY_WEIGHT = "<the user's body-weight category>"


def body_weight_categories(app) -> set[str]:
    """The ids of every user's body-weight category on a server (each server makes its own)."""
    with app.app_context():
        rows = db.session.execute(
            text("SELECT id FROM measurements_category WHERE metric_type = 'body_weight'")
        ).scalars()
        return {str(uuid.UUID(str(row))) for row in rows}


def weights_named(name: str, body, categories: set[str]):
    """A measurement answer whose body-weight readings (the weights: one row of truth) name
    their category by what it is, not by the id each server gave it."""
    if name != "measurement" or not isinstance(body, dict):
        return body
    results = [
        {**row, "category": BODY_WEIGHT} if row.get("category") in categories else row
        for row in body["results"]
    ]
    return {**body, "results": results}


def in_the_same_order(name: str, before, after):
    if name not in ROUND_TRIP_ORDER or not isinstance(before, dict):
        return after
    key = ROUND_TRIP_ORDER[name]
    position = {key(row): index for index, row in enumerate(before["results"])}
    return {
        **after,
        "results": sorted(after["results"], key=lambda row: position.get(key(row), -1)),
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
    with database_for(request, folder) as url:
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


def same_answers(name: str, before, after, known: tuple[Deliberate, ...]):
    after = in_the_same_order(name, before, after)
    return compare(name, before, after, IdMap(), deliberate=known)


@pytest.mark.parametrize("answer", ANSWERS, ids=[f"{a.user}__{a.name}" for a in ANSWERS])
def test_the_server_moved_out_and_back_answers_the_same(imported, returned, answer):
    before = answer_as_user(imported.app, answer)
    after = answer_as_user(returned, answer)
    assert before.status_code == after.status_code == answer.status
    comparison = same_answers(
        answer.name,
        weights_named(answer.name, before.get_json(), body_weight_categories(imported.app)),
        weights_named(answer.name, after.get_json(), body_weight_categories(returned)),
        MADE_HERE,
    )
    assert comparison.differences == [], format_report(comparison)


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
