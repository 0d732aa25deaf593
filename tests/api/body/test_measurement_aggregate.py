"""measurement/aggregate/ and measurement/value-counts/: buckets in the caller's time zone,
one row per category, bucket and unit, computed in SQL."""

import datetime as dt
import zoneinfo
from collections import defaultdict
from decimal import Decimal

import pytest

from wger_flask.extensions import db
from wger_flask.models.body import Measurement, MeasurementCategory
from wger_flask.models.types import uuid7
from wger_flask.services.body import aggregate as aggregate_service

URL = "/api/v2/measurement/aggregate/"
COUNTS = "/api/v2/measurement/value-counts/"


@pytest.fixture
def waist(app, user):
    """A custom category of alice's, made directly (the API is tested elsewhere)."""
    with app.app_context():
        row = MeasurementCategory(id=uuid7(), user_id=user.id, name="Waist", unit="cm")
        db.session.add(row)
        db.session.commit()
        return str(row.id)


@pytest.fixture
def add(app):
    def add(category: str, when: str | dt.datetime, value, **extra):
        moment = dt.datetime.fromisoformat(when) if isinstance(when, str) else when
        with app.app_context():
            db.session.add(
                Measurement(
                    id=uuid7(),
                    category_id=category,
                    date=moment,
                    value=Decimal(str(value)),
                    **extra,
                )
            )
            db.session.commit()

    return add


def test_day_buckets(client, alice, waist, add):
    add(waist, "2026-11-01T08:00:00Z", 80)
    add(waist, "2026-11-01T20:00:00Z", 82.5)
    add(waist, "2026-11-02T08:00:00Z", 79)
    rows = client.get(f"{URL}?bucket=day&category={waist}", headers=alice).get_json()
    assert rows == [
        {
            "count": 2,
            "sum": "162.50",
            "min": "80.00",
            "max": "82.50",
            "category": waist,
            "start": "2026-11-01T00:00:00+00:00",
            "unit": "cm",
        },
        {
            "count": 1,
            "sum": "79.00",
            "min": "79.00",
            "max": "79.00",
            "category": waist,
            "start": "2026-11-02T00:00:00+00:00",
            "unit": "cm",
        },
    ]


def test_buckets_are_cut_in_the_time_zone(client, alice, waist, add):
    add(waist, "2026-11-01T23:30:00Z", 1)  # 00:30 on the 2nd in Berlin
    utc = client.get(f"{URL}?bucket=day", headers=alice).get_json()
    assert [row["start"] for row in utc] == ["2026-11-01T00:00:00+00:00"]
    berlin = client.get(f"{URL}?bucket=day&tz=Europe/Berlin", headers=alice).get_json()
    assert [row["start"] for row in berlin] == ["2026-11-02T00:00:00+01:00"]


def test_week_starts_on_monday_and_month_on_the_first(client, alice, waist, add):
    add(waist, "2026-11-04T12:00:00Z", 1)  # a Wednesday
    add(waist, "2026-11-08T12:00:00Z", 2)  # the Sunday of the same week
    week = client.get(f"{URL}?bucket=week", headers=alice).get_json()
    assert [(row["start"], row["count"]) for row in week] == [("2026-11-02T00:00:00+00:00", 2)]
    month = client.get(f"{URL}?bucket=month", headers=alice).get_json()
    assert [row["start"] for row in month] == ["2026-11-01T00:00:00+00:00"]


@pytest.mark.parametrize("table_buckets_max", [4000, 1], ids=["bucket table", "offset shift"])
def test_hours_across_a_dst_change_match_python(
    client, alice, waist, add, monkeypatch, table_buckets_max
):
    """Every 5 hours over the March change in Berlin: the buckets are those zoneinfo gives,
    whichever way SQLite cuts them (a joined table of bounds, or each reading shifted)."""
    monkeypatch.setattr(aggregate_service, "TABLE_BUCKETS_MAX", table_buckets_max)
    zone = zoneinfo.ZoneInfo("Europe/Berlin")
    start = dt.datetime(2026, 3, 27, 0, 0, tzinfo=dt.UTC)
    moments = [start + dt.timedelta(hours=5 * step) for step in range(30)]
    for index, moment in enumerate(moments):
        add(waist, moment, index)
    for bucket, cut in (
        ("hour", lambda local: local.replace(minute=0)),
        ("day", lambda local: local.replace(hour=0, minute=0)),
    ):
        expected = defaultdict(int)
        for moment in moments:
            local = cut(moment.astimezone(zone).replace(tzinfo=None))
            expected[local.replace(tzinfo=zone).isoformat()] += 1
        rows = client.get(f"{URL}?bucket={bucket}&tz=Europe/Berlin", headers=alice).get_json()
        assert {row["start"]: row["count"] for row in rows} == dict(expected)


