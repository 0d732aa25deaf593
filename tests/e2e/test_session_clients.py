"""Workout sessions through the released clients, unmodified: the MCP server's session tools
(``wger-mcp`` 2.7.0 over stdio, with a permanent API key) and the typed client
(``wger-api-client`` 2.7.0) speak 2.7's ``datetime_start`` / ``datetime_end``; a 2.6 client's
``date`` / ``time_start`` / ``time_end`` stay in step on the same rows."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import subprocess
import sys

import pytest

from wger_flask.testing import BIN, REPO

from .test_deployment import call

pytestmark = pytest.mark.e2e

PASSWORD = "session clients passphrase"

ISSUE_KEY = """
from wsgi import app
from sqlalchemy import select
from wger_flask.extensions import db
from wger_flask.models.accounts import User
from wger_flask.services.accounts.api_keys import issue

with app.app_context():
    user = db.session.execute(select(User).where(User.username == "sessions")).scalar_one()
    key = issue(user)
    db.session.commit()
    print(key)
"""


@pytest.fixture(scope="module")
def api_key(live_server) -> str:
    made = live_server.flask("user", "create", "sessions", "--password", PASSWORD)
    assert made.returncode == 0, made.stdout + made.stderr
    result = subprocess.run(
        [sys.executable, "-c", ISSUE_KEY],
        cwd=REPO,
        env=live_server.env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip().splitlines()[-1]


def rest(live_server, api_key: str, path: str, method: str = "GET", body=None):
    status, _, raw = call(
        live_server.url + path, method, body, {"Authorization": f"Token {api_key}"}
    )
    return status, json.loads(raw or b"null")


def test_the_typed_client_writes_and_filters_sessions(live_server, api_key):
    from wger_api_client import AuthenticatedClient
    from wger_api_client.api.workoutsession import (
        workoutsession_create,
        workoutsession_list,
        workoutsession_partial_update,
        workoutsession_retrieve,
    )
    from wger_api_client.models import PatchedWorkoutSessionRequest, WorkoutSessionRequest

    client = AuthenticatedClient(base_url=live_server.url, token=api_key, prefix="Token")
    start = dt.datetime(2024, 6, 1, 17, 30, tzinfo=dt.UTC)
    made = workoutsession_create.sync(
        client=client,
        body=WorkoutSessionRequest(datetime_start=start, notes="typed client"),
    )
    assert made is not None and made.datetime_start == start
    assert made.datetime_end is None

    end = start + dt.timedelta(hours=1, minutes=10)
    patched = workoutsession_partial_update.sync(
        id=made.id, client=client, body=PatchedWorkoutSessionRequest(datetime_end=end)
    )
    assert patched is not None and patched.datetime_end == end
    again = workoutsession_retrieve.sync(id=made.id, client=client)
    assert (again.datetime_start, again.datetime_end) == (start, end)

    page = workoutsession_list.sync(
        client=client,
        datetime_start_gte=dt.datetime(2024, 6, 1, tzinfo=dt.UTC),
        datetime_start_lt=dt.datetime(2024, 6, 2, tzinfo=dt.UTC),
        ordering="-datetime_start",
    )
    assert [session.id for session in page.results] == [made.id]

    # a 2.6 client reads the same row with its own fields
    status, old = rest(live_server, api_key, f"/api/v2/workoutsession/{made.id}/")
    assert status == 200
    assert (old["date"], old["time_start"], old["time_end"]) == (
        "2024-06-01",
        "17:30:00",
        "18:40:00",
    )


def test_the_mcp_servers_session_tools(live_server, api_key):
    from mcp import ClientSession, StdioServerParameters
    from mcp.client.stdio import stdio_client

    params = StdioServerParameters(
        command=str(BIN / "wger-mcp"),
        args=["--transport", "stdio"],
        env={
            "WGER_BASE_URL": live_server.url,
            "WGER_API_KEY": api_key,
            "MCP_TOOLS": "workout_sessions",
            "PATH": str(BIN),
            "HOME": str(REPO),
        },
    )

    async def tool(session: ClientSession, name: str, **arguments) -> list:
        """The tool's answer: one JSON value per content part (a list tool gives one each)."""
        result = await session.call_tool(name, arguments)
        parts = [json.loads(part.text) for part in result.content if hasattr(part, "text")]
        assert not result.isError, (name, parts)
        return parts

    async def scenario() -> None:
        async with stdio_client(params) as (read, write), ClientSession(read, write) as session:
            await session.initialize()
            [logged] = await tool(session, "log_workout_session",
                                started_at="2024-07-03T18:00:00+00:00", notes="mcp",
                                impression="good")  # fmt: skip
            assert logged["datetime_start"].startswith("2024-07-03T18:00:00")
            [closed] = await tool(session, "update_workout_session", session_id=logged["id"],
                                ended_at="2024-07-03T19:05:00+00:00")  # fmt: skip
            assert closed["datetime_end"].startswith("2024-07-03T19:05:00")
            listed = await tool(session, "list_workout_sessions",
                                date_from="2024-07-03", date_to="2024-07-03")  # fmt: skip
            assert [row["id"] for row in listed] == [logged["id"]]
            [fetched] = await tool(session, "get_workout_session", session_id=logged["id"])
            assert fetched["notes"] == "mcp" and fetched["impression"] == "3"
            await tool(session, "delete_workout_session", session_id=logged["id"])

    asyncio.run(asyncio.wait_for(scenario(), timeout=120))
    url = "/api/v2/workoutsession/?datetime_start__date=2024-07-03"
    status, body = rest(live_server, api_key, url)
    assert status == 200 and body["count"] == 0  # the tool's delete reached the server
