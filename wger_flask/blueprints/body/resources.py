"""Body tracking: weight entries, measurement categories and measurements, gallery photos.

All user-owned: authentication required (401), lists hold the caller's rows only, another
user's row is a 404 on every method, a body naming a category the caller does not own is a 403
before anything is written. The official categories are created on first use (``scope``).
"""

from __future__ import annotations

from typing import Any

from flask import current_app, request
from marshmallow import ValidationError as MarshmallowValidationError
from sqlalchemy import inspect, select

from wger_flask.extensions import db
from wger_flask.models.body import (
    CUSTOM,
    SOURCES,
    GalleryImage,
    Measurement,
    MeasurementCategory,
    WeightEntry,
)
from wger_flask.models.types import utcnow
from wger_flask.rest import negotiation
from wger_flask.rest.errors import APIError, ValidationFailed
from wger_flask.rest.filtering import (
    EXACT,
    GT,
    GTE,
    IN,
    LT,
    LTE,
    Filter,
    FilterSet,
    Ignore,
    exact,
    parse_choice,
)
from wger_flask.rest.permissions import check_parents
from wger_flask.rest.requests import json_body
from wger_flask.rest.resources import CRUD, Resource, commit, keep_client_id
from wger_flask.rest.smorest import Blueprint
from wger_flask.schemas.body import (
    GalleryImageSchema,
    MeasurementCategorySchema,
    MeasurementSchema,
    WeightEntrySchema,
)
from wger_flask.services.body import categories, gallery_folder
from wger_flask.services.body.metrics import DEFAULT_UNITS, METRIC_TYPES
from wger_flask.services.body.photos import PhotoRejected, store_photo
from wger_flask.services.media import storage

blp = Blueprint(
    "body",
    __name__,
    url_prefix="/api/v2",
    description="Body weight, measurements and their categories, progress photos",
)

COMPARE = (GT, GTE, LT, LTE)


def parse_flag(text: str) -> bool:
    """``True``/``False`` (the seed) and the lowercase the released clients send
    (``is_official=true``); anything else is ignored."""
    if text in ("True", "true"):
        return True
    if text in ("False", "false"):
        return False
    raise Ignore()


def previous_values(row: Any, names: tuple[str, ...]) -> dict[str, Any]:
    """The stored values of ``names`` before this request changed them."""
    state = inspect(row)
    before = {}
    for name in names:
        history = state.attrs[name].history
        before[name] = history.deleted[0] if history.deleted else getattr(row, name)
    return before


# ------------------------------------------------------------------------------ weight


def check_weight_entry(entry: WeightEntry, data: dict, user: Any, creating: bool) -> None:
    """One entry per user and moment: a duplicate names ``date`` (upstream: a 500)."""
    keep_client_id(entry, data, creating)
    if entry.date is None:
        entry.date = utcnow()
    clash = select(WeightEntry.id).where(
        WeightEntry.user_id == user.id, WeightEntry.date == entry.date, WeightEntry.id != entry.id
    )
    if db.session.execute(clash.limit(1)).first() is not None:
        raise ValidationFailed({"date": ["You already have a weight entry at this date and time."]})


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
            "weight": exact(WeightEntry.weight, "decimal"),
            "date": exact(WeightEntry.date, "datetime", *COMPARE),
        }
    ),
    ordering_fields={"id": WeightEntry.id, "date": WeightEntry.date, "weight": WeightEntry.weight},
    default_ordering=(WeightEntry.date,),
    before_save=check_weight_entry,
).register(blp)


# ------------------------------------------------------------------------------ categories


def with_official_categories(user: Any) -> None:
    """The official categories exist before anything of the user's is read or written; made
    on first use, they are committed at once (the only write of such a GET)."""
    if categories.ensure_official_categories(db.session, user.id):
        commit()


def own_categories(stmt: Any, user: Any) -> Any:
    with_official_categories(user)
    return stmt.where(MeasurementCategory.user_id == user.id)


