"""The trophy catalogue, earned trophies, progress and statistics over the API."""

from __future__ import annotations

import io

from tests.api.trophies.helpers import earned, log, progress, session, statistics


def test_anonymous_reads_the_visible_catalogue(client):
    body = client.get("/api/v2/trophy/").get_json()
    assert body["count"] == 8  # upstream's catalogue: Obsessed … Titan are hidden
    first = body["results"][0]
    assert first["name"] == "Beginner"
    assert set(first) == {
        "id",
        "uuid",
        "name",
        "description",
        "image",
        "trophy_type",
        "is_hidden",
        "is_progressive",
        "is_repeatable",
        "order",
    }
    assert first["image"] == (
        "http://localhost/static/trophies/count/9f1c7c7e-3b2a-4b6f-9b5f-1c3e2d4f5a60.png"
    )
    assert first["is_progressive"] is True
    assert all(not row["is_hidden"] for row in body["results"])


def test_every_trophys_image_is_a_png_at_upstreams_path(app, client):
    """Issue 25: ``/static/trophies/<type>/<uuid>.png``, as upstream serves it; each is this
    project's badge of the type."""
    from PIL import Image

    from wger_flask.models.trophies import Trophy
    from wger_flask.services.trophies.badges import image_path

    with app.app_context():
        from wger_flask.extensions import db

        trophies = db.session.execute(db.select(Trophy)).scalars().all()
        paths = [image_path(trophy.trophy_type, trophy.uuid) for trophy in trophies]
    assert len(paths) == 21
    for path in paths:
        response = client.get(f"/static/{path}")
        assert response.status_code == 200, path
        assert response.mimetype == "image/png"
        assert Image.open(io.BytesIO(response.data)).size == (128, 128)


def test_the_catalogue_is_upstreams(client, make_user, auth_headers):
    """The flags and texts a real upstream server holds (its migration 0002), issue 25."""
    headers = auth_headers(make_user("catalogue_reader"))
    rows = client.get("/api/v2/trophy/?limit=50", headers=headers).get_json()["results"]
    by_name = {row["name"]: row for row in rows}
    assert by_name["Plane lifter"]["is_hidden"] is False
    assert by_name["Beginner"]["is_progressive"] and by_name["Consistent"]["is_progressive"]
    record = by_name.get("Personal Record")
    if record is not None:  # hidden trophies are listed to their holders only
        assert record["description"] == "Achieve a new Personal Record on any exercise"


def test_filters_and_ordering(client):
    volume = client.get("/api/v2/trophy/?trophy_type=volume").get_json()
    assert [row["name"] for row in volume["results"]] == [
        "Elephant lifter",
        "Bus lifter",
        "Plane lifter",
    ]
    both = client.get("/api/v2/trophy/?trophy_type__in=volume,sequence&ordering=-order")
    assert [row["order"] for row in both.get_json()["results"]] == [12, 11, 10, 9, 8]
    progressive = client.get("/api/v2/trophy/?is_progressive=True").get_json()
    assert progressive["count"] == 8
    named = client.get("/api/v2/trophy/?ordering=name&limit=2").get_json()
    assert [row["name"] for row in named["results"]] == ["Beginner", "Bus lifter"]
    wrong = client.get("/api/v2/trophy/?trophy_type=magic")
    assert wrong.status_code == 400 and "trophy_type" in wrong.get_json()


def test_hidden_trophies_once_earned_or_to_staff(client, alice, make_user, auth_headers):
    hidden = client.get("/api/v2/trophy/?is_hidden=True", headers=alice).get_json()
    assert hidden["count"] == 0
    early = session(client, alice, "2026-03-03", "05:15")
    log(client, alice, early["id"])
    names = [
        r["name"]
        for r in client.get("/api/v2/trophy/?is_hidden=True", headers=alice).get_json()["results"]
    ]
    assert names == ["Early Bird", "Personal Record"]
    staff = auth_headers(make_user("coach", is_staff=True))
    assert client.get("/api/v2/trophy/?limit=50", headers=staff).get_json()["count"] == 21
    night_owl = client.get("/api/v2/trophy/?limit=50", headers=staff).get_json()["results"][17]
    assert client.get(f"/api/v2/trophy/{night_owl['id']}/", headers=alice).status_code == 404
    assert client.get(f"/api/v2/trophy/{night_owl['id']}/", headers=staff).status_code == 200


