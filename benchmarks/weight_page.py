"""A 100-row page of weight entries read and dumped two ways, in one process, alternately: the
weight and user converted per row in SQL (the correlated look-ups of ``WeightEntry.weight`` and
``WeightEntry.user_id``, as the page read them before) and as it reads them now (the category's
units read once, ``WeightEntry.scale``, and converted in Python). CPU time per page, best and
median of the rounds; both ways must give the same answers.

The data is ``benchmarks.owner_cpu``'s (the side-by-side's seed: 100 weight entries), in SQLite.

    .venv/bin/python -m benchmarks.weight_page
    .venv/bin/python -m benchmarks.weight_page --pages 500 --rounds 9
"""

from __future__ import annotations

import argparse
import gc
import logging
import os
import shutil
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from benchmarks.owner_cpu import seeded_app


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--pages", type=int, default=200, help="pages per round and way")
    parser.add_argument("--rounds", type=int, default=7, help="rounds; best and median shown")
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="wger-weight-page-"))
    try:
        app, _ = seeded_app(workdir)
        logging.disable(logging.INFO)
        with app.app_context():
            compare(args.pages, args.rounds)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def compare(pages: int, rounds: int) -> None:
    from marshmallow import fields
    from sqlalchemy import select

    from wger_flask.extensions import db
    from wger_flask.models.accounts import User
    from wger_flask.models.body import WeightEntry
    from wger_flask.rest.loading import ReadPlan, records_of
    from wger_flask.rest.permissions import scope_to_owner
    from wger_flask.rest.serialization import compile_dumper
    from wger_flask.schemas.base import BaseSchema
    from wger_flask.schemas.body import WeightEntrySchema
    from wger_flask.schemas.fields import DateTime, DecimalString, UUIDString

    class PerRowSchema(BaseSchema):
        """The same answer, with weight and user read from the row's SQL columns."""

        id = UUIDString(allow_none=True)
        date = DateTime()
        weight = DecimalString(5, 2)
        user = fields.Integer(attribute="user_id", dump_only=True)

    user_id = db.session.execute(select(User.id).where(User.username == "benchmark")).scalar_one()
    page = (
        scope_to_owner(select(WeightEntry), WeightEntry, user_id)
        .order_by(WeightEntry.date, WeightEntry.id)
        .limit(100)
    )
    plan = ReadPlan.for_schema(WeightEntry, WeightEntrySchema)
    per_row_columns = [
        *plan.columns,
        WeightEntry.weight.label("weight"),
        WeightEntry.user_id.label("user_id"),
    ]
    per_row_dump, dump = compile_dumper(PerRowSchema), compile_dumper(WeightEntrySchema)

    def per_row() -> list[dict[str, Any]]:
        result = db.session.execute(page.with_only_columns(*per_row_columns))
        return [per_row_dump(record) for record in records_of(result)]

    def once_a_page() -> list[dict[str, Any]]:
        return [dump(record) for record in plan.page(page)]

    ways: dict[str, Callable[[], list[dict[str, Any]]]] = {
        "units per row in SQL (before)": per_row,
        "units once a page, converted in Python": once_a_page,
    }
    answers = [way() for way in ways.values()]
    if answers[0] != answers[1] or len(answers[0]) != 100:
        raise SystemExit("the two ways answer differently")
    gc.collect()
    gc.freeze()
    times: dict[str, list[float]] = {name: [] for name in ways}
    for _ in range(rounds):
        for name, way in ways.items():
            started = time.process_time()
            for _ in range(pages):
                way()
            times[name].append((time.process_time() - started) / pages)
    print(
        f"\nA 100-row page of weight entries read and dumped, CPU µs, {rounds} rounds × "
        f"{pages} pages; load average {os.getloadavg()[0]:.2f}\n"
    )
    print("| way | best | median |")
    print("|---|---:|---:|")
    for name, measured in times.items():
        ordered = sorted(measured)
        print(f"| {name} | {ordered[0] * 1e6:,.0f} | {ordered[len(ordered) // 2] * 1e6:,.0f} |")


if __name__ == "__main__":
    main()
