"""Exercise images and videos: multipart uploads verified by decoding (real and disguised
files), thumbnails made once at upload and removed with the image, ``is_main`` unique per
exercise, files going with their rows."""

from __future__ import annotations

import io
from pathlib import Path

import av
import pytest
from PIL import Image

from wger_flask.services.catalogue import images


def picture(kind: str = "PNG", size: tuple[int, int] = (800, 600)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 40, 40)).save(buffer, kind)
    return buffer.getvalue()


def clip(codec: str = "libx264", container: str = "mp4", frames: int = 20) -> bytes:
    buffer = io.BytesIO()
    with av.open(buffer, "w", format=container) as output:
        stream = output.add_stream(codec, rate=10)
        stream.width, stream.height, stream.pix_fmt = 64, 48, "yuv420p"
        for number in range(frames):
            frame = av.VideoFrame.from_image(Image.new("RGB", (64, 48), (number * 10, 0, 0)))
            for packet in stream.encode(frame):
                output.mux(packet)
        for packet in stream.encode():
            output.mux(packet)
    return buffer.getvalue()


def upload(client, headers, content: bytes, name: str = "photo.png", field="image", **form):
    data = {"exercise": "9", field: (io.BytesIO(content), name), **form}
    path = "exerciseimage" if field == "image" else "video"
    return client.post(
        f"/api/v2/{path}/", data=data, headers=headers, content_type="multipart/form-data"
    )


def stored(root: Path) -> set[str]:
    return (
        {str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()}
        if root.exists()
        else set()
    )


