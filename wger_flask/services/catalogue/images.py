"""Exercise images and videos: verify an upload by decoding it, make an image's thumbnails
once, store everything through the shared media layer (``services.media``).

Images: accepted only if Pillow decodes them completely as JPEG, PNG or WebP (the name and
declared type are ignored), still (not animated), within the uploads' limits the gallery uses
too (``UPLOAD_MAX_BYTES``, 20 MB by default as upstream; ``UPLOAD_MAX_PIXELS``). The original
is published without its metadata (EXIF with GPS and camera, XMP, IPTC, comments: see
``services.media.metadata``) but with its picture data byte for byte and its orientation, so
the license names the file everyone gets; the two thumbnails upstream documents, ``small`` (within 200×200) and ``medium`` (within
400×400), are made at upload and stored beside it, never per request.

Videos: accepted only if PyAV (FFmpeg's libraries) opens them as MP4 (H.264, H.265, AV1 or
MPEG-4 video) or WebM (VP8, VP9 or AV1), with a video stream whose first frame decodes, at
most 100 MB (upstream's limit) and ``MAX_VIDEO_SECONDS`` long. The stored file is the upload
remuxed (not re-encoded) without container or stream tags (``location``, ``comment``, ...),
chapters or data streams. Duration, width, height and codec are read from the upload, the size
from the stored file.

May import: services.media (the storage), Flask's app config, Pillow and PyAV; the last two
only inside the functions that decode, so a worker that never receives an upload does not load
them (``tests/unit/architecture/test_lazy_imports.py``).
"""

from __future__ import annotations

import dataclasses
import decimal
import functools
import io
from typing import IO, TYPE_CHECKING, Any

from flask import current_app

from wger_flask.services import media

if TYPE_CHECKING:
    from av.container import InputContainer
    from av.video import VideoStream
    from PIL import Image

IMAGE_FOLDER = "exercise-images"
VIDEO_FOLDER = "exercise-videos"
MAX_VIDEO_BYTES = 100 * 1024 * 1024
MAX_VIDEO_SECONDS = 10 * 60
IMAGE_FORMATS = media.IMAGE_FORMATS
# upstream's THUMBNAIL_ALIASES that the API exposes: the box each thumbnail fits in
THUMBNAIL_SIZES = {"small": (200, 200), "medium": (400, 400)}
VIDEO_CODECS = {
    "mp4": {"h264", "hevc", "av1", "mpeg4"},
    "webm": {"vp8", "vp9", "av1"},
}


UploadRejected = media.UploadRejected


# ------------------------------------------------------------------------------ images


@dataclasses.dataclass(frozen=True)
class StoredImage:
    name: str
    width: int
    height: int
    thumbnails: dict[str, str]

    def names(self) -> list[str]:
        return [self.name, *self.thumbnails.values()]


def decode_image(stream: IO[bytes]) -> Image.Image:
    """The fully decoded still image within the uploads' pixel limit, or ``UploadRejected``."""
    return media.decode_image(stream, current_app.config["UPLOAD_MAX_PIXELS"], still=True)


def _thumbnail(picture: Image.Image, box: tuple[int, int]) -> Image.Image:
    from PIL import Image, ImageOps

    copy = ImageOps.exif_transpose(picture)
    copy.thumbnail(box, Image.Resampling.LANCZOS)
    # upright now, and nothing of the original's metadata is written (Pillow writes ``xmp``
    # from ``info``); only the colour profile is kept
    profile = picture.info.get("icc_profile")
    copy.info = {"icc_profile": profile} if profile else {}
    return copy


def _encode(picture: Image.Image, extension: str, handle: IO[bytes]) -> None:
    if extension == "jpg":
        if picture.mode not in ("RGB", "L"):
            picture = picture.convert("RGB")
        picture.save(handle, "JPEG", quality=85, optimize=True)
    elif extension == "png":
        picture.save(handle, "PNG", optimize=True)
    else:
        picture.save(handle, "WEBP", quality=85)


def store_image(stream: IO[bytes]) -> StoredImage:
    """Verify and store an upload with its thumbnails; ``UploadRejected`` otherwise. If
    storing fails half-way, what was stored is removed again."""
    media.check_size(stream, current_app.config["UPLOAD_MAX_BYTES"])
    picture = decode_image(stream)
    storage = media.storage()
    stored: list[str] = []
    try:
        image_format = picture.format
        assert image_format is not None  # decode_image opens only IMAGE_FORMATS: one is named
        extension = IMAGE_FORMATS[image_format]
        published = _without_metadata(stream, picture, image_format)
        original = storage.save(IMAGE_FOLDER, extension, lambda handle: handle.write(published))
        stored.append(original)
        thumbnails = {}
        for alias, box in THUMBNAIL_SIZES.items():
            small = _thumbnail(picture, box)
            name = storage.save(
                f"{IMAGE_FOLDER}/thumbnails",
                extension,
                functools.partial(_encode, small, extension),
            )
            stored.append(name)
            thumbnails[alias] = name
        return StoredImage(original, picture.width, picture.height, thumbnails)
    except BaseException:
        remove(stored)
        raise
    finally:
        picture.close()


