"""Routes by domain.

``api_blueprints`` lists the /api/v2 blueprints in the order their resources appear in the API
root (upstream's router order); ``site_blueprints`` the rest (allauth headless, web pages).
"""

from __future__ import annotations


def api_blueprints() -> list:
    """The /api/v2 blueprints, imported lazily so models load after the extensions."""
    from wger_flask.blueprints import (
        accounts,
        core,
        exercises,
        nutrition,
        routine_actions,  # noqa: F401 (adds its routes)
        routines,
        tokens,
    )

    return [routines.blp, core.blp, exercises.blp, nutrition.blp, accounts.blp, tokens.blp]


def site_blueprints() -> list:
    """Blueprints outside the OpenAPI document: /healthz, /allauth/app/v1 and the web pages."""
    from wger_flask.blueprints import (
        headless,
        headless_account,  # noqa: F401 (adds its routes)
        health,
        web,
        web_settings,
    )

    return [health.blp, headless.blp, web.blp, web_settings.blp]
