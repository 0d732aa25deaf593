"""A synthetic ingredient catalogue of any size, from the real rows (benchmarks, scale tests).

Each synthetic ingredient is a real one varied: its name with a qualifier (``"Butter, salted
organic"``), a made-up brand, a unique EAN-13 barcode, a language drawn with weights like a
real catalogue's (English and German most), nutrients scaled by a random factor and kept
plausible (nothing above 100 g per 100 g, sugar within carbohydrates, saturated within fat), a
Nutri-Score, diet flags, dates across ten years, and for about one in six a weight unit.
A seed makes the catalogue reproducible (for the same starting id); running the command again
adds more rows with other uuids and barcodes.

Loading goes around the ORM: rows are generated as tuples in the database's storage format and
sent with the driver's ``executemany`` (SQLite) or ``COPY`` (PostgreSQL) in large batches, so a
million rows load in minutes. The database's own triggers keep the count blocks and the search
index in step, as for any other write.
"""

from __future__ import annotations

import datetime as dt
import random
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select, text

from wger_flask.extensions import db
from wger_flask.models.catalogue import Language
from wger_flask.models.ingredients import Ingredient, IngredientWeightUnit

BATCH = 20_000
ODBL_LICENSE = 5
QUALIFIERS = (
    "organic", "light", "classic", "original", "extra", "fresh", "frozen", "smoked", "bio",
    "reduced fat", "family pack", "homestyle", "premium", "value", "mini", "whole", "sliced",
    "spicy", "mild", "natural", "unsweetened", "gluten free", "with herbs", "traditional",
)  # fmt: skip
SYLLABLES = (
    "ba", "ko", "ri", "me", "lu", "sa", "to", "ven", "dor", "mi", "na", "fel", "gra", "pi",
    "zu", "tel", "ca", "ro", "vi", "mon", "al", "ber", "qui", "sto",
)  # fmt: skip
LANGUAGE_WEIGHTS = {"en": 40, "de": 20, "fr": 8, "es": 8, "it": 5, "nl": 4, "pt": 3, "pl": 3}
OTHER_LANGUAGE_WEIGHT = 0.5
NUTRIENTS = ("protein", "carbohydrates", "carbohydrates_sugar", "fat", "fat_saturated", "fiber",
             "sodium")  # fmt: skip
UNIT_NAMES = ("portion", "slice", "cup", "piece", "serving", "spoon", "package")
EPOCH = dt.datetime(2015, 1, 1)
TEN_YEARS = 10 * 365 * 86400

COLUMNS = (
    "id", "uuid", "remote_id", "source_name", "source_url", "code", "name", "common_name",
    "brand", "created", "last_update", "last_imported", "energy", "protein", "carbohydrates",
    "carbohydrates_sugar", "fat", "fat_saturated", "fiber", "sodium", "is_vegan",
    "is_vegetarian", "nutriscore", "language_id", "license_id", "license_title",
    "license_object_url", "license_author", "license_author_url",
    "license_derivative_source_url",
)  # fmt: skip
UNIT_COLUMNS = ("id", "uuid", "ingredient_id", "name", "gram")


def ean13(number: int) -> str:
    """A valid EAN-13 (restricted-circulation prefix 2) for a running number."""
    body = f"2{number:011d}"
    total = sum(int(digit) * (3 if position % 2 else 1) for position, digit in enumerate(body))
    return body + str((10 - total % 10) % 10)


def brand_names(rng: random.Random, count: int = 2000) -> list[str]:
    return [
        "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 3))).title()
        for _ in range(count)
    ]


@dataclass
class Base:
    """What a synthetic row borrows from a real one."""

    name: str
    energy: int
    nutrients: dict[str, float | None]


def scaled_nutrients(base: Base, rng: random.Random) -> tuple[int, dict[str, float | None]]:
    """The base's nutrients times one random factor, kept within 100 g per 100 g."""
    factor = rng.uniform(0.8, 1.2)
    values = {k: (None if v is None else v * factor) for k, v in base.nutrients.items()}
    main = sum(values[k] or 0 for k in ("protein", "carbohydrates", "fat"))
    if main > 100:
        values = {k: (None if v is None else v * 100 / main) for k, v in values.items()}
        factor *= 100 / main
    rounded = {k: (None if v is None else round(min(v, 100.0), 3)) for k, v in values.items()}
    for part, whole in (("carbohydrates_sugar", "carbohydrates"), ("fat_saturated", "fat")):
        value, limit = rounded[part], rounded[whole]
        if value is not None:
            assert limit is not None  # every base that has the part has its whole
            rounded[part] = min(value, limit)
    return int(base.energy * factor), rounded


