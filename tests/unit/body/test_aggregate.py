"""The pieces of aggregation that need no database: bucket choice and the zone's offsets."""

import datetime as dt
import zoneinfo

from wger_flask.services.body.aggregate import bucket_start, choose_bucket, offset_transitions

UTC = dt.UTC
BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")


def test_choose_bucket_is_the_finest_within_max_points():
    start = dt.datetime(2021, 1, 1, tzinfo=UTC)
    assert choose_bucket(start, start + dt.timedelta(hours=100), 200) == "hour"
    assert choose_bucket(start, start + dt.timedelta(days=100), 200) == "day"
    assert choose_bucket(start, start + dt.timedelta(days=5 * 365), 200) == "month"
    assert choose_bucket(start, start + dt.timedelta(days=3 * 365), 200) == "week"
    assert choose_bucket(None, None, 200) == "day"


def test_offset_transitions_find_both_dst_changes_to_the_minute():
    first = dt.datetime(2026, 1, 1, tzinfo=UTC)
    last = dt.datetime(2026, 12, 31, tzinfo=UTC)
    changes = offset_transitions(BERLIN, first, last)
    assert [offset for _, offset in changes] == [
        dt.timedelta(hours=1),
        dt.timedelta(hours=2),
        dt.timedelta(hours=1),
    ]
    spring, autumn = changes[1][0], changes[2][0]
    assert spring == dt.datetime(2026, 3, 29, 1, 0, tzinfo=UTC)
    assert autumn == dt.datetime(2026, 10, 25, 1, 0, tzinfo=UTC)


def test_a_zone_without_dst_has_one_offset():
    tokyo = zoneinfo.ZoneInfo("Asia/Tokyo")
    first = dt.datetime(2020, 1, 1, tzinfo=UTC)
    changes = offset_transitions(tokyo, first, first + dt.timedelta(days=5 * 365))
    assert [offset for _, offset in changes] == [dt.timedelta(hours=9)]


def test_bucket_start_carries_the_offset_of_that_moment():
    assert bucket_start("2026-07-01 00:00:00", BERLIN) == "2026-07-01T00:00:00+02:00"
    assert bucket_start(dt.date(2026, 1, 1), BERLIN) == "2026-01-01T00:00:00+01:00"