CATEGORY_FIELDS = ("metric_type", "parent_id", "dynamic_type", "dynamic_params", "is_official")


def check_category(category: MeasurementCategory, data: dict, user: Any, creating: bool) -> None:
    """Typed categories are one per user and keep their type; groups build their components;
    official ones keep their shape; body weight is kept in kg or lb."""
    keep_client_id(category, data, creating)
    before = {} if creating else previous_values(category, CATEGORY_FIELDS)
    if creating:
        # first: a typed category of the user's must not take an official one's place
        categories.ensure_official_categories(db.session, user.id)
        category.metric_type = category.metric_type or CUSTOM
        if "unit" not in data:
            category.unit = DEFAULT_UNITS.get(category.metric_type, "")
    problems = categories.category_problems(db.session, category, data, before)
    if not problems and creating and category.metric_type != CUSTOM:
        taken = select(MeasurementCategory.id).where(
            MeasurementCategory.user_id == user.id,
            MeasurementCategory.metric_type == category.metric_type,
        )
        if db.session.execute(taken.limit(1)).first() is not None:
            problems["metric_type"] = [
                "You already have a category of this metric type: use it (one per type)."
            ]
    if problems:
        raise ValidationFailed(problems)
    if creating:
        db.session.add(category)
    categories.add_missing_components(db.session, category)


def refuse_official_delete(category: MeasurementCategory, user: Any) -> None:
    if category.is_official:
        raise APIError(403, "Official categories cannot be deleted.")


MEASUREMENT_CATEGORY = Resource(
    name="measurement-category",
    model=MeasurementCategory,
    schema=MeasurementCategorySchema,
    summary="What you measure: your own categories and the official typed ones (body "
    "weight, body fat, blood pressure, height) every user has.",
    actions=CRUD,
    public=False,
    scope=own_categories,
    parents={"parent": MeasurementCategory},
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
            "is_official": Filter(
                target=MeasurementCategory.is_official, kind="bool", parser=parse_flag
            ),
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
    before_save=check_category,
    before_delete=refuse_official_delete,
).register(blp)


# ------------------------------------------------------------------------------ measurements


def own_measurements(stmt: Any, user: Any) -> Any:
    with_official_categories(user)
    return stmt.join(Measurement.category).where(MeasurementCategory.user_id == user.id)


def check_measurement(reading: Measurement, data: dict, user: Any, creating: bool) -> None:
    """The reading fits its category (not a group, within the metric's range)."""
    keep_client_id(reading, data, creating)
    if reading.date is None:
        reading.date = utcnow()
    if creating and reading.source is None:
        reading.source = "user"
    category = db.session.get(MeasurementCategory, reading.category_id)
    problems = categories.reading_problems(category, reading.value, reading.extra_data)
    if problems:
        raise ValidationFailed(problems)


class MeasurementResource(Resource):
    """A create naming an ``external_id`` already imported into the category updates that
    reading instead of adding a second one (imports are repeated)."""

    def create_response(self) -> Any:
        user = self.authorize_write()
        check_parents(self.parents, json_body(), user.id)
        data = self.load_body(partial=False)
        existing = None
        if data.get("external_id") is not None:
            existing = db.session.execute(
                select(Measurement).where(
                    Measurement.category_id == data["category_id"],
                    Measurement.external_id == data["external_id"],
                )
            ).scalar_one_or_none()
        if existing is not None:
            data.pop("id", None)
            self.save(existing, data, user, creating=False)
            return negotiation.render(self.dump(self.reread(existing)), 201)
        obj = self.model()
        self.save(obj, data, user, creating=True)
        return negotiation.render(self.dump(self.reread(obj)), 201)


MEASUREMENT = MeasurementResource(
    name="measurement",
    model=Measurement,
    schema=MeasurementSchema,
    summary="Your measurements: one reading in one of your categories each.",
    actions=CRUD,
    public=False,
    scope=own_measurements,
    parents={"category": MeasurementCategory},
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
    before_save=check_measurement,
).register(blp)


