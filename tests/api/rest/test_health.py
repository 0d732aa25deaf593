"""/healthz: database reachable and migrations current, else a 503 in JSON."""

from sqlalchemy.exc import OperationalError

from wger_flask.extensions import db


def test_healthy(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok", "migrations": "current"}


def test_pending_migrations_are_503(client, monkeypatch):
    monkeypatch.setattr(
        "wger_flask.blueprints.health.expected_heads",
        lambda *directory: frozenset({"some-newer-revision"}),
    )
    response = client.get("/healthz/")
    assert response.status_code == 503
    assert response.get_json()["migrations"] == "pending"


def test_database_outage_is_json_503_everywhere(client, monkeypatch):
    def broken(*args, **kwargs):
        raise OperationalError("SELECT 1", {}, Exception("connection refused"))

    monkeypatch.setattr(db.session, "execute", broken)
    health = client.get("/healthz")
    assert health.status_code == 503 and health.get_json()["database"] == "unreachable"
    api = client.get("/api/v2/muscle/")
    assert api.status_code == 503
    assert api.content_type == "application/json"
    assert api.get_json()["detail"].startswith("Service temporarily unavailable")


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
