"""Benchmark of ``flask import-wger``: an upstream database of 1,000 users, each with a year of
daily history, imported into a fresh server; prints rows per second and the process's memory
as the users go by (it must stay flat: one user's rows at a time).

Each user has: account, profile, email address; a routine (3 days × 2 slots × 1 entry, weight
and repetitions configs); every day of the year a workout session with 3 logs, a weight entry
and 2 diary entries (a plan with one meal of 2 items); a measurement category with a weekly
reading. That is about 2,200 rows a user. The upstream schema and its catalogue come from the
shared fixture (``shared/fixtures/upstream-wger/upstream-A.sqlite3``), copied; the fixture's
own five users are imported too.

.venv/bin/python -m benchmarks.wger_import                           # 1,000 users, SQLite
.venv/bin/python -m benchmarks.wger_import --users 100 --days 30     # a quick look
.venv/bin/python -m benchmarks.wger_import --database-url postgresql://root@127.0.0.1/empty_db

Columns: rows/s since the start and over the last tenth of the users (wall clock, which a busy
machine slows), rows per CPU second of this process (what the importer itself costs), the
process's resident memory now and at its peak. The SQL the database does runs in this process
too on SQLite, elsewhere on PostgreSQL.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import resource
import shutil
import sqlite3
import tempfile
import time
import uuid
from pathlib import Path

from benchmarks.routines import build_app
from tests.upstream_answers import upstream_dir

PASSWORD = (
    "pbkdf2_sha256$1200000$GlULqeLAhJIUVOSjx8J5Ys$LvgRjZN9xmpa9yGeeZ1lSjtpgLgKfClIe6gC0zbyl0g="
)
FIRST_ID = 1000
EXERCISES = (73, 615, 984)
INGREDIENTS = (6273, 2179)


def rss_mb() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def build_source(path: Path, users: int, days: int) -> int:
    """The fixture's database plus ``users`` synthetic people; how many rows they add."""
    fixture = upstream_dir()
    if fixture is None:
        raise SystemExit("needs shared/fixtures/upstream-wger/ (or WGER_FIXTURES_DIR)")
    shutil.copyfile(fixture / "upstream-A.sqlite3", path)
    db = sqlite3.connect(path)
    rows = 0
    start = dt.date(2025, 12, 1)
    next_ids = {
        table: db.execute(f"SELECT coalesce(max(id), 0) FROM {table}").fetchone()[0] + 1
        for table in (
            "manager_routine",
            "manager_day",
            "manager_slot",
            "manager_slotentry",
            "manager_weightconfig",
            "manager_repetitionsconfig",
            "weight_weightentry",
            "core_userprofile",
            "account_emailaddress",
        )
    }

    def take(table: str) -> int:
        value = next_ids[table]
        next_ids[table] += 1
        return value

    batch: dict[str, list[tuple]] = {}

    def add(table: str, *values: object) -> None:
        batch.setdefault(table, []).append(values)

    for number in range(users):
        user = FIRST_ID + number
        batch.clear()

        add(
            "auth_user",
            user,
            PASSWORD,
            None,
            0,
            f"bench{user}",
            "",
            f"bench{user}@example.org",
            0,
            1,
            "2025-11-01 09:00:00",
            "",
        )
        add(
            "account_emailaddress",
            take("account_emailaddress"),
            1,
            1,
            user,
            f"bench{user}@example.org",
        )
        add(
            "core_userprofile",
            take("core_userprofile"),
            0,
            0,
            14,
            12,
            None,
            30,
            180,
            "1",
            7,
            8,
            "1",
            3,
            "2",
            8,
            "1",
            2500,
            "kg",
            None,
            2,
            user,
            0,
            "1995-05-05",
            None,
            0,
            None,
            None,
            1,
        )
        routine = take("manager_routine")
        add(
            "manager_routine",
            routine,
            "A year of training",
            "",
            "2025-11-01 09:00:00",
            start.isoformat(),
            (start + dt.timedelta(days=119)).isoformat(),
            user,
            0,
            0,
            0,
        )
        entries = []
        for order in range(1, 4):
            day = take("manager_day")
            add("manager_day", day, "custom", f"Day {order}", "", 0, 0, order, None, routine)
            for slot_order in range(1, 3):
                slot = take("manager_slot")
                add("manager_slot", slot, slot_order, "", day, None)
                entry = take("manager_slotentry")
                entries.append(entry)
                add(
                    "manager_slotentry",
                    entry,
                    1,
                    "normal",
                    "",
                    None,
                    EXERCISES[slot_order],
                    1,
                    1,
                    slot,
                    1,
                    2.5,
                    None,
                )
                add(
                    "manager_weightconfig",
                    take("manager_weightconfig"),
                    1,
                    60,
                    "r",
                    "na",
                    0,
                    entry,
                    None,
                )
                add(
                    "manager_repetitionsconfig",
                    take("manager_repetitionsconfig"),
                    1,
                    8,
                    "r",
                    "na",
                    0,
                    entry,
                    None,
                )
        plan = uuid.uuid4().hex
        meal = uuid.uuid4().hex
        add(
            "nutrition_nutritionplan",
            start.isoformat(),
            "Plan",
            0,
            user,
            0,
            None,
            None,
            None,
            None,
            None,
            None,
            start.isoformat(),
            plan,
        )
        add("nutrition_meal", 1, "08:00:00", "Breakfast", meal, plan)
        for ingredient in INGREDIENTS:
            add("nutrition_mealitem", 1, 80, ingredient, None, uuid.uuid4().hex, meal)
        category = uuid.uuid4().hex
        add("measurements_category", "Waist", "cm", user, category)
        for offset in range(days):
            day_date = start + dt.timedelta(days=offset)
            session = uuid.uuid4().hex
            add(
                "manager_workoutsession",
                day_date.isoformat(),
                "",
                "2",
                "18:00:00",
                "19:00:00",
                user,
                None,
                routine,
                session,
            )
            for set_number in range(3):
                add(
                    "manager_workoutlog",
                    60 + set_number,
                    f"{day_date} 18:{10 + set_number:02d}:00",
                    user,
                    1,
                    2,
                    None,
                    None,
                    8,
                    1,
                    None,
                    None,
                    None,
                    None,
                    entries[set_number],
                    routine,
                    EXERCISES[set_number],
                    uuid.uuid4().hex,
                    session,
                    None,
                )
            add(
                "weight_weightentry",
                take("weight_weightentry"),
                80 + (offset % 7) / 10,
                user,
                f"{day_date} 07:00:00",
                uuid.uuid4().hex,
            )
            for ingredient in INGREDIENTS:
                add(
                    "nutrition_logitem",
                    f"{day_date} 08:00:00",
                    None,
                    50,
                    ingredient,
                    None,
                    uuid.uuid4().hex,
                    plan,
                    meal,
                )
            if offset % 7 == 0:
                add(
                    "measurements_measurement",
                    80 + offset % 5,
                    "",
                    category,
                    uuid.uuid4().hex,
                    f"{day_date} 07:00:00",
                )
        for table, values in batch.items():
            marks = ", ".join("?" * len(values[0]))
            db.executemany(f"INSERT INTO {table} VALUES ({marks})", values)
            rows += len(values)
    db.commit()
    db.close()
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--users", type=int, default=1000)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument(
        "--database-url", default=None, help="an empty target database (default: a new SQLite file)"
    )
    arguments = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="wger-import-bench-"))
    try:
        source_path = workdir / "upstream.sqlite3"
        started = time.monotonic()
        added = build_source(source_path, arguments.users, arguments.days)
        print(
            f"source: {arguments.users} users × {arguments.days} days, {added:,} rows made in {time.monotonic() - started:.0f} s"
        )
        app = build_app(arguments.database_url)
        app.config["MEDIA_ROOT"] = str(workdir / "media")
        with app.app_context():
            from wger_flask.extensions import db
            from wger_flask.services import wger_import

            source = wger_import.Source(f"sqlite:///{source_path}")
            checkpoints = {max(1, (arguments.users + 5) * share // 10) for share in range(1, 11)}
            done = 0
            rows = 0
            print(
                f"{'users':>6} {'rows':>10} {'rows/s':>8} {'last 10 %':>10} "
                f"{'rows/CPU s':>10} {'RSS MB':>8} {'peak MB':>8}"
            )
            begun = time.monotonic()
            cpu_begun = time.process_time()
            baseline = rss_mb()
            last = [begun, 0]

            def progress(result) -> None:
                nonlocal done, rows
                done += 1
                rows += sum(count.imported for count in result.counts.values())
                if done in checkpoints:
                    now = time.monotonic()
                    recent = (rows - last[1]) / max(now - last[0], 1e-9)
                    last[:] = [now, rows]
                    cpu = time.process_time() - cpu_begun
                    print(
                        f"{done:>6} {rows:>10,} {rows / (now - begun):>8,.0f} {recent:>10,.0f} "
                        f"{rows / max(cpu, 1e-9):>10,.0f} {rss_mb():>8.1f} {peak_mb():>8.1f}",
                        flush=True,
                    )

            report = wger_import.run_import(
                source,
                db.session,
                media_root=None,
                dry_run=False,
                now=dt.datetime.now(dt.UTC),
                commit=db.session.commit,
                rollback=db.session.rollback,
                on_user=progress,
            )
            source.close()
            elapsed = time.monotonic() - begun
        load = os.getloadavg()
        print(
            f"imported {rows:,} rows of {done} users in {elapsed:.0f} s: {rows / elapsed:,.0f} rows/s; "
            f"RSS {baseline:.0f} MB before, {rss_mb():.0f} MB after, peak {peak_mb():.0f} MB; "
            f"outcomes {report.statuses()}; load average {load[0]:.1f} {load[1]:.1f} {load[2]:.1f} "
            f"on {os.cpu_count()} cores"
        )
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
