"""Run by every Python process of a clocked test run (``tests/clock.py`` puts this folder on
``PYTHONPATH``): moves the process's wall clock by ``WGER_TEST_CLOCK_OFFSET`` seconds, ticking,
so servers and commands the tests start share the run's pinned time."""

import os

_offset = os.environ.get("WGER_TEST_CLOCK_OFFSET")
if _offset:
    import time

    import time_machine

    _anchor = time.time()  # the real clock: nothing travels yet
    # the clock ticks from start(), not from the moment read above: move it on by the time in
    # between (tens of milliseconds on a busy machine), or two servers started apart disagree
    # by that much and one refuses the other's just-minted token as "not yet valid"
    _coordinates = time_machine.travel(_anchor + float(_offset), tick=True).start()
    _coordinates.shift(time_machine.escape_hatch.time.time() - _anchor)
