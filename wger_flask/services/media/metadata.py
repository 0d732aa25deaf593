"""Publishing a file without what its owner's camera or phone wrote about them: where it was
taken (EXIF GPS, a video's ``location``), with what (camera make, model, serial numbers), by
whom (artist, copyright notes, XMP, IPTC), comments, embedded thumbnails and anything appended
after the picture, while the picture itself stays exactly as uploaded.

Images are cleaned **losslessly**, at the level of the file's own blocks: the compressed
picture data is copied byte for byte (no re-encoding, so not one pixel changes) and only the
blocks that carry colour (ICC profile, Adobe colour transform, PNG gamma and friends) are kept
beside it. The orientation survives as the one EXIF tag written back (``Orientation``), so the
picture shows the way up it was taken.

- JPEG: keeps SOI, JFIF ``APP0``, ``ICC_PROFILE`` ``APP2``, Adobe ``APP14`` and every coding
  segment (tables, frame, scans, restart markers) up to EOI; drops every other ``APPn``
  (EXIF/XMP ``APP1``, MPF, Photoshop/IPTC ``APP13``, ...), comments and whatever follows EOI.
- PNG: keeps the critical chunks and the colour ones (``tRNS``, ``gAMA``, ``cHRM``, ``sRGB``,
  ``iCCP``, ``sBIT``, ``pHYs``, ``bKGD``); drops text (``tEXt``, ``zTXt``, ``iTXt``),
  ``eXIf``, ``tIME`` and every other chunk, and anything after ``IEND``.
- WebP: keeps ``VP8X`` (its flags corrected), ``ICCP``, ``ALPH``, ``VP8``, ``VP8L``; drops
  ``EXIF``, ``XMP `` and unknown chunks.

Videos are **remuxed, not re-encoded**: their video and audio packets are copied into a new
container of the same format with no container or stream tags (``location``, ``comment``,
``title``, creation time, ...), no chapters and no data or subtitle streams (a GPS track is
one); the codec parameters travel with the streams, the display rotation included.

May import: the standard library, Pillow and PyAV.
"""

from __future__ import annotations

import struct
import zlib
from typing import IO, TYPE_CHECKING

if TYPE_CHECKING:  # both are loaded by the functions that use them (test_lazy_imports.py)
    from PIL import Image

ORIENTATION = 0x0112
_UPRIGHT = 1


class MetadataError(ValueError):
    """The file's structure is not what its decoder accepted (never expected after a full
    decode); the caller refuses the upload."""


def orientation_of(picture: Image.Image) -> int:
    """The EXIF orientation of a decoded picture (1, upright, when there is none)."""
    try:
        value = picture.getexif().get(ORIENTATION, _UPRIGHT)
    except Exception:  # a broken EXIF block is no orientation
        return _UPRIGHT
    return value if isinstance(value, int) and 1 <= value <= 8 else _UPRIGHT


def _orientation_tiff(orientation: int) -> bytes:
    """A TIFF header with one IFD holding only ``Orientation`` (EXIF's payload)."""
    from PIL import Image

    exif = Image.Exif()
    exif[ORIENTATION] = orientation
    payload = exif.tobytes()
    return payload[6:] if payload.startswith(b"Exif\x00\x00") else payload


def strip_image(data: bytes, image_format: str, orientation: int = _UPRIGHT) -> bytes:
    """``data`` (a JPEG, PNG or WebP as Pillow named its format) without metadata, the
    compressed picture untouched; ``orientation`` other than 1 is written back as the only
    EXIF tag."""
    keep_orientation = orientation if orientation != _UPRIGHT else None
    if image_format == "JPEG":
        return _strip_jpeg(data, keep_orientation)
    if image_format == "PNG":
        return _strip_png(data, keep_orientation)
    if image_format == "WEBP":
        return _strip_webp(data, keep_orientation)
    raise MetadataError(f"No metadata stripping for {image_format}.")


# ------------------------------------------------------------------------------ JPEG

_SOI, _EOI, _SOS = 0xD8, 0xD9, 0xDA
_STANDALONE = {0x01, *range(0xD0, 0xD8)}  # TEM and the restart markers carry no length
_APP0, _APP2, _APP14, _COM = 0xE0, 0xE2, 0xEE, 0xFE


def _keep_jpeg_segment(marker: int, payload: bytes) -> bool:
    if marker == _COM:
        return False
    if 0xE0 <= marker <= 0xEF:
        if marker == _APP0:
            return payload.startswith(b"JFIF\x00")  # not JFXX (a thumbnail)
        if marker == _APP2:
            return payload.startswith(b"ICC_PROFILE\x00")
        if marker == _APP14:
            return payload.startswith(b"Adobe")
        return False
    return True


def _strip_jpeg(data: bytes, orientation: int | None) -> bytes:
    if not data.startswith(b"\xff\xd8"):
        raise MetadataError("Not a JPEG file.")
    out = [b"\xff\xd8"]
    exif_written = orientation is None
    position = 2
    size = len(data)
    while position < size:
        if data[position] != 0xFF:
            raise MetadataError("A JPEG segment does not start with a marker.")
        while position < size and data[position] == 0xFF:  # fill bytes
            position += 1
        if position >= size:
            break
        marker = data[position]
        position += 1
        if marker == _EOI:
            out.append(b"\xff\xd9")
            return b"".join(out)
        if marker in _STANDALONE:
            out.append(bytes((0xFF, marker)))
            continue
        if position + 2 > size:
            raise MetadataError("A JPEG segment is cut short.")
        (length,) = struct.unpack(">H", data[position : position + 2])
        end = position + length
        if length < 2 or end > size:
            raise MetadataError("A JPEG segment is cut short.")
        payload = data[position + 2 : end]
        if not exif_written and marker != _APP0:
            # after JFIF's APP0 (which must come first) and before anything else
            tiff = b"Exif\x00\x00" + _orientation_tiff(orientation or _UPRIGHT)
            out.append(b"\xff\xe1" + struct.pack(">H", len(tiff) + 2) + tiff)
            exif_written = True
        if _keep_jpeg_segment(marker, payload):
            out.append(data[position - 2 : end])
        position = end
        if marker == _SOS:
            position = _copy_entropy_data(data, position, out)
    raise MetadataError("The JPEG file has no end marker.")


