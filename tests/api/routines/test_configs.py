"""The ten progression configs: one row per slot entry and iteration, each value in range."""

import pytest

from tests.api.routine_api import create, ids, plan, results

CONFIGS = [
    "weight-config",
    "max-weight-config",
    "repetitions-config",
    "max-repetitions-config",
    "sets-config",
    "max-sets-config",
    "rest-config",
    "max-rest-config",
    "rir-config",
    "max-rir-config",
]
CONFIG_FIELDS = {
    "id",
    "slot_entry",
    "iteration",
    "value",
    "operation",
    "step",
    "repeat",
    "requirements",
}
# A valid value, how it reads back, and one out of range.
VALUES = {
    "weight-config": ("82.5", "82.50", "3000.01"),
    "max-weight-config": ("90", "90.00", "-1"),
    "repetitions-config": (8, "8.00", "3001"),
    "max-repetitions-config": ("12", "12.00", "-0.5"),
    "sets-config": (4, 4, 51),
    "max-sets-config": (5, 5, -1),
    "rest-config": (120, 120, 1801),
    "max-rest-config": (180, 180, 601),
    "rir-config": ("1.5", "1.5", "0.3"),
    "max-rir-config": ("3", "3.0", "5"),
}


@pytest.fixture
def entry(client, alice):
    return plan(client, alice)["entry"]


@pytest.mark.parametrize("resource", CONFIGS)
def test_create_read_update_delete(client, alice, entry, resource):
    value, read_back, _ = VALUES[resource]
    made = create(client, alice, resource, slot_entry=entry, iteration=2, value=value)
    assert set(made) == CONFIG_FIELDS
    assert made["value"] == read_back
    assert (made["operation"], made["step"], made["repeat"], made["requirements"]) == (
        "r",
        "na",  # a replacement has no step
        False,
        None,
    )
    url = f"/api/v2/{resource}/{made['id']}/"
    patched = client.patch(
        url, json={"operation": "+", "step": "percent", "repeat": True}, headers=alice
    )
    assert patched.status_code == 200
    assert (patched.get_json()["operation"], patched.get_json()["step"]) == ("+", "percent")
    assert client.get(url, headers=alice).get_json() == patched.get_json()
    assert client.delete(url, headers=alice).status_code == 204
    assert client.get(url, headers=alice).status_code == 404


@pytest.mark.parametrize("resource", CONFIGS)
def test_values_out_of_range_are_400(client, alice, entry, resource):
    _, _, wrong = VALUES[resource]
    body = {"slot_entry": entry, "iteration": 3, "value": wrong}
    response = client.post(f"/api/v2/{resource}/", json=body, headers=alice)
    assert response.status_code == 400
    assert list(response.get_json()) == ["value"]


def test_the_first_iteration_always_replaces(client, alice, entry):
    made = create(
        client, alice, "max-weight-config", slot_entry=entry, iteration=2, value=5, operation="+"
    )
    assert (made["operation"], made["step"]) == ("+", "abs")
    moved = client.patch(
        f"/api/v2/max-weight-config/{made['id']}/", json={"iteration": 1}, headers=alice
    ).get_json()
    assert (moved["operation"], moved["step"]) == ("r", "na")


def test_one_row_per_entry_and_iteration(client, alice, entry):
    body = {"slot_entry": entry, "iteration": 1, "value": 4}
    response = client.post("/api/v2/sets-config/", json=body, headers=alice)  # plan made it
    assert response.status_code == 400
    assert "non_field_errors" in response.get_json()
    assert len(results(client, alice, "/api/v2/sets-config/")) == 1


@pytest.mark.parametrize(
    "requirements,ok",
    [
        ({"rules": ["weight", "repetitions"]}, True),
        ({"rules": []}, True),
        (None, True),
        ({"rules": ["weight", "speed"]}, False),
        ({"rules": "weight"}, False),
        ({"other": []}, False),
        (["weight"], False),
    ],
)
def test_requirements_are_validated(client, alice, entry, requirements, ok):
    body = {"slot_entry": entry, "iteration": 2, "value": 5, "requirements": requirements}
    response = client.post("/api/v2/weight-config/", json=body, headers=alice)
    assert response.status_code == (201 if ok else 400), response.get_json()
    if ok:
        assert response.get_json()["requirements"] == requirements
    else:
        assert list(response.get_json()) == ["requirements"]


@pytest.mark.parametrize(
    "body,field",
    [
        ({"iteration": -1, "value": 1}, "iteration"),
        ({"value": 1}, "iteration"),
        ({"iteration": 2}, "value"),
        ({"iteration": 2, "value": 1, "operation": "*"}, "operation"),
        ({"iteration": 2, "value": 1, "step": "rir_pct"}, "step"),
        ({"iteration": 2, "value": "1.234"}, "value"),
    ],
)
def test_invalid_rows_are_400(client, alice, entry, body, field):
    response = client.post(
        "/api/v2/weight-config/", json={"slot_entry": entry, **body}, headers=alice
    )
    assert response.status_code == 400 and field in response.get_json()


@pytest.mark.parametrize("resource", ["weight-config", "max-rest-config"])
def test_foreign_entries_and_rows(client, alice, mallory, resource):
    theirs = plan(client, mallory)
    value = VALUES[resource][0]
    body = {"slot_entry": theirs["entry"], "iteration": 3, "value": value}
    assert client.post(f"/api/v2/{resource}/", json=body, headers=alice).status_code == 403
    row = create(client, mallory, resource, **body)
    url = f"/api/v2/{resource}/{row['id']}/"
    assert client.get(url, headers=alice).status_code == 404
    assert client.patch(url, json={"value": value}, headers=alice).status_code == 404
    assert client.delete(url, headers=alice).status_code == 404
    assert results(client, alice, f"/api/v2/{resource}/") == []


def test_filter_by_entry_and_default_order(client, alice):
    first, second = plan(client, alice)["entry"], plan(client, alice)["entry"]
    late = create(client, alice, "weight-config", slot_entry=first, iteration=5, value=60)
    middle = create(client, alice, "weight-config", slot_entry=first, iteration=3, value=55)
    other = create(client, alice, "weight-config", slot_entry=second, iteration=2, value=40)
    listed = ids(client, alice, f"/api/v2/weight-config/?slot_entry={first}")
    assert listed[1:] == [middle["id"], late["id"]]
    everything = ids(client, alice, "/api/v2/weight-config/")
    assert everything.index(late["id"]) < everything.index(other["id"])  # slot_entry first
    assert ids(client, alice, "/api/v2/weight-config/?iteration=2") == [other["id"]]
    assert ids(client, alice, "/api/v2/weight-config/?value=55") == [middle["id"]]
    assert ids(client, alice, "/api/v2/weight-config/?repeat=False&iteration=5") == [late["id"]]
