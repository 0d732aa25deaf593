"""The S3 backend against a real S3 server (moto's, started on loopback by the tests): the
same interface and guarantees as the local storage, and ``/media/`` serving from the bucket,
streamed with today's headers or redirected to a presigned URL."""

from __future__ import annotations

import urllib.request

import pytest

from tests.s3_server import REGION
from wger_flask.services import media
from wger_flask.services.media import S3Settings, S3Storage, UnsafeName
from wger_flask.services.media.s3 import make_client


@pytest.fixture
def store(s3_server, s3_bucket):
    settings = S3Settings(bucket=s3_bucket, endpoint_url=s3_server.url, region=REGION)
    return S3Storage(settings, make_client(settings))


@pytest.fixture(autouse=True)
def credentials(monkeypatch, s3_server, s3_bucket):
    for variable, value in s3_server.env(s3_bucket).items():
        if variable.startswith("AWS_"):
            monkeypatch.setenv(variable, value)


def test_save_open_stat_and_its_content_type(store, s3_server, s3_bucket):
    name = store.save("gallery/7", "jpg", lambda handle: handle.write(b"jpeg bytes"))
    folder, file = name.rsplit("/", 1)
    assert folder == "gallery/7" and file.endswith(".jpg") and len(file) == 36
    with store.open(name) as body:
        assert body.read() == b"jpeg bytes"
    assert b"".join(store.chunks(name)) == b"jpeg bytes"
    stored = store.stat(name)
    assert stored is not None and stored.size == len(b"jpeg bytes") and stored.etag
    assert store.exists(name)
    head = s3_server.client().head_object(Bucket=s3_bucket, Key=name)
    assert head["ContentType"] == "image/jpeg"
    assert store.save("gallery/7", "jpg", lambda handle: handle.write(b"x")) != name


def test_a_failed_write_sends_nothing(store, s3_server, s3_bucket):
    def broken(handle):
        handle.write(b"half")
        raise RuntimeError("encoder failed")

    with pytest.raises(RuntimeError):
        store.save("gallery/1", "png", broken)
    assert s3_server.keys(s3_bucket) == []


@pytest.mark.parametrize(
    "name", ["../secret.jpg", "gallery/../../x.jpg", "/etc/passwd.jpg", "gallery/1/x.html"]
)
def test_unsafe_names_are_refused(store, name):
    with pytest.raises(UnsafeName):
        store.key(name)
    assert store.exists(name) is False
    store.delete(name)  # no error, nothing sent


def test_missing_objects(store):
    assert store.stat("gallery/1/" + "a" * 32 + ".png") is None
    with pytest.raises(FileNotFoundError):
        store.open("gallery/1/" + "a" * 32 + ".png")
    store.delete("gallery/1/" + "a" * 32 + ".png")  # idempotent


def test_delete_and_delete_folder_as_on_disk(store, s3_server, s3_bucket):
    kept = store.save("gallery/2", "png", lambda handle: handle.write(b"b"))
    nested = store.save("gallery/1/sub", "png", lambda handle: handle.write(b"c"))
    names = [store.save("gallery/1", "png", lambda handle: handle.write(b"a")) for _ in range(3)]
    store.delete(names[0])
    assert not store.exists(names[0])
    store.delete_folder("gallery/1")
    # only the folder's own files go, as LocalStorage.delete_folder does
    assert s3_server.keys(s3_bucket) == sorted([kept, nested])
    with pytest.raises(UnsafeName):
        store.delete_folder("../gallery")


def test_a_prefix_keeps_keys_apart(s3_server, s3_bucket):
    settings = S3Settings(
        bucket=s3_bucket, prefix="/site-a/", endpoint_url=s3_server.url, region=REGION
    )
    store = S3Storage(settings, make_client(settings))
    name = store.save("gallery/1", "gif", lambda handle: handle.write(b"GIF89a"))
    assert s3_server.keys(s3_bucket) == [f"site-a/{name}"]
    assert store.exists(name)


def test_check_answers_for_the_bucket_only(store, s3_server):
    store.check()
    settings = S3Settings(bucket="no-such-bucket-here", endpoint_url=s3_server.url, region=REGION)
    with pytest.raises(Exception):  # noqa: B017 (botocore's ClientError, 404)
        S3Storage(settings, make_client(settings)).check()


def test_storage_follows_the_configuration(s3_app):
    with s3_app.app_context():
        first = media.storage()
        assert isinstance(first, S3Storage)
        assert media.storage() is first  # one client per app and settings
        s3_app.config["MEDIA_STORAGE"] = "local"
        assert isinstance(media.storage(), media.LocalStorage)


# ------------------------------------------------------------------------------ serving


def test_streamed_with_todays_headers(s3_app):
    client = s3_app.test_client()
    with s3_app.app_context():
        name = media.storage().save("gallery/1", "png", lambda handle: handle.write(b"0123456789"))
    response = client.get(f"/media/{name}")
    assert response.status_code == 200
    assert response.data == b"0123456789"
    assert response.mimetype == "image/png"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert response.headers["Content-Disposition"] == "inline"
    assert response.headers["Cache-Control"] == "private, max-age=3600"
    etag = response.headers["ETag"]
    assert client.get(f"/media/{name}", headers={"If-None-Match": etag}).status_code == 304
    part = client.get(f"/media/{name}", headers={"Range": "bytes=2-5"})
    assert part.status_code == 206 and part.data == b"2345"
    assert part.headers["Content-Range"] == "bytes 2-5/10"
    assert client.get("/media/gallery/1/" + "b" * 32 + ".png").status_code == 404
    assert client.get("/media/gallery/1/x.html").status_code == 404


def test_redirected_to_a_presigned_url(s3_app):
    s3_app.config["MEDIA_S3_SERVE"] = "redirect"
    s3_app.config["MEDIA_S3_URL_SECONDS"] = 120
    client = s3_app.test_client()
    with s3_app.app_context():
        name = media.storage().save("gallery/1", "webp", lambda handle: handle.write(b"RIFFwebp"))
    response = client.get(f"/media/{name}")
    assert response.status_code == 302
    location = response.headers["Location"]
    assert "X-Amz-Signature=" in location and "X-Amz-Expires=120" in location
    assert response.headers["Cache-Control"] == "private, max-age=60"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    with urllib.request.urlopen(location, timeout=10) as answer:  # the bucket serves it
        assert answer.read() == b"RIFFwebp"
        assert answer.headers["Content-Type"] == "image/webp"
        assert answer.headers["Content-Disposition"] == "inline"
    assert client.get("/media/gallery/1/" + "c" * 32 + ".webp").status_code == 404


def test_a_range_is_fetched_from_its_start(s3_app, monkeypatch):
    client = s3_app.test_client()
    content = bytes(range(256)) * 4096  # 1 MB
    with s3_app.app_context():
        store = media.storage()
        name = store.save("exercise-videos", "mp4", lambda handle: handle.write(content))
    asked = []
    original = S3Storage.open

    def watched(self, name, start=0):
        asked.append(start)
        return original(self, name, start)

    monkeypatch.setattr(S3Storage, "open", watched)
    part = client.get(f"/media/{name}", headers={"Range": "bytes=1000000-1000009"})
    assert part.status_code == 206 and part.data == content[1000000:1000010]
    assert asked == [1000000]  # one ranged GetObject, nothing skipped through
    assert client.head(f"/media/{name}").data == b""
    assert asked == [1000000]  # a HEAD reads nothing