def test_the_catalogue_is_read_only(client, alice):
    assert client.post("/api/v2/trophy/", json={"name": "Mine"}, headers=alice).status_code == 405
    assert client.delete("/api/v2/trophy/1/", headers=alice).status_code == 405
    assert client.post("/api/v2/user-trophy/", json={"trophy": 1}, headers=alice).status_code == 405
    assert client.delete("/api/v2/user-statistics/1/", headers=alice).status_code == 405


def test_earned_trophies_and_statistics_are_the_callers_own(client, alice, mallory):
    assert client.get("/api/v2/user-trophy/").status_code == 401
    assert client.get("/api/v2/user-statistics/").status_code == 401
    day = session(client, alice, "2026-03-02")
    log(client, alice, day["id"])
    mine = client.get("/api/v2/user-trophy/", headers=alice).get_json()["results"]
    stats = statistics(client, alice)
    assert client.get("/api/v2/user-trophy/", headers=mallory).get_json()["count"] == 0
    assert client.get("/api/v2/user-statistics/", headers=mallory).get_json()["count"] == 0
    assert client.get(f"/api/v2/user-trophy/{mine[0]['id']}/", headers=mallory).status_code == 404
    assert client.get(f"/api/v2/user-statistics/{stats['id']}/", headers=mallory).status_code == 404
    assert client.get(f"/api/v2/user-statistics/{stats['id']}/", headers=alice).get_json() == stats


def test_user_trophy_fields_filters_and_ordering(client, alice):
    day = session(client, alice, "2026-03-02")
    made = log(client, alice, day["id"], weight="100", repetitions="5")
    rows = client.get("/api/v2/user-trophy/?ordering=trophy__name", headers=alice).get_json()
    assert [row["trophy"]["name"] for row in rows["results"]] == ["Beginner", "Personal Record"]
    record = rows["results"][1]
    assert set(record) == {"id", "trophy", "earned_at", "progress", "is_notified", "context_data"}
    assert record["progress"] == 100.0 and record["is_notified"] is False
    assert record["context_data"]["log_id"] == made["id"]
    assert record["context_data"]["one_rep_max_estimate"] == 112.5
    assert rows["results"][0]["context_data"] is None
    pr = client.get("/api/v2/user-trophy/?trophy__trophy_type=pr", headers=alice).get_json()
    assert pr["count"] == 1
    repeatable = client.get("/api/v2/user-trophy/?trophy__is_repeatable=False", headers=alice)
    assert [row["trophy"]["name"] for row in repeatable.get_json()["results"]] == ["Beginner"]
    future = client.get("/api/v2/user-trophy/?earned_at__gte=2999-01-01T00:00:00Z", headers=alice)
    assert future.get_json()["count"] == 0
    bad = client.get("/api/v2/user-trophy/?earned_at__gte=yesterday", headers=alice)
    assert bad.status_code == 400 and "earned_at__gte" in bad.get_json()


def test_progress_is_a_bare_list_anonymous_empty(client, alice):
    assert client.get("/api/v2/trophy/progress/").get_json() == []
    rows = progress(client, alice)
    assert len(rows) == 8 and "Personal Record" not in rows
    assert rows["Beginner"] == {
        "trophy": rows["Beginner"]["trophy"],
        "is_earned": False,
        "earned_at": None,
        "progress": 0.0,
        "current_value": "0",
        "target_value": "1",
        "progress_display": "0/1",
    }
    assert rows["Elephant lifter"]["progress_display"] == "0/5000"
    day = session(client, alice, "2026-03-02")
    log(client, alice, day["id"], weight="100", repetitions="10")
    rows = progress(client, alice)
    assert rows["Beginner"]["is_earned"] and rows["Beginner"]["progress"] == 100.0
    assert rows["Beginner"]["earned_at"] is not None
    assert rows["Elephant lifter"]["progress"] == 20.0
    assert rows["Elephant lifter"]["current_value"] == "1000"
    assert "Personal Record" not in rows
    assert progress(client, alice, include_repeatable="True")["Personal Record"]["is_earned"]
    assert "Personal Record" not in progress(client, alice, include_repeatable="true")  # the seed


