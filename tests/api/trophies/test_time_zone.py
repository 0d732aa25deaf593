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
