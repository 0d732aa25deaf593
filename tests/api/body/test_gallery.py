"""gallery: multipart uploads verified by decoding, metadata stripped, files under the media
root served safely, PATCH and DELETE keep files and rows together, ownership."""

import io
import random
from pathlib import Path

from PIL import Image

from tests.api.body.conftest import image_bytes

URL = "/api/v2/gallery/"


def upload(client, headers, data=None, method="post", url=URL, **fields):
    form = {"date": "2026-11-01", "description": "front", **fields}
    if data is not None:
        form["image"] = (io.BytesIO(data), fields.pop("filename", "photo.jpg"))
    return getattr(client, method)(
        url, data=form, headers=headers, content_type="multipart/form-data"
    )


def stored_files(root: Path) -> list[Path]:
    return sorted(path for path in root.rglob("*") if path.is_file()) if root.exists() else []


def media_path(url: str) -> str:
    return url.split("://", 1)[1].split("/", 1)[1]


def test_upload_jpeg(client, alice, media_root):
    response = upload(client, alice, image_bytes("JPEG", (64, 48)))
    assert response.status_code == 201, response.get_json()
    row = response.get_json()
    assert list(row) == ["id", "date", "image", "description", "height", "width"]
    assert (row["width"], row["height"], row["date"]) == (64, 48, "2026-11-01")
    assert row["image"].startswith("http://localhost/media/gallery/")
    served = client.get("/" + media_path(row["image"]))
    assert served.status_code == 200
    assert served.mimetype == "image/jpeg"
    assert served.headers["X-Content-Type-Options"] == "nosniff"
    assert Image.open(io.BytesIO(served.data)).size == (64, 48)
    assert len(stored_files(media_root)) == 1


def test_png_and_webp_keep_their_format(client, alice):
    for fmt, mimetype in (("PNG", "image/png"), ("WEBP", "image/webp")):
        row = upload(client, alice, image_bytes(fmt), filename="x.jpg").get_json()
        served = client.get("/" + media_path(row["image"]))
        assert served.mimetype == mimetype
        assert Image.open(io.BytesIO(served.data)).format == fmt


def test_metadata_is_stripped(client, alice):
    original = image_bytes("JPEG", exif=True)
    assert Image.open(io.BytesIO(original)).getexif()  # the test file has EXIF and GPS
    row = upload(client, alice, original).get_json()
    stored = client.get("/" + media_path(row["image"])).data
    picture = Image.open(io.BytesIO(stored))
    assert not picture.getexif()
    assert b"SpyCam" not in stored and b"Exif" not in stored


def test_orientation_is_applied_before_stripping(client, alice):
    picture = Image.new("RGB", (60, 20), (0, 0, 255))
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90° on display
    buffer = io.BytesIO()
    picture.save(buffer, "JPEG", exif=exif.tobytes())
    row = upload(client, alice, buffer.getvalue()).get_json()
    assert (row["width"], row["height"]) == (20, 60)


def test_disguised_and_broken_files_are_400_naming_image(client, alice, media_root):
    cases = [
        b"<?php system($_GET['c']); ?>",  # a script named .jpg
        b"GIF89a" + b"\x00" * 100,
        image_bytes("GIF"),  # a real image, not an accepted format
        image_bytes("BMP"),
        image_bytes("JPEG")[:200],  # truncated
        b"%PDF-1.4 fake",
        b"",
    ]
    for data in cases:
        response = upload(client, alice, data, filename="photo.jpg")
        assert response.status_code == 400, data[:20]
        assert list(response.get_json()) == ["image"]
    assert client.get(URL, headers=alice).get_json()["count"] == 0
    assert stored_files(media_root) == []


def test_missing_image_and_bad_fields(client, alice):
    response = upload(client, alice, None)
    assert response.status_code == 400 and "image" in response.get_json()
    bad_date = upload(client, alice, image_bytes(), date="yesterday")
    assert bad_date.status_code == 400 and "date" in bad_date.get_json()
    long_text = upload(client, alice, image_bytes(), description="x" * 1001)
    assert "description" in long_text.get_json()


