"""The run's report as text: per table (source against imported), per user, every skipped row
with its reason."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from wger_flask.services.wger_import.people import UserResult
    from wger_flask.services.wger_import.run import Report


def render_summary(report: Report, *, details: bool = True) -> str:
    verb = "would import" if report.dry_run else "imported"
    lines = [
        f"{'table':<36} {'source':>9} {verb:>12} {'already here':>13} {'skipped':>8}",
        "-" * 82,
    ]
    for table in sorted(report.tables):
        count = report.tables[table]
        lines.append(
            f"{table:<36} {count.source:>9} {count.imported:>12} {count.present:>13} "
            f"{count.skipped_count:>8}"
        )
    statuses = ", ".join(
        f"{number} {status}" for status, number in sorted(report.statuses().items())
    )
    lines += ["-" * 82, f"users: {statuses or 'none'}"]
    if not details:
        return "\n".join(lines)
    for user in report.users:
        if user.status in ("refused", "failed"):
            lines.append(f"  {user.username} (id {user.source_id}): {user.status}: {user.reason}")
        for note in user.notes:
            lines.append(f"  {user.username}: {note}")
    skipped = [
        (table, what, why)
        for table, count in sorted(report.tables.items())
        for what, why in count.skipped
    ]
    if skipped:
        lines.append("skipped rows:")
        lines.extend(f"  {table}: {what}: {why}" for table, what, why in skipped)
    dropped = sum(count.dropped for count in report.tables.values())
    if dropped:
        lines.append(f"  ... and {dropped} more skipped rows (counted above, not listed)")
    return "\n".join(lines)


def user_line(result: UserResult) -> str:
    """One line per user, for the log of a run that is not on a terminal."""
    imported = sum(count.imported for count in result.counts.values())
    skipped = sum(len(count.skipped) for count in result.counts.values())
    tail = f": {result.reason}" if result.reason else ""
    return f"{result.username} (id {result.source_id}): {result.status}, {imported} rows, {skipped} skipped{tail}"
