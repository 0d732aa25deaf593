"""Deleting an exercise with ``replaced_by``: the users' routine entries and workout logs move to
the replacement, and the deletion log says so, all in one transaction."""

from __future__ import annotations

import uuid

from sqlalchemy import select

from tests.routine_factory import build_logs, build_routine
from wger_flask.extensions import db
from wger_flask.models.catalogue import Exercise


def _deleter(make_user, auth_headers, grant):
    admin = make_user("moderator", email="m@example.com")
    grant(admin, "exercise.delete")
    return auth_headers(admin)


def _routine_of(app, user):
    with app.app_context():
        routine_id = build_routine(user.id, days=1, slots=1, entries=2)
        build_logs(user.id, routine_id, sessions=2, logs=1)
        db.session.commit()
        first = db.session.execute(select(Exercise).order_by(Exercise.id).limit(1)).scalar_one()
        return routine_id, first.id, str(first.uuid)


def test_replacement_takes_over_entries_and_logs(app, client, user, auth_headers, make_user, grant):
    routine_id, old_id, old_uuid = _routine_of(app, user)
    owner = auth_headers(user)
    entries = client.get("/api/v2/slot-entry/?limit=100", headers=owner).get_json()["results"]
    logs = client.get("/api/v2/workoutlog/?limit=100", headers=owner).get_json()["results"]
    assert old_id in {row["exercise"] for row in entries}
    assert {row["exercise"] for row in logs} == {old_id}
    replacement = client.get("/api/v2/exercise/?limit=1&ordering=-id").get_json()["results"][0]
    new_id = replacement["id"]
    assert new_id != old_id

    response = client.delete(
        f"/api/v2/exercise/{old_id}/?replaced_by={replacement['uuid']}",
        headers=_deleter(make_user, auth_headers, grant),
    )
    assert response.status_code == 204
    assert client.get(f"/api/v2/exercise/{old_id}/").status_code == 404
    assert client.get(f"/api/v2/exerciseinfo/{old_id}/").status_code == 404

    entries_after = client.get("/api/v2/slot-entry/?limit=100", headers=owner).get_json()
    logs_after = client.get("/api/v2/workoutlog/?limit=100", headers=owner).get_json()
    assert len(entries_after["results"]) == len(entries)
    assert old_id not in {row["exercise"] for row in entries_after["results"]}
    assert new_id in {row["exercise"] for row in entries_after["results"]}
    assert len(logs_after["results"]) == len(logs)
    assert {row["exercise"] for row in logs_after["results"]} == {new_id}

    base = client.get("/api/v2/deletion-log/?model_type=base").get_json()["results"]
    assert [(row["uuid"], row["replaced_by"]) for row in base] == [(old_uuid, replacement["uuid"])]
    # its translations are logged too, so syncing clients drop them
    translations = client.get("/api/v2/deletion-log/?model_type=translation").get_json()
    assert translations["count"] >= 1


def test_transfer_flags_move_media_and_missing_translations(
    app, client, make_user, auth_headers, grant
):
    with app.app_context():
        from wger_flask.models.catalogue import Translation

        old_languages = set(
            db.session.execute(
                select(Translation.language_id).where(Translation.exercise_id == 9)
            ).scalars()
        )
    target = client.get("/api/v2/exercise/?limit=1&ordering=-id").get_json()["results"][0]
    target_languages = {
        t["language"]
        for t in client.get(f"/api/v2/exerciseinfo/{target['id']}/").get_json()["translations"]
    }
    response = client.delete(
        f"/api/v2/exercise/9/?replaced_by={target['uuid']}&transfer_translations",
        headers=_deleter(make_user, auth_headers, grant),
    )
    assert response.status_code == 204
    after = client.get(f"/api/v2/exerciseinfo/{target['id']}/").get_json()["translations"]
    assert {t["language"] for t in after} == target_languages | old_languages


def test_without_replacement_the_exercise_goes_with_its_users_entries(
    app, client, user, auth_headers, make_user, grant
):
    routine_id, old_id, old_uuid = _routine_of(app, user)
    response = client.delete(
        f"/api/v2/exercise/{old_id}/?replaced_by=not-a-uuid",
        headers=_deleter(make_user, auth_headers, grant),
    )
    assert response.status_code == 204
    base = client.get("/api/v2/deletion-log/?model_type=base").get_json()["results"]
    assert [(row["uuid"], row["replaced_by"]) for row in base] == [(old_uuid, None)]
    logs = client.get("/api/v2/workoutlog/", headers=auth_headers(user)).get_json()
    assert logs["count"] == 0


def test_replacement_by_itself_or_unknown_is_ignored(client, make_user, auth_headers, grant):
    me = client.get("/api/v2/exercise/9/").get_json()
    headers = _deleter(make_user, auth_headers, grant)
    assert (
        client.delete(f"/api/v2/exercise/9/?replaced_by={me['uuid']}", headers=headers).status_code
        == 204
    )
    unknown = uuid.uuid4()
    assert (
        client.delete(f"/api/v2/exercise/12/?replaced_by={unknown}", headers=headers).status_code
        == 204
    )
    base = client.get("/api/v2/deletion-log/?model_type=base").get_json()["results"]
    assert [row["replaced_by"] for row in base] == [None, None]


