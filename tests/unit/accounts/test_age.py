"""``age`` from ``birthdate`` on a given day (upstream's ``set_user_age``)."""

import datetime as dt
from types import SimpleNamespace

import pytest

from wger_flask.services.accounts.users import age_on, update_profile


@pytest.mark.parametrize(
    ("birthdate", "today", "age"),
    [
        ("1992-03-14", "2026-12-07", 34),
        ("1992-12-07", "2026-12-07", 34),  # the birthday itself
        ("1992-12-08", "2026-12-07", 33),  # the day before it
        ("2000-02-29", "2025-02-28", 24),  # a leap-day birthday comes on 1 March
        ("2000-02-29", "2025-03-01", 25),
        ("2000-02-29", "2028-02-29", 28),
    ],
)
def test_age_on(birthdate, today, age):
    assert age_on(dt.date.fromisoformat(birthdate), dt.date.fromisoformat(today)) == age


def profile(**values):
    return SimpleNamespace(**{"age": None, "birthdate": None, "time_zone": "", **values})


def test_a_profile_without_age_gets_it_on_the_users_today():
    late_in_utc = dt.datetime(2026, 12, 6, 20, tzinfo=dt.UTC)  # 7 December in Auckland
    mine = profile(time_zone="Pacific/Auckland")
    update_profile(mine, {"birthdate": dt.date(1990, 12, 7)}, late_in_utc)
    assert mine.age == 36
    theirs = profile()
    update_profile(theirs, {"birthdate": dt.date(1990, 12, 7)}, late_in_utc)
    assert theirs.age == 35


def test_a_set_age_or_no_birthdate_is_left_alone():
    now = dt.datetime(2026, 12, 7, tzinfo=dt.UTC)
    kept = profile(age=50)
    update_profile(kept, {"birthdate": dt.date(1990, 1, 1)}, now)
    assert kept.age == 50
    none = profile()
    update_profile(none, {"height": 180}, now)
    assert none.age is None and none.height == 180
