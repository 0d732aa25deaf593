"""The OpenAPI document, byte for byte, against the committed snapshot.

A change of the API's shape (a field, a filter, a status code, a new route) must show up here
and be accepted on purpose; a change that should not touch the API (a refactoring, a faster
renderer) proves it did not. After a deliberate change, write the new snapshot with
``UPDATE_OPENAPI_SNAPSHOT=1 .venv/bin/python -m pytest tests/contract/test_openapi_snapshot.py``
and review its diff.
"""

from __future__ import annotations

import difflib
import json
import os
from pathlib import Path

SNAPSHOT = Path(__file__).with_name("openapi-snapshot.json")


def test_openapi_document_matches_the_snapshot(client):
    served = client.get("/api/v2/schema").data
    if os.environ.get("UPDATE_OPENAPI_SNAPSHOT"):
        SNAPSHOT.write_bytes(served)
    expected = SNAPSHOT.read_bytes()
    if served != expected:
        diff = difflib.unified_diff(
            json.dumps(json.loads(expected), indent=1, sort_keys=True).splitlines(),
            json.dumps(json.loads(served), indent=1, sort_keys=True).splitlines(),
            "snapshot",
            "served",
            lineterm="",
            n=2,
        )
        raise AssertionError(
            "The OpenAPI document changed (UPDATE_OPENAPI_SNAPSHOT=1 to accept it):\n"
            + "\n".join(list(diff)[:200])
        )
