"""Run by every Python process of a clocked test run (``tests/clock.py`` puts this folder on
``PYTHONPATH``): moves the process's wall clock by ``WGER_TEST_CLOCK_OFFSET`` seconds, ticking,
so servers and commands the tests start share the run's pinned time."""

import os

_offset = os.environ.get("WGER_TEST_CLOCK_OFFSET")
if _offset:
    import time

    import time_machine

    time_machine.travel(time.time() + float(_offset), tick=True).start()
