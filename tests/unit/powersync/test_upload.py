"""The upload protocol's own steps: reading the body, the id, and a rule's refusal as the
app's answer."""

from __future__ import annotations

import pytest

from wger_flask.rest.errors import APIError, ValidationFailed
from wger_flask.services.powersync import upload


@pytest.mark.parametrize(
    "body",
    [None, [], "x", {}, {"table": ""}, {"table": 1, "data": {}}, {"table": "t", "data": []}],
)
def test_a_body_without_table_and_data_is_refused(body):
    with pytest.raises(upload.Refused) as refused:
        upload.parse(body)
    assert refused.value.body() == {"error": "Missing required fields: table, data"}


def test_table_and_data_are_read():
    assert upload.parse({"table": "t", "data": {"id": "1"}, "extra": 1}) == ("t", {"id": "1"})


def test_an_unknown_table_is_named():
    with pytest.raises(upload.Refused) as refused:
        upload.table_of({}, "auth_user")
    assert refused.value.body() == {"error": "Unknown table: auth_user"}


@pytest.mark.parametrize("data", [{}, {"id": None}, {"id": ""}, {"id": True}, {"id": [1]}])
def test_every_change_names_its_row(data):
    with pytest.raises(upload.Refused) as refused:
        upload.required_id(data)
    assert refused.value.body() == {
        "error": "Validation failed",
        "details": {"id": ["This field is required."]},
    }


def test_the_methods_are_upstreams_operations():
    assert upload.OPERATIONS == {"PUT": "create", "PATCH": "update", "DELETE": "delete"}


def test_a_rules_refusal_becomes_the_apps_answer():
    assert upload.refusal_of(ValidationFailed({"end": ["Too early."]})).body() == {
        "error": "Validation failed",
        "details": {"end": ["Too early."]},
    }
    assert upload.refusal_of(APIError(403, "Official categories cannot be deleted.")).body() == {
        "error": "Forbidden",
        "details": "Official categories cannot be deleted.",
    }
