"""Schemathesis over the whole OpenAPI document of the real server (gunicorn, the suite's
database), authenticated with a permanent API key: every phase (examples, coverage, fuzzing,
stateful), every operation (the multipart uploads included), and every check that says the
document describes the answers exactly: no 5xx, every status code, content type, header and
body as documented (``response_schema_conformance``), 405 with ``Allow`` for an undocumented
method, 401 for missing or refused credentials, deleted rows gone and created ones there.

Not run: ``negative_data_rejection`` and ``positive_data_acceptance``, which hold the API to
accept whatever the document's types admit and refuse the rest: the API keeps DRF's leniency
(an unknown or malformed filter value is ignored; a foreign key's row must exist; business
rules the types cannot say) and documents it in words (docs/openapi.md).

In the default suite, on both databases, with a small deterministic budget (``LARGER``
below): one example per operation and phase, the top-level lists left out of the coverage
phase, ``--generation-deterministic`` and a fixed seed, so a run is the same run every time.
Measured on 2 cores shared with other test runs (2026-12-07, figures in docs/openapi.md):
about 12,200 cases, SQLite 83 s of schemathesis (113 s with the server's start), PostgreSQL
118 s (149 s), 0 failures. Against main before the fixes it found 34 of the 35 failures that
the coverage phase on every operation finds (``WGER_FUZZ_EXAMPLES=1``: 18,600 cases, about
60 % longer). The larger run is the same test with a budget given, e.g.
``WGER_FUZZ_EXAMPLES=25 .venv/bin/python -m pytest tests/e2e/test_schema_fuzz.py
[--database=postgres]``; ``WGER_FUZZ_PHASES``, ``WGER_FUZZ_SEED`` and ``WGER_FUZZ_WORKERS``
choose the phases, the seed and the workers.
"""

from __future__ import annotations

import json
import os
import subprocess
import time

import pytest

from wger_flask import config as app_config
from wger_flask.testing import BIN, REPO, running_server

from .test_deployment import call
from .test_session_clients import ISSUE_KEY

# The default budget (WGER_FUZZ_EXAMPLES unset): one example per operation and phase, and the
# coverage phase on every operation but the 55 top-level GET routes, the resources' lists and
# the versions (its wrong-type cases on the lists' filters are about 6,500 cases of one
# generic filter layer; examples, fuzzing and stateful still run there). A budget given runs
# the coverage phase everywhere.
LARGER = "WGER_FUZZ_EXAMPLES" in os.environ
EXAMPLES = os.environ.get("WGER_FUZZ_EXAMPLES", "1")
PHASES = os.environ.get("WGER_FUZZ_PHASES", "examples,coverage,fuzzing,stateful")
SEED = os.environ.get("WGER_FUZZ_SEED", "20261202")
WORKERS = os.environ.get("WGER_FUZZ_WORKERS", "2")
# Every check of an exact document (the module's docstring says why the other two are off).
CHECKS = (
    "not_a_server_error",
    "status_code_conformance",
    "content_type_conformance",
    "response_headers_conformance",
    "response_schema_conformance",
    "missing_required_header",
    "unsupported_method",
    "allow_header_conformance",
    "ignored_auth",
    "use_after_free",
    "ensure_resource_availability",
)

pytestmark = pytest.mark.e2e

SEEDED = "01938c1e-0000-7000-8000-000000000001"  # the seeded session's and log's id


@pytest.fixture(scope="module")
def fuzz_server(tmp_path_factory, server_database):
    """The real server with PowerSync keys configured, so its two routes answer too."""
    private, public = app_config.test_powersync_keys()
    with running_server(
        tmp_path_factory.mktemp("fuzz"),
        server_database,
        bootstrap=False,
        JWT_PRIVATE_KEY=private,
        JWT_PUBLIC_KEY=public,
    ) as server:
        yield server


