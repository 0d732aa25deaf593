"""Dates, times and datetimes read as upstream reads them (Django's parsers behind DRF's
fields): what it accepts is accepted and normalised, what it refuses is a 400 naming the field.
Each string below was checked against Django's ``parse_date`` / ``parse_time`` /
``parse_datetime`` rules (``fromisoformat`` first, then the looser one-digit patterns)."""

from __future__ import annotations

import datetime as dt

import pytest
from marshmallow import Schema, ValidationError

from wger_flask.rest.dateparse import parse_date, parse_datetime, parse_time
from wger_flask.schemas.fields import Date, DateTime, Time

UTC = dt.UTC
PLUS_ONE = dt.timezone(dt.timedelta(hours=1))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("17:00:00", dt.time(17)),
        ("17:0:00", dt.time(17)),  # the client
        ("7:5", dt.time(7, 5)),
        ("17:00", dt.time(17)),
        ("1700", dt.time(17)),  # fromisoformat's basic form
        ("17:00:00.5", dt.time(17, 0, 0, 500000)),
        ("17:00:00,25", dt.time(17, 0, 0, 250000)),
        ("17:0:00.1234567", dt.time(17, 0, 0, 123456)),  # extra digits dropped
        ("17:00:00+02:00", dt.time(17)),  # the offset is dropped, as upstream drops it
        ("17:00:00Z", dt.time(17)),
        ("17:0:00\n", dt.time(17)),  # upstream's pattern ends in "$"
        ("17", dt.time(17)),  # fromisoformat takes an hour alone
        ("17-00", dt.time(17)),  # ... and this as 17:00 at offset -00
    ],
)
def test_times_upstream_accepts(text, expected):
    assert parse_time(text) == expected


@pytest.mark.parametrize(
    "text", ["", "noon", "17:00:00 ", " 17:00", "17:0:00Z", "1:2:3:4", "17h00", "17:0:0:0"]
)
def test_times_upstream_refuses(text):
    assert parse_time(text) is None


@pytest.mark.parametrize("text", ["25:00", "17:60", "7:5:99"])
def test_well_formed_times_that_do_not_exist_raise(text):
    with pytest.raises(ValueError):
        parse_time(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-12-06", dt.date(2026, 12, 6)),
        ("2026-12-6", dt.date(2026, 12, 6)),
        ("2026-1-6", dt.date(2026, 1, 6)),
        ("20261206", dt.date(2026, 12, 6)),
    ],
)
def test_dates_upstream_accepts(text, expected):
    assert parse_date(text) == expected


@pytest.mark.parametrize(
    "text", ["", "06.12.2026", "12/06/2026", "2026-12-06T10:00", "26-12-06", "2026-12", "x"]
)
def test_dates_upstream_refuses(text):
    assert parse_date(text) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-12-06T06:00:00Z", dt.datetime(2026, 12, 6, 6, tzinfo=UTC)),
        ("2026-12-06T06:0:00Z", dt.datetime(2026, 12, 6, 6, tzinfo=UTC)),  # the client
        ("2026-12-6 6:0", dt.datetime(2026, 12, 6, 6)),
        ("2026-12-06T06:00:00+01:00", dt.datetime(2026, 12, 6, 6, tzinfo=PLUS_ONE)),
        ("2026-12-06T6:00+0100", dt.datetime(2026, 12, 6, 6, tzinfo=PLUS_ONE)),
        ("2026-12-06T6:00 +01", dt.datetime(2026, 12, 6, 6, tzinfo=PLUS_ONE)),
        ("2026-12-06T06:00:00,5Z", dt.datetime(2026, 12, 6, 6, 0, 0, 500000, tzinfo=UTC)),
        ("2026-12-06", dt.datetime(2026, 12, 6)),  # fromisoformat: a date is its midnight
        ("2026-12-06X06:00", dt.datetime(2026, 12, 6, 6)),  # fromisoformat: any separator
    ],
)
def test_datetimes_upstream_accepts(text, expected):
    parsed = parse_datetime(text)
    assert parsed == expected and (parsed.tzinfo is None) == (expected.tzinfo is None)


@pytest.mark.parametrize(
    "text", ["", "2026-12-06T", "06:00", "2026-12-06XX06:0", "2026-12-06T06:0:00 UTC", "now"]
)
def test_datetimes_upstream_refuses(text):
    assert parse_datetime(text) is None


def test_not_a_string_is_refused():
    for parse in (parse_date, parse_time, parse_datetime):
        assert parse(1700) is None and parse(None) is None and parse(["17:00"]) is None


class Sample(Schema):
    day = Date()
    at = Time(allow_none=True)
    moment = DateTime()


def test_the_fields_store_normalised_values():
    loaded = Sample().load({"day": "2026-12-6", "at": "17:0:00", "moment": "2026-12-06T07:0+01"})
    assert loaded == {
        "day": dt.date(2026, 12, 6),
        "at": dt.time(17),
        "moment": dt.datetime(2026, 12, 6, 6, tzinfo=UTC),  # stored in UTC
    }
    assert Sample().dump(loaded) == {
        "day": "2026-12-06",
        "at": "17:00:00",
        "moment": "2026-12-06T06:00:00Z",
    }
    assert Sample().load({"moment": "2026-12-06T06:00"})["moment"].tzinfo == UTC  # naive: UTC


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({"day": "06.12.2026"}, "day", "Date has wrong format. Use one of these formats instead: "),
        ({"day": "2026-02-30"}, "day", "Date has wrong format."),
        ({"day": 20261206}, "day", "Date has wrong format."),
        ({"at": "25:00"}, "at", "Time has wrong format. Use one of these formats instead: "),
        ({"at": "noon"}, "at", "Time has wrong format."),
        ({"moment": "tomorrow"}, "moment", "Datetime has wrong format."),
        ({"moment": "2026-13-01T00:00Z"}, "moment", "Datetime has wrong format."),
        ({"moment": "9999-12-31T23:59:59-14:00"}, "moment", "outside the supported range"),
    ],
)
def test_the_fields_refuse_what_upstream_refuses(body, field, message):
    with pytest.raises(ValidationError) as refused:
        Sample().load(body)
    assert list(refused.value.messages) == [field]
    assert message in refused.value.messages[field][0]
