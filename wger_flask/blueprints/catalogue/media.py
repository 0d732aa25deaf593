"""Exercise images and videos: multipart uploads verified by decoding, the image's thumbnails
(``exerciseimage/{id}/thumbnails/``), ``is_main`` kept unique per exercise, files removed with
their rows. Storage is the shared media layer (``services.media``), through
``services.catalogue.images``: a file is stored before its row's commit and removed again if
the commit fails; a replaced or deleted file is removed after the commit.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

from flask import request
from marshmallow import ValidationError as MarshmallowValidationError
from sqlalchemy import select, update

from wger_flask.blueprints.catalogue import contributions
from wger_flask.blueprints.catalogue.caching import CachedResource
from wger_flask.database import db
from wger_flask.models.catalogue import ExerciseImage, ExerciseVideo
from wger_flask.rest import negotiation
from wger_flask.rest.errors import ValidationFailed
from wger_flask.rest.requests import json_body
from wger_flask.rest.resources import Resource, commit
from wger_flask.rest.smorest import OPTIONAL_AUTH, Blueprint, schema_name, set_doc
from wger_flask.schemas.catalogue import absolute_url
from wger_flask.services.catalogue import images

FILE_DESCRIPTIONS = {
    "image": "JPEG, PNG or WebP (verified by decoding; not animated)",
    "video": "MP4 (H.264, H.265, AV1, MPEG-4) or WebM (VP8, VP9, AV1), verified by decoding",
}
# room for the form's other fields and the multipart framing around the file
FORM_OVERHEAD = 1024 * 1024


@dataclasses.dataclass(eq=False)
class MediaResource(CachedResource):
    """A catalogue resource whose rows own an uploaded file (multipart, field ``file_field``)."""

    file_field: str = "image"
    store: Callable[[Any], Any] | None = None
    apply: Callable[[Any, Any], None] | None = None
    files_of: Callable[[Any], list[str]] | None = None
    max_request_bytes: int | None = None

    def register(self, blueprint: Blueprint) -> MediaResource:
        """The generic routes, documented with the multipart body these writes take."""
        super().register(blueprint)
        component = schema_name(self.schema)
        for endpoint, method, partial in (
            (f"{self.name}-list", "post", False),
            (f"{self.name}-detail", "put", False),
            (f"{self.name}-detail", "patch", True),
        ):
            manual = blueprint._docs[endpoint][method]["manual_doc"]
            upload = {
                "type": "object",
                "properties": {
                    self.file_field: {
                        "type": "string",
                        "format": "binary",
                        "description": FILE_DESCRIPTIONS.get(self.file_field, ""),
                    }
                },
                "required": [] if partial else [self.file_field],
            }
            multipart = {
                "schema": {"allOf": [{"$ref": f"#/components/schemas/{component}"}, upload]}
            }
            manual["requestBody"]["content"] = {
                "multipart/form-data": multipart,
                **manual["requestBody"]["content"],
            }
        return self

    def read_body(self, partial: bool) -> tuple[dict[str, Any], Any]:
        if self.max_request_bytes is not None:
            request.max_content_length = self.max_request_bytes
        if request.mimetype == "multipart/form-data":
            body: dict[str, Any] = request.form.to_dict()
            upload = request.files.get(self.file_field)
        else:
            body, upload = json_body(), None
        schema = self.patch_schema if partial else self.create_schema
        try:
            data = schema.load(body)
        except MarshmallowValidationError as error:
            raise ValidationFailed(error.normalized_messages()) from None
        if upload is None and not partial:
            raise ValidationFailed({self.file_field: ["No file was submitted."]})
        return data, upload

    def stored_upload(self, upload: Any) -> Any:
        try:
            return self.store(upload.stream)
        except images.UploadRejected as error:
            raise ValidationFailed({self.file_field: [str(error)]}) from None

    def create_response(self) -> Any:
        user = self.authorize_write()
        data, upload = self.read_body(partial=False)
        stored = self.stored_upload(upload)
        obj = self.model()
        try:
            self.apply(obj, stored)
            self.save(obj, data, user, creating=True)
        except BaseException:
            images.remove(stored_files(stored))
            raise
        return negotiation.render(self.dump(self.reread(obj)), 201)

    def update_response(self, pk: str, partial: bool) -> Any:
        user = self.authorize_write()
        obj = self.get_object_for_write(pk, user)
        data, upload = self.read_body(partial=partial)
        old_files: list[str] = []
        stored = None
        if upload is not None:
            stored = self.stored_upload(upload)
            old_files = self.files_of(obj)
            self.apply(obj, stored)
        try:
            self.save(obj, data, user, creating=False)
        except BaseException:
            if stored is not None:
                images.remove(stored_files(stored))
            raise
        images.remove(old_files)
        return negotiation.render(self.dump(self.reread(obj)))

    def destroy_response(self, pk: str) -> Any:
        user = self.authorize_write()
        obj = self.get_object_for_write(pk, user)
        files = self.files_of(obj)
        if self.before_delete is not None:
            self.before_delete(obj, user)
        db.session.delete(obj)
        commit()
        images.remove(files)
        return negotiation.render(None, 204)


def stored_files(stored: Any) -> list[str]:
    if isinstance(stored, images.StoredImage):
        return stored.names()
    return [stored.name]


def save_media(obj: Any, data: dict[str, Any], user: Any, creating: bool) -> None:
    keep_one_main(obj)
    contributions.note_save(obj, user)


def delete_media(obj: Any, user: Any) -> None:
    promote_next_main(obj)
    contributions.delete_media(obj, user)


# ------------------------------------------------------------------------------ files


def apply_image(obj: ExerciseImage, stored: images.StoredImage) -> None:
    obj.image = stored.name
    obj.width = stored.width
    obj.height = stored.height
    obj.thumbnail_small = stored.thumbnails["small"]
    obj.thumbnail_medium = stored.thumbnails["medium"]


def image_files(obj: ExerciseImage) -> list[str]:
    return [obj.image, obj.thumbnail_small, obj.thumbnail_medium]


def apply_video(obj: ExerciseVideo, stored: images.StoredVideo) -> None:
    obj.video = stored.name
    obj.size = stored.size
    obj.duration = stored.duration
    obj.width = stored.width
    obj.height = stored.height
    obj.codec = stored.codec
    obj.codec_long = stored.codec_long


def video_files(obj: ExerciseVideo) -> list[str]:
    return [obj.video]


# ------------------------------------------------------------------------------ is_main


def keep_one_main(obj: Any) -> None:
    """``is_main`` unique per exercise: a new main one demotes the others; an exercise's only
    (or first) file is its main one, as upstream."""
    model = type(obj)
    db.session.add(obj)
    db.session.flush()
    others = (model.exercise_id == obj.exercise_id) & (model.id != obj.id)
    if obj.is_main:
        db.session.execute(
            update(model)
            .where(others, model.is_main.is_(True))
            .values(is_main=False)
            .execution_options(synchronize_session=False)
        )
    elif (
        db.session.execute(select(model.id).where(others, model.is_main.is_(True)).limit(1)).first()
        is None
    ):
        obj.is_main = True


def promote_next_main(obj: Any) -> None:
    """Deleting the main file makes the exercise's oldest other one main."""
    if not obj.is_main:
        return
    model = type(obj)
    successor = db.session.execute(
        select(model.id)
        .where(model.exercise_id == obj.exercise_id, model.id != obj.id)
        .order_by(model.id)
        .limit(1)
    ).scalar_one_or_none()
    if successor is not None:
        db.session.execute(
            update(model)
            .where(model.id == successor)
            .values(is_main=True)
            .execution_options(synchronize_session=False)
        )


