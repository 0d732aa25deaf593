"""Upstream's recorded answers (``shared/fixtures/upstream-wger/answers-A/``) replayed against
wger-flask and compared field by field.

Small and general on purpose (issue 24's import test and issue 25's replay test share it):

- ``fixture_dir()`` finds the fixture (``$WGER_FIXTURES_DIR`` or a ``shared/fixtures`` folder
  beside or above the checkout), ``answers()`` lists the recorded requests;
- ``compare(expected, actual)`` walks both JSON values and returns every difference as a path
  (``results[3].weight``) with both values; absolute URLs are compared without their origin
  (the recording server's host is not ours), datetimes as instants (``Z`` is ``+00:00``), and a
  page's rows may be matched by a key instead of their position;
- ``Difference`` names a known difference: which answers and paths it covers (glob patterns),
  why, and what kind it is (``deliberate``: recorded in ``shared/spec/README.md``; ``issue-25``:
  a computed-route bug another issue is fixing; ...). ``unexplained()`` drops the differences a
  list explains and returns the rest, which a test asserts empty. A ``Difference`` may carry a
  ``check`` that must still hold between the two values (e.g. an id that maps to another).
"""

from __future__ import annotations

import fnmatch
import json
import os
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

FIXTURE = "upstream-wger"


def fixture_dir(name: str = FIXTURE) -> Path | None:
    """``$WGER_FIXTURES_DIR/<name>``, else ``shared/fixtures/<name>`` beside the checkout or
    beside any folder above it; None when absent (tests skip, saying so)."""
    if os.environ.get("WGER_FIXTURES_DIR"):
        candidate = Path(os.environ["WGER_FIXTURES_DIR"]) / name
        return candidate if candidate.is_dir() else None
    for folder in Path(__file__).resolve().parents[1:]:
        candidate = folder / "shared" / "fixtures" / name
        if candidate.is_dir():
            return candidate
    return None


@dataclass(frozen=True)
class Answer:
    """One recorded request: the user who sent it, its path and upstream's answer."""

    user: str
    name: str  # the file's endpoint part: "weightentry", "routine-1-structure"
    method: str
    path: str
    status: int
    body: Any


def answers(folder: Path, dataset: str = "A") -> Iterator[Answer]:
    for file in sorted((folder / f"answers-{dataset}").glob("*.json")):
        user, _, name = file.stem.partition("__")
        recorded = json.loads(file.read_text())
        method, _, path = recorded["request"].partition(" ")
        yield Answer(user, name, method, path, recorded["status"], recorded["body"])


URL = re.compile(r"^https?://[^/]+(/.*)?$")


def _instant(value: str) -> Any:
    """A datetime string as its instant ("...Z" and "...+00:00" are the same moment)."""
    import datetime as dt

    if "T" not in value or len(value) < 19:
        return None
    try:
        parsed = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo is not None else None


def _same_scalar(expected: Any, actual: Any) -> bool:
    if isinstance(expected, str) and isinstance(actual, str) and _instant(expected):
        return _instant(expected) == _instant(actual)
    if isinstance(expected, str) and isinstance(actual, str) and URL.match(expected):
        return URL.match(actual) is not None and urlsplit(expected)._replace(
            scheme="", netloc=""
        ) == urlsplit(actual)._replace(scheme="", netloc="")
    if isinstance(expected, bool) or isinstance(actual, bool):
        return expected is actual
    if isinstance(expected, int | float) and isinstance(actual, int | float):
        return expected == actual
    return expected == actual


def aligned(expected: list, actual: list, key: Callable[[Any], Any]) -> tuple[list, list]:
    """Both lists in the same order of ``key`` (rows a server numbers itself, e.g. trophies
    recomputed here, are compared by what they are, not by their position); a row only one
    side has comes last, facing ``MISSING``."""
    theirs = {key(row): row for row in actual}
    left, right = [], []
    for row in expected:
        left.append(row)
        right.append(theirs.pop(key(row), MISSING))
    for row in theirs.values():
        left.append(MISSING)
        right.append(row)
    return left, right


def compare(
    expected: Any, actual: Any, path: str = "", *, key: Callable[[Any], Any] | None = None
) -> list[tuple[str, Any, Any]]:
    """Every difference between two JSON values: (path, expected, actual). A key only one
    side has is a difference with ``MISSING`` on the other side. Datetimes are compared as
    instants, absolute URLs without their origin. ``key``: the page's ``results`` are matched
    by it instead of by position (``aligned``)."""
    pages = isinstance(expected, dict) and isinstance(actual, dict)
    if key is not None and pages and isinstance(expected.get("results"), list):
        left, right = aligned(expected["results"], list(actual.get("results") or []), key)
        expected = {**expected, "results": left}
        actual = {**actual, "results": right}
    if isinstance(expected, dict) and isinstance(actual, dict):
        found = []
        for key in sorted(set(expected) | set(actual), key=str):
            where = f"{path}.{key}" if path else str(key)
            found += compare(expected.get(key, MISSING), actual.get(key, MISSING), where)
        return found
    if isinstance(expected, list) and isinstance(actual, list):
        found = []
        for index in range(max(len(expected), len(actual))):
            left = expected[index] if index < len(expected) else MISSING
            right = actual[index] if index < len(actual) else MISSING
            found += compare(left, right, f"{path}[{index}]")
        return found
    return [] if _same_scalar(expected, actual) else [(path, expected, actual)]


class _Missing:
    def __repr__(self) -> str:
        return "MISSING"


MISSING = _Missing()


@dataclass(frozen=True)
class Difference:
    """A known difference: the answers (``user__name`` glob) and field paths (globs, ``[*]``
    for any index) it covers, its kind and why. ``check(expected, actual)`` (optional) must
    hold for each covered pair, so an explained field is still compared by its rule."""

    answers: str
    fields: tuple[str, ...]
    kind: str
    why: str
    check: Callable[[Any, Any], bool] | None = None

    def covers(self, answer: Answer, path: str) -> bool:
        if not fnmatch.fnmatchcase(f"{answer.user}__{answer.name}", self.answers):
            return False
        # "[*]" stands for any index (fnmatch would read brackets as a character class)
        generic = re.sub(r"\[\d+\]", "<i>", path)
        return any(
            fnmatch.fnmatchcase(generic, pattern.replace("[*]", "<i>")) for pattern in self.fields
        )


def unexplained(
    answer: Answer, differences: list[tuple[str, Any, Any]], known: list[Difference]
) -> tuple[list[tuple[str, Any, Any]], dict[Difference, int]]:
    """The differences no ``known`` entry covers (or whose check fails), and how many each
    entry explained."""
    left = []
    used: dict[Difference, int] = {}
    for path, expected, actual in differences:
        rule = next((rule for rule in known if rule.covers(answer, path)), None)
        if rule is None or (rule.check is not None and not rule.check(expected, actual)):
            left.append((path, expected, actual))
        else:
            used[rule] = used.get(rule, 0) + 1
    return left, used
