"""Checking an uploaded file before anything is stored: its size, read without reading the
file, and, for images, a complete decode by Pillow as JPEG, PNG or WebP (the name and declared
type are ignored) within a pixel limit checked from the header before decoding. Shared by the
gallery (``services.body``) and exercise images (``services.catalogue``).

May import: the standard library and Pillow (only when a file is checked: a worker that never
receives one does not load it).
"""

from __future__ import annotations

import os
import warnings
from typing import IO, TYPE_CHECKING

if TYPE_CHECKING:
    from PIL import Image

IMAGE_FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}


class UploadRejected(ValueError):
    """The upload is not acceptable; the message says why (for the file's field)."""


def upload_size(stream: IO[bytes]) -> int:
    """The size of a seekable upload, without reading it."""
    position = stream.tell()
    stream.seek(0, os.SEEK_END)
    size = stream.tell()
    stream.seek(position)
    return size


def check_size(stream: IO[bytes], limit: int) -> int:
    """The upload's size; ``UploadRejected`` when it is empty or over ``limit`` bytes."""
    size = upload_size(stream)
    if size == 0:
        raise UploadRejected("The submitted file is empty.")
    if size > limit:
        raise UploadRejected(f"The file is too large ({size} bytes): at most {limit} bytes.")
    return size


def decode_image(stream: IO[bytes], max_pixels: int, *, still: bool = False) -> Image.Image:
    """The upload fully decoded as one of ``IMAGE_FORMATS`` within ``max_pixels`` (and not
    animated when ``still``), or ``UploadRejected``. The caller closes the image."""
    from PIL import Image, UnidentifiedImageError

    stream.seek(0)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            picture = Image.open(stream, formats=list(IMAGE_FORMATS))
            if picture.width * picture.height > max_pixels:
                picture.close()
                raise UploadRejected(
                    f"The image is too large ({picture.width}x{picture.height} pixels): "
                    f"at most {max_pixels} pixels."
                )
            if still and getattr(picture, "is_animated", False):
                picture.close()
                raise UploadRejected("Animated images are not supported.")
            picture.load()
    except UploadRejected:
        raise
    except (UnidentifiedImageError, Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise UploadRejected(
            "Upload a valid image: JPEG, PNG or WebP. The file you uploaded was either not an "
            "image or a corrupted image."
        ) from None
    except (OSError, ValueError, SyntaxError, EOFError):
        raise UploadRejected(
            "Upload a valid image. The file you uploaded is truncated or corrupted."
        ) from None
    return picture
