"""Routes by domain, one package each (``accounts``, ``catalogue``, ``ingredients``,
``nutrition``, ``routines``, ``body``, ``trophies``), plus the site-wide ``api_root``,
``health`` and ``media``.

``api_blueprints`` lists the /api/v2 blueprints in the order their resources appear in the API
root (upstream's router order); ``site_blueprints`` the rest (allauth headless, web pages).
"""

from __future__ import annotations

from typing import Any


def api_blueprints() -> list[Any]:
    """The /api/v2 blueprints, imported lazily so models load after the extensions."""
    from wger_flask.blueprints import body, nutrition, powersync, routines, trophies
    from wger_flask.blueprints.accounts import profile, tokens
    from wger_flask.blueprints.catalogue import exercises, lookups, submission
    from wger_flask.blueprints.ingredients import resources as ingredients

    return [
        routines.blp,
        lookups.blp,
        exercises.blp,
        submission.blp,
        ingredients.blp,
        nutrition.blp,
        profile.blp,
        tokens.blp,
        trophies.blp,
        body.blp,
        powersync.blp,
    ]


def site_blueprints() -> list[Any]:
    """Blueprints outside the OpenAPI document: /healthz, /allauth/app/v1 and the web pages."""
    from wger_flask.blueprints import health, media
    from wger_flask.blueprints.accounts import (
        dev_mail,
        headless,
        headless_account,  # noqa: F401 (adds its routes)
        headless_password,  # noqa: F401 (adds its routes)
        web,
        web_account,
        web_sessions,
        web_settings,
    )

    return [
        health.blp,
        headless.blp,
        web.blp,
        web_settings.blp,
        web_account.blp,
        web_sessions.blp,
        media.blp,
        dev_mail.blp,
    ]
