"""A pinned wall clock for the whole test run: ``--clock=HH:MM`` (or ``WGER_TEST_CLOCK``).

The run's wall clock starts at that UTC time of day (the occurrence nearest to the real time,
so the date stays today's or a neighbour) and ticks on from there, in the pytest process and in
every Python process the tests start (gunicorn, ``flask`` commands, the MCP server): their
``PYTHONPATH`` gets ``tests/clock_site``, whose ``sitecustomize`` moves each process's clock by
the same offset. Monotonic clocks are left alone, so timeouts stay real.

``make test`` runs the SQLite suite at 02:00 UTC in ``TZ=Pacific/Kiritimati`` (+14) and the
PostgreSQL suite at 23:59 UTC in ``TZ=Pacific/Pago_Pago`` (−11): a test that reads the wall
clock or the machine's time zone instead of pinning time fails there, whatever hour CI runs.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from pathlib import Path

import pytest

SITE = Path(__file__).resolve().parent / "clock_site"
OFFSET_VARIABLE = "WGER_TEST_CLOCK_OFFSET"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--clock",
        default=os.environ.get("WGER_TEST_CLOCK", ""),
        help="Start the run's wall clock at this UTC time of day (HH:MM), ticking; "
        "default: the real clock (or $WGER_TEST_CLOCK).",
    )


def pinned_start(time_of_day: str, real: dt.datetime) -> dt.datetime:
    """The instant at ``time_of_day`` UTC nearest to ``real`` (at most 12 hours away)."""
    match = re.fullmatch(r"(\d{1,2}):(\d{2})", time_of_day.strip())
    if match is None:
        raise pytest.UsageError(f"--clock takes HH:MM (UTC), not {time_of_day!r}")
    hour, minute = int(match[1]), int(match[2])
    if hour > 23 or minute > 59:
        raise pytest.UsageError(f"--clock: {time_of_day!r} is not a time of day")
    candidates = [
        dt.datetime.combine(real.date() + dt.timedelta(days=shift), dt.time(hour, minute), dt.UTC)
        for shift in (-1, 0, 1)
    ]
    return min(candidates, key=lambda candidate: abs(candidate - real))


def pytest_configure(config: pytest.Config) -> None:
    wanted = config.getoption("--clock")
    if not wanted or os.environ.get(OFFSET_VARIABLE):
        return
    import time_machine

    real = dt.datetime.now(dt.UTC)
    start = pinned_start(wanted, real)
    offset = (start - real).total_seconds()
    os.environ[OFFSET_VARIABLE] = repr(offset)
    os.environ["PYTHONPATH"] = os.pathsep.join(
        filter(None, [str(SITE), os.environ.get("PYTHONPATH", "")])
    )
    traveller = time_machine.travel(dt.timedelta(seconds=offset), tick=True)
    traveller.start()
    config.stash[CLOCK_KEY] = (traveller, start)


def pytest_unconfigure(config: pytest.Config) -> None:
    pinned = config.stash.get(CLOCK_KEY, None)
    if pinned is not None:
        pinned[0].stop()


def pytest_report_header(config: pytest.Config) -> str:
    pinned = config.stash.get(CLOCK_KEY, None)
    zone = os.environ.get("TZ", "unset")
    if pinned is None:
        return f"wall clock: real; TZ={zone}"
    return f"wall clock: pinned, starting {pinned[1]:%Y-%m-%d %H:%M} UTC; TZ={zone}"


CLOCK_KEY = pytest.StashKey[tuple]()
