"""Ingredients: the public ingredient catalogue (read-only), built to stay fast at a million rows.

Resources in upstream's router order: ``ingredient``, ``ingredientinfo``, ``ingredient-sync``,
``ingredientweightunit``, ``ingredient-image`` (upstream lists the nutrition plans between the
last two). Each route's OpenAPI tag is its resource's name, as upstream's.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, TypedDict

from flask import Response
from marshmallow import ValidationError, fields
from sqlalchemy import Select, exists, select
from werkzeug.datastructures import MultiDict

from wger_flask.blueprints.ingredients import pages as ingredient_pages
from wger_flask.blueprints.ingredients import sync as ingredient_sync
from wger_flask.models.ingredients import (
    NUTRISCORES,
    Ingredient,
    IngredientImage,
    IngredientWeightUnit,
)
from wger_flask.rest import negotiation
from wger_flask.rest.actions import QueryArguments, action
from wger_flask.rest.errors import ValidationFailed
from wger_flask.rest.filtering import (
    GT,
    GTE,
    IN,
    LT,
    LTE,
    Filter,
    FilterSet,
    custom,
    exact,
    parse_choice,
)
from wger_flask.rest.loading import ReadPlan
from wger_flask.rest.resources import AnswerStore, DetailRenderer, PageRenderer, Resource
from wger_flask.rest.smorest import Blueprint, filter_parameters, schema_name
from wger_flask.schemas.ingredients import (
    IngredientImageSchema,
    IngredientInfoSchema,
    IngredientSchema,
    IngredientValuesSchema,
    IngredientWeightUnitSchema,
    NutrientValuesSchema,
)
from wger_flask.services import nutrition
from wger_flask.services.ingredients import search as ingredient_search

blp = Blueprint(
    "ingredients", __name__, url_prefix="/api/v2", description="The ingredient catalogue"
)


def search_by_name(
    stmt: Select[*tuple[Any, ...]], term: str, args: MultiDict[str, str]
) -> Select[*tuple[Any, ...]]:
    return ingredient_search.search(stmt, term)


def filter_by_language_codes(
    stmt: Select[*tuple[Any, ...]], codes: str, args: MultiDict[str, str]
) -> Select[*tuple[Any, ...]]:
    return ingredient_search.in_languages(stmt, codes)


INGREDIENT_FILTERS = FilterSet(
    {
        "id": exact(Ingredient.id, "int", IN, GT, GTE, LT, LTE),
        "uuid": exact(Ingredient.uuid, "uuid"),
        "code": exact(Ingredient.code, "str"),
        "source_name": exact(Ingredient.source_name, "str"),
        "name": exact(Ingredient.name, "str"),
        "energy": exact(Ingredient.energy, "int"),
        "protein": exact(Ingredient.protein, "decimal"),
        "carbohydrates": exact(Ingredient.carbohydrates, "decimal"),
        "carbohydrates_sugar": exact(Ingredient.carbohydrates_sugar, "decimal"),
        "fat": exact(Ingredient.fat, "decimal"),
        "fat_saturated": exact(Ingredient.fat_saturated, "decimal"),
        "fiber": exact(Ingredient.fiber, "decimal"),
        "sodium": exact(Ingredient.sodium, "decimal"),
        "is_vegan": exact(Ingredient.is_vegan, "bool"),
        "is_vegetarian": exact(Ingredient.is_vegetarian, "bool"),
        "nutriscore": Filter(
            target=Ingredient.nutriscore,
            lookups=("exact", IN, GT, GTE, LT, LTE),
            parser=parse_choice(NUTRISCORES),
        ),
        "created": exact(Ingredient.created, "datetime", GT, LT),
        "last_update": exact(Ingredient.last_update, "datetime", GT, LT),
        "last_imported": exact(Ingredient.last_imported, "datetime", GT, LT),
        "language": exact(Ingredient.language_id, "int", IN),
        "license": exact(Ingredient.license_id, "int"),
        "license_author": exact(Ingredient.license_author, "str"),
        "name__search": custom(
            search_by_name,
            description="Case-insensitive search in names; a barcode (8, 12, 13 or 14 digits) "
            "is looked up first. Ranked by relevance unless `ordering` is given.",
        ),
        "language__code": custom(
            filter_by_language_codes,
            description="Filter by language code. Multiple values may be separated by commas. "
            "Unknown codes are ignored.",
        ),
    }
)
INGREDIENT_ORDERING = {
    "id": Ingredient.id,
    "name": Ingredient.name,
    "code": Ingredient.code,
    "uuid": Ingredient.uuid,
    "remote_id": Ingredient.remote_id,
    "last_update": Ingredient.last_update,
    "last_imported": Ingredient.last_imported,
    "nutriscore": Ingredient.nutriscore,
}


class CatalogueList(TypedDict):
    """The ``Resource`` options the ingredient lists share (``**CATALOGUE_LIST``)."""

    filters: FilterSet
    ordering_fields: Mapping[str, Any] | str
    default_ordering: Sequence[Any]
    page_renderer: PageRenderer | None
    detail_renderer: DetailRenderer | None
    answers: AnswerStore | None
    rate_limits: Mapping[str, str]
    etag: bool


CATALOGUE_LIST: CatalogueList = {
    "filters": INGREDIENT_FILTERS,
    "ordering_fields": INGREDIENT_ORDERING,
    "default_ordering": (Ingredient.id,),
    "page_renderer": ingredient_pages.render_page,
    "detail_renderer": ingredient_pages.render_detail,
    "answers": ingredient_pages.kept_per_generation,
    "rate_limits": {"list": "ingredient_list", "detail": "ingredient_detail"},
    "etag": True,
}

INGREDIENT = Resource(
    name="ingredient",
    model=Ingredient,
    schema=IngredientSchema,
    summary="Ingredients with their nutritional values per 100 g (for everything nested, "
    "see ingredientinfo).",
    **CATALOGUE_LIST,
).register(blp)

INGREDIENT_INFO = Resource(
    name="ingredientinfo",
    model=Ingredient,
    schema=IngredientInfoSchema,
    summary="Ingredients with their language, license, weight units and image nested.",
    **CATALOGUE_LIST,
).register(blp)

INGREDIENT_SYNC = Resource(
    name="ingredient-sync",
    model=Ingredient,
    schema=IngredientInfoSchema,
    summary="The whole ingredient catalogue by cursor, in id order, for syncing instances; "
    "combine with `last_update__gt` for incremental syncs. No `count`.",
    filters=INGREDIENT_FILTERS,
    ordering_fields={},
    default_ordering=(Ingredient.id,),
    page_renderer=ingredient_sync.render_sync_page,
    detail_renderer=ingredient_pages.render_detail,
    list_doc=ingredient_sync.sync_list_doc(
        schema_name(IngredientInfoSchema), filter_parameters(INGREDIENT_FILTERS)
    ),
    rate_limits={"list": "ingredient_sync", "detail": "ingredient_sync"},
).register(blp)

INGREDIENT_WEIGHT_UNIT = Resource(
    name="ingredientweightunit",
    model=IngredientWeightUnit,
    schema=IngredientWeightUnitSchema,
    summary="Household units of ingredients (a slice, a cup) and what they weigh.",
    filters=FilterSet(
        {
            "gram": exact(IngredientWeightUnit.gram, "int"),
            "ingredient": exact(IngredientWeightUnit.ingredient_id, "int"),
            "name": exact(IngredientWeightUnit.name, "str"),
        }
    ),
    default_ordering=(IngredientWeightUnit.id,),
    answers=ingredient_pages.kept_per_generation,
    etag=True,
).register(blp)


# ------------------------------------------------------------------------------ get_values


# What get_values reads of an ingredient, whichever resource it hangs under: its columns and
# weight units (not the language, license and image that ``ingredientinfo`` nests).
VALUES_PLAN = ReadPlan.for_schema(Ingredient, NutrientValuesSchema, extra=("weight_units",))


class Amount(fields.Field[Any]):
    """``amount``: grams, or units (at most 5 digits, 2 decimal places), as upstream's form."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Any:
        try:
            return nutrition.parse_amount(value)
        except ValueError as error:
            raise ValidationError(str(error)) from None


