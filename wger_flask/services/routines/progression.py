"""Config stacking: the value of each property of a slot entry at every iteration.

Each property (sets, weight, repetitions, RiR, rest, and their "max" twins) has rows per
iteration. A row ``r``eplaces the value, or adds / subtracts its value (``abs``) or that
percentage of the running value (``percent``); the value at iteration n stacks the rows up to
n. A ``repeat`` row applies again at every following iteration until the next row. A row with
``requirements`` ``{"rules": [...]}`` applies only at an iteration whose previous iteration
has a log reaching the prescribed value of every listed property; a waiting non-repeating row
fires at the first such iteration. A "max" property moves with its base property's gate.
Iteration 1 always applies. Results are capped as upstream's serializer fields are.

Plain functions of data: rows are any objects with ``iteration``, ``value``, ``operation``,
``step``, ``repeat`` and ``requirements``; logs any with the four logged properties.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_DOWN, ROUND_HALF_EVEN, Decimal
from typing import Any, Protocol, cast

FIELDS = (
    "weight",
    "max_weight",
    "repetitions",
    "max_repetitions",
    "rir",
    "max_rir",
    "rest",
    "max_rest",
    "sets",
    "max_sets",
)
BASE_FIELD = {
    "max_weight": "weight",
    "max_repetitions": "repetitions",
    "max_rir": "rir",
    "max_rest": "rest",
    "max_sets": "sets",
}
REQUIREMENT_RULES = ("weight", "repetitions", "rir", "rest")
REPLACE, PLUS, MINUS = "r", "+", "-"
ABSOLUTE, PERCENT, NOT_APPLICABLE = "abs", "percent", "na"

VALUE_CAP = Decimal("9999.99")
RIR_CAP = Decimal("9.9")
CAPS = {field: RIR_CAP if field in ("rir", "max_rir") else VALUE_CAP for field in FIELDS}
ONE = Decimal(1)
RIR_ROUNDING = Decimal("0.5")
REST_ROUNDING = Decimal(1)

Values = tuple[Decimal | None, ...]  # one per FIELDS entry


class ConfigRow(Protocol):
    iteration: int
    value: Any
    operation: str
    step: str
    repeat: bool
    requirements: Any


def rules_of(row: ConfigRow) -> tuple[str, ...]:
    """The properties a row waits for (empty: it applies on schedule)."""
    requirements = row.requirements
    if not isinstance(requirements, dict):
        return ()
    rules = requirements.get("rules")
    return tuple(rules) if isinstance(rules, list) else ()


def apply_row(value: Decimal | None, row: ConfigRow, cap: Decimal = VALUE_CAP) -> Decimal:
    """The running value after one row."""
    amount = Decimal(row.value)
    if row.operation == REPLACE:
        result = amount
    else:
        current = value if value is not None else Decimal(0)
        # upstream: any step but "abs" (even "na" with + or -) is a percentage
        change = amount if row.step == ABSOLUTE else current * amount / 100
        result = current + change if row.operation == PLUS else current - change
    return cap if result > cap else result


def round_to(value: Any, base: Any = None) -> Decimal | None:
    """``value`` to the nearest multiple of ``base`` (half to even); whole numbers lose their
    decimals ("80", not "80.00"). No base (or 0): the value as it is."""
    if value is None:
        return None
    if type(value) is not Decimal:
        value = Decimal(value)
    if base:
        if type(base) is not Decimal:
            base = Decimal(base)
        value = base * (value / base).to_integral_value(rounding=ROUND_HALF_EVEN)
    if value == value.to_integral_value():
        value = value.quantize(ONE, rounding=ROUND_DOWN)
    return cast(Decimal, value)


def display_rounding(field: str, weight_rounding: Any, repetition_rounding: Any) -> Any:
    """The rounding a property is shown with (and its requirement threshold computed with)."""
    return {
        "weight": weight_rounding,
        "max_weight": weight_rounding,
        "repetitions": repetition_rounding,
        "max_repetitions": repetition_rounding,
        "rir": RIR_ROUNDING,
        "max_rir": RIR_ROUNDING,
        "rest": REST_ROUNDING,
        "max_rest": REST_ROUNDING,
    }.get(field)


def progression(
    configs: Mapping[str, Sequence[ConfigRow]],
    last_iteration: int,
    *,
    logs_by_iteration: Mapping[Any, Sequence[Any]] | None = None,
    weight_rounding: Any = None,
    repetition_rounding: Any = None,
) -> list[Values]:
    """The values of the ten properties (in ``FIELDS`` order) at iterations 1..last.

    ``configs`` maps a property to its rows; ``logs_by_iteration`` the slot entry's logs by
    the iteration they were logged in (only needed when rows have requirements).
    """
    last_iteration = max(last_iteration, 1)
    present: dict[str, list[ConfigRow]] = {}
    gated = False
    for field, rows in configs.items():
        kept = [row for row in rows if 1 <= row.iteration <= last_iteration]
        if kept:
            present[field] = kept
            gated = gated or any(row.requirements and rules_of(row) for row in kept)
    if gated:
        walk = _GatedWalk(present, logs_by_iteration or {}, weight_rounding, repetition_rounding)
        return walk.run(last_iteration)
    nothing = [None] * last_iteration
    columns = [
        _scheduled_values(present[field], last_iteration, CAPS[field])
        if field in present
        else nothing
        for field in FIELDS
    ]
    return list(zip(*columns, strict=True))


def _scheduled_values(rows: Sequence[ConfigRow], last: int, cap: Decimal) -> list[Decimal | None]:
    """One property without requirements: each row applies at its iteration (and again at
    every following one while it repeats), up to the next row."""
    rows = sorted(rows, key=lambda row: row.iteration)
    values: list[Decimal | None] = [None] * last
    value = None
    for position, row in enumerate(rows):
        first = row.iteration
        stop = rows[position + 1].iteration if position + 1 < len(rows) else last + 1
        value = apply_row(value, row, cap)
        values[first - 1] = value
        if not row.repeat:
            values[first : stop - 1] = [value] * (stop - 1 - first)
            continue
        for iteration in range(first + 1, stop):
            value = apply_row(value, row, cap)
            values[iteration - 1] = value
    return values


@dataclass(slots=True)
class _FieldState:
    """Where one property stands in the gated walk: its value, the row whose run covers the
    current iteration, and a gated row still waiting for logs that meet it."""

    value: Decimal | None = None
    active: Any = None
    armed: Any = None

    def advance(self, row: Any) -> Any:
        """Move to the next iteration; the row that wants to apply there, if any."""
        if row is not None:
            self.active, self.armed = row, None
            return row
        if self.active is not None and self.active.repeat:
            return self.active
        return self.armed

    def apply(self, row: Any, is_open: bool, cap: Decimal) -> None:
        if is_open:
            self.value = apply_row(self.value, row, cap)
            self.armed = None
        elif not row.repeat:
            self.armed = row


class _GatedWalk:
    """All properties of one slot entry walked together, iteration by iteration, because the
    requirements of one property read the prescriptions of the others."""

    def __init__(
        self,
        present: Mapping[str, Sequence[ConfigRow]],
        logs_by_iteration: Mapping[Any, Sequence[Any]],
        weight_rounding: Any,
        repetition_rounding: Any,
    ) -> None:
        self.by_iteration = {
            field: {row.iteration: row for row in rows} for field, rows in present.items()
        }
        self.states = {field: _FieldState() for field in present}
        self.logs = logs_by_iteration
        self.rounding = {
            rule: display_rounding(rule, weight_rounding, repetition_rounding)
            for rule in REQUIREMENT_RULES
        }

    def run(self, last_iteration: int) -> list[Values]:
        out = []
        for iteration in range(1, last_iteration + 1):
            self.step(iteration)
            out.append(
                tuple(
                    self.states[field].value if field in self.states else None for field in FIELDS
                )
            )
        return out

    def step(self, iteration: int) -> None:
        thresholds = self.thresholds()  # the prescriptions of the previous iteration
        candidates = {
            field: state.advance(self.by_iteration[field].get(iteration))
            for field, state in self.states.items()
        }
        for field, row in candidates.items():
            if row is None:
                continue
            gate = row
            base = BASE_FIELD.get(field)
            if base in self.states:
                gate = candidates[base] or self.states[base].active or row
            rules = rules_of(gate)
            is_open = iteration == 1 or not rules or self.met(rules, iteration - 1, thresholds)
            self.states[field].apply(row, is_open, CAPS[field])

    def thresholds(self) -> dict[str, Decimal | None]:
        return {
            rule: round_to(self.states[rule].value, self.rounding[rule])
            if rule in self.states
            else None
            for rule in REQUIREMENT_RULES
        }

    def met(self, rules: Sequence[str], iteration: int, thresholds: Mapping[str, Any]) -> bool:
        """Whether one log of ``iteration`` reached the threshold of every rule."""
        return any(
            all(_reaches(getattr(log, rule, None), thresholds.get(rule)) for rule in rules)
            for log in self.logs.get(iteration, ())
        )


def _reaches(logged: Any, threshold: Any) -> bool:
    return logged is not None and threshold is not None and logged >= threshold
