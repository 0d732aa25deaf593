"""Users' own answers kept under their data stamp (``rest/owner_answers.py``): a repeated read
runs no view, and a write through any writer (REST, the PowerSync upload, SQL outside a
request as the importer and the commands write, another worker on the same database) changes
the next read. A user never gets another's kept answer."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from sqlalchemy import text

from tests.api.powersync.app_device import Device
from wger_flask import create_app
from wger_flask.config import TestConfig
from wger_flask.extensions import db
from wger_flask.models.types import uuid7
from wger_flask.rest.owner_answers import ROUTES, answer_from_store, owner_answers

PROFILE = "/api/v2/userprofile/"
WEIGHTS = "/api/v2/weightentry/?limit=100"
STATISTICS = "/api/v2/user-statistics/"
MOMENT = "2024-03-04T08:00:00.000Z"


def read(client, headers: dict, url: str, **extra: Any) -> Any:
    response = client.get(url, headers={**headers, **extra})
    assert response.status_code in (200, 304), response.get_data(as_text=True)
    return response


def weights(client, headers: dict) -> list[str]:
    return [row["weight"] for row in read(client, headers, WEIGHTS).get_json()["results"]]


def weigh(client, headers: dict, value: str) -> dict:
    body = {"date": MOMENT, "weight": value}
    response = client.post("/api/v2/weightentry/", json=body, headers=headers)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def test_the_kept_routes_are_routes_of_the_app(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    assert set(ROUTES) <= endpoints
    assert {
        "accounts.userprofile",
        "body.weightentry-list",
        "trophies.user-statistics-list",
        "trophies.trophy-progress",
    } <= set(ROUTES)


@pytest.mark.parametrize("url", [PROFILE, WEIGHTS, STATISTICS, "/api/v2/trophy/progress/"])
def test_a_repeated_read_is_the_kept_answer_with_its_tag(client, alice, count_queries, url):
    first = read(client, alice, url)
    with count_queries() as counter:
        again = read(client, alice, url)
    assert again.get_data() == first.get_data()
    assert again.headers["ETag"] == first.headers["ETag"]
    per_request = {"X-Request-ID"}  # the request log's id: each request its own
    assert sorted((k, v) for k, v in again.headers if k not in per_request) == sorted(
        (k, v) for k, v in first.headers if k not in per_request
    )  # every header once, as the view's own answer had it
    assert len(counter.statements) == 1 and "data_stamp" in counter.statements[0]
    unchanged = read(client, alice, url, **{"If-None-Match": first.headers["ETag"]})
    assert unchanged.status_code == 304


def test_a_rest_write_changes_the_next_read(client, alice):
    assert weights(client, alice) == []
    made = weigh(client, alice, "80")
    assert weights(client, alice) == ["80.00"]
    client.patch(f"/api/v2/weightentry/{made['id']}/", json={"weight": "81"}, headers=alice)
    assert weights(client, alice) == ["81.00"]
    assert read(client, alice, f"/api/v2/weightentry/{made['id']}/").get_json()["weight"] == (
        "81.00"
    )
    assert read(client, alice, PROFILE).get_json()["height"] is None
    response = client.patch(PROFILE, json={"height": 180}, headers=alice)
    assert response.status_code == 200
    assert read(client, alice, PROFILE).get_json()["height"] == 180
    client.delete(f"/api/v2/weightentry/{made['id']}/", headers=alice)
    assert weights(client, alice) == []


def test_an_upload_changes_the_next_read(client, alice):
    assert weights(client, alice) == []
    row = str(uuid7())
    device = Device(client, alice)
    device.put("weight_weightentry", row, {"date": MOMENT, "weight": 80})
    assert weights(client, alice) == ["80.00"]
    device.patch("weight_weightentry", row, {"weight": 82})
    assert weights(client, alice) == ["82.00"]
    device.delete("weight_weightentry", row)
    assert weights(client, alice) == []


def test_sql_outside_a_request_changes_the_next_read(app, client, alice):
    """What ``flask import-wger`` and the commands do: the ORM or plain SQL, no view."""
    weigh(client, alice, "80")
    assert weights(client, alice) == ["80.00"]
    read(client, alice, PROFILE)
    with app.app_context():
        db.session.execute(text("UPDATE measurements_measurement SET value = 90"))
        db.session.execute(text("UPDATE core_userprofile SET height = 170"))
        db.session.commit()
    assert weights(client, alice) == ["90.00"]
    assert read(client, alice, PROFILE).get_json()["height"] == 170


def test_another_worker_writing_changes_the_next_read(app, client, alice, database_url):
    """A second app on the same database (another worker or host) has its own store; a write
    it serves is seen by this app's next read."""
    other = create_app(TestConfig(database_url))
    other_client = other.test_client()
    assert weights(client, alice) == []
    assert weights(other_client, alice) == []
    weigh(other_client, alice, "77")
    assert weights(client, alice) == ["77.00"]
    response = other_client.patch(PROFILE, json={"height": 175}, headers=alice)
    assert response.status_code == 200
    assert read(client, alice, PROFILE).get_json()["height"] == 175
    assert owner_answers(other) is not owner_answers(app)


