"""Body routes: weight entries, measurement categories and measurements (with their
aggregation), the progress gallery."""

from wger_flask.blueprints.body import actions  # noqa: F401  (adds its routes to blp)
from wger_flask.blueprints.body.resources import blp

__all__ = ["blp"]
