"""The released 2.7 clients, unmodified, against the real server: the MCP server's body-weight
and measurement tools (called in-process, as its stdio server would) and the typed client's
weight-entry flow, which the calorie calculator reads."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import urllib.request
import uuid

import pytest
from mcp.server.fastmcp import FastMCP
from wger_api_client.api.weightentry import (
    weightentry_create,
    weightentry_destroy,
    weightentry_list,
    weightentry_partial_update,
    weightentry_retrieve,
    weightentry_update,
)
from wger_api_client.client import AuthenticatedClient
from wger_api_client.errors import UnexpectedStatus
from wger_api_client.models import PatchedWeightEntryRequest, WeightEntryRequest
from wger_mcp.tools import body_weight, measurements, nutrition

pytestmark = pytest.mark.e2e
PASSWORD = "body tracking e2e password"


def login(url: str, username: str) -> str:
    created = json.dumps({"username": username, "password": PASSWORD}).encode()
    request = urllib.request.Request(
        url + "/allauth/app/v1/auth/login",
        data=created,
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read())["meta"]["access_token"]


@pytest.fixture(scope="module")
def token(live_server) -> str:
    result = live_server.flask("user", "create", "bodyuser", "--password", PASSWORD)
    assert result.returncode == 0, result.stderr
    return login(live_server.url, "bodyuser")


@pytest.fixture(scope="module")
def other_token(live_server) -> str:
    result = live_server.flask("user", "create", "otherbody", "--password", PASSWORD)
    assert result.returncode == 0, result.stderr
    return login(live_server.url, "otherbody")


def client_for(live_server, token: str) -> AuthenticatedClient:
    return AuthenticatedClient(
        base_url=live_server.url, token=token, raise_on_unexpected_status=True
    )


def tools_for(live_server, token: str) -> dict:
    """The MCP tools of the body-weight, measurement and nutrition groups, as functions."""
    mcp = FastMCP("wger-flask e2e")
    api = client_for(live_server, token)
    for register in (body_weight.register, measurements.register, nutrition.register):
        register(mcp, api, None)
    return {tool.name: tool.fn for tool in mcp._tool_manager.list_tools()}


@pytest.fixture
def run():
    """One event loop per test: the typed client's async transport stays on its first loop."""
    loop = asyncio.new_event_loop()
    yield loop.run_until_complete
    loop.close()


def no_error(result):
    rows = result if isinstance(result, list) else [result]
    for row in rows:
        assert not (isinstance(row, dict) and row.get("error")), result
    return result


def test_mcp_body_weight_tools(live_server, token, run):
    tools = tools_for(live_server, token)
    logged = no_error(
        run(tools["log_body_weight"](weight=81.4, when=dt.date(2026, 11, 1), unit="kg"))
    )
    assert logged["weight"] == 81.4 and logged["unit"] == "kg"
    no_error(run(tools["log_body_weight"](weight=180.0, when=dt.date(2026, 11, 2), unit="lb")))
    history = no_error(run(tools["get_body_weight_history"](limit=10)))
    assert [row["unit"] for row in history] == ["lb", "kg"]
    assert history[0]["weight_kg"] == pytest.approx(81.65, abs=0.01)
    # one row of truth: the MCP server's body weights are the 2.6 clients' weight entries,
    # in the profile's unit (kg): 180 lb is 81.65 kg
    entries = weightentry_list.sync(client=client_for(live_server, token), ordering="-date")
    assert [(str(row.id), row.weight) for row in entries.results] == [
        (history[0]["id"], "81.65"),
        (logged["id"], "81.40"),
    ]
    updated = no_error(run(tools["update_body_weight_entry"](entry_id=logged["id"], weight=80.9)))
    assert updated["weight"] == 80.9
    restated = no_error(
        run(tools["update_body_weight_entry"](entry_id=logged["id"], unit="kg", notes="scale 2"))
    )
    assert restated["notes"] == "scale 2"
    refused = run(tools["log_body_weight"](weight=900, unit="kg"))
    assert refused["error"] is True and refused["status"] == 400
    deleted = no_error(run(tools["delete_body_weight_entry"](entry_id=logged["id"])))
    assert deleted["deleted"] is True
    assert len(no_error(run(tools["get_body_weight_history"]()))) == 1


