"""Publishing without the owner's metadata: real JPEG, PNG and WebP files carrying GPS EXIF,
camera data, XMP, comments, text chunks and appended bytes come out without any of it, their
pixels identical and their orientation kept; videos with ``location`` and ``comment`` tags come
out remuxed without them, the same frames and rotation."""

from __future__ import annotations

import io
import struct

import av
import pytest
from PIL import Image, ImageCms, PngImagePlugin

from wger_flask.services.media import metadata

GPS = {1: "N", 2: (52.0, 31.0, 12.0), 3: "E", 4: (13.0, 24.0, 0.0)}
XMP = (
    b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF><rdf:Description '
    b'exif:GPSLatitude="52,31.2N" tiff:Make="SpyCam"/></rdf:RDF></x:xmpmeta>'
)
SECRETS = (b"SpyCam", b"Model X", b"SERIAL-123", b"GPSLatitude", b"my home", b"Jane Doe")


def camera_exif(orientation: int = 1) -> Image.Exif:
    exif = Image.Exif()
    exif[0x010F] = "SpyCam"  # Make
    exif[0x0110] = "Model X"  # Model
    exif[0x013B] = "Jane Doe"  # Artist
    exif[0x0112] = orientation
    exif[0x8825] = GPS  # the GPS IFD
    exif.get_ifd(0x8769)[0xA431] = "SERIAL-123"  # BodySerialNumber
    return exif


def photo(size=(64, 48)) -> Image.Image:
    """A picture whose every pixel differs (a lossy re-encoding could not hide)."""
    picture = Image.new("RGB", size)
    picture.putdata(
        [(x * 4 % 256, y * 5 % 256, (x * y) % 256) for y in range(size[1]) for x in range(size[0])]
    )
    return picture


def jpeg(orientation: int = 1, **options) -> bytes:
    buffer = io.BytesIO()
    srgb = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    photo().save(
        buffer,
        "JPEG",
        quality=80,
        exif=camera_exif(orientation).tobytes(),
        icc_profile=srgb,
        comment=b"my home",
        xmp=XMP,
        **options,
    )
    return buffer.getvalue()


def png(orientation: int = 1) -> bytes:
    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", "my home")
    info.add_itxt("XML:com.adobe.xmp", XMP.decode())
    buffer = io.BytesIO()
    photo().save(buffer, "PNG", pnginfo=info, exif=camera_exif(orientation).tobytes())
    return buffer.getvalue()


def webp(orientation: int = 1) -> bytes:
    buffer = io.BytesIO()
    photo().save(buffer, "WEBP", lossless=True, exif=camera_exif(orientation).tobytes(), xmp=XMP)
    return buffer.getvalue()


def decoded(data: bytes) -> Image.Image:
    picture = Image.open(io.BytesIO(data))
    picture.load()
    return picture


@pytest.mark.parametrize(
    ("make", "image_format"),
    [
        (jpeg, "JPEG"),
        (lambda orientation=1: jpeg(orientation, progressive=True), "JPEG"),
        (png, "PNG"),
        (webp, "WEBP"),
    ],
    ids=["jpeg", "progressive-jpeg", "png", "webp"],
)
@pytest.mark.parametrize("orientation", [1, 6])
def test_metadata_goes_pixels_and_orientation_stay(make, image_format, orientation):
    original = make(orientation)
    assert all(secret in original for secret in (b"SpyCam", b"GPSLatitude"))  # the test's premise
    assert decoded(original).getexif().get_ifd(0x8825)  # a GPS IFD is there

    cleaned = metadata.strip_image(original, image_format, orientation)

    assert not [secret for secret in SECRETS if secret in cleaned]
    picture, before = decoded(cleaned), decoded(original)
    assert picture.format == image_format and picture.size == before.size
    assert picture.tobytes() == before.tobytes()  # not one pixel changed
    exif = picture.getexif()
    assert exif.get_ifd(0x8825) == {} and 0x010F not in exif
    if orientation == 1:
        assert dict(exif) == {}
    else:
        assert dict(exif) == {0x0112: orientation}
    assert metadata.orientation_of(picture) == orientation
    assert not {"xmp", "comment", "Comment", "XML:com.adobe.xmp"} & set(picture.info)


def test_the_colour_profile_is_kept():
    original = jpeg()
    cleaned = metadata.strip_image(original, "JPEG")
    assert decoded(cleaned).info["icc_profile"] == decoded(original).info["icc_profile"]


