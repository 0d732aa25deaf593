"""Routines: the schedule of days, config stacking (progression), sets and supersets, the
computed plans, logs and statistics, and the write rules of every routines table (``rules``).

Pure functions (``schedule``, ``progression``, ``sets``, ``plan``) take plain data; ``reads``
loads the routine tree in a fixed number of statements. May import: models.routines,
models.catalogue (read-only), models.accounts (the profile's rounding, read-only), the generic
layer's loading helpers, errors and writes, ``database``'s ``serialize_on`` (the lock that keeps
one session per date and routine) and the accounts domain's package (the user's time zone).
Other domains use ``RULES`` (the write rules per table) and ``export_user``.
"""

from wger_flask.services.routines.export import export_user
from wger_flask.services.routines.rules import RULES

__all__ = ["RULES", "export_user"]
