"""Weights moving in and out as one row of truth: upstream's weight entries become body-weight
readings; an upstream body-weight measurement at the moment of a weight entry is the same
reading (one row, the measurement's); ``flask export-wger`` writes them back as weight entries
and not a second time as measurements."""

from __future__ import annotations

import shutil
import sqlite3
import uuid

import pytest
from sqlalchemy import text

from tests.api.wger_import.conftest import FIXTURE, SKIP_REASON, database_for, make_server
from tests.api.wger_import.test_round_trip import empty_upstream_database
from wger_flask.extensions import db

USER = "ines.r"
CATEGORY = uuid.UUID("01a24e61-0000-7000-8000-00000000b0d1")
SAME_MOMENT = uuid.UUID("01a24e61-0000-7000-8000-0000000000a1")
NEW_MOMENT = uuid.UUID("01a24e61-0000-7000-8000-0000000000a2")


def released_source(folder) -> tuple[str, str, str]:
    """The fixture with the released 2.7's typed categories, and a body-weight category of
    Ines's holding a reading at the moment of one of her weight entries and one of its own;
    (source URL, that weight entry's UUID, its moment)."""
    path = folder / "upstream.sqlite3"
    shutil.copy(FIXTURE / "upstream-A.sqlite3", path)
    with sqlite3.connect(path) as source:
        source.execute(
            "ALTER TABLE measurements_category ADD COLUMN metric_type varchar(30) "
            "NOT NULL DEFAULT 'custom'"
        )
        source.execute(
            "ALTER TABLE measurements_category ADD COLUMN is_official bool NOT NULL DEFAULT 0"
        )
        (user_id,) = source.execute(
            "SELECT id FROM auth_user WHERE username = ?", (USER,)
        ).fetchone()
        entry_uuid, moment = source.execute(
            "SELECT uuid, date FROM weight_weightentry WHERE user_id = ? ORDER BY date LIMIT 1",
            (user_id,),
        ).fetchone()
        source.execute(
            "INSERT INTO measurements_category (id, name, unit, user_id, metric_type, is_official)"
            " VALUES (?, 'Body weight', 'kg', ?, 'body_weight', 1)",
            (CATEGORY.hex, user_id),
        )
        for reading, date in ((SAME_MOMENT, moment), (NEW_MOMENT, "2020-01-01 07:00:00")):
            source.execute(
                "INSERT INTO measurements_measurement (value, notes, category_id, id, date) "
                "VALUES (71.3, 'scale', ?, ?, ?)",
                (CATEGORY.hex, reading.hex, date),
            )
    return f"sqlite:///{path}", str(uuid.UUID(entry_uuid)), moment


def body_weights(app, username: str) -> dict[str, str]:
    with app.app_context():
        rows = db.session.execute(
            text(
                "SELECT m.id, m.value FROM measurements_measurement m "
                "JOIN measurements_category c ON m.category_id = c.id "
                "JOIN auth_user u ON c.user_id = u.id "
                "WHERE u.username = :name AND c.metric_type = 'body_weight'"
            ),
            {"name": username},
        ).all()
    return {str(uuid.UUID(str(row_id))): str(value) for row_id, value in rows}


def test_weights_come_in_as_one_row_and_go_out_as_weight_entries(tmp_path, request):
    if FIXTURE is None:
        pytest.skip(SKIP_REASON)
    source, entry, moment = released_source(tmp_path)
    with sqlite3.connect(FIXTURE / "upstream-A.sqlite3") as fixture:
        upstream_entries = {
            str(uuid.UUID(hex_uuid))
            for (hex_uuid,) in fixture.execute(
                "SELECT w.uuid FROM weight_weightentry w JOIN auth_user u ON u.id = w.user_id "
                "WHERE u.username = ?",
                (USER,),
            )
        }
    with database_for(request, tmp_path) as url:
        server = make_server(url, tmp_path / "media")
        done = server.test_cli_runner().invoke(
            args=["import-wger", source, "--media", str(FIXTURE / "media")]
        )
        assert done.exit_code == 0, done.output
        weights = body_weights(server, USER)
        # one row per moment: the measurement's, the weight entry at its moment skipped
        assert set(weights) == (upstream_entries - {entry}) | {str(SAME_MOMENT), str(NEW_MOMENT)}
        assert weights[str(SAME_MOMENT)].startswith("71.3")
        assert f"weight entry {entry}" in done.output
        with server.test_client() as client, server.app_context():
            from wger_flask.models.accounts import User
            from wger_flask.services.accounts import tokens

            user = db.session.execute(db.select(User).where(User.username == USER)).scalar_one()
            headers = {"Authorization": f"Bearer {tokens.mint_access(user)}"}
            listed = client.get("/api/v2/weightentry/?limit=1000", headers=headers).get_json()
        assert {row["id"] for row in listed["results"]} == set(weights)

        target = empty_upstream_database(tmp_path / "out")
        exported = server.test_cli_runner().invoke(args=["export-wger", target])
        assert exported.exit_code == 0, exported.output
        with sqlite3.connect(target.removeprefix("sqlite:///")) as out:
            (user_id,) = out.execute(
                "SELECT id FROM auth_user WHERE username = ?", (USER,)
            ).fetchone()
            written = {
                str(uuid.UUID(hex_uuid))
                for (hex_uuid,) in out.execute(
                    "SELECT uuid FROM weight_weightentry WHERE user_id = ?", (user_id,)
                )
            }
            as_readings = out.execute(
                "SELECT count(*) FROM measurements_measurement WHERE id IN (?, ?)",
                (SAME_MOMENT.hex, NEW_MOMENT.hex),
            ).fetchone()[0]
        assert written == set(weights)
        assert as_readings == 0  # not twice
        with server.app_context():
            db.session.remove()
            db.engine.dispose()
