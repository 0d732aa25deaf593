"""Upstream's recorded answers against wger-flask's, field by field.

``../shared/fixtures/upstream-wger/answers-A/<user>__<name>.json`` holds what upstream wger
answered (``{"request", "status", "body"}``). ``compare(expected, actual, ...)`` walks both
bodies together and counts every leaf field of upstream's answer as equal, different, or a
**deliberate** difference (the one list below, ``DELIBERATE``); a field wger-flask adds that
upstream lacks is a difference too, unless the list names it. Ids are compared through an
``IdMap`` (upstream's id → ours, learnt per kind of row), so a reference to the wrong row is a
difference even where both servers number rows their own way. URLs are compared with upstream's
origin replaced by ours.

Used by the replay test (issue 25, ``tests/test_upstream_replay.py``) and by the importer's
test (issue 24): both compare the same answers with the same rules.
"""

from __future__ import annotations

import dataclasses
import fnmatch
import json
import os
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

FIXTURES_VARIABLE = "WGER_FIXTURES_DIR"
UPSTREAM = "upstream-wger"

# ------------------------------------------------------------------------------ deliberate


@dataclasses.dataclass(frozen=True)
class Deliberate:
    """Fields (glob patterns over ``"<answer>:<path>"``, list indexes written ``[]``) where
    wger-flask answers otherwise on purpose, and why."""

    patterns: tuple[str, ...]
    reason: str

    def matches(self, where: str) -> bool:
        return any(fnmatch.fnmatchcase(where, pattern) for pattern in self.patterns)


# The one list of deliberate differences. Keep it short: each entry is a decision recorded in
# ../shared/spec/README.md or docs/upstream-differences.md, or a fact no replay can reproduce.
DELIBERATE: tuple[Deliberate, ...] = (
    Deliberate(
        ("*:*created", "*:*earned_at", "*:*last_updated"),
        "creation times: each server stamps the instant it wrote the row",
    ),
    Deliberate(
        ("user-trophy:results[].id", "user-statistics:results[].id"),
        "ids of rows the server makes by itself (awards, statistics): no request names them, "
        "so no replay can map them",
    ),
    Deliberate(
        ("weightentry:results[].id",),
        "weight entries have UUID ids (the released 2.7 shape, spec '2.6 and 2.7 clients'); "
        "upstream's integer id maps to ours through the id map",
    ),
    Deliberate(
        (
            "workoutsession:results[].datetime_start",
            "workoutsession:results[].datetime_end",
            "routine-*-logs:[].session.datetime_start",
            "routine-*-logs:[].session.datetime_end",
            "measurement:results[].source",
            "measurement:results[].external_id",
            "measurement:results[].extra_data",
            "measurement-category:results[].metric_type",
            "measurement-category:results[].is_official",
            "measurement-category:results[].order",
            "measurement-category:results[].parent",
            "measurement-category:results[].chart_type",
            "measurement-category:results[].chart_config",
            "measurement-category:results[].dynamic_type",
            "measurement-category:results[].dynamic_params",
            "userprofile:time_zone",
        ),
        "fields of the released 2.7 clients that this upstream snapshot lacks "
        "(spec '2.6 and 2.7 clients': the released shapes win)",
    ),
    Deliberate(
        ("user-statistics:results[].total_weight_lifted",),
        "upstream's stored total is rounded to cents after each new log, so it depends on the "
        "order of the writes and on the database (36831.73); its own recompute, and wger-flask, "
        "sum every log exactly (36831.70): docs/upstream-differences.md",
    ),
)

# ------------------------------------------------------------------------------ ids

# Which kind of row a field refers to by id (a number or a UUID string). An object's own
# ``id`` takes the kind of the key it hangs under (``KEY_KINDS``) or of the answer it is in.
REFERENCE_KINDS: dict[str, str] = {
    "routine": "routine",
    "day": "day",
    "slot": "slot",
    "slot_entry": "slot-entry",
    "slot_entry_id": "slot-entry",
    "session": "workoutsession",
    "session_id": "workoutsession",
    "log_id": "workoutlog",
    "next_log": "workoutlog",
    "user": "user",
    "exercise": "exercise",
    "exercise_id": "exercise",
    "exercises": "exercise",
    "plan": "nutritionplan",
    "meal": "meal",
    "category": "measurement-category",
}
KEY_KINDS: dict[str, str] = {
    "days": "day",
    "day": "day",
    "slots": "slot",
    "entries": "slot-entry",
    "session": "workoutsession",
    "logs": "workoutlog",
    "meals": "meal",
    "meal_items": "mealitem",
    "trophy": "trophy",
    "weight_configs": "weight-config",
    "max_weight_configs": "max-weight-config",
    "repetitions_configs": "repetitions-config",
    "max_repetitions_configs": "max-repetitions-config",
    "rir_configs": "rir-config",
    "max_rir_configs": "max-rir-config",
    "rest_configs": "rest-config",
    "max_rest_configs": "max-rest-config",
    "set_nr_configs": "sets-config",
    "max_set_nr_configs": "max-sets-config",
}


