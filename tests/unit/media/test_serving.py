"""GET /media/...: stored files with their content type and nosniff; nothing else."""

import pytest

from wger_flask.services.media import LocalStorage


@pytest.fixture
def store(app, tmp_path):
    previous = app.config["MEDIA_ROOT"]
    app.config["MEDIA_ROOT"] = str(tmp_path / "media")
    yield LocalStorage(tmp_path / "media")
    app.config["MEDIA_ROOT"] = previous


def test_a_stored_file_is_served_safely(client, store):
    name = store.save("gallery/1", "png", lambda handle: handle.write(b"\x89PNG fake"))
    response = client.get(f"/media/{name}")
    assert response.status_code == 200
    assert response.mimetype == "image/png"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response.headers["Content-Security-Policy"]
    assert response.data == b"\x89PNG fake"


@pytest.mark.parametrize(
    "path",
    ["/media/", "/media/gallery/", "/media/gallery/1/", "/media/gallery/1/missing.png"],
)
def test_no_listing_and_no_guessing(client, store, path):
    store.save("gallery/1", "png", lambda handle: handle.write(b"x"))
    assert client.get(path).status_code == 404


def test_files_it_did_not_make_are_not_served(client, store):
    (store.root / "gallery").mkdir(parents=True)
    (store.root / "gallery" / "page.html").write_text("<script>alert(1)</script>")
    (store.root / "gallery" / "run.sh").write_text("echo")
    assert client.get("/media/gallery/page.html").status_code == 404
    assert client.get("/media/gallery/run.sh").status_code == 404
    assert client.get("/media/../wger.sqlite3").status_code == 404
    assert client.get("/media/%2e%2e/secret_key").status_code == 404
