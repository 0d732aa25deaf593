"""Routines: the schedule of days, config stacking (progression), sets and supersets, the
computed plans, logs and statistics.

Pure functions (``schedule``, ``progression``, ``sets``, ``plan``) take plain data; ``reads``
loads the routine tree in a fixed number of statements. May import: models.routines,
models.catalogue (read-only), the generic layer's loading helpers and ``database``'s
``serialize_on`` (the lock that keeps one session per date and routine).
"""

from wger_flask.services.routines.export import export_user
from wger_flask.services.routines.logs import profile_zone, sync_session_times

__all__ = ["export_user", "profile_zone", "sync_session_times"]
