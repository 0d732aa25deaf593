"""What the gunicorn master does before forking (``wger_flask.preload``): a warm-up that
answers the public catalogue reads in-process and builds what the workers then share, without
counting rate limits or stopping the start when a read fails; and no connection or collectable
object left for the workers to inherit."""

import gc

import pytest
from sqlalchemy.pool import QueuePool

from wger_flask import create_app, preload
from wger_flask.config import TestConfig
from wger_flask.extensions import db, limiter
from wger_flask.services.catalogue.rendering import rendered


@pytest.fixture(scope="module")
def served_app(tmp_path_factory):
    """A bootstrapped app of its own (the warm-up closes its connections)."""
    folder = tmp_path_factory.mktemp("preload")
    app = create_app(TestConfig(f"sqlite:///{folder / 'preload.sqlite3'}"))
    result = app.test_cli_runner().invoke(args=["bootstrap"])
    assert result.exit_code == 0, result.output
    return app


def test_the_warm_up_answers_every_read_and_builds_the_shared_pieces(served_app):
    rendered(served_app).clear()
    statuses = preload.warm_up(served_app)
    assert statuses == dict.fromkeys(preload.WARM_UP_PATHS, 200)
    assert len(rendered(served_app).pieces) >= 100  # exerciseinfo?limit=100, built once


def test_the_warm_up_counts_no_rate_limit_and_restores_the_limiter(served_app, monkeypatch):
    before, seen = limiter.enabled, []
    real_client = served_app.test_client

    class Watching:
        def get(self, path, **options):
            seen.append(limiter.enabled)
            return real_client().get(path, **options)

    monkeypatch.setattr(served_app, "test_client", Watching)
    assert preload.warm_up(served_app, ["/api/v2/version/"]) == {"/api/v2/version/": 200}
    assert seen == [False]
    assert limiter.enabled == before


def test_a_failing_read_is_logged_and_the_warm_up_goes_on(served_app, monkeypatch, caplog):
    class Failing:
        def get(self, path, **_):
            if "muscle" in path:
                raise RuntimeError("database went away")
            return type("Answer", (), {"status_code": 200})()

    monkeypatch.setattr(served_app, "test_client", Failing)
    statuses = preload.warm_up(served_app, ["/api/v2/muscle/", "/api/v2/version/"])
    assert statuses == {"/api/v2/muscle/": 0, "/api/v2/version/": 200}
    assert "warm-up of /api/v2/muscle/ failed" in caplog.text


def test_nothing_connected_or_collectable_is_left_for_the_fork(served_app):
    try:
        preload.prepare_for_fork(served_app)
        with served_app.app_context():
            pool = db.engine.pool
            assert not isinstance(pool, QueuePool) or pool.checkedout() == 0
            if hasattr(pool, "checkedin"):
                assert pool.checkedin() == 0
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()


def test_a_worker_forgets_the_inherited_pools_and_opens_its_own(served_app):
    with served_app.app_context():
        db.session.execute(db.select(1))
        db.session.remove()
        old_pool = db.engine.pool
    preload.forget_inherited_connections(served_app)
    with served_app.app_context():
        assert db.engine.pool is not old_pool
        assert db.session.execute(db.select(1)).scalar() == 1
        db.session.remove()
