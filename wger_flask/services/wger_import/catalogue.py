"""Upstream's catalogue rows matched to this server's by what identifies them, never by id
alone: exercises, ingredients, their weight units and trophies by UUID; languages and licenses
by short name; weight and repetition units, categories, muscles and equipment by name. An
ingredient whose UUID is unknown here is matched by the same id and name, or the same barcode
and name (``Catalogue._same_ingredient`` says why).

A source id with no match here is ``None`` (the row that needs it is skipped with a reason,
or, for an exercise, the exercise is imported: ``exercises``). The look-ups are cached, at
most ``CACHE_SIZE`` entries per kind, so memory is bounded by the catalogue, never by users.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Iterable
from typing import Any

from sqlalchemy import func, select

from wger_flask.database import AnySession
from wger_flask.models.catalogue import (
    Equipment,
    Exercise,
    ExerciseCategory,
    Language,
    License,
    Muscle,
    RepetitionUnit,
    WeightUnit,
)
from wger_flask.models.ingredients import Ingredient, IngredientWeightUnit
from wger_flask.models.trophies import Trophy
from wger_flask.services.wger_import.source import Source
from wger_flask.services.wger_import.values import as_text, as_uuid

CACHE_SIZE = 50_000


class BoundedCache(OrderedDict[str, Any]):
    def remember(self, key: Any, value: Any) -> Any:
        self[key] = value
        self.move_to_end(key)
        if len(self) > CACHE_SIZE:
            self.popitem(last=False)
        return value


class Catalogue:
    """Source catalogue ids → this server's ids (``None``: no such row here)."""

    def __init__(self, source: Source, session: AnySession) -> None:
        self.source = source
        self.session = session
        self.caches: dict[str, BoundedCache] = {}
        # (source table, identifying column, local model, local column)
        self.kinds: dict[str, tuple[str, str, Any, Any]] = {
            "exercise": ("exercises_exercise", "uuid", Exercise, Exercise.uuid),
            "ingredient": ("nutrition_ingredient", "uuid", Ingredient, Ingredient.uuid),
            "ingredient_unit": (
                "nutrition_ingredientweightunit",
                "uuid",
                IngredientWeightUnit,
                IngredientWeightUnit.uuid,
            ),
            "trophy": ("trophies_trophy", "uuid", Trophy, Trophy.uuid),
            "language": ("core_language", "short_name", Language, Language.short_name),
            "license": ("core_license", "short_name", License, License.short_name),
            "weight_unit": ("core_weightunit", "name", WeightUnit, WeightUnit.name),
            "repetition_unit": ("core_repetitionunit", "name", RepetitionUnit, RepetitionUnit.name),
            "category": (
                "exercises_exercisecategory",
                "name",
                ExerciseCategory,
                ExerciseCategory.name,
            ),
            "muscle": ("exercises_muscle", "name", Muscle, Muscle.name),
            "equipment": ("exercises_equipment", "name", Equipment, Equipment.name),
        }

    def source_row(self, kind: str, source_id: Any) -> dict[str, Any] | None:
        table = self.kinds[kind][0]
        rows = self.source.rows(table, "id = :id", order="", id=source_id)
        return rows[0] if rows else None

    def local_id(self, kind: str, source_id: Any) -> Any:
        if source_id is None:
            return None
        cache = self.caches.setdefault(kind, BoundedCache())
        if source_id in cache:
            cache.move_to_end(source_id)
            return cache[source_id]
        row = self.source_row(kind, source_id)
        found = None
        if row is not None:
            _, column, model, local_column = self.kinds[kind]
            identity = as_uuid(row[column]) if column == "uuid" else row[column]
            match = local_column == identity
            if column == "name":
                match = func.lower(local_column) == str(identity).strip().lower()
            found = self.session.execute(
                select(model.id).where(match).order_by(model.id).limit(1)
            ).scalar()
            if found is None and kind in FALLBACKS:
                found = FALLBACKS[kind](self, row)
        return cache.remember(source_id, found)

    def resolve_many(self, kind: str, source_ids: Iterable[Any]) -> dict[Any, Any]:
        return {source_id: self.local_id(kind, source_id) for source_id in set(source_ids)}

    def _same_ingredient(self, row: dict[str, Any]) -> int | None:
        """An ingredient whose UUID differs: upstream gives the rows of its shipped catalogue
        (which has no UUIDs) a random UUID at installation, so the same food has another UUID
        on every server. Then the same id with the same name, or the same barcode with the
        same name, is the same food (the shipped catalogue keeps upstream's ids)."""
        name = func.lower(Ingredient.name) == as_text(row.get("name")).strip().lower()
        found = self.session.execute(
            select(Ingredient.id).where(Ingredient.id == row["id"], name)
        ).scalar()
        if found is None and row.get("code"):
            found = self.session.execute(
                select(Ingredient.id)
                .where(Ingredient.code == str(row["code"]), name)
                .order_by(Ingredient.id)
                .limit(1)
            ).scalar()
        return found

    def _same_ingredient_unit(self, row: dict[str, Any]) -> int | None:
        """A weight unit of the same (matched) ingredient with the same name and grams."""
        ingredient = self.local_id("ingredient", row.get("ingredient_id"))
        if ingredient is None:
            return None
        return self.session.execute(
            select(IngredientWeightUnit.id)
            .where(
                IngredientWeightUnit.ingredient_id == ingredient,
                func.lower(IngredientWeightUnit.name) == as_text(row.get("name")).lower(),
                IngredientWeightUnit.gram == row.get("gram"),
            )
            .order_by(IngredientWeightUnit.id)
            .limit(1)
        ).scalar()

    def forget(self, kind: str, source_id: Any) -> None:
        self.caches.get(kind, BoundedCache()).pop(source_id, None)

    def name_of(
        self, kind: str, source_id: Any, describe: Callable[[dict[str, Any]], str] | None = None
    ) -> str:
        table = self.kinds[kind][0]
        rows = self.source.rows(table, "id = :id", order="", id=source_id)
        if not rows:
            return f"{kind} {source_id} (missing in the source too)"
        row = rows[0]
        label = describe(row) if describe else row.get("name") or row.get("uuid") or source_id
        return f"{kind} {source_id} ({label})"


FALLBACKS: dict[str, Callable[[Catalogue, dict[str, Any]], Any]] = {
    "ingredient": Catalogue._same_ingredient,
    "ingredient_unit": Catalogue._same_ingredient_unit,
}
