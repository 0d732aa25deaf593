"""Progress photos: verify an upload by decoding it, strip its metadata, store it.

An upload is accepted only if Pillow decodes it as JPEG, PNG or WebP (its name and declared
type are ignored), it is within the size and pixel limits, and it decodes completely. It is
then re-encoded without any metadata (EXIF, GPS, XMP, comments), after applying its EXIF
orientation so the stored photo still shows upright; the re-encoding also drops anything
appended to or hidden in the original file. The upload itself stays where Werkzeug spooled it
(a temporary file for anything over 500 kB): it is read by the decoder, never copied into
memory; the decoded pixels are the only full copy.
"""

from __future__ import annotations

import os
import warnings
from dataclasses import dataclass
from typing import IO

from PIL import Image, ImageOps, UnidentifiedImageError

from wger_flask.services import media

FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}
JPEG_QUALITY = 90


class PhotoRejected(ValueError):
    """The upload is not an acceptable photo; the message says why (for the ``image`` field)."""


@dataclass(frozen=True)
class StoredPhoto:
    name: str
    width: int
    height: int


def upload_size(stream: IO[bytes]) -> int:
    """The size of a seekable upload, without reading it."""
    position = stream.tell()
    stream.seek(0, os.SEEK_END)
    size = stream.tell()
    stream.seek(position)
    return size


def store_photo(stream: IO[bytes], folder: str, max_bytes: int, max_pixels: int) -> StoredPhoto:
    """Verify, clean and store an uploaded photo in ``folder``; ``PhotoRejected`` otherwise."""
    size = upload_size(stream)
    if size == 0:
        raise PhotoRejected("The submitted file is empty.")
    if size > max_bytes:
        raise PhotoRejected(f"The file is too large ({size} bytes): at most {max_bytes} bytes.")
    picture = decode(stream, max_pixels)
    try:
        extension = FORMATS[picture.format]
        cleaned = clean(picture)
        name = media.storage().save(
            folder, extension, lambda handle: encode(cleaned, extension, handle)
        )
        return StoredPhoto(name=name, width=cleaned.width, height=cleaned.height)
    finally:
        picture.close()


def decode(stream: IO[bytes], max_pixels: int) -> Image.Image:
    """Open and fully decode the upload as one of ``FORMATS``, within ``max_pixels``."""
    stream.seek(0)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            picture = Image.open(stream, formats=list(FORMATS))
            if picture.width * picture.height > max_pixels:
                picture.close()
                raise PhotoRejected(
                    f"The image is too large ({picture.width}x{picture.height} pixels): "
                    f"at most {max_pixels} pixels."
                )
            picture.load()
    except PhotoRejected:
        raise
    except (UnidentifiedImageError, Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise PhotoRejected(
            "Upload a valid image: JPEG, PNG or WebP. The file you uploaded was either not an "
            "image or a corrupted image."
        ) from None
    except (OSError, ValueError, SyntaxError, EOFError):
        raise PhotoRejected(
            "Upload a valid image. The file you uploaded is truncated or corrupted."
        ) from None
    return picture


def clean(picture: Image.Image) -> Image.Image:
    """The picture upright, in a mode its format stores, with no metadata attached."""
    # In place: without an orientation nothing is copied (the default returns a copy).
    ImageOps.exif_transpose(picture, in_place=True)
    upright = picture
    if picture.format == "JPEG" and upright.mode not in ("RGB", "L"):
        upright = upright.convert("RGB")
    elif upright.mode not in ("RGB", "RGBA", "L", "LA"):
        transparent = "A" in upright.getbands() or "transparency" in upright.info
        upright = upright.convert("RGBA" if transparent else "RGB")
    upright.info.clear()  # exif, xmp, icc, comments: nothing of the original is written
    upright.format = picture.format
    return upright


def encode(picture: Image.Image, extension: str, handle: IO[bytes]) -> None:
    if extension == "jpg":
        # no optimize/progressive: Pillow would buffer the whole encoded image for them
        picture.save(handle, "JPEG", quality=JPEG_QUALITY)
    elif extension == "png":
        picture.save(handle, "PNG", optimize=False)
    else:
        picture.save(handle, "WEBP", quality=JPEG_QUALITY)
