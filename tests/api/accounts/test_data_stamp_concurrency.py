"""Two transactions of one user writing that user's data at once, in opposite orders, on
PostgreSQL with real commits: the data stamp is renewed at commit (deferred triggers, migration
``7d2e9b4c1a05``), so neither waits for the user's row while holding a row the other needs.

The scenario, on rows A (a weight), B (a meal) and C (another weight) of one user:

    T1: UPDATE A                       ... UPDATE B (waits for T2)         ... COMMIT
    T2:            UPDATE B ... (T1 waits for B) ... UPDATE C, COMMIT

With the stamp renewed at the end of each statement (the held-back design), T1 holds the user's
row after ``UPDATE A``, T2's ``UPDATE B`` then waits for that row while holding B, and T1's
``UPDATE B`` closes the cycle: PostgreSQL reports a deadlock after ``deadlock_timeout`` (1 s).
``test_the_statement_level_renewal_deadlocks_in_the_same_scenario`` puts those triggers back on
the three tables and shows exactly that (observed: ``DeadlockDetected`` in one of the two), so
the scenario is one the old design fails.

The interleaving is driven by what each backend is doing (``pg_stat_activity``: waiting for a
lock, or done), not by sleeps: it holds on a busy machine.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import DBAPIError

from wger_flask import create_app
from wger_flask.config import TestConfig
from wger_flask.extensions import db
from wger_flask.models.body import Measurement, MeasurementCategory
from wger_flask.models.nutrition import Meal, NutritionPlan
from wger_flask.services.accounts import users

pytestmark = pytest.mark.usefixtures("instance_dir")

PATIENCE = 60.0  # seconds a step may wait for the other transaction before the test fails


@dataclass
class Rows:
    url: str
    user: int
    weight: str  # A
    meal: str  # B
    other_weight: str  # C


@pytest.fixture
def rows(request: pytest.FixtureRequest, bootstrapped_copy: Any, tmp_path: Path) -> Iterator[Rows]:
    if request.config.getoption("--database") != "postgres":
        pytest.skip("concurrent writers of one user: PostgreSQL only (SQLite serialises writes)")
    with bootstrapped_copy(tmp_path) as url:
        app = create_app(TestConfig(url))
        with app.app_context():
            user = users.create_user("alice", "correct horse battery", email="")
            db.session.flush()
            category = MeasurementCategory(user_id=user.id, name="Weight", unit="kg")
            plan = NutritionPlan(user_id=user.id, description="Cut")
            db.session.add_all([category, plan])
            db.session.flush()
            weight = Measurement(category_id=category.id, value=80)
            other = Measurement(category_id=category.id, value=81)
            meal = Meal(plan_id=plan.id, name="Breakfast")
            db.session.add_all([weight, other, meal])
            db.session.commit()
            made = Rows(url, user.id, str(weight.id), str(meal.id), str(other.id))
            db.session.remove()
            db.engine.dispose()
        yield made


def stamp(connection: sa.Connection, user: int) -> int:
    query = sa.text("SELECT data_stamp FROM auth_user WHERE id = :user")
    return int(connection.execute(query, {"user": user}).scalar_one())


@dataclass
class Writer:
    """One transaction on its own connection, run in a thread; ``error`` is what it raised."""

    engine: sa.Engine
    steps: Callable[[sa.Connection], None]
    pid: int = 0
    error: BaseException | None = None
    started: threading.Event = field(default_factory=threading.Event)
    finished: threading.Event = field(default_factory=threading.Event)

    def run(self) -> None:
        try:
            with self.engine.connect() as connection:
                self.pid = int(connection.execute(sa.text("SELECT pg_backend_pid()")).scalar_one())
                connection.commit()  # the pid look-up's own transaction
                self.started.set()
                with connection.begin():
                    self.steps(connection)
        except BaseException as error:  # handed to the test thread
            self.error = error
        finally:
            self.started.set()
            self.finished.set()


def waiting_for_a_lock(engine: sa.Engine, pid: int) -> bool:
    query = sa.text("SELECT wait_event_type FROM pg_stat_activity WHERE pid = :pid")
    with engine.connect() as connection:
        return connection.execute(query, {"pid": pid}).scalar() == "Lock"


def until(condition: Callable[[], bool]) -> None:
    deadline = time.monotonic() + PATIENCE
    while not condition():
        assert time.monotonic() < deadline, "the other transaction never got there"
        time.sleep(0.01)


def set_value(connection: sa.Connection, table: str, column: str, row: str, value: object) -> None:
    connection.execute(
        sa.text(f"UPDATE {table} SET {column} = :value WHERE id = :row"),
        {"value": value, "row": row},
    )


@dataclass
class Outcome:
    first: Writer
    second: Writer
    second_stamp: int | None  # the stamp just after T2's commit, read by T2's thread


def interleave(made: Rows) -> Outcome:
    """T1: A, then B; T2: B (once T1 holds A), C and commit (once T1 waits for B)."""
    engine = sa.create_engine(made.url, poolclass=sa.pool.NullPool)
    first_wrote_a = threading.Event()
    second_wrote_b = threading.Event()
    second_read = threading.Event()
    after_second: list[int] = []
    writers: dict[str, Writer] = {}

    def first_steps(connection: sa.Connection) -> None:
        set_value(connection, "measurements_measurement", "value", made.weight, 90)
        first_wrote_a.set()
        # T2's UPDATE B has returned (renewed at commit) or is stuck behind the user's row
        second = writers["second"]
        until(
            lambda: (
                second_wrote_b.is_set()
                or second.finished.is_set()
                or waiting_for_a_lock(engine, second.pid)
            )
        )
        set_value(connection, "nutrition_meal", "name", made.meal, "Lunch")  # waits for T2
        until(second_read.is_set)  # T2's committed stamp is read before T1 commits

    def second_steps(connection: sa.Connection) -> None:
        until(first_wrote_a.is_set)
        set_value(connection, "nutrition_meal", "name", made.meal, "Dinner")
        second_wrote_b.set()
        first = writers["first"]
        until(lambda: first.finished.is_set() or waiting_for_a_lock(engine, first.pid))
        set_value(connection, "measurements_measurement", "value", made.other_weight, 91)

    writers["first"] = Writer(engine, first_steps)
    writers["second"] = Writer(engine, second_steps)

    def second_then_read() -> None:
        try:
            writers["second"].run()
            if writers["second"].error is None:
                with engine.connect() as connection:
                    after_second.append(stamp(connection, made.user))
        finally:
            second_read.set()

    threads = [
        threading.Thread(target=writers["first"].run),
        threading.Thread(target=second_then_read),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(PATIENCE * 3)
    engine.dispose()
    return Outcome(writers["first"], writers["second"], after_second[0] if after_second else None)


def test_two_transactions_of_one_user_in_opposite_orders_both_commit(rows: Rows) -> None:
    engine = sa.create_engine(rows.url, poolclass=sa.pool.NullPool)
    with engine.connect() as connection:
        start = stamp(connection, rows.user)
    outcome = interleave(rows)
    assert outcome.first.error is None, outcome.first.error
    assert outcome.second.error is None, outcome.second.error
    with engine.connect() as connection:
        final = stamp(connection, rows.user)
        meal = connection.execute(
            sa.text("SELECT name FROM nutrition_meal WHERE id = :row"), {"row": rows.meal}
        ).scalar_one()
        values = dict(
            connection.execute(
                sa.text(
                    "SELECT id::text, value FROM measurements_measurement WHERE id IN (:a, :c)"
                ),
                {"a": rows.weight, "c": rows.other_weight},
            ).all()
        )
    engine.dispose()
    # each commit renewed the stamp: T2's, then T1's (which wrote after T2 committed)
    assert outcome.second_stamp is not None
    assert len({start, outcome.second_stamp, final}) == 3
    assert meal == "Lunch"  # T1's write of B came after T2's commit
    assert values == {rows.weight: 90, rows.other_weight: 91}


STATEMENT_LEVEL = """
CREATE FUNCTION held_back_renewal() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN
  UPDATE auth_user SET data_stamp = floor(random() * 4611686018427387903)::bigint
  WHERE id = :user; RETURN NULL; END $$
"""


def test_the_statement_level_renewal_deadlocks_in_the_same_scenario(rows: Rows) -> None:
    """The held-back design (the user's row updated at the end of each statement) on the
    scenario above: one of the two transactions is the victim of a deadlock."""
    engine = sa.create_engine(rows.url, poolclass=sa.pool.NullPool)
    with engine.begin() as connection:
        for table in ("measurements_measurement", "nutrition_meal"):
            for event in ("insert", "update", "delete"):
                connection.exec_driver_sql(f"DROP TRIGGER {table}_stamp_{event} ON {table}")
        connection.exec_driver_sql(STATEMENT_LEVEL.replace(":user", str(rows.user)))
        for table in ("measurements_measurement", "nutrition_meal"):
            connection.exec_driver_sql(
                f"CREATE TRIGGER {table}_held_back AFTER UPDATE ON {table} "
                "FOR EACH STATEMENT EXECUTE FUNCTION held_back_renewal()"
            )
    engine.dispose()
    outcome = interleave(rows)
    errors = [w.error for w in (outcome.first, outcome.second) if w.error is not None]
    assert len(errors) == 1, errors
    assert isinstance(errors[0], DBAPIError) and "deadlock detected" in str(errors[0])