# ------------------------------------------------------------------------------ gallery


class GalleryResource(Resource):
    """Photos come as multipart (``date``, ``image``, ``description``); JSON is a 415."""

    def multipart(self) -> tuple[dict[str, Any], Any]:
        if request.mimetype != "multipart/form-data":
            raise APIError(415, f'Unsupported media type "{request.mimetype}" in request.')
        fields = {key: request.form.get(key) for key in request.form}
        schema = self.patch_schema if request.method == "PATCH" else self.create_schema
        try:
            data = schema.load(fields)
        except MarshmallowValidationError as error:
            raise ValidationFailed(error.normalized_messages()) from None
        return data, request.files.get("image")

    def store(self, upload: Any, user: Any) -> Any:
        config = current_app.config
        try:
            return store_photo(
                upload.stream,
                gallery_folder(user.id),
                config["UPLOAD_MAX_BYTES"],
                config["UPLOAD_MAX_PIXELS"],
            )
        except PhotoRejected as error:
            raise ValidationFailed({"image": [str(error)]}) from None

    def save_with_photo(self, obj: Any, data: dict, upload: Any, user: Any, creating: bool) -> Any:
        replaced = None if creating else obj.image
        stored = self.store(upload, user) if upload is not None else None
        if stored is not None:
            data.update(image=stored.name, width=stored.width, height=stored.height)
        try:
            self.save(obj, data, user, creating=creating)
        except BaseException:
            if stored is not None:
                storage().delete(stored.name)  # the row was not written: neither is the file
            raise
        if stored is not None and replaced:
            storage().delete(replaced)
        return obj

    def create_response(self) -> Any:
        user = self.authorize_write()
        data, upload = self.multipart()
        if upload is None:
            raise ValidationFailed({"image": ["No file was submitted."]})
        obj = self.save_with_photo(self.model(), data, upload, user, creating=True)
        return negotiation.render(self.dump(self.reread(obj)), 201)

    def update_response(self, pk: str, partial: bool) -> Any:
        user = self.authorize_write()
        obj = self.get_object_for_write(pk, user)
        data, upload = self.multipart()
        if upload is None and not partial:
            raise ValidationFailed({"image": ["No file was submitted."]})
        self.save_with_photo(obj, data, upload, user, creating=False)
        return negotiation.render(self.dump(self.reread(obj)))

    def destroy_response(self, pk: str) -> Any:
        user = self.authorize_write()
        obj = self.get_object_for_write(pk, user)
        name = obj.image
        db.session.delete(obj)
        commit()
        storage().delete(name)  # after the commit: a failed delete keeps the file
        return negotiation.render(None, 204)


GALLERY = GalleryResource(
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
).register(blp)


def upload_body(required: list[str]) -> dict[str, Any]:
    """The multipart request body of a gallery write, for the OpenAPI document."""
    properties = {
        "date": {"type": "string", "format": "date"},
        "image": {"type": "string", "format": "binary", "description": "JPEG, PNG or WebP"},
        "description": {"type": "string", "maxLength": 1000},
    }
    schema = {"type": "object", "properties": properties}
    if required:
        schema["required"] = required
    return {"required": bool(required), "content": {"multipart/form-data": {"schema": schema}}}


# The generated documentation says JSON; a gallery write is multipart (flask-smorest keeps the
# manual docs of a blueprint per endpoint until the app registers it).
for endpoint, method, required in (
    ("gallery-list", "post", ["date", "image"]),
    ("gallery-detail", "put", ["date", "image"]),
    ("gallery-detail", "patch", []),
):
    operation = blp._docs[endpoint][method]["manual_doc"]
    operation["requestBody"] = upload_body(required)
    operation["responses"]["415"]["description"] = "The body is not multipart/form-data"
