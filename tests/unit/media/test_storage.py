"""The media storage: names it makes, paths it refuses, atomic writes, deletes; serving."""

import os

import pytest

from wger_flask.services.media import LocalStorage, UnsafeName, check_name, content_type


@pytest.fixture
def store(tmp_path):
    return LocalStorage(tmp_path / "media")


def test_save_makes_a_random_name_in_the_folder(store):
    name = store.save("gallery/7", "jpg", lambda handle: handle.write(b"data"))
    folder, file = name.rsplit("/", 1)
    assert folder == "gallery/7" and file.endswith(".jpg") and len(file) == 36
    assert store.path(name).read_bytes() == b"data"
    assert oct(store.path(name).stat().st_mode & 0o777) == "0o644"
    other = store.save("gallery/7", "jpg", lambda handle: handle.write(b"data"))
    assert other != name


def test_a_failed_write_leaves_nothing(store):
    def broken(handle):
        handle.write(b"half")
        raise RuntimeError("disk full")

    with pytest.raises(RuntimeError):
        store.save("gallery/1", "png", broken)
    assert list((store.root / "gallery" / "1").iterdir()) == []


@pytest.mark.parametrize(
    "name",
    [
        "../secret.jpg",
        "gallery/../../etc/passwd.jpg",
        "/etc/passwd.jpg",
        "gallery/1/x.php",
        "gallery/1/x.jpg.php",
        "gallery/1/.hidden.jpg",
        "x.jpg",
        "gallery//x.jpg",
        "gallery/1/x y.jpg",
        "gallery/1/x.svg",
        "gallery/1/x.html",
    ],
)
def test_unsafe_names_are_refused(store, name):
    with pytest.raises(UnsafeName):
        check_name(name)
    with pytest.raises(UnsafeName):
        store.path(name)
    assert store.exists(name) is False


def test_symlink_out_of_the_root_is_refused(store, tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "x.jpg").write_bytes(b"secret")
    store.root.mkdir(parents=True)
    os.symlink(outside, store.root / "gallery")
    with pytest.raises(UnsafeName):
        store.path("gallery/x.jpg")


def test_content_types():
    assert content_type("gallery/1/a.jpg") == "image/jpeg"
    assert content_type("gallery/1/a.webp") == "image/webp"
    assert content_type("exercise-images/a.mp4") == "video/mp4"


def test_delete_and_delete_folder(store):
    name = store.save("gallery/3", "png", lambda handle: handle.write(b"x"))
    store.delete(name)
    store.delete(name)  # twice: no error
    assert not store.exists(name)
    store.save("gallery/3", "png", lambda handle: handle.write(b"x"))
    keep = store.save("gallery/4", "png", lambda handle: handle.write(b"x"))
    store.delete_folder("gallery/3")
    assert not (store.root / "gallery" / "3").exists()
    assert store.exists(keep)
    with pytest.raises(UnsafeName):
        store.delete_folder("../gallery")


def test_chunks_open_late_and_start_at_a_range(store):
    name = store.save("gallery/3", "png", lambda handle: handle.write(b"0123456789" * 100_000))
    body = store.chunks(name)
    assert body.reader is None  # nothing opened until the first chunk
    body.seek(999_995)
    assert b"".join(body) == b"56789"
    assert b"".join(store.chunks(name)) == b"0123456789" * 100_000
