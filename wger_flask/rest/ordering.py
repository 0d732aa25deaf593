"""Ordering: ``?ordering=a,-b`` against a resource's whitelist; unknown fields are ignored.

When no requested field is allowed, the resource's default ordering applies (DRF's
``OrderingFilter``). The primary key is always appended as the last key, so pages never
overlap or skip rows when the requested keys tie.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import Select

ORDERING_PARAM = "ordering"


def parse(raw: str | None, allowed: Mapping[str, Any]) -> list[str]:
    """The requested terms that are allowed, in order, each optionally prefixed with ``-``."""
    if not raw:
        return []
    terms = []
    for term in raw.split(","):
        term = term.strip()
        if term.lstrip("-") in allowed and term not in terms:
            terms.append(term)
    return terms


def clauses(terms: Sequence[str], allowed: Mapping[str, Any]) -> list[Any]:
    result = []
    for term in terms:
        column = allowed[term.lstrip("-")]
        result.append(column.desc() if term.startswith("-") else column.asc())
    return result


def apply(
    stmt: Select[*tuple[Any, ...]],
    raw: str | None,
    allowed: Mapping[str, Any],
    default: Sequence[Any],
    tiebreaker: Any | None,
) -> tuple[Select[*tuple[Any, ...]], list[str]]:
    """Order ``stmt`` by the allowed requested terms, else by the ``default`` clauses.

    Returns the statement with the terms that were requested and used (for the browsable page).
    """
    terms = parse(raw, allowed)
    if terms:
        # An explicit ordering replaces any a filter put first (e.g. search relevance).
        stmt = stmt.order_by(None)
    order = clauses(terms, allowed) if terms else list(default)
    if (
        tiebreaker is not None
        and not any(term.lstrip("-") == "id" for term in terms)
        and not (not terms and _mentions(default, tiebreaker))
    ):
        order.append(tiebreaker.asc())
    return stmt.order_by(*order), terms


def _mentions(order: Sequence[Any], column: Any) -> bool:
    """Whether a default ordering already sorts by ``column`` (either direction)."""
    for clause in order:
        element = getattr(clause, "element", clause)
        if element is column or getattr(element, "key", None) == getattr(column, "key", object()):
            return True
    return False
