"""The body domain's write rules as plain functions (``services/body/rules.py``)."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from wger_flask.extensions import db
from wger_flask.models.body import MeasurementCategory, WeightEntry
from wger_flask.rest.errors import APIError
from wger_flask.services.body import rules


def test_an_official_category_is_not_deleted():
    with pytest.raises(APIError) as refused:
        rules.check_measurement_category_delete(
            None, MeasurementCategory(is_official=True), {}, None
        )
    assert refused.value.code == 403
    rules.check_measurement_category_delete(None, MeasurementCategory(is_official=False), {}, None)


def test_a_reading_without_an_external_id_is_never_an_update():
    assert rules.find_measurement(None, {"category_id": "x"}, None) is None
    assert rules.find_measurement(None, {"external_id": "x"}, None) is None


def test_a_weight_entry_is_taken_now_unless_told(app, user):
    moment = dt.datetime(2026, 3, 29, 1, 30, tzinfo=dt.UTC)
    with app.app_context(), time_machine.travel(moment, tick=False):
        entry = WeightEntry(user_id=user.id, weight=80)
        rules.check_weight_entry(db.session, entry, {"weight": 80}, user, True)
        assert entry.date == moment