# ------------------------------------------------------------------------------ thumbnails


def thumbnails_of(image: Any) -> dict[str, Any]:
    """upstream's ``exerciseimage/{id}/thumbnails/``: each size's URL and box, and the
    original (an image without thumbnails shows the original for each)."""
    original = absolute_url("media/" + image.image)
    body: dict[str, Any] = {}
    for alias, size in images.THUMBNAIL_SIZES.items():
        name = getattr(image, f"thumbnail_{alias}", "")
        body[alias] = {
            "url": absolute_url("media/" + name) if name else original,
            "settings": {"size": list(size)},
        }
    body["original"] = original
    return body


THUMBNAIL_ALIAS_SCHEMA = {
    "type": "object",
    "properties": {
        "url": {"type": "string", "format": "uri"},
        "settings": {"type": "object", "additionalProperties": {}},
    },
    "required": ["settings", "url"],
}


def register_thumbnails(blp: Blueprint, resource: Resource) -> None:
    def thumbnails(id: str) -> Any:
        user = resource.authorize_read()
        image = resource.read_object(id, user)
        return negotiation.render(thumbnails_of(image), etag=True)

    set_doc(
        thumbnails,
        {
            "operationId": "exerciseimage_thumbnails_retrieve",
            "description": "The image's thumbnails (made once, at upload), one per size, plus "
            "the original.",
            "tags": ["exerciseimage"],
            "parameters": [
                {
                    "in": "path",
                    "name": "id",
                    "schema": {"type": "integer"},
                    "required": True,
                    "description": "A unique integer value identifying this exercise image.",
                }
            ],
            "responses": {
                "200": {
                    "description": "The thumbnails",
                    "content": {
                        "application/json": {
                            "schema": {
                                "type": "object",
                                "properties": {
                                    **{
                                        alias: THUMBNAIL_ALIAS_SCHEMA
                                        for alias in images.THUMBNAIL_SIZES
                                    },
                                    "original": {"type": "string", "format": "uri"},
                                },
                                "required": [*images.THUMBNAIL_SIZES, "original"],
                            }
                        }
                    },
                },
                "404": {"description": "No such image"},
            },
            "security": OPTIONAL_AUTH,
        },
    )
    blp.add_url_rule(
        "/exerciseimage/<id>/thumbnails/", "exerciseimage_thumbnails", thumbnails, methods=["GET"]
    )