def test_only_the_delete_permission_deletes(client, user, auth_headers):
    response = client.delete("/api/v2/exercise/9/?replaced_by=", headers=auth_headers(user))
    assert response.status_code == 403
    assert client.get("/api/v2/deletion-log/").get_json()["count"] == 0
    assert client.get("/api/v2/exercise/9/").status_code == 200


def test_translation_deleted_with_replacement_is_logged(client, make_user, auth_headers, grant):
    first = client.get("/api/v2/exercise-translation/?exercise=9").get_json()["results"][0]
    other = client.get("/api/v2/exercise-translation/?exercise=12").get_json()["results"][0]
    response = client.delete(
        f"/api/v2/exercise-translation/{first['id']}/?replaced_by={other['uuid']}",
        headers=_deleter(make_user, auth_headers, grant),
    )
    assert response.status_code == 204
    logged = client.get("/api/v2/deletion-log/?model_type=translation").get_json()["results"]
    assert [(row["uuid"], row["replaced_by"]) for row in logged] == [(first["uuid"], other["uuid"])]


def test_a_replacement_takes_over_the_personal_records_earned_on_the_exercise(
    client, alice, make_user, auth_headers, grant
):
    """Alice set records on exercise 9 and on 12; 9 is merged into 12: her records of 9 now
    name 12 (an earned trophy stays earned), and a new log of 12 is a record when it beats the
    latest record of the merged history (the personal-record rule, docs/trophies.md)."""
    from tests.api.trophies.helpers import log, session

    day = session(client, alice, "2026-03-02")
    log(client, alice, day["id"], weight="100", repetitions="5", exercise=9)  # 1RM ≈ 116.7
    later = session(client, alice, "2026-03-03")
    log(client, alice, later["id"], weight="80", repetitions="5", exercise=12)  # ≈ 93.3

    def records():
        rows = client.get("/api/v2/user-trophy/?trophy__trophy_type=pr", headers=alice)
        return sorted(
            (row["context_data"]["exercise_id"], row["context_data"]["weight"])
            for row in rows.get_json()["results"]
        )

    assert records() == [(9, 100.0), (12, 80.0)]
    target = client.get("/api/v2/exercise/12/").get_json()
    deleted = client.delete(
        f"/api/v2/exercise/9/?replaced_by={target['uuid']}",
        headers=_deleter(make_user, auth_headers, grant),
    )
    assert deleted.status_code == 204
    assert records() == [(12, 80.0), (12, 100.0)]

    # 90 kg × 5 (≈ 105) beats the latest record, 80 kg on 3 March (the 100 kg one moved to 12
    # is older); 85 kg does not beat the 90 kg record now before it
    third = session(client, alice, "2026-03-04")
    log(client, alice, third["id"], weight="90", repetitions="5", exercise=12)
    assert records() == [(12, 80.0), (12, 90.0), (12, 100.0)]
    fourth = session(client, alice, "2026-03-05")
    log(client, alice, fourth["id"], weight="85", repetitions="5", exercise=12)
    assert records() == [(12, 80.0), (12, 90.0), (12, 100.0)]


def test_one_rep_max_categories_follow_the_replacement(
    client, alice, make_user, auth_headers, grant
):
    """A 1RM category of exercise 9 and a total of 9 and 12: 9 merged into 12, both name 12
    and their readings come from the moved logs."""
    from tests.api.trophies.helpers import log, session

    categories = "/api/v2/measurement-category/"
    single = client.post(
        categories,
        json={"name": "1RM", "dynamic_type": "ONE_REP_MAX", "dynamic_params": {"exercise": 9}},
        headers=alice,
    ).get_json()
    total = client.post(
        categories,
        json={
            "name": "Total",
            "dynamic_type": "ONE_RM_TOTAL",
            "dynamic_params": {"exercises": [9, 12]},
        },
        headers=alice,
    ).get_json()
    day = session(client, alice, "2026-03-02")
    log(client, alice, day["id"], weight="100", repetitions="5", exercise=9)  # 116.67
    target = client.get("/api/v2/exercise/12/").get_json()
    deleted = client.delete(
        f"/api/v2/exercise/9/?replaced_by={target['uuid']}",
        headers=_deleter(make_user, auth_headers, grant),
    )
    assert deleted.status_code == 204
    single_now = client.get(f"{categories}{single['id']}/", headers=alice).get_json()
    total_now = client.get(f"{categories}{total['id']}/", headers=alice).get_json()
    assert single_now["dynamic_params"] == {"exercise": 12, "formula": "epley"}
    assert total_now["dynamic_params"] == {"exercises": [12], "formula": "epley"}
    readings = client.get(f"/api/v2/measurement/?category={single['id']}", headers=alice)
    assert [row["value"] for row in readings.get_json()["results"]] == [116.67]
    totals = client.get(f"/api/v2/measurement/?category={total['id']}", headers=alice)
    assert [row["value"] for row in totals.get_json()["results"]] == [116.67]
