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

from dataclasses import dataclass
from typing import IO, TYPE_CHECKING

from wger_flask.services import media

if TYPE_CHECKING:
    from PIL import Image

JPEG_QUALITY = 90


# The gallery's name for a refused upload (the shared one of the media layer).
PhotoRejected = media.UploadRejected


@dataclass(frozen=True)
class StoredPhoto:
    name: str
    width: int
    height: int


def store_photo(stream: IO[bytes], folder: str, max_bytes: int, max_pixels: int) -> StoredPhoto:
    """Verify, clean and store an uploaded photo in ``folder``; ``PhotoRejected`` otherwise."""
    media.check_size(stream, max_bytes)
    picture = media.decode_image(stream, max_pixels)
    try:
        extension = media.IMAGE_FORMATS[picture.format or ""]
        cleaned = clean(picture)
        name = media.storage().save(
            folder, extension, lambda handle: encode(cleaned, extension, handle)
        )
        return StoredPhoto(name=name, width=cleaned.width, height=cleaned.height)
    finally:
        picture.close()


def clean(picture: Image.Image) -> Image.Image:
    """The picture upright, in a mode its format stores, with no metadata attached."""
    from PIL import ImageOps

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