@pytest.fixture(scope="module")
def fuzz_key(fuzz_server) -> str:
    made = fuzz_server.flask("user", "create", "sessions", "--password", "fuzzing passphrase")
    assert made.returncode == 0, made.stdout + made.stderr  # ISSUE_KEY issues this user's key
    result = subprocess.run(
        [str(BIN / "python"), "-c", ISSUE_KEY],
        cwd=REPO,
        env=fuzz_server.env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip().splitlines()[-1]


def seed(server, key: str) -> None:
    """A row of each of the caller's resources (routines and their parts, a session and a
    log, nutrition, weight, measurements), so that detail routes reach their code."""

    def post(path: str, body: dict) -> dict:
        status, _, raw = call(server.url + f"/api/v2/{path}/", "POST", body,
                              {"Authorization": f"Token {key}"})  # fmt: skip
        assert status == 201, (path, raw)
        return json.loads(raw)

    routine = post("routine", {"name": "Seed", "start": "2024-01-01", "end": "2024-02-01"})
    post("routine", {"name": "Template", "start": "2024-01-01", "end": "2024-02-01",
                     "is_template": True, "is_public": True})  # fmt: skip
    day = post("day", {"routine": routine["id"], "order": 1, "name": "A",
                       "need_logs_to_advance": True})  # fmt: skip
    slot = post("slot", {"day": day["id"], "order": 1})
    entry = post("slot-entry", {"slot": slot["id"], "exercise": 9})
    for kind in ("weight", "repetitions", "sets", "rest", "rir"):
        for name in (kind, f"max-{kind}"):
            post(f"{name}-config", {"slot_entry": entry["id"], "iteration": 1, "value": 1})
    post("workoutsession", {"id": SEEDED, "routine": routine["id"], "date": "2024-01-03"})
    post("workoutlog", {"id": SEEDED, "routine": routine["id"], "exercise": 9,
                        "repetitions": "5", "slot_entry": entry["id"],
                        "date": "2024-01-03T10:00:00Z"})  # fmt: skip
    plan = post("nutritionplan", {"description": "Seed"})
    meal = post("meal", {"plan": plan["id"], "name": "Breakfast"})
    post("mealitem", {"meal": meal["id"], "ingredient": 2, "amount": "100"})
    post("nutritiondiary", {"plan": plan["id"], "ingredient": 2, "amount": "50"})
    post("weightentry", {"weight": "80", "date": "2024-01-03T08:00:00Z"})
    category = post("measurement-category", {"name": "Waist", "unit": "cm"})
    post("measurement", {"category": category["id"], "value": 80, "date": "2024-01-03"})


def detail_ids(server, key: str, document: dict) -> dict[str, str | int]:
    """The first row's id of each resource with a detail route, from its own list."""
    ids: dict[str, str | int] = {}
    for path in document["paths"]:
        if not path.endswith("/{id}/"):
            continue
        name = path.removeprefix("/api/v2/").split("/")[0]
        if name in ids:
            continue
        status, _, raw = call(server.url + f"/api/v2/{name}/?limit=1", "GET", None,
                              {"Authorization": f"Token {key}"})  # fmt: skip
        results = json.loads(raw).get("results") if status == 200 else None
        if results and "id" in results[0]:
            ids[name] = results[0]["id"]
    return ids


LIST_COVERAGE_OFF = """[[operations]]
include-name-regex = "^GET /api/v2/[a-z-]+/$"
phases.coverage.enabled = false
"""


def config(ids: dict[str, str | int], larger: bool = LARGER) -> str:
    """schemathesis.toml: each resource's detail routes (and their actions) get a real id; the
    default budget leaves the top-level lists out of the coverage phase."""
    sections = ['[parameters]\n"path.id" = 1\n']
    if not larger:
        sections.append(LIST_COVERAGE_OFF)
    for name, value in sorted(ids.items()):
        sections.append(
            f'[[operations]]\ninclude-path-regex = "^/api/v2/{name}/\\\\{{id\\\\}}/"\n'
            f'parameters = {{ "path.id" = {json.dumps(value)} }}\n'
        )
    return "\n".join(sections)


def test_the_document_describes_every_answer(fuzz_server, fuzz_key, tmp_path):
    seed(fuzz_server, fuzz_key)
    status, _, raw = call(fuzz_server.url + "/api/v2/schema")
    assert status == 200
    document = json.loads(raw)
    ids = detail_ids(fuzz_server, fuzz_key, document)
    assert len(ids) >= 40, ids  # the catalogue's and the caller's rows
    (tmp_path / "schemathesis.toml").write_text(config(ids))
    started = time.monotonic()
    result = subprocess.run(
        [
            str(BIN / "st"), "--config-file", str(tmp_path / "schemathesis.toml"),
            "run", f"{fuzz_server.url}/api/v2/schema",
            "--header", f"Authorization: Token {fuzz_key}",
            "--checks", ",".join(CHECKS),
            "--max-examples", EXAMPLES,
            "--phases", PHASES,
            "--seed", SEED,
            "--generation-deterministic",
            "--workers", WORKERS,
            "--continue-on-failure",
            "--report", "json",
            "--report-json-path", str(tmp_path / "report.json"),
            "--no-color",
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=3600,
    )  # fmt: skip
    seconds = time.monotonic() - started
    output = result.stdout + result.stderr
    assert (tmp_path / "report.json").exists(), output[-8000:]
    report = json.loads((tmp_path / "report.json").read_text())
    cases = report["test_cases"]
    operations = report["operations"]
    print(
        f"schemathesis: {operations['tested']} operations, {cases['generated']} cases, "
        f"phases {PHASES}, {EXAMPLES} example(s), {seconds:.0f} s, "
        f"{cases['unique_failures']} failures"
    )
    assert report["failures"] == [], output[-8000:]
    assert report["errors"] == [], output[-8000:]  # e.g. a body no request can satisfy
    assert result.returncode == 0, output[-8000:]
    documented = [m for item in document["paths"].values() for m in item if m != "parameters"]
    # schemathesis leaves out the operation that serves the document it reads (/api/v2/schema)
    assert operations["tested"] == operations["total"] == len(documented) - 1
    assert cases["generated"] >= operations["total"]
