"""Routine routes: the routine tree, sessions and logs, and the computed plans."""

from wger_flask.blueprints.routines import actions  # noqa: F401  (adds its routes to blp)
from wger_flask.blueprints.routines.resources import blp

__all__ = ["blp"]