def test_image_upload_with_thumbnails(client, trusted, media_root):
    response = upload(client, trusted, picture("PNG"), license_author="Ann", style="1")
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["image"].startswith("http://localhost/media/exercise-images/")
    assert body["image"].endswith(".png")
    assert body["is_main"] is True  # the exercise's first image
    assert body["style"] == "1" and body["license_author"] == "Ann"
    assert body["author_history"] == ["Ann"]
    assert set(body["thumbnails"]) == {"small", "medium"}
    files = stored(media_root)
    assert len(files) == 3

    thumbnails = client.get(f"/api/v2/exerciseimage/{body['id']}/thumbnails/").get_json()
    assert thumbnails["original"] == body["image"]
    assert thumbnails["small"]["settings"] == {"size": [200, 200]}
    assert thumbnails["medium"]["settings"] == {"size": [400, 400]}
    for alias, box in (("small", 200), ("medium", 400)):
        url = thumbnails[alias]["url"]
        assert url == body["thumbnails"][alias]
        served = client.get(url.removeprefix("http://localhost"))
        assert served.status_code == 200
        with Image.open(io.BytesIO(served.data)) as thumb:
            assert max(thumb.size) == box and thumb.size == (box, box * 3 // 4)
    # made once: reading them again makes no file
    client.get(f"/api/v2/exerciseimage/{body['id']}/thumbnails/")
    assert stored(media_root) == files
    # the very next exerciseinfo read shows the image
    info = client.get("/api/v2/exerciseinfo/9/").get_json()
    assert [row["id"] for row in info["images"]] == [body["id"]]
    assert "Ann" in info["total_authors_history"]


@pytest.mark.parametrize("kind", ["JPEG", "WEBP"])
def test_jpeg_and_webp_are_accepted(client, trusted, media_root, kind):
    response = upload(client, trusted, picture(kind), name="x.bin")
    assert response.status_code == 201
    assert response.get_json()["image"].endswith(".jpg" if kind == "JPEG" else ".webp")


@pytest.mark.parametrize(
    ("content", "name"),
    [
        (b"<?php echo 'hi'; ?>", "shell.png"),
        (b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>", "x.png"),
        (picture("GIF"), "animated.png"),
        (picture("JPEG")[:200], "truncated.jpg"),
        (b"", "empty.png"),
        (clip(), "video.png"),
    ],
)
def test_disguised_or_broken_images_are_refused(client, trusted, media_root, content, name):
    response = upload(client, trusted, content, name=name)
    assert response.status_code == 400
    assert "image" in response.get_json()
    assert stored(media_root) == set()
    assert client.get("/api/v2/exerciseimage/").get_json()["count"] == 0


def test_animated_webp_is_refused(client, trusted, media_root):
    buffer = io.BytesIO()
    frames = [Image.new("RGB", (20, 20), (i * 40, 0, 0)) for i in range(3)]
    frames[0].save(buffer, "WEBP", save_all=True, append_images=frames[1:], duration=100)
    response = upload(client, trusted, buffer.getvalue(), name="moving.webp")
    assert response.status_code == 400 and "Animated" in response.get_json()["image"][0]


def test_missing_file_and_bad_fields(client, trusted, media_root):
    response = client.post(
        "/api/v2/exerciseimage/",
        data={"exercise": "9"},
        headers=trusted,
        content_type="multipart/form-data",
    )
    assert response.status_code == 400 and "image" in response.get_json()
    bad_exercise = upload(client, trusted, picture(), exercise="999999")
    assert bad_exercise.status_code == 400 and "exercise" in bad_exercise.get_json()
    bad_style = upload(client, trusted, picture(), style="9")
    assert bad_style.status_code == 400 and "style" in bad_style.get_json()
    assert stored(media_root) == set()


def test_untrusted_and_anonymous_cannot_upload(client, user, auth_headers, media_root):
    assert upload(client, auth_headers(user), picture()).status_code == 403
    assert upload(client, {}, picture()).status_code == 401
    assert stored(media_root) == set()


def test_is_main_is_unique_per_exercise(client, trusted, media_root):
    first = upload(client, trusted, picture()).get_json()
    second = upload(client, trusted, picture()).get_json()
    assert first["is_main"] is True and second["is_main"] is False
    third = upload(client, trusted, picture(), is_main="true").get_json()
    assert third["is_main"] is True
    mains = client.get("/api/v2/exerciseimage/?exercise=9&is_main=True").get_json()["results"]
    assert [row["id"] for row in mains] == [third["id"]]
    patched = client.patch(
        f"/api/v2/exerciseimage/{first['id']}/", json={"is_main": True}, headers=trusted
    )
    assert patched.status_code == 200
    mains = client.get("/api/v2/exerciseimage/?exercise=9&is_main=True").get_json()["results"]
    assert [row["id"] for row in mains] == [first["id"]]


def test_deleting_an_image_removes_its_files_and_logs_it(
    client, trusted, media_root, make_user, auth_headers, grant
):
    body = upload(client, trusted, picture()).get_json()
    second = upload(client, trusted, picture()).get_json()
    assert len(stored(media_root)) == 6
    assert client.delete(f"/api/v2/exerciseimage/{body['id']}/", headers=trusted).status_code == 403
    moderator = make_user("moderator", email="m@example.com")
    grant(moderator, "exercise.delete")
    response = client.delete(
        f"/api/v2/exerciseimage/{body['id']}/", headers=auth_headers(moderator)
    )
    assert response.status_code == 204
    assert len(stored(media_root)) == 3
    assert client.get(f"/api/v2/exerciseimage/{second['id']}/").get_json()["is_main"] is True
    logged = client.get("/api/v2/deletion-log/?model_type=image").get_json()["results"]
    assert [row["uuid"] for row in logged] == [body["uuid"]]


def test_replacing_the_file_removes_the_old_one(client, trusted, media_root):
    body = upload(client, trusted, picture()).get_json()
    before = stored(media_root)
    response = client.patch(
        f"/api/v2/exerciseimage/{body['id']}/",
        data={"image": (io.BytesIO(picture("JPEG")), "new.jpg")},
        headers=trusted,
        content_type="multipart/form-data",
    )
    assert response.status_code == 200
    assert response.get_json()["image"].endswith(".jpg")
    after = stored(media_root)
    assert len(after) == 3 and not (after & before)


def test_deleting_the_exercise_removes_its_media_files(
    client, trusted, media_root, make_user, auth_headers, grant
):
    upload(client, trusted, picture())
    upload(client, trusted, clip(), name="clip.mp4", field="video")
    assert len(stored(media_root)) == 4
    moderator = make_user("moderator", email="m@example.com")
    grant(moderator, "exercise.delete")
    assert client.delete("/api/v2/exercise/9/", headers=auth_headers(moderator)).status_code == 204
    assert stored(media_root) == set()
    kinds = {row["model_type"] for row in client.get("/api/v2/deletion-log/").get_json()["results"]}
    assert {"base", "image", "video"} <= kinds


@pytest.mark.parametrize(
    ("codec", "container", "extension", "name"),
    [("libx264", "mp4", "mp4", "h264"), ("libvpx-vp9", "webm", "webm", "vp9")],
)
def test_video_upload_reads_its_metadata(
    client, trusted, media_root, codec, container, extension, name
):
    content = clip(codec, container)
    response = upload(client, trusted, content, name="clip.bin", field="video", license_author="Bo")
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["video"].endswith(f".{extension}")
    # the size of the published file (remuxed without tags, so a few bytes differ)
    published = media_root / body["video"].split("/media/", 1)[1]
    assert body["size"] == published.stat().st_size
    assert abs(body["size"] - len(content)) < 200
    assert body["duration"] == "2.00"
    assert (body["width"], body["height"]) == (64, 48)
    assert body["codec"] == name and body["codec_long"]
    assert body["is_main"] is True
    info = client.get("/api/v2/exerciseinfo/9/").get_json()
    assert [row["id"] for row in info["videos"]] == [body["id"]]


@pytest.mark.parametrize(
    ("content", "name"),
    [
        (b"not a video at all, just text", "clip.mp4"),
        (picture("JPEG"), "clip.mp4"),
        (clip()[:300], "cut.mp4"),
        (clip("mpeg4", "avi"), "clip.mp4"),
    ],
)
def test_disguised_or_broken_videos_are_refused(client, trusted, media_root, content, name):
    response = upload(client, trusted, content, name=name, field="video")
    assert response.status_code == 400
    assert "video" in response.get_json()
    assert stored(media_root) == set()


def test_video_limits(client, trusted, media_root, monkeypatch):
    monkeypatch.setattr(images, "MAX_VIDEO_SECONDS", 1)
    long = upload(client, trusted, clip(), name="long.mp4", field="video")
    assert long.status_code == 400 and "too long" in long.get_json()["video"][0]
    monkeypatch.setattr(images, "MAX_VIDEO_BYTES", 100)
    big = upload(client, trusted, clip(frames=2), name="big.mp4", field="video")
    assert big.status_code == 400 and "too large" in big.get_json()["video"][0]
    assert stored(media_root) == set()


@pytest.mark.parametrize("license_id", [99999, 2**40, 2**63, 10**30])
def test_an_unknown_license_is_a_400_naming_it(client, trusted, media_root, license_id):
    response = upload(client, trusted, picture("PNG"), license=str(license_id))
    assert response.status_code == 400 and list(response.get_json()) == ["license"]
    assert stored(media_root) == set()  # nothing kept of a refused upload