def test_mcp_measurement_tools(live_server, token, run):
    tools = tools_for(live_server, token)
    listed = no_error(run(tools["list_measurement_categories"]()))
    assert "body_weight" in {row["metric_type"] for row in listed if row["is_official"]}
    waist = no_error(run(tools["create_measurement_category"](name="Waist", unit="cm")))
    steps = no_error(run(tools["create_measurement_category"](name="Steps", metric_type="steps")))
    assert steps["unit"] == "count"
    twice = run(tools["create_measurement_category"](name="Steps 2", metric_type="steps"))
    assert twice["status"] == 400
    assert no_error(run(tools["get_measurement_category"](category_id=waist["id"])))["name"] == (
        "Waist"
    )
    renamed = no_error(
        run(tools["update_measurement_category"](category_id=waist["id"], name="Belly"))
    )
    assert renamed["name"] == "Belly"

    entry = no_error(
        run(
            tools["log_measurement"](category_id=waist["id"], value=88.5, when=dt.date(2026, 11, 1))
        )
    )
    assert entry["value"] == 88.5 and entry["source"] == "user"
    no_error(
        run(
            tools["log_measurement"](category_id=waist["id"], value=88.0, when=dt.date(2026, 11, 2))
        )
    )
    got = no_error(run(tools["get_measurement"](measurement_id=entry["id"])))
    assert got["id"] == entry["id"]
    patched = no_error(run(tools["update_measurement"](measurement_id=entry["id"], value=87.5)))
    assert patched["value"] == 87.5
    rows = no_error(
        run(
            tools["list_measurements"](
                category_id=waist["id"],
                date_from=dt.date(2026, 11, 1),
                date_to=dt.date(2026, 11, 1),
                source="user",
            )
        )
    )
    assert [row["value"] for row in rows] == [87.5]
    summary = no_error(run(tools["summarize_measurements"](category_id=waist["id"], bucket="day")))
    assert [(row["count"], row["sum"]) for row in summary] == [(1, "87.50"), (1, "88.00")]
    berlin = no_error(
        run(
            tools["summarize_measurements"](
                category_id=waist["id"], bucket="auto", timezone_name="Europe/Berlin"
            )
        )
    )
    assert berlin[0]["start"].endswith("+01:00")

    reading = no_error(run(tools["log_blood_pressure"](systolic=121, diastolic=79)))
    assert len(reading["measurement_ids"]) == 2
    pressure = no_error(run(tools["get_blood_pressure_history"]()))
    assert (pressure[0]["systolic"], pressure[0]["diastolic"]) == (121.0, 79.0)
    # the group the tool made is the user's: deleted with its components and readings
    groups = no_error(run(tools["list_measurement_categories"](metric_type="blood_pressure")))
    assert [group["is_official"] for group in groups] == [False]
    gone = no_error(run(tools["delete_measurement_category"](category_id=groups[0]["id"])))
    assert gone["deleted"] is True
    assert no_error(run(tools["list_measurement_categories"](metric_type="blood_pressure"))) == []
    body_weight = no_error(run(tools["list_measurement_categories"](metric_type="body_weight")))
    refused = run(tools["delete_measurement_category"](category_id=body_weight[0]["id"]))
    assert refused["error"] is True and refused["status"] == 403

    assert no_error(run(tools["delete_measurement"](measurement_id=entry["id"])))["deleted"]
    assert no_error(run(tools["delete_measurement_category"](category_id=waist["id"])))["deleted"]


def test_mcp_sees_only_its_own_user(live_server, token, other_token, run):
    mine = tools_for(live_server, token)
    theirs = tools_for(live_server, other_token)
    category = no_error(run(mine["create_measurement_category"](name="Private")))
    entry = no_error(run(mine["log_measurement"](category_id=category["id"], value=1)))
    assert run(theirs["get_measurement"](measurement_id=entry["id"]))["status"] == 404
    assert run(theirs["log_measurement"](category_id=category["id"], value=2))["status"] == 403
    assert run(theirs["delete_measurement_category"](category_id=category["id"]))["status"] == 404


def test_typed_client_weight_entry_flow(live_server, token, other_token, run):
    client = client_for(live_server, token)
    before = weightentry_list.sync(client=client).count  # the body weights other tests logged
    chosen = uuid.uuid4()
    created = weightentry_create.sync(
        client=client,
        body=WeightEntryRequest(
            id=chosen, weight="80.50", date=dt.datetime(2026, 11, 1, 7, 0, tzinfo=dt.UTC)
        ),
    )
    assert created.id == chosen and created.weight == "80.50"
    weightentry_create.sync(
        client=client,
        body=WeightEntryRequest(weight="79.80", date=dt.datetime(2026, 11, 3, 7, tzinfo=dt.UTC)),
    )
    latest = weightentry_list.sync(client=client, limit=1, ordering="-date")
    assert latest.count == before + 2 and latest.results[0].weight == "79.80"
    assert weightentry_retrieve.sync(id=chosen, client=client).weight == "80.50"
    patched = weightentry_partial_update.sync(
        id=chosen, client=client, body=PatchedWeightEntryRequest(weight="80.10")
    )
    assert patched.weight == "80.10"
    replaced = weightentry_update.sync(
        id=chosen,
        client=client,
        body=WeightEntryRequest(weight="80.20", date=dt.datetime(2026, 11, 1, 8, tzinfo=dt.UTC)),
    )
    assert replaced.weight == "80.20" and replaced.date.hour == 8
    with pytest.raises(UnexpectedStatus) as duplicate:
        weightentry_create.sync(
            client=client,
            body=WeightEntryRequest(weight="81", date=dt.datetime(2026, 11, 1, 8, tzinfo=dt.UTC)),
        )
    assert duplicate.value.status_code == 400 and b"date" in duplicate.value.content
    with pytest.raises(UnexpectedStatus) as foreign:
        weightentry_retrieve.sync(id=chosen, client=client_for(live_server, other_token))
    assert foreign.value.status_code == 404

    # the calorie calculator of the MCP server reads the latest weight entry
    tools = tools_for(live_server, token)
    calories = no_error(run(tools["calculate_daily_calories"](height_cm=180, age=40, sex="male")))
    assert calories["input_sources"]["weight_kg"] == "weightentry"
    assert calories["inputs"]["weight_kg"] == 79.8

    assert weightentry_destroy.sync_detailed(id=chosen, client=client).status_code == 204
    assert weightentry_list.sync(client=client).count == before + 1