def test_auto_keeps_under_max_points(client, alice, waist, add):
    start = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    for day in range(0, 120, 3):
        add(waist, start + dt.timedelta(days=day), 1)
    assert len(client.get(f"{URL}?max_points=200", headers=alice).get_json()) == 40  # days
    weeks = client.get(f"{URL}?max_points=20", headers=alice).get_json()
    assert 15 <= len(weeks) <= 20
    months = client.get(f"{URL}?max_points=5", headers=alice).get_json()
    assert [row["start"][:10] for row in months] == [
        "2026-01-01",
        "2026-02-01",
        "2026-03-01",
        "2026-04-01",
    ]


def test_rows_split_by_unit(client, alice, app, user, add):
    weight = client.get(
        "/api/v2/measurement-category/?metric_type=body_weight", headers=alice
    ).get_json()["results"][0]["id"]
    add(weight, "2026-11-01T08:00:00Z", 80)
    add(weight, "2026-11-01T09:00:00Z", 176, extra_data={"unit": "lb"})
    rows = client.get(f"{URL}?bucket=day&category={weight}", headers=alice).get_json()
    assert {(row["unit"], row["count"]) for row in rows} == {("kg", 1), ("lb", 1)}


def test_date_range_and_category_filters(client, alice, waist, add):
    add(waist, "2026-10-31T08:00:00Z", 1)
    add(waist, "2026-11-01T08:00:00Z", 2)
    add(waist, "2026-11-02T08:00:00Z", 3)
    rows = client.get(
        f"{URL}?bucket=day&date__gte=2026-11-01T00:00:00%2B00:00&date__lt=2026-11-02T00:00:00Z",
        headers=alice,
    ).get_json()
    assert [row["sum"] for row in rows] == ["2.00"]
    other = str(uuid7())
    assert client.get(f"{URL}?category={other}", headers=alice).get_json() == []


def test_other_users_readings_never_count(client, alice, mallory, waist, add):
    add(waist, "2026-11-01T08:00:00Z", 1)
    assert client.get(URL, headers=mallory).get_json() == []
    assert client.get(f"{URL}?category={waist}", headers=mallory).get_json() == []
    assert client.get(COUNTS, headers=mallory).get_json() == []


@pytest.mark.parametrize(
    "query, field",
    [
        ("bucket=year", "bucket"),
        ("max_points=0", "max_points"),
        ("max_points=many", "max_points"),
        ("tz=Mars/Olympus", "tz"),
        ("date__gte=someday", "date__gte"),
        ("category=x", "category"),
    ],
)
def test_malformed_parameters_are_400_naming_them(client, alice, waist, add, query, field):
    add(waist, "2026-11-01T08:00:00Z", 1)
    response = client.get(f"{URL}?{query}", headers=alice)
    assert response.status_code == 400
    assert field in response.get_json()


def test_empty(client, alice):
    assert client.get(URL, headers=alice).get_json() == []


def test_statements_do_not_grow_with_the_rows(client, alice, waist, add, count_queries):
    add(waist, "2026-11-01T08:00:00Z", 1)
    client.get(URL, headers=alice)  # official categories made
    with count_queries() as few:
        client.get(f"{URL}?tz=Europe/Berlin", headers=alice)
    for hour in range(1, 50):
        add(waist, dt.datetime(2026, 11, 1, tzinfo=dt.UTC) + dt.timedelta(hours=hour), hour)
    with count_queries() as many:
        client.get(f"{URL}?tz=Europe/Berlin", headers=alice)
    assert few.count == many.count <= 4, many.statements


def test_value_counts(client, alice, waist, add):
    add(waist, "2026-11-01T08:00:00Z", 80)
    add(waist, "2026-11-01T09:00:00Z", 80)
    add(waist, "2026-11-02T09:00:00Z", 81)
    rows = client.get(f"{COUNTS}?category={waist}", headers=alice).get_json()
    assert rows == [
        {
            "category": waist,
            "value": "80.00",
            "unit": "cm",
            "count": 2,
            "newest": "2026-11-01T09:00:00Z",
        },
        {
            "category": waist,
            "value": "81.00",
            "unit": "cm",
            "count": 1,
            "newest": "2026-11-02T09:00:00Z",
        },
    ]
    daily = client.get(f"{COUNTS}?summed_per_day=True", headers=alice).get_json()
    assert {(row["value"], row["count"]) for row in daily} == {("160.00", 1), ("81.00", 1)}
    ignored = client.get(f"{COUNTS}?summed_per_day=true", headers=alice).get_json()  # the seed
    assert ignored == client.get(COUNTS, headers=alice).get_json()
