"""The formulas of calculated categories, against values worked out by hand."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

from wger_flask.services.body import calculated


def test_bmi():
    assert calculated.bmi(D(80), D(180)) == D("24.69")  # 80 / 3.24 = 24.691…
    assert calculated.bmi(D(100), D(200)) == D("25.00")
    assert calculated.bmi(D("62.5"), D(160)) == D("24.41")  # 62.5 / 2.56 = 24.414…


def test_one_rep_max():
    assert calculated.one_rep_max(D(100), D(5), "epley") == D("116.67")  # 100 × 7/6
    assert calculated.one_rep_max(D(100), D(5), "brzycki") == D("112.50")  # 100 × 36/32
    assert calculated.one_rep_max(D(100), D(1), "epley") == D("103.33")
    assert calculated.one_rep_max(D(100), D(1), "brzycki") == D("100.00")
    assert calculated.one_rep_max(D(100), D(37), "brzycki") is None  # no divisor left
    assert calculated.one_rep_max(D(0), D(5), "epley") is None
    assert calculated.one_rep_max(D(100), D(0), "epley") is None


def test_units():
    assert calculated.in_kg(D(225), "lb") == D("102.05828325")
    assert calculated.in_kg(D(1), "st") is None
    assert calculated.in_cm(D("35.43"), "in") == D("89.9922")
    assert calculated.in_cm(D("1.8"), "m") == D("180.0")


def test_the_height_of_a_moment():
    day = lambda number: dt.datetime(2026, 1, number, tzinfo=dt.UTC)  # noqa: E731
    heights = [(day(5), D(180)), (day(10), D(175))]
    assert calculated.height_at(heights, day(1)) == D(180)  # before any: the first
    assert calculated.height_at(heights, day(5)) == D(180)
    assert calculated.height_at(heights, day(9)) == D(180)
    assert calculated.height_at(heights, day(12)) == D(175)
    assert calculated.height_at([], day(12)) is None
