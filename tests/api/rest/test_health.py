"""/healthz (alive, touches nothing) and /readyz (database, migrations, media storage, Redis
when configured), each a 503 in JSON when it cannot serve."""

import pytest
from sqlalchemy.exc import OperationalError

from wger_flask.extensions import db
from wger_flask.testing import free_port


def test_alive_touches_no_dependency(client, monkeypatch):
    def broken(*args, **kwargs):
        raise OperationalError("SELECT 1", {}, Exception("connection refused"))

    monkeypatch.setattr(db.session, "execute", broken)
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok"}
    assert response.headers["Cache-Control"] == "no-store"


def test_ready(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.get_json() == {
        "status": "ok",
        "database": "ok",
        "migrations": "current",
        "storage": "ok",
    }


def test_pending_migrations_are_503(client, monkeypatch):
    monkeypatch.setattr(
        "wger_flask.blueprints.health.expected_heads",
        lambda *directory: frozenset({"some-newer-revision"}),
    )
    response = client.get("/readyz/")
    assert response.status_code == 503
    assert response.get_json()["migrations"] == "pending"


def test_a_database_migrated_by_a_newer_release_keeps_the_host_ready(client, monkeypatch):
    monkeypatch.setattr(
        "wger_flask.blueprints.health.known_revisions", lambda *directory: frozenset()
    )
    monkeypatch.setattr(
        "wger_flask.blueprints.health.expected_heads",
        lambda *directory: frozenset({"an-older-head"}),
    )
    response = client.get("/readyz/")
    assert response.status_code == 200 and response.get_json()["migrations"] == "ahead"


def test_database_outage_is_json_503_everywhere(client, monkeypatch):
    def broken(*args, **kwargs):
        raise OperationalError("SELECT 1", {}, Exception("connection refused"))

    monkeypatch.setattr(db.session, "execute", broken)
    ready = client.get("/readyz")
    assert ready.status_code == 503 and ready.get_json()["database"] == "unreachable"
    api = client.get("/api/v2/muscle/")
    assert api.status_code == 503
    assert api.content_type == "application/json"
    assert api.get_json()["detail"].startswith("Service temporarily unavailable")


def test_an_unwritable_media_root_is_not_ready(app, client, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    previous = app.config["MEDIA_ROOT"]
    app.config["MEDIA_ROOT"] = str(blocker)
    try:
        response = client.get("/readyz")
    finally:
        app.config["MEDIA_ROOT"] = previous
    assert response.status_code == 503 and response.get_json()["storage"] == "unreachable"


def test_the_bucket_is_checked(s3_app, s3_server):
    client = s3_app.test_client()
    assert client.get("/readyz").get_json()["storage"] == "ok"
    s3_app.config["MEDIA_S3_BUCKET"] = "no-such-bucket-anywhere"
    response = client.get("/readyz")
    assert response.status_code == 503 and response.get_json()["storage"] == "unreachable"


@pytest.mark.parametrize("required", [False, True])
def test_a_redis_outage_is_degraded_unless_required(app, client, required):
    saved = app.config["RATELIMIT_STORAGE_URI"], app.config["READYZ_REQUIRE_REDIS"]
    # nothing listens on this port: the ping fails at once
    app.config["RATELIMIT_STORAGE_URI"] = f"redis://127.0.0.1:{free_port()}/0"
    app.config["READYZ_REQUIRE_REDIS"] = required
    try:
        response = client.get("/readyz")
    finally:
        app.config["RATELIMIT_STORAGE_URI"], app.config["READYZ_REQUIRE_REDIS"] = saved
    assert response.get_json()["redis"] == "unreachable"
    if required:
        assert response.status_code == 503 and response.get_json()["status"] == "unavailable"
    else:
        assert response.status_code == 200 and response.get_json()["status"] == "degraded"


def test_the_expected_heads_are_alembics_without_loading_it():
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    from wger_flask.blueprints.health import MIGRATIONS_DIRECTORY, expected_heads

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIRECTORY))
    assert expected_heads() == frozenset(ScriptDirectory.from_config(config).get_heads())
    assert len(expected_heads()) == 1  # one head, as the house keeps it


def test_a_merge_and_a_branch_are_read_as_alembic_reads_them(tmp_path):
    from wger_flask.blueprints.health import expected_heads

    versions = tmp_path / "versions"
    versions.mkdir()
    for name, down in (("a", None), ("b", "a"), ("c", "a"), ("d", ("b", "c")), ("e", "a")):
        (versions / f"{name}.py").write_text(
            f"revision: str = {name!r}\ndown_revision = {down!r}\ndepends_on = None\n"
        )
    assert expected_heads(tmp_path) == {"d", "e"}
