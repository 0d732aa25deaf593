"""The profile's ``time_zone``: IANA names only, in the schema; a change moves local times."""

from __future__ import annotations


def test_time_zone_is_validated_and_kept(client, alice):
    assert client.get("/api/v2/userprofile/", headers=alice).get_json()["time_zone"] == ""
    good = client.patch("/api/v2/userprofile/", json={"time_zone": "Europe/Berlin"}, headers=alice)
    assert good.status_code == 200 and good.get_json()["time_zone"] == "Europe/Berlin"
    for wrong in ("Mars/Olympus_Mons", "x" * 60):  # (5 profile writes a minute)
        bad = client.patch("/api/v2/userprofile/", json={"time_zone": wrong}, headers=alice)
        assert bad.status_code == 400, wrong
        assert list(bad.get_json()) == ["time_zone"]
    assert (
        client.get("/api/v2/userprofile/", headers=alice).get_json()["time_zone"] == "Europe/Berlin"
    )
    cleared = client.patch("/api/v2/userprofile/", json={"time_zone": ""}, headers=alice)
    assert cleared.status_code == 200 and cleared.get_json()["time_zone"] == ""


def test_time_zone_is_documented(client):
    schema = client.get("/api/v2/schema").get_json()["components"]["schemas"]
    profile = next(value for name, value in schema.items() if name.startswith("Userprofile"))
    assert profile["properties"]["time_zone"]["type"] == "string"
    for name in ("Trophy", "UserTrophy", "UserStatistics", "TrophyProgress"):
        assert name in schema, name


def test_a_new_time_zone_rereads_sessions_not_logs(client, alice, count_queries):
    from tests.api.trophies.helpers import log, session, statistics

    for day in ("2026-03-07", "2026-03-08", "2026-03-09"):
        made = session(client, alice, day, "06:30")
        log(client, alice, made["id"])
    before = statistics(client, alice)
    with count_queries() as counter:
        response = client.patch(
            "/api/v2/userprofile/", json={"time_zone": "Asia/Tokyo"}, headers=alice
        )
    assert response.status_code == 200
    assert not [s for s in counter.statements if "FROM manager_workoutlog" in s]
    after = statistics(client, alice)
    # dates and start times sent as local values do not move with the zone
    assert {**after, "last_updated": None} == {**before, "last_updated": None}
