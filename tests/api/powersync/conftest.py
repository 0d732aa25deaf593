"""PowerSync fixtures: the shipped rules, ingredients, and a user's rows to sync and upload."""

from __future__ import annotations

import re
from pathlib import Path

from tests.api import ingredient_factory

make_ingredient = ingredient_factory.make_ingredient  # the fixture, for this folder's tests

REPO = Path(__file__).resolve().parents[3]
SYNC_RULES = REPO / "deploy" / "powersync" / "sync_rules.yaml"


def tables_the_rules_read() -> set[str]:
    """The tables named after FROM or JOIN in the shipped sync rules (comments left out)."""
    text = "\n".join(
        line for line in SYNC_RULES.read_text().splitlines() if not line.lstrip().startswith("#")
    )
    return set(re.findall(r"\b(?:FROM|JOIN)\s+([a-z_][a-z0-9_]*)", text))