def answer_kind(name: str) -> str:
    """The kind of the rows an answer lists: ``routine-2-structure`` → ``routine``,
    ``templates`` → ``routine``, ``slot-entry`` → ``slot-entry``."""
    if name == "templates" or name.startswith("routine-"):
        return "routine"
    return name


class IdMap:
    """Upstream's ids → wger-flask's, per kind of row; an id it does not know maps to itself
    (catalogue rows, client-chosen UUIDs)."""

    def __init__(self) -> None:
        self._ids: dict[str, dict[str, Any]] = {}

    def add(self, kind: str, upstream: Any, ours: Any) -> None:
        self._ids.setdefault(kind, {})[_key(upstream)] = ours

    def ours(self, kind: str | None, upstream: Any) -> Any:
        if kind is None or upstream is None or isinstance(upstream, (bool, dict, list)):
            return upstream
        return self._ids.get(kind, {}).get(_key(upstream), upstream)

    def knows(self, kind: str, upstream: Any) -> bool:
        return _key(upstream) in self._ids.get(kind, {})

    def __len__(self) -> int:
        return sum(len(ids) for ids in self._ids.values())


def _key(value: Any) -> str:
    return str(value).replace("-", "").lower()


def _same_id(expected: Any, actual: Any) -> bool:
    if isinstance(expected, str) and isinstance(actual, str):
        return _key(expected) == _key(actual)
    return expected == actual


# ------------------------------------------------------------------------------ comparing


@dataclasses.dataclass
class Difference:
    where: str  # "<answer>:<path>"
    expected: Any
    actual: Any
    reason: str | None = None  # the deliberate entry's reason, None for a real difference

    def __str__(self) -> str:
        return f"{self.where}: upstream {self.expected!r}, wger-flask {self.actual!r}"


MISSING = "<missing>"


@dataclasses.dataclass
class Comparison:
    """The tally of one or more compared answers."""

    equal: int = 0
    differences: list[Difference] = dataclasses.field(default_factory=list)
    deliberate: list[Difference] = dataclasses.field(default_factory=list)
    deliberate_equal: int = 0

    @property
    def compared(self) -> int:
        """Upstream's fields that count: all of them but the deliberate differences."""
        return self.equal + len(self.differing_fields())

    def differing_fields(self) -> list[Difference]:
        """The real differences of upstream's own fields (not the fields we add)."""
        return [item for item in self.differences if item.expected is not MISSING]

    @property
    def percent(self) -> float:
        return 100.0 * self.equal / self.compared if self.compared else 100.0

    def add(self, other: Comparison) -> None:
        self.equal += other.equal
        self.deliberate_equal += other.deliberate_equal
        self.differences.extend(other.differences)
        self.deliberate.extend(other.deliberate)

    def summary(self) -> str:
        extra = len(self.differences) - len(self.differing_fields())
        return (
            f"{self.equal} of {self.compared} upstream fields equal ({self.percent:.2f} %); "
            f"{len(self.deliberate)} deliberate differences "
            f"({self.deliberate_equal} fields on the list came out equal anyway); "
            f"{extra} fields wger-flask adds that the list does not name"
        )


@dataclasses.dataclass
class Context:
    ids: IdMap
    upstream_origin: str = ""
    our_origin: str = ""
    deliberate: tuple[Deliberate, ...] = DELIBERATE


def compare(
    name: str,
    expected: Any,
    actual: Any,
    ids: IdMap | None = None,
    *,
    upstream_origin: str = "",
    our_origin: str = "",
    deliberate: tuple[Deliberate, ...] = DELIBERATE,
) -> Comparison:
    """Compare the body of answer ``name`` (``routine``, ``routine-2-structure``, ...)."""
    context = Context(
        ids or IdMap(), upstream_origin.rstrip("/"), our_origin.rstrip("/"), deliberate
    )
    result = Comparison()
    _walk(name, "", expected, actual, answer_kind(name), None, context, result)
    return result


def _walk(
    name: str,
    path: str,
    expected: Any,
    actual: Any,
    object_kind: str | None,
    reference_kind: str | None,
    context: Context,
    result: Comparison,
) -> None:
    if isinstance(expected, dict):
        if not isinstance(actual, dict):
            _record(name, path, expected, actual, context, result)
            return
        for key, value in expected.items():
            child_kind = answer_kind(name) if (key, path) == ("results", "") else KEY_KINDS.get(key)
            if key == "id":
                _leaf(
                    name,
                    f"{path}.id",
                    value,
                    actual.get("id", MISSING),
                    object_kind,
                    context,
                    result,
                )
            else:
                _walk(
                    name,
                    f"{path}.{key}" if path else key,
                    value,
                    actual.get(key, MISSING),
                    child_kind if isinstance(value, (dict, list)) else None,
                    REFERENCE_KINDS.get(key),
                    context,
                    result,
                )
        for key in actual.keys() - expected.keys():
            where = f"{name}:{path}.{key}" if path else f"{name}:{key}"
            _extra(where, actual[key], context, result)
        return
    if isinstance(expected, list):
        if not isinstance(actual, list):
            _record(name, path, expected, actual, context, result)
            return
        for index, value in enumerate(expected):
            other = actual[index] if index < len(actual) else MISSING
            _walk(name, f"{path}[]", value, other, object_kind, reference_kind, context, result)
        for value in actual[len(expected) :]:
            _extra(f"{name}:{path}[]", value, context, result)
        return
    _leaf(name, path, expected, actual, reference_kind, context, result)


