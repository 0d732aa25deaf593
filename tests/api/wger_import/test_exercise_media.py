"""A contributed exercise's image and video come with it: stored through the catalogue's own
upload functions (verified by decoding, thumbnails made) and served; a file missing from the
media folder skips its row with the reason, the rest of the user goes in."""

from __future__ import annotations

import shutil
import sqlite3
import uuid

import pytest

from tests.api.catalogue.test_contrib_media import clip, picture
from tests.api.wger_import.conftest import FIXTURE, database_for, make_server
from wger_flask.extensions import db

IMAGE = "exercise-images/1937/landmine.png"
VIDEO = "exercise-video/1937/landmine.mp4"
MISSING = "exercise-images/1937/gone.png"


def _source_with_media(folder) -> tuple[str, str]:
    """The fixture, with an image, a video and an image whose file is gone on mara's exercise."""
    path = folder / "upstream.sqlite3"
    shutil.copyfile(FIXTURE / "upstream-A.sqlite3", path)
    media = folder / "upstream-media"
    shutil.copytree(FIXTURE / "media", media)
    (media / IMAGE).parent.mkdir(parents=True)
    (media / IMAGE).write_bytes(picture("PNG", (320, 240)))
    (media / VIDEO).parent.mkdir(parents=True)
    (media / VIDEO).write_bytes(clip())
    stamp = "2026-12-07 02:40:40.000000"
    licensed = ("", "", "", "")  # author url, derivative source, object url, title
    with sqlite3.connect(path) as source:
        for number, name in ((501, IMAGE), (502, MISSING)):
            source.execute(
                "INSERT INTO exercises_exerciseimage (id, image, is_main, license_id, uuid, style, "
                "license_author_url, license_derivative_source_url, license_object_url, "
                "license_title, created, last_update, exercise_id, height, width, "
                "is_ai_generated, license_author) VALUES (?, ?, ?, 2, ?, '1', ?, ?, ?, ?, ?, ?, "
                "1937, 240, 320, 0, 'mara_lifts')",
                (number, name, number == 501, uuid.uuid4().hex, *licensed, stamp, stamp),
            )
        source.execute(
            "INSERT INTO exercises_exercisevideo (id, uuid, is_main, video, size, duration, "
            "width, height, codec, codec_long, license_id, license_author_url, "
            "license_derivative_source_url, license_object_url, license_title, created, "
            "last_update, exercise_id, license_author) VALUES (601, ?, 1, ?, 1, 1, 1, 1, 'x', "
            "'x', 2, ?, ?, ?, ?, ?, ?, 1937, 'mara_lifts')",
            (uuid.uuid4().hex, VIDEO, *licensed, stamp, stamp),
        )
    return f"sqlite:///{path}", str(media)


def test_the_exercise_media_move_in_through_the_catalogue_upload(tmp_path, request):
    if FIXTURE is None:
        pytest.skip("the upstream fixture is not here")
    source, media = _source_with_media(tmp_path)
    with database_for(request, tmp_path) as url:
        server = make_server(url, tmp_path / "media")
        done = server.test_cli_runner().invoke(args=["import-wger", source, "--media", media])
        assert done.exit_code == 0, done.output
        assert f"exercise image 502: file '{MISSING}' is not in the media folder" in done.output
        assert "users: 5 imported" in done.output
        client = server.test_client()
        info = client.get("/api/v2/exerciseinfo/1937/").get_json()
        assert [image["id"] for image in info["images"]] == [501]
        image = info["images"][0]
        assert image["is_main"] is True and image["license_author"] == "mara_lifts"
        served = client.get(image["image"].split("localhost", 1)[1])
        assert served.status_code == 200 and served.mimetype == "image/png"
        thumbnails = client.get("/api/v2/exerciseimage/501/thumbnails/").get_json()
        assert thumbnails and all(value for value in thumbnails.values())
        [video] = info["videos"]
        assert video["id"] == 601
        assert (video["codec"], video["width"], video["height"]) == ("h264", 64, 48)
        assert client.get(video["video"].split("localhost", 1)[1]).status_code == 200
        with server.app_context():
            db.session.remove()
            db.engine.dispose()


def test_the_media_move_in_to_and_out_of_object_storage(tmp_path, request, s3_server):
    """``import-wger --media`` stores into the bucket through the same upload functions, and
    ``export-wger --media`` copies the files back out of it; nothing touches the local disk."""
    if FIXTURE is None:
        pytest.skip("the upstream fixture is not here")
    from tests.api.wger_import.test_round_trip import empty_upstream_database

    bucket = s3_server.make_bucket()
    source, media = _source_with_media(tmp_path)
    with database_for(request, tmp_path) as url, pytest.MonkeyPatch.context() as patch:
        for variable, value in s3_server.env(bucket).items():
            patch.setenv(variable, value)
        server = make_server(url, tmp_path / "local-media")
        server.config.update(MEDIA_STORAGE="s3", MEDIA_S3_BUCKET=bucket, MEDIA_S3_SERVE="stream")
        done = server.test_cli_runner().invoke(args=["import-wger", source, "--media", media])
        assert done.exit_code == 0, done.output
        keys = s3_server.keys(bucket)
        assert any(key.startswith("exercise-images/") for key in keys)
        assert any(key.startswith("exercise-images/thumbnails/") for key in keys)
        assert any(key.startswith("exercise-videos/") for key in keys)
        assert any(key.startswith("gallery/") for key in keys)
        assert not (tmp_path / "local-media").exists()
        client = server.test_client()
        image = client.get("/api/v2/exerciseinfo/1937/").get_json()["images"][0]
        served = client.get(image["image"].split("localhost", 1)[1])
        assert served.status_code == 200 and served.mimetype == "image/png"

        target = empty_upstream_database(tmp_path / "out.sqlite3")
        out = tmp_path / "out-media"
        exported = server.test_cli_runner().invoke(
            args=["export-wger", target, "--media", str(out)]
        )
        assert exported.exit_code == 0, exported.output
        gallery = [key for key in keys if key.startswith("gallery/")]
        assert gallery and all((out / key).read_bytes() for key in gallery)
        with server.app_context():
            db.session.remove()
            db.engine.dispose()
