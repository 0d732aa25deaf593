"""The mobile app 2.x against the real server (gunicorn): keys from the environment exactly as
``flask generate-jwt-keys`` prints them (upstream's prod.env format), the released typed
client's five PowerSync operations, the token checked against the served key set, and a
transaction uploaded as the app sends it, re-sent, and read back through REST."""

from __future__ import annotations

import datetime as dt
import json
import os
import urllib.request
import uuid

import httpx
import jwt
import pytest
from wger_api_client.api.powersync_keys import powersync_keys_retrieve
from wger_api_client.api.powersync_token import powersync_token_retrieve
from wger_api_client.api.upload_powersync_data import (
    upload_powersync_data_destroy,
    upload_powersync_data_partial_update,
    upload_powersync_data_update,
)
from wger_api_client.client import AuthenticatedClient
from wger_api_client.models import PatchedPowersyncUploadRequest, PowersyncUploadRequest

from tests.api.powersync.app_device import transform
from wger_flask.services import powersync
from wger_flask.testing import flask_command, running_server

pytestmark = pytest.mark.e2e
PASSWORD = "powersync e2e password"


@pytest.fixture(scope="module")
def server(tmp_path_factory, server_database):
    printed = flask_command(dict(os.environ), "generate-jwt-keys", "--kid", "e2e")
    assert printed.returncode == 0, printed.stderr
    keys = dict(
        line.split("=", 1) for line in printed.stdout.splitlines() if line.startswith("JWT_")
    )
    with running_server(
        tmp_path_factory.mktemp("powersync"),
        server_database,
        bootstrap=False,
        JWT_PRIVATE_KEY=keys["JWT_PRIVATE_KEY"],
        JWT_PUBLIC_KEY=keys["JWT_PUBLIC_KEY"],
    ) as live:
        created = live.flask("user", "create", "phone", "--password", PASSWORD)
        assert created.returncode == 0, created.stderr
        yield live


def login(url: str) -> str:
    request = urllib.request.Request(
        url + "/allauth/app/v1/auth/login",
        data=json.dumps({"username": "phone", "password": PASSWORD}).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read())["meta"]["access_token"]


def test_the_app_signs_in_syncs_and_uploads(server):
    access = login(server.url)
    api = AuthenticatedClient(base_url=server.url, token=access, raise_on_unexpected_status=True)
    issued = powersync_token_retrieve.sync(client=api)
    assert issued.powersync_url == server.url + "/ps/"
    jwks = {"keys": [key.to_dict() for key in powersync_keys_retrieve.sync(client=api).keys]}
    assert jwks["keys"][0]["kid"] == "e2e"
    issued_at = jwt.decode(issued.token, options={"verify_signature": False})["iat"]
    claims = powersync.verify_token(
        issued.token, jwks, dt.datetime.fromtimestamp(issued_at, dt.UTC)
    )
    assert claims["aud"] == "powersync" and claims["exp"] - claims["iat"] == 600

    # the app's transaction: a plan and its meal, as its connector shapes them
    plan, meal = str(uuid.uuid4()), str(uuid.uuid4())
    entries = [
        (
            "nutrition_nutritionplan",
            plan,
            {"description": "Phone", "only_logging": 0, "start": "2026-02-03T00:00:00.000"},
        ),
        ("nutrition_meal", meal, {"plan_id": plan, "order": 2, "name": "Snack", "time": None}),
    ]
    for _ in range(2):  # the answer of the first round was lost: the whole transaction again
        for table, row_id, columns in entries:
            made = upload_powersync_data_update.sync(
                client=api,
                body=PowersyncUploadRequest(table=table, data=transform(table, row_id, columns)),
            )
            assert made.status == "ok!", made
    changed = upload_powersync_data_partial_update.sync(
        client=api,
        body=PatchedPowersyncUploadRequest(
            table="nutrition_meal", data=transform("nutrition_meal", meal, {"name": "Lunch"})
        ),
    )
    assert changed.status == "ok!"
    headers = {"Authorization": f"Bearer {access}"}
    meals = httpx.get(f"{server.url}/api/v2/meal/?plan={plan}", headers=headers).json()
    assert [(m["id"], m["name"], m["order"]) for m in meals["results"]] == [(meal, "Lunch", 2)]

    # the released client's DELETE carries no body: refused for good, nothing deleted
    assert upload_powersync_data_destroy.sync(client=api).error == (
        "Missing required fields: table, data"
    )
    gone = httpx.request(
        "DELETE",
        f"{server.url}/api/v2/upload-powersync-data",
        json={"table": "nutrition_nutritionplan", "data": {"id": plan}},
        headers=headers,
    )
    assert gone.json() == {"status": "ok!"}
    assert httpx.get(f"{server.url}/api/v2/meal/?plan={plan}", headers=headers).json()["count"] == 0

    # the PowerSync token is no API credential
    refused = httpx.get(
        f"{server.url}/api/v2/nutritionplan/", headers={"Authorization": f"Bearer {issued.token}"}
    )
    assert refused.status_code == 401
