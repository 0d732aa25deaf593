"""Core lookup tables: languages, licenses, repetition and weight units."""

from wger_flask.blueprints.catalogue.caching import kept_per_generation
from wger_flask.models.catalogue import Language, License, RepetitionUnit, WeightUnit
from wger_flask.rest.filtering import FilterSet, exact
from wger_flask.rest.resources import Resource
from wger_flask.rest.smorest import Blueprint
from wger_flask.schemas.catalogue import (
    LanguageSchema,
    LicenseSchema,
    RepetitionUnitSchema,
    RoutineWeightUnitSchema,
)

blp = Blueprint("core", __name__, url_prefix="/api/v2", description="Languages, licenses and units")

LANGUAGE = Resource(
    name="language",
    model=Language,
    schema=LanguageSchema,
    summary="The languages of the catalogue's translations.",
    filters=FilterSet(
        {
            "full_name": exact(Language.full_name, "str"),
            "short_name": exact(Language.short_name, "str"),
        }
    ),
    default_ordering=(Language.full_name,),
    etag=True,
    answers=kept_per_generation,
).register(blp)

LICENSE = Resource(
    name="license",
    model=License,
    schema=LicenseSchema,
    summary="The licenses catalogue rows are published under.",
    filters=FilterSet(
        {
            "full_name": exact(License.full_name, "str"),
            "short_name": exact(License.short_name, "str"),
            "url": exact(License.url, "str"),
        }
    ),
    default_ordering=(License.full_name,),
    etag=True,
    answers=kept_per_generation,
).register(blp)

REPETITION_UNIT = Resource(
    name="setting-repetitionunit",
    model=RepetitionUnit,
    schema=RepetitionUnitSchema,
    summary="Units of repetition (repetitions, seconds, kilometres, ...).",
    filters=FilterSet({"name": exact(RepetitionUnit.name, "str")}),
    default_ordering=(RepetitionUnit.unit_type, RepetitionUnit.name),
    etag=True,
    answers=kept_per_generation,
).register(blp)

WEIGHT_UNIT = Resource(
    name="setting-weightunit",
    model=WeightUnit,
    schema=RoutineWeightUnitSchema,
    summary="Units of weight (kg, lb, plates, ...).",
    filters=FilterSet({"name": exact(WeightUnit.name, "str")}),
    default_ordering=(WeightUnit.name,),
    etag=True,
    answers=kept_per_generation,
).register(blp)