def test_a_user_never_gets_another_users_answer(client, alice, mallory):
    made = weigh(client, alice, "80")
    mine = read(client, alice, PROFILE).get_json()
    assert weights(client, alice) == ["80.00"]
    assert weights(client, mallory) == []
    theirs = read(client, mallory, PROFILE).get_json()
    assert (mine["username"], theirs["username"]) == ("alice", "mallory")
    detail = f"/api/v2/weightentry/{made['id']}/"
    assert read(client, alice, detail).status_code == 200
    assert client.get(detail, headers=mallory).status_code == 404
    assert client.get(PROFILE).status_code == 401  # anonymous: never looked up


def test_a_failing_credential_is_refused_before_any_kept_answer(client, alice):
    read(client, alice, PROFILE)
    forged = {"Authorization": alice["Authorization"][:-2] + "xx"}
    assert client.get(PROFILE, headers=forged).status_code == 401


def test_the_format_and_the_accept_header_are_part_of_the_key(client, alice):
    as_json = read(client, alice, PROFILE)
    page = client.get(PROFILE, headers={**alice, "Accept": "text/html"})
    assert page.mimetype != as_json.mimetype or page.get_data() != as_json.get_data()
    assert read(client, alice, PROFILE).mimetype == "application/json"


def test_trust_comes_three_weeks_after_joining_without_a_write(client, user, auth_headers):
    """``is_trustworthy`` reads the clock: which side of the three weeks is in the key."""
    assert read(client, auth_headers(user), PROFILE).get_json()["is_trustworthy"] is False
    with time_machine.travel(user.date_joined + dt.timedelta(days=20), tick=False):
        headers = auth_headers(user)  # a token of that day
        assert read(client, headers, PROFILE).get_json()["is_trustworthy"] is False
    with time_machine.travel(user.date_joined + dt.timedelta(days=22), tick=False):
        headers = auth_headers(user)
        assert read(client, headers, PROFILE).get_json()["is_trustworthy"] is True


PROGRESS = "/api/v2/trophy/progress/"


def trophy_names(client, headers: dict) -> list[str]:
    return [row["trophy"]["name"] for row in read(client, headers, PROGRESS).get_json()]


def test_trophy_progress_follows_the_trophy_catalogue_and_the_user(app, client, user, alice):
    """The catalogue is every user's: its own generation is in the key, read with the stamp.
    Hidden trophies show to staff: the user row is the user's data, so is_staff renews it."""
    names = trophy_names(client, alice)
    assert names and trophy_names(client, alice) == names
    with app.app_context():
        db.session.execute(
            text("UPDATE trophies_trophy SET name = 'Renamed' WHERE name = :name"),
            {"name": names[0]},
        )
        db.session.commit()
    assert trophy_names(client, alice)[0] == "Renamed"
    with app.app_context():
        hidden = db.session.execute(
            text("SELECT count(*) FROM trophies_trophy WHERE is_hidden AND is_active")
        ).scalar()
        db.session.execute(text("UPDATE auth_user SET is_staff = true WHERE id = :id"),
                           {"id": user.id})  # fmt: skip
        db.session.commit()
    if hidden:
        assert len(trophy_names(client, alice)) > len(names)
    with app.app_context():
        db.session.execute(text("DELETE FROM trophies_trophy WHERE name = 'Renamed'"))
        db.session.commit()
    assert "Renamed" not in trophy_names(client, alice)


def test_a_kept_answer_still_counts_against_the_rate_limit(app, client, alice, monkeypatch):
    """The limiter's hook runs before the store's: a hit is counted, and refused once over."""
    from flask_limiter import ApplicationLimit

    from wger_flask.rest.throttling import client_key, limiter

    hooks = app.before_request_funcs[None]
    assert hooks.index(limiter._check_request_limit) < hooks.index(answer_from_store)
    three = ApplicationLimit(limit_provider="3/minute", key_function=client_key).bind(limiter)
    monkeypatch.setattr(limiter.limit_manager, "_application_limits", [three])
    first = read(client, alice, PROFILE)  # the view's answer, kept
    for _ in range(2):
        assert read(client, alice, PROFILE).get_data() == first.get_data()  # kept answers
    refused = client.get(PROFILE, headers=alice)
    assert refused.status_code == 429
    assert "Retry-After" in refused.headers


def test_the_store_is_on_by_default_and_off_at_zero(database_url, client, alice, count_queries):
    """On with the default setting; ``OWNER_ANSWER_CACHE_BYTES=0``: no store, every read runs
    its view."""
    assert TestConfig(database_url).OWNER_ANSWER_CACHE_BYTES > 0
    config = TestConfig(database_url)
    config.OWNER_ANSWER_CACHE_BYTES = 0
    off = create_app(config)
    assert owner_answers(off) is None
    off_client = off.test_client()
    first = read(off_client, alice, PROFILE)
    with count_queries() as counter:
        again = read(off_client, alice, PROFILE)
    assert again.get_data() == first.get_data()
    assert len(counter.statements) > 1  # the view ran
    assert (
        read(off_client, alice, PROFILE, **{"If-None-Match": first.headers["ETag"]}).status_code
        == 304
    )
