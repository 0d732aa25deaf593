"""Schemathesis over the whole OpenAPI document of the real server: no generated request, on
any operation, is answered with a 5xx (``not_a_server_error``), authenticated as a user with a
permanent API key, on the backend the suite runs with.

Not in the default suite (it takes minutes): ``WGER_FUZZ_EXAMPLES=N`` runs it with N examples
per operation, after seeding one row of each routine resource so that detail routes reach
their code, e.g. ``WGER_FUZZ_EXAMPLES=25 .venv/bin/python -m pytest
tests/e2e/test_schema_fuzz.py [--database=postgres]`` (the examples, coverage and fuzzing
phases: about 17,000 cases, 5 minutes on 2 cores); ``WGER_FUZZ_PHASES`` and
``WGER_FUZZ_SEED`` choose the phases and the seed.
"""

from __future__ import annotations

import json
import os
import re
import subprocess

import pytest

from wger_flask.testing import BIN, REPO

from .test_deployment import call
from .test_session_clients import ISSUE_KEY

EXAMPLES = os.environ.get("WGER_FUZZ_EXAMPLES", "")
PHASES = os.environ.get("WGER_FUZZ_PHASES", "examples,coverage,fuzzing")
SEED = os.environ.get("WGER_FUZZ_SEED", "20261202")

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(
        not EXAMPLES, reason="the schema fuzz run takes minutes: set WGER_FUZZ_EXAMPLES=25"
    ),
]


@pytest.fixture(scope="module")
def fuzz_key(live_server) -> str:
    made = live_server.flask("user", "create", "sessions", "--password", "fuzzing passphrase")
    assert made.returncode == 0, made.stdout + made.stderr  # ISSUE_KEY issues this user's key
    result = subprocess.run(
        [str(BIN / "python"), "-c", ISSUE_KEY],
        cwd=REPO,
        env=live_server.env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip().splitlines()[-1]


SEEDED = "01938c1e-0000-7000-8000-000000000001"  # the seeded session's and log's id
CONFIG = f"""
[parameters]
"path.id" = 1

[[operations]]
include-path-regex = "^/api/v2/(workoutsession|workoutlog)/"
parameters = {{ "path.id" = "{SEEDED}" }}

[[operations]]
include-path-regex = "^/api/v2/(templates|public-templates)/"
parameters = {{ "path.id" = 2 }}
"""


def seed(server, key: str) -> None:
    """One row of each routine resource, so detail routes (``{id}`` = 1, or the seeded UUID)
    reach their code instead of a 404."""

    def post(path: str, body: dict) -> dict:
        status, _, raw = call(server.url + f"/api/v2/{path}/", "POST", body,
                              {"Authorization": f"Token {key}"})  # fmt: skip
        assert status == 201, (path, raw)
        return json.loads(raw)

    routine = post("routine", {"name": "Seed", "start": "2024-01-01",
                                           "end": "2024-02-01"})  # fmt: skip
    assert routine["id"] == 1
    post("routine", {"name": "Template", "start": "2024-01-01", "end": "2024-02-01",
                     "is_template": True, "is_public": True})  # fmt: skip
    day = post("day", {"routine": 1, "order": 1, "name": "A", "need_logs_to_advance": True})
    slot = post("slot", {"day": day["id"], "order": 1})
    entry = post("slot-entry", {"slot": slot["id"], "exercise": 9})
    for kind in ("weight", "repetitions", "sets", "rest", "rir"):
        for name in (kind, f"max-{kind}"):
            post(f"{name}-config", {"slot_entry": entry["id"], "iteration": 1, "value": 1})
    post("workoutsession", {"id": SEEDED, "routine": 1, "date": "2024-01-03"})
    post("workoutlog", {"id": SEEDED, "routine": 1, "exercise": 9, "repetitions": "5",
                        "slot_entry": entry["id"], "date": "2024-01-03T10:00:00Z"})  # fmt: skip


def test_no_generated_request_gets_a_server_error(live_server, fuzz_key, tmp_path):
    seed(live_server, fuzz_key)
    (tmp_path / "schemathesis.toml").write_text(CONFIG)
    result = subprocess.run(
        [
            str(BIN / "st"), "--config-file", str(tmp_path / "schemathesis.toml"),
            "run", f"{live_server.url}/api/v2/schema",
            "--header", f"Authorization: Token {fuzz_key}",
            "--checks", "not_a_server_error",
            "--max-examples", EXAMPLES,
            "--phases", PHASES,
            "--seed", SEED,
            "--workers", "2",
            "--no-color",
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=1800,
    )  # fmt: skip
    output = result.stdout + result.stderr
    counts = re.search(r"(\d+) generated, (\d+) passed", output)
    assert result.returncode == 0, output[-6000:]
    assert counts is not None, output[-3000:]
    generated, passed = map(int, counts.groups())
    operations = int(re.search(r"Selected: \d+/(\d+)", output).group(1))
    tested = int(re.search(r"Tested: (\d+)", output).group(1))
    assert tested == operations >= 180, output[-3000:]  # every operation of the document ran
    assert generated == passed >= operations, output[-3000:]
    print(f"schemathesis: {operations} operations, {generated} cases, {passed} passed")
