"""Body tracking: weight entries, measurement categories and measurements, gallery photos.

All user-owned: authentication required (401), lists hold the caller's rows only, another
user's row is a 404 on every method, a body naming a category the caller does not own is a 403
before anything is written. The official categories are made at registration (never by a
read). The write rules are the body domain's (``services/body/rules.py``).
"""

from __future__ import annotations

from wger_flask.models.body import (
    SOURCES,
    GalleryImage,
    Measurement,
    MeasurementCategory,
    WeightEntry,
)
from wger_flask.rest import owner_answers
from wger_flask.rest.filtering import (
    EXACT,
    GT,
    GTE,
    IN,
    LT,
    LTE,
    Filter,
    FilterSet,
    exact,
    parse_choice,
)
from wger_flask.rest.resources import CRUD, Resource, Upload
from wger_flask.rest.smorest import Blueprint
from wger_flask.schemas.body import (
    GalleryImageSchema,
    MeasurementCategorySchema,
    MeasurementSchema,
    WeightEntrySchema,
)
from wger_flask.services import body
from wger_flask.services.body.metrics import METRIC_TYPES

blp = Blueprint(
    "body",
    __name__,
    url_prefix="/api/v2",
    description="Body weight, measurements and their categories, progress photos",
)

COMPARE = (GT, GTE, LT, LTE)


WEIGHT_ENTRY = Resource(
    name="weightentry",
    model=WeightEntry,
    schema=WeightEntrySchema,
    summary="Your body weight entries (kg or lb, as your profile says), one per moment.",
    actions=CRUD,
    public=False,
    filters=FilterSet(
        {
            "id": exact(WeightEntry.id, "uuid", IN),
            "weight": exact(WeightEntry.weight, "decimal", *COMPARE),
            "date": exact(WeightEntry.date, "datetime", *COMPARE),
        }
    ),
    ordering_fields={"id": WeightEntry.id, "date": WeightEntry.date, "weight": WeightEntry.weight},
    default_ordering=(WeightEntry.date,),
    rules=body.RULES[WeightEntry],
).register(blp)
# a weight entry reads the user's readings, category and profile unit: all stamped
owner_answers.keep_answers_of("body.weightentry-list")
owner_answers.keep_answers_of("body.weightentry-detail")


# ------------------------------------------------------------------------------ categories


MEASUREMENT_CATEGORY = Resource(
    name="measurement-category",
    model=MeasurementCategory,
    schema=MeasurementCategorySchema,
    summary="What you measure: your own categories and the official typed ones (body "
    "weight, body fat, blood pressure, height) every user has.",
    actions=CRUD,
    public=False,
    filters=FilterSet(
        {
            "id": exact(MeasurementCategory.id, "uuid", IN),
            "name": exact(MeasurementCategory.name, "str"),
            "unit": exact(MeasurementCategory.unit, "str"),
            "metric_type": Filter(
                target=MeasurementCategory.metric_type,
                lookups=(EXACT, IN),
                parser=parse_choice(METRIC_TYPES),
            ),
            "is_official": exact(MeasurementCategory.is_official, "bool"),
            "parent": exact(MeasurementCategory.parent_id, "uuid"),
        }
    ),
    ordering_fields={
        "id": MeasurementCategory.id,
        "name": MeasurementCategory.name,
        "unit": MeasurementCategory.unit,
        "order": MeasurementCategory.order,
        "metric_type": MeasurementCategory.metric_type,
    },
    default_ordering=(MeasurementCategory.order, MeasurementCategory.name),
    rules=body.RULES[MeasurementCategory],
).register(blp)


# ------------------------------------------------------------------------------ measurements


MEASUREMENT = Resource(
    name="measurement",
    model=Measurement,
    schema=MeasurementSchema,
    summary="Your measurements: one reading in one of your categories each.",
    actions=CRUD,
    public=False,
    filters=FilterSet(
        {
            "id": exact(Measurement.id, "uuid", IN),
            "category": exact(Measurement.category_id, "uuid", IN),
            "date": exact(Measurement.date, "datetime", *COMPARE),
            "source": Filter(
                target=Measurement.source, lookups=(EXACT, IN), parser=parse_choice(SOURCES)
            ),
        }
    ),
    ordering_fields={
        "id": Measurement.id,
        "date": Measurement.date,
        "value": Measurement.value,
        "category": Measurement.category_id,
    },
    default_ordering=(Measurement.date.desc(),),
    rules=body.RULES[Measurement],
).register(blp)


# ------------------------------------------------------------------------------ gallery


GALLERY_UPLOAD = Upload(
    field="image",
    store=body.store_gallery_photo,
    rejected=body.PhotoRejected,
    apply=body.apply_gallery_photo,
    files_of=lambda row: [row.image],
    stored_names=lambda stored: [stored.name],
    remove=body.remove_files,
    description="JPEG, PNG or WebP",
)

GALLERY = Resource(
    name="gallery",
    model=GalleryImage,
    schema=GalleryImageSchema,
    summary="Your progress photos (JPEG, PNG or WebP, sent as multipart/form-data).",
    actions=CRUD,
    public=False,
    filters=FilterSet(
        {
            "id": exact(GalleryImage.id, "int"),
            "date": exact(GalleryImage.date, "date"),
            "description": exact(GalleryImage.description, "str"),
        }
    ),
    ordering_fields={"id": GalleryImage.id, "date": GalleryImage.date},
    default_ordering=(GalleryImage.date.desc(), GalleryImage.id.desc()),
    rules=body.RULES[GalleryImage],
    upload=GALLERY_UPLOAD,
).register(blp)
