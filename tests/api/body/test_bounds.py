"""The attack run's two 500s, as it sent them: a measurement value past the decimal context and
free-form JSON nested 1,000 deep. Both are 400s naming the field, on either database, and
nothing is stored."""

from __future__ import annotations

import pytest

from tests.api.body.test_measurement import CATEGORIES, URL, custom
from tests.api.routine_api import plan
from wger_flask.schemas.fields import JSON_MAX_BYTES, JSON_MAX_DEPTH


def raw_post(client, headers, url: str, text: str):
    """The body sent as typed: the test never builds the nested value in Python."""
    return client.post(url, data=text, content_type="application/json", headers=headers)


def deep(depth: int) -> str:
    return "[" * depth + "]" * depth


@pytest.mark.parametrize(
    "value",
    [
        "1e27",
        "1e+27",
        "-1e27",
        "1e300",
        '"1e27"',
        "1000000000000000000000000000.001",
        '"1000000000000000000000000000.001"',
        "-99999999999999999999999999999.999",
        '"1e999999999"',
    ],
)
def test_an_overflowing_measurement_value_is_a_400_naming_value(client, alice, value):
    waist = custom(client, alice)
    response = raw_post(client, alice, URL, f'{{"category": "{waist}", "value": {value}}}')
    assert response.status_code == 400, response.get_data(as_text=True)
    assert "digits before the decimal point" in response.get_json()["value"][0]
    assert client.get(URL, headers=alice).get_json()["count"] == 0


def test_an_overflowing_value_in_an_update_is_a_400_too(client, alice):
    waist = custom(client, alice)
    row = client.post(URL, json={"category": waist, "value": 80}, headers=alice).get_json()
    response = client.patch(
        f"{URL}{row['id']}/",
        data='{"value": 1000000000000000000000000000.001}',
        content_type="application/json",
        headers=alice,
    )
    assert response.status_code == 400 and "value" in response.get_json()
    assert client.get(f"{URL}{row['id']}/", headers=alice).get_json()["value"] == 80.0


@pytest.mark.parametrize("field", ["chart_config", "dynamic_params"])
@pytest.mark.parametrize("depth", [1000, JSON_MAX_DEPTH + 1])
def test_a_deeply_nested_category_setting_is_a_400_naming_it(client, alice, field, depth):
    response = raw_post(client, alice, CATEGORIES, f'{{"name": "Deep", "{field}": {deep(depth)}}}')
    assert response.status_code == 400, response.get_data(as_text=True)
    assert list(response.get_json()) == [field]
    assert "nested" in response.get_json()[field][0]
    names = [row["name"] for row in client.get(CATEGORIES, headers=alice).get_json()["results"]]
    assert "Deep" not in names


def test_a_deeply_nested_setting_in_an_update_is_a_400(client, alice):
    waist = custom(client, alice)
    response = client.patch(
        f"{CATEGORIES}{waist}/",
        data=f'{{"chart_config": {{"a": {deep(1000)}}}}}',
        content_type="application/json",
        headers=alice,
    )
    assert response.status_code == 400 and "chart_config" in response.get_json()


def test_settings_within_the_bounds_are_kept_as_sent(client, alice):
    config = {"color": "#ff0000", "range": {"min": 60, "max": [90, {"soft": True}]}}
    response = client.post(CATEGORIES, json={"name": "Kept", "chart_config": config}, headers=alice)
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["chart_config"] == config


def test_an_oversized_setting_is_a_400_naming_it(client, alice):
    padding = "x" * JSON_MAX_BYTES
    response = client.post(
        CATEGORIES, json={"name": "Big", "chart_config": {"note": padding}}, headers=alice
    )
    assert response.status_code == 400
    assert f"{JSON_MAX_BYTES} bytes" in response.get_json()["chart_config"][0]


def test_a_deeply_nested_extra_data_is_a_400_naming_it(client, alice):
    waist = custom(client, alice)
    text = f'{{"category": "{waist}", "value": 1, "extra_data": {{"a": {deep(1000)}}}}}'
    response = raw_post(client, alice, URL, text)
    assert response.status_code == 400 and list(response.get_json()) == ["extra_data"]


@pytest.mark.parametrize("resource", ["day", "slot", "slot-entry"])
def test_a_deeply_nested_routine_config_is_a_400_naming_it(client, alice, resource):
    made = plan(client, alice)
    parent = {"day": ("routine", made["routine"]), "slot": ("day", made["day"])}
    key, value = parent.get(resource, ("slot", made["slot"]))
    extra = ', "exercise": 9' if resource == "slot-entry" else ""
    text = f'{{"{key}": {value}{extra}, "config": {deep(1000)}}}'
    response = raw_post(client, alice, f"/api/v2/{resource}/", text)
    assert response.status_code == 400, response.get_data(as_text=True)
    assert list(response.get_json()) == ["config"]


def test_deeply_nested_requirements_are_a_400_naming_them(client, alice):
    made = plan(client, alice)
    text = (
        f'{{"slot_entry": {made["entry"]}, "iteration": 2, "value": "1", '
        f'"requirements": {{"rules": {deep(1000)}}}}}'
    )
    response = raw_post(client, alice, "/api/v2/weight-config/", text)
    assert response.status_code == 400 and list(response.get_json()) == ["requirements"]