def test_json_body_is_415(client, alice):
    response = client.post(URL, json={"date": "2026-11-01"}, headers=alice)
    assert response.status_code == 415


def test_size_and_pixel_limits(client, alice, app, media_root):
    app.config["UPLOAD_MAX_BYTES"], previous_bytes = 1000, app.config["UPLOAD_MAX_BYTES"]
    try:
        noise = Image.frombytes("RGB", (100, 100), random.Random(1).randbytes(30_000))
        buffer = io.BytesIO()
        noise.save(buffer, "PNG")
        big = buffer.getvalue()
        assert len(big) > 1000
        response = upload(client, alice, big)
        assert response.status_code == 400 and "too large" in response.get_json()["image"][0]
    finally:
        app.config["UPLOAD_MAX_BYTES"] = previous_bytes
    app.config["UPLOAD_MAX_PIXELS"], previous_pixels = 100, app.config["UPLOAD_MAX_PIXELS"]
    try:
        response = upload(client, alice, image_bytes("PNG", (20, 20)))
        assert response.status_code == 400 and "pixels" in response.get_json()["image"][0]
    finally:
        app.config["UPLOAD_MAX_PIXELS"] = previous_pixels
    assert stored_files(media_root) == []


def test_patch_replaces_the_file_and_delete_removes_it(client, alice, media_root):
    row = upload(client, alice, image_bytes("JPEG", (10, 10))).get_json()
    detail = f"{URL}{row['id']}/"
    described = upload(client, alice, None, method="patch", url=detail, description="side")
    assert described.status_code == 200
    assert described.get_json()["image"] == row["image"]
    replaced = upload(client, alice, image_bytes("PNG", (30, 20)), method="patch", url=detail)
    assert replaced.status_code == 200
    new = replaced.get_json()
    assert (new["width"], new["height"]) == (30, 20) and new["image"] != row["image"]
    assert client.get("/" + media_path(row["image"])).status_code == 404
    assert len(stored_files(media_root)) == 1
    assert client.delete(detail, headers=alice).status_code == 204
    assert stored_files(media_root) == []
    assert client.get("/" + media_path(new["image"])).status_code == 404


def test_a_refused_replacement_keeps_the_old_photo(client, alice, media_root):
    row = upload(client, alice, image_bytes()).get_json()
    detail = f"{URL}{row['id']}/"
    response = upload(client, alice, b"not an image", method="patch", url=detail)
    assert response.status_code == 400
    assert client.get(detail, headers=alice).get_json()["image"] == row["image"]
    assert client.get("/" + media_path(row["image"])).status_code == 200


def test_put_needs_an_image(client, alice):
    row = upload(client, alice, image_bytes()).get_json()
    response = upload(client, alice, None, method="put", url=f"{URL}{row['id']}/")
    assert response.status_code == 400 and "image" in response.get_json()


def test_list_is_newest_first_and_filtered(client, alice):
    for day in ("2026-11-01", "2026-11-03", "2026-11-02"):
        upload(client, alice, image_bytes(), date=day)
    rows = client.get(URL, headers=alice).get_json()["results"]
    assert [row["date"] for row in rows] == ["2026-11-03", "2026-11-02", "2026-11-01"]
    assert client.get(f"{URL}?date=2026-11-02", headers=alice).get_json()["count"] == 1


def test_ownership(client, alice, mallory, media_root):
    row = upload(client, alice, image_bytes()).get_json()
    detail = f"{URL}{row['id']}/"
    assert client.get(URL, headers=mallory).get_json()["count"] == 0
    assert client.get(detail, headers=mallory).status_code == 404
    assert upload(client, mallory, image_bytes(), method="patch", url=detail).status_code == 404
    assert client.delete(detail, headers=mallory).status_code == 404
    assert client.get(detail, headers=alice).get_json() == row
    assert len(stored_files(media_root)) == 1


def test_anonymous_is_401(client):
    assert client.get(URL).status_code == 401
    assert upload(client, {}, image_bytes()).status_code == 401