def test_bytes_after_the_picture_are_dropped():
    original = jpeg() + b"PK\x03\x04 a hidden zip with my home address"
    cleaned = metadata.strip_image(original, "JPEG")
    assert cleaned.endswith(b"\xff\xd9") and b"hidden" not in cleaned
    png_with_tail = png() + b"my home"
    assert metadata.strip_image(png_with_tail, "PNG").endswith(b"IEND\xaeB`\x82")


def test_a_png_keeps_its_transparency_and_palette():
    picture = Image.new("P", (8, 8), 3)
    picture.putpalette([0, 0, 0, 255, 0, 0, 0, 255, 0, 0, 0, 255] * 64)
    buffer = io.BytesIO()
    picture.save(buffer, "PNG", transparency=3)
    cleaned = decoded(metadata.strip_image(buffer.getvalue(), "PNG"))
    assert cleaned.mode == "P" and cleaned.info["transparency"] == 3
    assert cleaned.tobytes() == picture.tobytes()


def test_a_cut_file_is_refused():
    with pytest.raises(metadata.MetadataError):
        metadata.strip_image(jpeg()[:-40], "JPEG")
    with pytest.raises(metadata.MetadataError):
        metadata.strip_image(png()[:-20], "PNG")
    with pytest.raises(metadata.MetadataError):
        metadata.strip_image(b"GIF89a", "GIF")


def test_a_broken_exif_block_is_no_orientation():
    data = bytearray(jpeg(6))
    start = data.index(b"Exif\x00\x00") + 6
    data[start : start + 4] = b"XXXX"  # not a TIFF header any more
    assert metadata.orientation_of(decoded(bytes(data))) == 1


# ------------------------------------------------------------------------------ videos


def tagged_clip(container: str, codec: str, rotation: int = 0) -> bytes:
    buffer = io.BytesIO()
    with av.open(buffer, "w", format=container) as output:
        output.metadata.update(
            {"location": "+52.5200+013.4050/", "comment": "my home", "title": "Jane Doe"}
        )
        stream = output.add_stream(codec, rate=10)
        stream.width, stream.height, stream.pix_fmt = 64, 48, "yuv420p"
        stream.metadata["comment"] = "SpyCam"
        if rotation:
            stream.set_display_rotation(rotation)
        audio = output.add_stream("aac" if container == "mp4" else "libopus", rate=48000)
        for number in range(10):
            frame = av.VideoFrame.from_image(photo().resize((64, 48)).rotate(number * 9))
            for packet in stream.encode(frame):
                output.mux(packet)
        for packet in stream.encode():
            output.mux(packet)
        silence = av.AudioFrame(format="fltp", layout="stereo", samples=960)
        for plane in silence.planes:
            plane.update(bytes(plane.buffer_size))
        silence.sample_rate = 48000
        for packet in audio.encode(silence):
            output.mux(packet)
        for packet in audio.encode():
            output.mux(packet)
    return buffer.getvalue()


def packets_of(data: bytes, kind: str) -> list[bytes]:
    with av.open(io.BytesIO(data)) as container:
        stream = next(s for s in container.streams if s.type == kind)
        return [bytes(packet) for packet in container.demux(stream) if packet.size]


@pytest.mark.parametrize(("container", "codec"), [("mp4", "libx264"), ("webm", "libvpx-vp9")])
def test_a_video_is_remuxed_without_its_tags(container, codec):
    original = tagged_clip(container, codec, rotation=90)
    with av.open(io.BytesIO(original)) as reading:  # the test's premise
        assert reading.metadata.get("location") or reading.metadata.get("LOCATION")

    target = io.BytesIO()
    metadata.remux_video(io.BytesIO(original), target, container)
    cleaned = target.getvalue()

    assert b"my home" not in cleaned and b"Jane Doe" not in cleaned and b"SpyCam" not in cleaned
    with av.open(io.BytesIO(cleaned)) as reading:
        tags = {key.lower() for key in reading.metadata}
        assert not tags & {"location", "location-eng", "comment", "title"}
        assert all("comment" not in {k.lower() for k in s.metadata} for s in reading.streams)
        assert sorted(stream.type for stream in reading.streams) == ["audio", "video"]
        assert next(reading.decode(video=0)).rotation == 90
    for kind in ("video", "audio"):  # the same coded data: nothing re-encoded
        assert packets_of(cleaned, kind) == packets_of(original, kind)


def test_the_orientation_payload_is_a_tiff_with_one_tag():
    payload = metadata._orientation_tiff(6)
    assert payload[:4] in (b"II*\x00", b"MM\x00*")
    endian = "<" if payload[:2] == b"II" else ">"
    (offset,) = struct.unpack(endian + "I", payload[4:8])
    (count,) = struct.unpack(endian + "H", payload[offset : offset + 2])
    assert count == 1
