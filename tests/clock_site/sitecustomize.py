"""Run by every Python process of a clocked test run (``tests/clock.py`` puts this folder on
``PYTHONPATH``): moves the process's wall clock by ``WGER_TEST_CLOCK_OFFSET`` seconds, ticking,
so servers and commands the tests start share the run's pinned time."""

import os

_offset = os.environ.get("WGER_TEST_CLOCK_OFFSET")
if _offset:
    import datetime

    import time_machine

    # relative to the real clock as time-machine reads it when it starts: no clock read here
    time_machine.travel(datetime.timedelta(seconds=float(_offset)), tick=True).start()
