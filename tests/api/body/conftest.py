"""Fixtures of the body API tests: a media root per test, image bytes made with Pillow."""

from __future__ import annotations

import io

import pytest
from PIL import Image


@pytest.fixture(autouse=True)
def media_root(app, tmp_path):
    """Uploaded files land in this test's own folder."""
    previous = app.config["MEDIA_ROOT"]
    app.config["MEDIA_ROOT"] = str(tmp_path / "media")
    yield tmp_path / "media"
    app.config["MEDIA_ROOT"] = previous


def image_bytes(fmt: str = "JPEG", size=(64, 48), exif: bool = False, color=(200, 30, 30)) -> bytes:
    picture = Image.new("RGB", size, color)
    buffer = io.BytesIO()
    options = {}
    if exif:
        data = Image.Exif()
        data[0x010F] = "SpyCam"  # Make
        data[0x8825] = {1: "N", 2: (52.0, 31.0, 12.0), 3: "E", 4: (13.0, 24.0, 0.0)}  # GPS
        options["exif"] = data.tobytes()
    picture.save(buffer, fmt, **options)
    return buffer.getvalue()


@pytest.fixture
def make_image():
    return image_bytes