def _leaf(
    name: str,
    path: str,
    expected: Any,
    actual: Any,
    kind: str | None,
    context: Context,
    result: Comparison,
) -> None:
    wanted = context.ids.ours(kind, expected)
    if isinstance(wanted, str) and context.upstream_origin and context.our_origin:
        wanted = wanted.replace(context.upstream_origin, context.our_origin)
    equal = _same_id(wanted, actual) if kind else _same_value(wanted, actual)
    where = f"{name}:{path}"
    reason = _deliberate(where, context)
    if reason is not None:
        if equal:
            result.deliberate_equal += 1
        else:
            result.deliberate.append(Difference(where, expected, actual, reason))
        return
    if equal:
        result.equal += 1
    else:
        result.differences.append(Difference(where, expected, actual))


def _same_value(expected: Any, actual: Any) -> bool:
    # JSON has one number type: 1 and 1.0 are the same answer; True is not 1.
    if isinstance(expected, bool) or isinstance(actual, bool):
        return expected is actual
    return expected == actual


def _record(
    name: str, path: str, expected: Any, actual: Any, context: Context, result: Comparison
) -> None:
    """A whole subtree differs (missing, or of another type): each of its leaves counts."""
    for leaf_path, value in _leaves(path, expected):
        where = f"{name}:{leaf_path}"
        reason = _deliberate(where, context)
        target = result.deliberate if reason is not None else result.differences
        target.append(Difference(where, value, actual if leaf_path == path else MISSING, reason))


def _extra(where: str, value: Any, context: Context, result: Comparison) -> None:
    reason = _deliberate(where, context)
    if reason is None:
        result.differences.append(Difference(where, MISSING, value))


def _deliberate(where: str, context: Context) -> str | None:
    for entry in context.deliberate:
        if entry.matches(where):
            return entry.reason
    return None


def _leaves(path: str, value: Any) -> Iterator[tuple[str, Any]]:
    if isinstance(value, dict) and value:
        for key, item in value.items():
            yield from _leaves(f"{path}.{key}" if path else key, item)
    elif isinstance(value, list) and value:
        for item in value:
            yield from _leaves(f"{path}[]", item)
    else:
        yield path, value


def count_leaves(value: Any) -> int:
    return sum(1 for _ in _leaves("", value))


# ------------------------------------------------------------------------------ the fixture


def fixtures_dir(start: Path | None = None) -> Path | None:
    """``$WGER_FIXTURES_DIR``, else the first ``shared/fixtures`` folder beside or above the
    checkout (``/work/wt/x`` finds ``/work/shared/fixtures``); None when there is none."""
    configured = os.environ.get(FIXTURES_VARIABLE)
    if configured:
        path = Path(configured)
        return path if path.is_dir() else None
    here = (start or Path(__file__)).resolve()
    for folder in here.parents:
        candidate = folder / "shared" / "fixtures"
        if candidate.is_dir():
            return candidate
    return None


def upstream_dir(start: Path | None = None) -> Path | None:
    """The recorded upstream server (``.../fixtures/upstream-wger``), or None."""
    base = fixtures_dir(start)
    if base is None:
        return None
    folder = base / UPSTREAM if (base / UPSTREAM).is_dir() else base
    return folder if (folder / "answers-A").is_dir() else None


@dataclasses.dataclass(frozen=True)
class Answer:
    user: str
    name: str  # "routine", "routine-2-structure", "nutritionplan-<uuid>-nutritional_values"
    request: str  # "GET /api/v2/routine/?limit=1000&ordering=id"
    status: int
    body: Any

    @property
    def path(self) -> str:
        return self.request.split(" ", 1)[1]


def load_answers(folder: Path, users: Iterable[str] | None = None) -> list[Answer]:
    """Every recorded answer (``answers-A/<user>__<name>.json``), sorted by user and name."""
    wanted = set(users) if users is not None else None
    answers = []
    for file in sorted((folder / "answers-A").glob("*__*.json")):
        user, name = file.stem.split("__", 1)
        if wanted is not None and user not in wanted:
            continue
        recorded = json.loads(file.read_text())
        answers.append(
            Answer(user, name, recorded["request"], recorded["status"], recorded["body"])
        )
    return answers


def format_report(comparison: Comparison, limit: int = 40) -> str:
    """The summary, then the differences grouped by where they are (with one example each)."""
    lines = [comparison.summary()]
    groups: dict[str, list[Difference]] = {}
    for item in comparison.differences:
        groups.setdefault(item.where, []).append(item)
    for items in sorted(groups.values(), key=len, reverse=True)[:limit]:
        lines.append(f"  {len(items):5d} × {items[0]}")
    return "\n".join(lines)


def tally(comparisons: Mapping[str, Comparison]) -> Comparison:
    total = Comparison()
    for item in comparisons.values():
        total.add(item)
    return total
