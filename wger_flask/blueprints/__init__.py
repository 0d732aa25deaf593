"""Routes by domain. ``API_BLUEPRINTS`` lists the /api/v2 blueprints in the order their
resources appear in the API root (upstream's router order)."""

from __future__ import annotations


def api_blueprints() -> list:
    """The /api/v2 blueprints, imported lazily so models load after the extensions."""
    from wger_flask.blueprints import core, exercises, nutrition

    return [core.blp, exercises.blp, nutrition.blp]
