"""The shipped trophy catalogue: upstream's 21 trophies (``initial_trophies.json``)."""

from __future__ import annotations

from typing import Any

from wger_flask.fixtures import FixtureModel, register
from wger_flask.models import trophies

DEFAULTS = {"description": "", "is_hidden": False, "is_progressive": False, "is_active": True}


def complete(pk: int, row: dict[str, Any]) -> dict[str, Any]:
    """Every row with every column (upstream's file leaves some flags out)."""
    return {**DEFAULTS, "is_repeatable": False, "checker_params": {}, **row}


def register_fixtures() -> None:
    """Register the trophy catalogue; it refers to nothing, so it may load in any order."""
    register(
        FixtureModel("trophies.trophy", trophies.Trophy, transform=complete),
        files=["initial_trophies.json"],
    )