def test_bad_credentials_are_refused_even_for_progress(client):
    response = client.get("/api/v2/trophy/progress/", headers={"Authorization": "Bearer nope"})
    assert response.status_code == 401


def test_a_deleted_workout_withdraws_what_it_earned(client, alice):
    day = session(client, alice, "2026-01-01", "23:30")
    log(client, alice, day["id"])
    assert earned(client, alice) == ["Beginner", "Night Owl", "New Year, New Me", "Personal Record"]
    assert client.delete(f"/api/v2/workoutsession/{day['id']}/", headers=alice).status_code == 204
    assert earned(client, alice) == []
    stats = statistics(client, alice)
    assert (stats["total_workouts"], stats["total_weight_lifted"]) == (0, "0.00")
    assert stats["last_workout_date"] is None and stats["worked_out_jan_1"] is False


def test_editing_a_log_moves_volume_and_records(client, alice):
    day = session(client, alice, "2026-03-02")
    first = log(client, alice, day["id"], weight="100", repetitions="5")
    second = log(client, alice, day["id"], weight="110", repetitions="5")
    assert earned(client, alice).count("Personal Record") == 2
    assert statistics(client, alice)["total_weight_lifted"] == "1050.00"
    client.patch(f"/api/v2/workoutlog/{second['id']}/", json={"weight": "90"}, headers=alice)
    assert earned(client, alice).count("Personal Record") == 1
    assert statistics(client, alice)["total_weight_lifted"] == "950.00"
    client.delete(f"/api/v2/workoutlog/{first['id']}/", headers=alice)
    rows = client.get("/api/v2/user-trophy/?trophy__trophy_type=pr", headers=alice).get_json()
    assert [row["context_data"]["log_id"] for row in rows["results"]] == [second["id"]]
    assert statistics(client, alice)["total_weight_lifted"] == "450.00"


def test_switched_off_trophies_track_nothing(client, alice):
    response = client.patch("/api/v2/userprofile/", json={"trophies_enabled": False}, headers=alice)
    assert response.status_code == 200 and response.get_json()["trophies_enabled"] is False
    day = session(client, alice, "2026-03-02")
    log(client, alice, day["id"])
    assert earned(client, alice) == []
    assert client.get("/api/v2/user-statistics/", headers=alice).get_json()["count"] == 0
    client.patch("/api/v2/userprofile/", json={"trophies_enabled": True}, headers=alice)
    assert sorted(earned(client, alice)) == ["Beginner", "Personal Record"]
    assert statistics(client, alice)["total_workouts"] == 1


def test_a_foreign_session_in_a_log_body_is_refused(client, alice, mallory):
    theirs = session(client, mallory, "2026-03-02")
    response = client.post(
        "/api/v2/workoutlog/",
        json={"session": theirs["id"], "exercise": 9, "weight": "100", "repetitions": "5"},
        headers=alice,
    )
    assert response.status_code == 403
    assert client.get("/api/v2/user-statistics/", headers=alice).get_json()["count"] == 0
    assert statistics(client, mallory)["total_weight_lifted"] == "0.00"


def test_details_of_what_does_not_exist_are_404(client, alice):
    for url in ("/api/v2/trophy/999/", "/api/v2/trophy/abc/", "/api/v2/user-trophy/1/"):
        assert client.get(url, headers=alice).status_code == 404, url
    assert client.get("/api/v2/user-statistics/x/", headers=alice).status_code == 404


def test_the_api_root_lists_the_trophy_routes(client):
    root = client.get("/api/v2/").get_json()
    for name in ("trophy", "user-trophy", "user-statistics"):
        assert root[name].endswith(f"/api/v2/{name}/"), name
