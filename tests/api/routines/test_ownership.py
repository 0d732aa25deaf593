"""The ownership matrix: anonymous, owner and other user × every routine resource × every
method. Anonymous: 401; another user's row: 404 whatever the method; the owner: allowed."""

import pytest

from tests.api.routine_api import EXERCISE, create, plan

CONFIGS = {
    "weight-config": "60",
    "max-weight-config": "70",
    "repetitions-config": "8",
    "max-repetitions-config": "12",
    "sets-config": 3,
    "max-sets-config": 5,
    "rest-config": 90,
    "max-rest-config": 120,
    "rir-config": "2",
    "max-rir-config": "3",
}
RESOURCES = ["routine", "day", "slot", "slot-entry", *CONFIGS, "workoutsession", "workoutlog"]


@pytest.fixture
def owned(client, other_user, auth_headers):
    """One row of every resource, owned by the other user; the row's id per resource."""
    headers = auth_headers(other_user)
    made = plan(client, headers)
    rows = {
        "routine": made["routine"],
        "day": made["day"],
        "slot": made["slot"],
        "slot-entry": made["entry"],
    }
    for resource, value in CONFIGS.items():
        body = {"slot_entry": made["entry"], "iteration": 2, "value": value}
        rows[resource] = create(client, headers, resource, **body)["id"]
    log = create(client, headers, "workoutlog", exercise=EXERCISE, repetitions="5",
                 routine=made["routine"])  # fmt: skip
    rows["workoutlog"], rows["workoutsession"] = log["id"], log["session"]
    return rows


@pytest.mark.parametrize("resource", RESOURCES)
def test_anonymous_is_401_on_every_method(client, owned, resource):
    list_url, detail_url = f"/api/v2/{resource}/", f"/api/v2/{resource}/{owned[resource]}/"
    for method, url in [
        ("get", list_url),
        ("post", list_url),
        ("get", detail_url),
        ("put", detail_url),
        ("patch", detail_url),
        ("delete", detail_url),
    ]:
        response = getattr(client, method)(
            url, json={} if method in ("post", "put", "patch") else None
        )
        assert response.status_code == 401, (method, url)
        assert "WWW-Authenticate" in response.headers


@pytest.mark.parametrize("resource", RESOURCES)
def test_another_users_row_is_404_on_every_method(
    client, owned, resource, user, other_user, auth_headers
):
    alice, mallory = auth_headers(user), auth_headers(other_user)
    url = f"/api/v2/{resource}/{owned[resource]}/"
    before = client.get(url, headers=mallory).get_json()
    assert client.get(url, headers=alice).status_code == 404
    assert client.put(url, json=before, headers=alice).status_code == 404
    assert client.patch(url, json={}, headers=alice).status_code == 404
    assert client.delete(url, headers=alice).status_code == 404
    assert client.get(f"/api/v2/{resource}/", headers=alice).get_json()["count"] == 0
    assert client.get(url, headers=mallory).get_json() == before  # nothing changed


@pytest.mark.parametrize("resource", RESOURCES)
def test_the_owner_reads_and_deletes(client, owned, resource, other_user, auth_headers):
    mallory = auth_headers(other_user)
    url = f"/api/v2/{resource}/{owned[resource]}/"
    assert client.get(url, headers=mallory).status_code == 200
    assert client.get(f"/api/v2/{resource}/", headers=mallory).get_json()["count"] >= 1
    assert client.patch(url, json={}, headers=mallory).status_code == 200
    assert client.delete(url, headers=mallory).status_code == 204
    assert client.get(url, headers=mallory).status_code == 404