def _without_metadata(stream: IO[bytes], picture: Image.Image, image_format: str) -> bytes:
    """The upload's bytes without metadata (its picture data and orientation kept), checked to
    decode to the same picture."""
    stream.seek(0)
    try:
        published = media.strip_image(stream.read(), image_format, media.orientation_of(picture))
        with decode_image(io.BytesIO(published)) as check:
            if check.size != picture.size or check.mode != picture.mode:
                raise media.MetadataError("The cleaned image differs from the upload.")
    except (media.MetadataError, UploadRejected):
        raise UploadRejected(
            "Upload a valid image. The file you uploaded is truncated or corrupted."
        ) from None
    return published


def remove(names: list[str]) -> None:
    """Delete stored files (missing ones are no error)."""
    storage = media.storage()
    for name in names:
        if name:
            storage.delete(name)


# ------------------------------------------------------------------------------ videos


@dataclasses.dataclass(frozen=True)
class StoredVideo:
    name: str
    size: int
    duration: decimal.Decimal
    width: int
    height: int
    codec: str
    codec_long: str


def probe_video(stream: IO[bytes]) -> tuple[str, dict[str, Any]]:
    """(extension, facts) of a verified video upload, or ``UploadRejected``."""
    stream.seek(0)
    invalid = UploadRejected(
        "Upload a valid video: MP4 or WebM. The file you uploaded was either not a video or a "
        "corrupted one."
    )
    try:
        import av

        with av.open(stream, mode="r", metadata_errors="ignore") as container:
            names = set(container.format.name.split(","))
            if "mp4" in names:
                extension = "mp4"
            elif "webm" in names:
                extension = "webm"
            else:
                raise invalid
            if not container.streams.video:
                raise UploadRejected("The file has no video stream.")
            video = container.streams.video[0]
            codec = video.codec_context.name
            if codec not in VIDEO_CODECS[extension]:
                raise UploadRejected(
                    f"Unsupported video codec {codec!r} for {extension.upper()}: use one of "
                    f"{', '.join(sorted(VIDEO_CODECS[extension]))}."
                )
            seconds = _duration(container, video)
            if seconds is None or seconds <= 0:
                raise invalid
            if seconds > MAX_VIDEO_SECONDS:
                raise UploadRejected(
                    f"The video is too long ({seconds:.0f} s): at most {MAX_VIDEO_SECONDS} s."
                )
            frame = next(container.decode(video), None)
            if frame is None:
                raise invalid
            facts = {
                "duration": decimal.Decimal(f"{seconds:.2f}"),
                "width": frame.width or video.codec_context.width,
                "height": frame.height or video.codec_context.height,
                "codec": codec[:30],
                "codec_long": (video.codec_context.codec.long_name or "")[:100],
            }
    except UploadRejected:
        raise
    except (_ffmpeg_error(), ValueError, OSError, StopIteration, EOFError):
        raise invalid from None
    return extension, facts


def _ffmpeg_error() -> type[Exception]:
    import av

    return av.FFmpegError


def _duration(container: InputContainer, video: VideoStream) -> float | None:
    import av

    if container.duration:
        return float(container.duration / av.time_base)
    if video.duration and video.time_base:
        return float(video.duration * video.time_base)
    return None


def store_video(stream: IO[bytes]) -> StoredVideo:
    media.check_size(stream, MAX_VIDEO_BYTES)
    extension, facts = probe_video(stream)
    storage = media.storage()
    try:
        name = storage.save(
            VIDEO_FOLDER, extension, lambda handle: media.remux_video(stream, handle, extension)
        )
    except (_ffmpeg_error(), ValueError, OSError):
        raise UploadRejected(
            "Upload a valid video: MP4 or WebM. The file you uploaded was either not a video or "
            "a corrupted one."
        ) from None
    stored = storage.stat(name)
    if stored is None:  # written a moment ago: only a storage failure takes it away
        raise OSError(f"the stored video {name!r} is not readable back")
    return StoredVideo(name=name, size=stored.size, **facts)


# ------------------------------------------------------------------------------ rows and files


def apply_image(row: Any, stored: StoredImage) -> None:
    """An image row's file columns, from a stored upload."""
    row.image = stored.name
    row.width = stored.width
    row.height = stored.height
    row.thumbnail_small = stored.thumbnails["small"]
    row.thumbnail_medium = stored.thumbnails["medium"]


def image_files(row: Any) -> list[str]:
    return [row.image, row.thumbnail_small, row.thumbnail_medium]


def apply_video(row: Any, stored: StoredVideo) -> None:
    """A video row's file columns, from a stored upload."""
    row.video = stored.name
    row.size = stored.size
    row.duration = stored.duration
    row.width = stored.width
    row.height = stored.height
    row.codec = stored.codec
    row.codec_long = stored.codec_long


def video_files(row: Any) -> list[str]:
    return [row.video]


def stored_names(stored: StoredImage | StoredVideo) -> list[str]:
    """Every file a store made (an image's thumbnails too)."""
    if isinstance(stored, StoredImage):
        return stored.names()
    return [stored.name]
