"""Photo verification: decoded, never trusted by name; limits; metadata gone."""

import io

import pytest
from PIL import Image

from wger_flask.services.body.photos import PhotoRejected, store_photo
from wger_flask.services.media import LocalStorage
from wger_flask.services.media import decode_image as decode


def encoded(fmt, size=(8, 8), mode="RGB", **options):
    buffer = io.BytesIO()
    Image.new(mode, size).save(buffer, fmt, **options)
    buffer.seek(0)
    return buffer


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP"])
def test_accepted_formats_decode(fmt):
    assert decode(encoded(fmt), 1000).format == fmt


@pytest.mark.parametrize("fmt", ["GIF", "BMP", "TIFF", "ICO"])
def test_other_image_formats_are_refused(fmt):
    with pytest.raises(PhotoRejected):
        decode(encoded(fmt), 1000)


def test_pixel_limit_is_checked_before_decoding():
    with pytest.raises(PhotoRejected, match="pixels"):
        decode(encoded("PNG", (100, 100)), 9999)


def test_a_decompression_bomb_header_is_refused_cheaply():
    """A PNG claiming 100000x100000 pixels: refused from its header, never decoded."""
    bomb = encoded("PNG", (1, 1)).getvalue()
    width_height = (100000).to_bytes(4, "big") * 2
    forged = bomb[:16] + width_height + bomb[24:]
    with pytest.raises(PhotoRejected):
        decode(io.BytesIO(forged), 40_000_000)


def test_store_photo_strips_metadata_and_keeps_mode(app, tmp_path):
    png = encoded("PNG", (4, 4), mode="RGBA")
    with app.app_context():
        app.config["MEDIA_ROOT"], previous = str(tmp_path), app.config["MEDIA_ROOT"]
        try:
            stored = store_photo(png, "gallery/1", 10_000, 1000)
        finally:
            app.config["MEDIA_ROOT"] = previous
    path = LocalStorage(tmp_path).path(stored.name)
    picture = Image.open(path)
    assert picture.format == "PNG" and picture.mode == "RGBA"
    assert (stored.width, stored.height) == (4, 4)


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP"])
def test_clean_removes_metadata_of_every_format_and_applies_orientation(fmt):
    from PIL import PngImagePlugin

    from wger_flask.services.body.photos import clean, encode
    from wger_flask.services.media import IMAGE_FORMATS as FORMATS

    exif = Image.Exif()
    exif[0x010F] = "SpyCam"
    exif[0x0112] = 6  # shown rotated by 90°
    options = {"exif": exif.tobytes()}
    if fmt == "PNG":
        options["pnginfo"] = PngImagePlugin.PngInfo()
        options["pnginfo"].add_text("Comment", "secret-text")
    original = encoded(fmt, (30, 10), **options)
    cleaned = clean(decode(original, 1000))
    output = io.BytesIO()
    encode(cleaned, FORMATS[fmt], output)
    data = output.getvalue()
    assert b"SpyCam" not in data and b"secret-text" not in data
    stored = Image.open(io.BytesIO(data))
    assert stored.format == fmt and stored.size == (10, 30) and not stored.getexif()
