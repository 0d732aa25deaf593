"""SQLite transactions take the write lock at their first write, so the busy timeout applies:
a request that read before another one committed can still write (it waits, it does not fail
at once), and a lock that stays taken past the timeout is "database is locked", which the API
answers with 503 and Retry-After."""

import pytest
import sqlalchemy as sa

from wger_flask.database import install_sqlite_hooks, is_write_statement


@pytest.fixture
def engines(tmp_path):
    url = f"sqlite:///{tmp_path / 'lock.sqlite3'}"
    made = []
    for _ in range(2):
        engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
        install_sqlite_hooks(engine, busy_timeout_ms=200)
        made.append(engine)
    with made[0].begin() as connection:
        connection.exec_driver_sql("CREATE TABLE item (id INTEGER PRIMARY KEY, name TEXT UNIQUE)")
    yield made
    for engine in made:
        engine.dispose()


def test_a_transaction_that_read_before_a_commit_can_still_write(engines):
    first, second = engines
    with first.connect() as reader:
        transaction = reader.begin()
        assert reader.exec_driver_sql("SELECT count(*) FROM item").scalar() == 0
        with second.begin() as writer:  # commits while the first transaction is open
            writer.exec_driver_sql("INSERT INTO item (name) VALUES ('theirs')")
        # under a plain BEGIN this write fails at once (a stale snapshot cannot upgrade)
        reader.exec_driver_sql("INSERT INTO item (name) VALUES ('mine')")
        assert reader.exec_driver_sql("SELECT count(*) FROM item").scalar() == 2
        transaction.commit()
    with second.connect() as check:
        names = check.exec_driver_sql("SELECT name FROM item ORDER BY name").scalars().all()
    assert names == ["mine", "theirs"]


def test_a_lock_held_past_the_busy_timeout_is_database_is_locked(engines):
    first, second = engines
    with first.connect() as holder:
        held = holder.begin()
        holder.exec_driver_sql("INSERT INTO item (name) VALUES ('holding')")
        with second.connect() as waiter:
            waiter.begin()
            assert waiter.exec_driver_sql("SELECT count(*) FROM item").scalar() == 0  # reads go on
            with pytest.raises(sa.exc.OperationalError, match="database is locked"):
                waiter.exec_driver_sql("INSERT INTO item (name) VALUES ('waiting')")
        held.commit()


def test_reads_never_take_the_lock(engines):
    first, second = engines
    with first.connect() as holder:
        held = holder.begin()
        holder.exec_driver_sql("INSERT INTO item (name) VALUES ('holding')")
        with second.connect() as reader, reader.begin():
            assert reader.exec_driver_sql("SELECT count(*) FROM item").scalar() == 0
        held.commit()


@pytest.mark.parametrize(
    "statement,writes",
    [
        ("SELECT 1", False),
        ("  select * from item", False),
        ("PRAGMA foreign_keys", False),
        ("WITH t AS (SELECT 1) SELECT * FROM t", False),
        ("WITH t AS (SELECT 1) INSERT INTO item SELECT * FROM t", True),
        ("INSERT INTO item VALUES (1)", True),
        ("UPDATE item SET name = 'x'", True),
        ("DELETE FROM item", True),
        ("SAVEPOINT sa_savepoint_1", True),
        ("CREATE TABLE x (id INTEGER)", True),
        ("RELEASE SAVEPOINT sa_savepoint_1", False),
    ],
)
def test_what_counts_as_a_write(statement, writes):
    assert is_write_statement(statement) is writes


def test_a_locked_database_is_a_503_with_retry_after(app, client, user, auth_headers, monkeypatch):
    from wger_flask.rest import resources

    def locked() -> None:
        raise sa.exc.OperationalError("COMMIT", {}, Exception("database is locked"))

    monkeypatch.setattr(resources, "commit", locked)
    body = {"name": "Locked", "start": "2024-01-01", "end": "2024-01-02"}
    response = client.post("/api/v2/routine/", json=body, headers=auth_headers(user))
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "5"
    assert response.get_json() == {
        "detail": "Service temporarily unavailable, try again later.",
        "request_id": response.headers["X-Request-ID"],  # the id of its log lines
    }
