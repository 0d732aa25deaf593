"""Exercise images and videos: their uploads (the ``Upload`` option: multipart, verified by
decoding) and the image's thumbnails (``exerciseimage/{id}/thumbnails/``). Storage is the
shared media layer (``services.media``), through ``services.catalogue.images``: a file is stored
before its row's commit and removed again if the commit fails; a replaced or deleted file is
removed after the commit. ``is_main`` and the author history are the catalogue's write rules.
"""

from __future__ import annotations

from typing import Any

from wger_flask.rest import negotiation
from wger_flask.rest.resources import Resource, Upload
from wger_flask.rest.smorest import OPTIONAL_AUTH, Blueprint, set_doc
from wger_flask.schemas.catalogue import absolute_url
from wger_flask.services.catalogue import images

# room for the form's other fields and the multipart framing around the file
FORM_OVERHEAD = 1024 * 1024


def upload(
    field: str, store: Any, apply: Any, files_of: Any, description: str, **options: Any
) -> Upload:
    """A catalogue file upload: multipart (or JSON without a file), verified by decoding."""
    return Upload(
        field=field,
        store=lambda stream, user: store(stream),
        rejected=images.UploadRejected,
        apply=apply,
        files_of=files_of,
        stored_names=images.stored_names,
        remove=images.remove,
        json=True,
        description=description,
        **options,
    )


IMAGE_UPLOAD = upload(
    "image",
    images.store_image,
    images.apply_image,
    images.image_files,
    "JPEG, PNG or WebP (verified by decoding; not animated)",
)
VIDEO_UPLOAD = upload(
    "video",
    images.store_video,
    images.apply_video,
    images.video_files,
    "MP4 (H.264, H.265, AV1, MPEG-4) or WebM (VP8, VP9, AV1), verified by decoding",
    max_request_bytes=images.MAX_VIDEO_BYTES + FORM_OVERHEAD,
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
