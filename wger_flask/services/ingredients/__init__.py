"""The ingredient catalogue at a million rows: trigger-kept counts, the search ranking and its
per-worker cache, SQL-rendered JSON pages, the shipped fixtures and the synthetic load.

May import: models.ingredients, models.catalogue (read-only, for nested language and license),
schemas.ingredients, the generic layer's cache list and kept answers (``rest.caches``,
``rest.answers``), the catalogue's public functions (``services.catalogue``) and
``wger_flask.fixtures``.

Public to other domains: ``info_documents`` (ingredients as ``ingredientinfo`` renders them, e.g.
nested in a nutrition plan's meal items).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import orjson

from wger_flask.database import db
from wger_flask.schemas.ingredients import IngredientInfoSchema
from wger_flask.services.ingredients import rendering

__all__ = ["info_documents"]


def info_documents(ids: Iterable[int], host_url: str) -> dict[int, dict[str, Any]]:
    """The ``ingredientinfo`` objects of these ingredients by id, exactly as the catalogue
    renders them (language, license, weight units and image nested), in one statement.

    ``host_url`` is the request's root URL (``request.host_url``): image URLs are absolute.
    Ids that name no ingredient are left out.
    """
    wanted = sorted(set(ids))
    if not wanted:
        return {}
    dialect = db.session.get_bind().dialect.name
    statement = rendering.rows_by_ids(IngredientInfoSchema, dialect)
    parameters = {"ids": wanted, **rendering.media_url_parameter(host_url)}
    result = db.session.connection().execute(statement, parameters)
    rows = result.cursor.fetchall()  # plain tuples, as the catalogue's pages read them
    result.close()
    texts = rendering.renderer(IngredientInfoSchema, dialect).texts(rows)
    return {row[-2]: orjson.loads(text) for row, text in zip(rows, texts, strict=True)}