def _copy_entropy_data(data: bytes, position: int, out: list[bytes]) -> int:
    """Copy a scan's coded data (0xFF is followed by a stuffed 0x00 or a restart marker in
    it); the position of the marker that ends it."""
    start = position
    while True:
        found = data.find(b"\xff", position)
        if found < 0 or found + 1 >= len(data):
            raise MetadataError("The JPEG scan has no end.")
        follower = data[found + 1]
        if follower == 0x00 or 0xD0 <= follower <= 0xD7:
            position = found + 2
            continue
        if follower == 0xFF:  # a fill byte before a marker
            position = found + 1
            continue
        out.append(data[start:found])
        return found


# ------------------------------------------------------------------------------ PNG

_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_PNG_KEEP = {
    b"IHDR",
    b"PLTE",
    b"IDAT",
    b"IEND",
    b"tRNS",
    b"gAMA",
    b"cHRM",
    b"sRGB",
    b"iCCP",
    b"sBIT",
    b"pHYs",
    b"bKGD",
}


def _png_chunk(kind: bytes, payload: bytes) -> bytes:
    crc = zlib.crc32(kind + payload) & 0xFFFFFFFF
    return struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", crc)


def _strip_png(data: bytes, orientation: int | None) -> bytes:
    if not data.startswith(_PNG_SIGNATURE):
        raise MetadataError("Not a PNG file.")
    out = [_PNG_SIGNATURE]
    position = len(_PNG_SIGNATURE)
    while position + 8 <= len(data):
        (length,) = struct.unpack(">I", data[position : position + 4])
        kind = data[position + 4 : position + 8]
        end = position + 12 + length
        if end > len(data):
            raise MetadataError("A PNG chunk is cut short.")
        if kind in _PNG_KEEP:
            out.append(data[position:end])
        if kind == b"IHDR" and orientation is not None:
            out.append(_png_chunk(b"eXIf", _orientation_tiff(orientation)))
        position = end
        if kind == b"IEND":
            return b"".join(out)
    raise MetadataError("The PNG file has no end chunk.")


# ------------------------------------------------------------------------------ WebP

_WEBP_KEEP = {b"VP8X", b"ICCP", b"ALPH", b"VP8 ", b"VP8L"}
_VP8X_EXIF, _VP8X_XMP = 0x08, 0x04


def _riff_chunk(kind: bytes, payload: bytes) -> bytes:
    return kind + struct.pack("<I", len(payload)) + payload + (b"\x00" if len(payload) % 2 else b"")


def _strip_webp(data: bytes, orientation: int | None) -> bytes:
    if len(data) < 12 or data[:4] != b"RIFF" or data[8:12] != b"WEBP":
        raise MetadataError("Not a WebP file.")
    (riff_size,) = struct.unpack("<I", data[4:8])
    end_of_file = min(len(data), 8 + riff_size)
    chunks: list[bytes] = []
    extended = False
    position = 12
    while position + 8 <= end_of_file:
        kind = data[position : position + 4]
        (length,) = struct.unpack("<I", data[position + 4 : position + 8])
        end = position + 8 + length + (length % 2)
        if position + 8 + length > end_of_file:
            raise MetadataError("A WebP chunk is cut short.")
        payload = data[position + 8 : position + 8 + length]
        if kind == b"VP8X":
            extended = True
            flags = payload[0] & ~(_VP8X_EXIF | _VP8X_XMP)
            if orientation is not None:
                flags |= _VP8X_EXIF
            payload = bytes((flags,)) + payload[1:]
        if kind in _WEBP_KEEP:
            chunks.append(_riff_chunk(kind, payload))
        position = end
    if orientation is not None and extended:  # (a simple file holds no EXIF at all)
        chunks.append(_riff_chunk(b"EXIF", _orientation_tiff(orientation)))
    body = b"WEBP" + b"".join(chunks)
    return b"RIFF" + struct.pack("<I", len(body)) + body


# ------------------------------------------------------------------------------ videos


def remux_video(source: IO[bytes], target: IO[bytes], container_format: str) -> None:
    """Copy the video and audio packets of ``source`` into ``target`` (``mp4`` or ``webm``)
    with no tags, chapters or other streams; nothing is re-encoded."""
    import av

    source.seek(0)
    with (
        av.open(source, mode="r", metadata_errors="ignore") as reading,
        av.open(target, mode="w", format=container_format) as writing,
    ):
        copies = {}
        for stream in reading.streams:
            if stream.type in ("video", "audio"):
                copy = writing.add_stream_from_template(stream)
                copy.metadata.clear()
                copies[stream.index] = copy
        for packet in reading.demux(*(reading.streams[index] for index in copies)):
            if packet.dts is None:  # the flush packet of a stream
                continue
            packet.stream = copies[packet.stream.index]
            writing.mux(packet)
