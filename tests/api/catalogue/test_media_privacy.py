"""Exercise images and videos are published without their owner's location: an upload carrying
GPS EXIF and camera data, or a video with ``location`` and ``comment`` tags, is read back from
the public ``/media/`` URL (and from the disk) without them, pixels, frames and orientation
kept."""

from __future__ import annotations

import io

import av
import pytest
from PIL import Image

from tests.api.catalogue.test_contrib_media import upload
from tests.unit.media.test_metadata import SECRETS, jpeg, png, tagged_clip, webp


def served(client, url: str) -> bytes:
    response = client.get(url.removeprefix("http://localhost"))
    assert response.status_code == 200
    return response.get_data()


@pytest.mark.parametrize(
    ("make", "name"), [(jpeg, "photo.jpg"), (png, "photo.png"), (webp, "photo.webp")]
)
def test_an_exercise_image_is_published_without_gps_or_camera_data(
    client, trusted, media_root, make, name
):
    original = make(6)  # taken with the phone on its side
    response = upload(client, trusted, original, name=name, license_author="Ann")
    assert response.status_code == 201, response.get_json()
    body = response.get_json()

    published = served(client, body["image"])
    on_disk = (media_root / body["image"].split("/media/", 1)[1]).read_bytes()
    assert published == on_disk
    assert [secret for secret in SECRETS if secret in published] == []
    picture, before = Image.open(io.BytesIO(published)), Image.open(io.BytesIO(original))
    assert picture.getexif().get_ifd(0x8825) == {}  # no GPS
    assert dict(picture.getexif()) == {0x0112: 6}  # only the orientation
    assert picture.tobytes() == before.tobytes()  # the pixels as uploaded

    for alias in ("small", "medium"):
        thumbnail = served(client, body["thumbnails"][alias])
        assert [secret for secret in SECRETS if secret in thumbnail] == []
        small = Image.open(io.BytesIO(thumbnail))
        assert dict(small.getexif()) == {}
        assert small.height > small.width  # turned upright: the orientation was applied


@pytest.mark.parametrize(("container", "codec"), [("mp4", "libx264"), ("webm", "libvpx-vp9")])
def test_an_exercise_video_is_published_without_location_or_comment(
    client, trusted, media_root, container, codec
):
    original = tagged_clip(container, codec, rotation=90)
    response = upload(client, trusted, original, name=f"clip.{container}", field="video")
    assert response.status_code == 201, response.get_json()
    body = response.get_json()

    published = served(client, body["video"])
    assert body["size"] == len(published)
    assert b"my home" not in published and b"Jane Doe" not in published
    with av.open(io.BytesIO(published)) as reading:
        tags = {key.lower() for key in reading.metadata}
        assert not tags & {"location", "location-eng", "comment", "title"}
        for stream in reading.streams:
            assert "comment" not in {key.lower() for key in stream.metadata}
        frames = list(reading.decode(video=0))
        assert len(frames) == 10 and frames[0].rotation == 90
    assert (body["width"], body["height"]) == (64, 48)