class UnitId(fields.Field[Any]):
    """``unit``: one of the ingredient's weight units (empty: grams)."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Any:
        try:
            return nutrition.parse_unit_id(value)
        except ValueError as error:
            raise ValidationError(str(error)) from None


class ValuesArguments(QueryArguments):
    amount = Amount(
        required=True,
        error_messages={"required": "This field is required."},
        metadata={
            "type": "number",
            "format": "double",
            "description": "The amount (at most 5 digits, 2 decimal places): grams, or units.",
        },
    )
    unit = UnitId(
        load_default=None,
        metadata={
            "type": "integer",
            "description": "ID of one of this ingredient's weight units. Defaults to grams.",
        },
    )


def add_get_values(resource: Resource) -> None:
    """``<resource>/{id}/get_values/``, counted in the resource's detail quota."""

    def view(id: str, amount: Any, unit: int | None = None) -> Response:
        ingredient = resource.read_object(id, resource.authorize_read(), VALUES_PLAN)
        grams = {row.id: row.gram for row in ingredient.weight_units}
        if unit is not None and unit not in grams:
            raise ValidationFailed({"unit": [nutrition.INVALID_CHOICE]})
        values = nutrition.values_for(vars(ingredient), amount, grams.get(unit))
        return negotiation.render(values)

    view.__doc__ = "Nutritional values of an amount of this ingredient, in grams or a unit."
    # flask-limiter knows a decorated view by module and name: one name per route.
    view.__name__ = view.__qualname__ = f"{resource.name.replace('-', '_')}_get_values"
    action(
        blp,
        resource,
        "get_values",
        detail=True,
        operation_id=f"{resource.name}_get_values_retrieve",
        endpoint=f"{resource.name}-get-values",
        query=ValuesArguments,
        response=IngredientValuesSchema,
        description="The values for that amount",
        errors={404: "Not found"},
        security=[],
        summary="Nutritional values of an amount of this ingredient",
        throttle_scope=resource.rate_limits["detail"],
    )(view)


add_get_values(INGREDIENT)
add_get_values(INGREDIENT_INFO)


# ------------------------------------------------------------------------------ images


def images_of_ingredient_uuid(
    stmt: Select[*tuple[Any, ...]], value: Any, args: MultiDict[str, str]
) -> Select[*tuple[Any, ...]]:
    return stmt.where(
        exists(
            select(Ingredient.id).where(
                Ingredient.id == IngredientImage.ingredient_id, Ingredient.uuid == value
            )
        )
    )


# Upstream registers nutrition plans, meals and the diary between the weight units and this.
INGREDIENT_IMAGE = Resource(
    name="ingredient-image",
    model=IngredientImage,
    schema=IngredientImageSchema,
    summary="Ingredient images (none are shipped with this server's catalogue).",
    filters=FilterSet(
        {
            "uuid": exact(IngredientImage.uuid, "uuid"),
            "ingredient_id": exact(IngredientImage.ingredient_id, "int"),
            "ingredient__uuid": custom(images_of_ingredient_uuid, kind="uuid"),
        }
    ),
    default_ordering=(IngredientImage.id,),
    answers=ingredient_pages.kept_per_generation,
    etag=True,
).register(blp)