def moments(rng: random.Random) -> tuple[dt.datetime, dt.datetime]:
    created = EPOCH + dt.timedelta(seconds=rng.randrange(TEN_YEARS))
    updated = created + dt.timedelta(seconds=rng.randrange(TEN_YEARS // 10))
    return created, updated


def ingredient_values(
    pk: int, base: Base, brand: str, language_id: int, rng: random.Random
) -> dict[str, Any]:
    """One synthetic ingredient as column values (Python types); its barcode follows its id,
    so barcodes stay unique when the command runs again."""
    energy, nutrients = scaled_nutrients(base, rng)
    created, updated = moments(rng)
    code = ean13(pk)
    return {
        "id": pk,
        "uuid": uuid.UUID(int=rng.getrandbits(128), version=4),
        "remote_id": code,
        "source_name": "Open Food Facts",
        "source_url": f"https://world.openfoodfacts.org/api/v2/product/{code}.json",
        "code": code,
        "name": f"{base.name} {rng.choice(QUALIFIERS)}"[:200],
        "common_name": None,
        "brand": brand,
        "created": created,
        "last_update": updated,
        "last_imported": updated,
        "energy": energy,
        **nutrients,
        "is_vegan": rng.choice((None, True, False, False)),
        "is_vegetarian": rng.choice((None, True, True, False)),
        "nutriscore": rng.choice(("a", "b", "c", "d", "e", None)),
        "language_id": language_id,
        "license_id": ODBL_LICENSE,
        "license_title": f"{base.name} ({brand})"[:300],
        "license_object_url": "",
        "license_author": "Open Food Facts contributors",
        "license_author_url": "",
        "license_derivative_source_url": "",
    }


def read_bases() -> list[Base]:
    """The real ingredients (the shipped catalogue) that synthetic rows vary."""
    rows = db.session.execute(
        select(Ingredient.name, Ingredient.energy, *[getattr(Ingredient, n) for n in NUTRIENTS])
        .where(Ingredient.source_name.is_(None))
        .order_by(Ingredient.id)
    ).all()
    return [
        Base(
            row[0],
            row[1],
            {n: None if v is None else float(v) for n, v in zip(NUTRIENTS, row[2:], strict=True)},
        )
        for row in rows
    ]


def language_weights() -> tuple[list[int], list[float]]:
    rows = db.session.execute(select(Language.id, Language.short_name).order_by(Language.id)).all()
    return [r[0] for r in rows], [LANGUAGE_WEIGHTS.get(r[1], OTHER_LANGUAGE_WEIGHT) for r in rows]


def generate(
    count: int, first_id: int, first_unit_id: int, bases: Sequence[Base], seed: int = 1
) -> Iterator[tuple[list[dict[str, Any]], list[dict[str, Any]]]]:
    """Batches of (ingredients, weight units) as column values."""
    rng = random.Random(f"{seed}:{first_id}")  # another run (new ids) draws other uuids
    brands = brand_names(rng)
    language_ids, weights = language_weights()
    unit_id = first_unit_id
    for start in range(0, count, BATCH):
        ingredients, units = [], []
        languages = rng.choices(language_ids, weights, k=min(BATCH, count - start))
        for offset, language_id in enumerate(languages):
            base = bases[rng.randrange(len(bases))]
            pk = first_id + start + offset
            row = ingredient_values(pk, base, rng.choice(brands), language_id, rng)
            ingredients.append(row)
            if rng.random() < 1 / 6:
                units.append(
                    {
                        "id": unit_id,
                        "uuid": uuid.UUID(int=rng.getrandbits(128), version=4),
                        "ingredient_id": row["id"],
                        "name": rng.choice(UNIT_NAMES),
                        "gram": rng.randint(10, 250),
                    }
                )
                unit_id += 1
        yield ingredients, units


def next_ids() -> tuple[int, int]:
    top = db.session.execute(select(func.max(Ingredient.id))).scalar() or 0
    unit_top = db.session.execute(select(func.max(IngredientWeightUnit.id))).scalar() or 0
    return top + 1, unit_top + 1


def synthesize(count: int, seed: int = 1, progress: Any = None) -> int:
    """Add ``count`` synthetic ingredients after the highest id; returns how many were added.

    Runs in the session's transaction; the caller commits, then calls ``optimize_search`` and
    ``refresh_statistics``, committing after each.
    """
    from wger_flask.services.ingredients.bulk_insert import insert_rows

    bases = read_bases()
    if not bases:
        raise ValueError("No real ingredients to vary: run `flask bootstrap` first.")
    first_id, first_unit_id = next_ids()
    if db.session.get_bind().dialect.name == "sqlite":
        # Random keys (uuid, name, the trigram index) touch pages all over the indexes: give
        # this one loading connection a cache that holds them (256 MB).
        db.session.execute(text("PRAGMA cache_size = -262144"))
    added = 0
    for ingredients, units in generate(count, first_id, first_unit_id, bases, seed):
        insert_rows(Ingredient.__table__, COLUMNS, ingredients)
        insert_rows(IngredientWeightUnit.__table__, UNIT_COLUMNS, units)
        added += len(ingredients)
        if progress is not None:
            progress(added)
    return added


def optimize_search() -> None:
    """SQLite: merge the search index after a bulk load (in a transaction of its own: the
    caller commits it). PostgreSQL's trigram index needs nothing."""
    if db.session.get_bind().dialect.name == "sqlite":
        db.session.execute(
            text(
                "INSERT INTO nutrition_ingredient_fts (nutrition_ingredient_fts) VALUES ('optimize')"
            )
        )


def refresh_statistics() -> None:
    """Refresh the planner's statistics after a bulk load (the caller commits)."""
    from wger_flask.services.ingredients.bulk_insert import analyze

    analyze([Ingredient.__tablename__, IngredientWeightUnit.__tablename__])
