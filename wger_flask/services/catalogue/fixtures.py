"""The catalogue's shipped rows: how upstream's fixture files of languages, licenses, units,
categories, equipment, muscles, exercises and translations map to tables."""

from __future__ import annotations

from wger_flask.fixtures import FixtureModel, register
from wger_flask.models import catalogue


def register_fixtures() -> None:
    """Register the catalogue's fixture models and files (lookups first: others refer to them)."""
    register(
        FixtureModel("core.language", catalogue.Language),
        FixtureModel("core.license", catalogue.License),
        FixtureModel("core.repetitionunit", catalogue.RepetitionUnit),
        FixtureModel("core.weightunit", catalogue.WeightUnit),
        FixtureModel("exercises.exercisecategory", catalogue.ExerciseCategory),
        FixtureModel("exercises.equipment", catalogue.Equipment),
        FixtureModel("exercises.muscle", catalogue.Muscle),
        FixtureModel(
            "exercises.exercise",
            catalogue.Exercise,
            many_to_many={
                "muscles": (catalogue.exercise_muscles, "exercise_id", "muscle_id"),
                "muscles_secondary": (
                    catalogue.exercise_muscles_secondary,
                    "exercise_id",
                    "muscle_id",
                ),
                "equipment": (catalogue.exercise_equipment, "exercise_id", "equipment_id"),
            },
        ),
        FixtureModel("exercises.translation", catalogue.Translation),
        FixtureModel("exercises.exercisecomment", catalogue.ExerciseComment),
        FixtureModel("exercises.alias", catalogue.Alias),
        files=[
            "languages.json",
            "licenses.json",
            "setting_repetition_units.json",
            "setting_weight_units.json",
            "categories.json",
            "equipment.json",
            "muscles.json",
            "exercise-base-data.json",
            "translations.json",
        ],
    )
