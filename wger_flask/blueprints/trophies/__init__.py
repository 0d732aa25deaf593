"""Trophy routes: the catalogue, the caller's earned trophies, progress and statistics; and
the ``flask trophies`` commands."""

from wger_flask.blueprints.trophies import commands, progress  # noqa: F401  (add to blp)
from wger_flask.blueprints.trophies.resources import blp

__all__ = ["blp"]
