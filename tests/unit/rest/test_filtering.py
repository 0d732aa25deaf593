"""Declared filters → SQL: lookups, the True/False rule, unknown parameters, 400s."""

import pytest
from sqlalchemy import Boolean, Column, Integer, MetaData, Numeric, String, Table, select
from werkzeug.datastructures import MultiDict

from wger_flask.rest.errors import ValidationFailed
from wger_flask.rest.filtering import (
    GT,
    IN,
    LTE,
    FilterSet,
    Ignore,
    custom,
    exact,
    parse_bool,
    parse_datetime,
)

TABLE = Table(
    "t",
    MetaData(),
    Column("id", Integer, primary_key=True),
    Column("name", String),
    Column("flag", Boolean),
    Column("amount", Numeric(6, 2)),
)
FILTERS = FilterSet(
    {
        "id": exact(TABLE.c.id, "int", IN, GT),
        "name": exact(TABLE.c.name, "str"),
        "flag": exact(TABLE.c.flag, "bool"),
        "amount": exact(TABLE.c.amount, "decimal", LTE),
    }
)


def where_of(args):
    stmt, applied = FILTERS.apply(select(TABLE.c.id), MultiDict(args))
    compiled = stmt.compile(compile_kwargs={"literal_binds": True})
    text = str(compiled)
    return (text.split("WHERE", 1)[1].strip() if "WHERE" in text else ""), applied


def test_exact_and_lookups_are_and_joined():
    where, applied = where_of([("id__gt", "3"), ("name", "Biceps")])
    assert where == "t.id > 3 AND t.name = 'Biceps'"
    assert applied == [("id__gt", "3"), ("name", "Biceps")]


def test_in_takes_a_comma_list():
    where, _ = where_of({"id__in": "1,2,3"})
    assert where == "t.id IN (1, 2, 3)"


@pytest.mark.parametrize("value", ["true", "false", "1", "0", "TRUE", "FALSE", "yes", "on", ""])
def test_boolean_other_than_True_False_is_ignored(value):
    where, applied = where_of({"flag": value})
    assert where == "" and applied == []


@pytest.mark.parametrize(("value", "expected"), [("True", True), ("False", False)])
def test_boolean_True_False_filter(value, expected):
    """The one boolean rule: the seed's ``True``/``False``, case-sensitive."""
    where, applied = where_of({"flag": value})
    assert (
        where
        in (
            {True: ("t.flag = 1", "t.flag = true"), False: ("t.flag = 0", "t.flag = false")}[
                expected
            ]
        )
    )
    assert applied == [("flag", value)]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("True", True),
        ("true", None),
        ("False", False),
        ("false", None),
        ("TRUE", None),
        ("1", None),
    ],
)
def test_query_flag_is_the_same_rule_outside_the_filters(value, expected):
    from wger_flask.rest.filtering import query_flag

    assert query_flag({"x": value}, "x", default=None) is expected
    assert query_flag({}, "x") is False


def test_unknown_parameters_and_lookups_are_ignored():
    where, applied = where_of({"password": "x", "name__icontains": "a", "id__regex": ".*"})
    assert where == "" and applied == []


def test_repeated_parameter_is_not_an_or():
    where, _ = where_of([("id", "1"), ("id", "2")])
    assert where == "t.id = 1 AND t.id = 2"


@pytest.mark.parametrize(
    ("args", "field", "message"),
    [
        ({"id": "abc"}, "id", "Enter a whole number."),
        ({"id__in": "1,x"}, "id__in", "Enter a whole number."),
        ({"amount__lte": "cheap"}, "amount__lte", "Enter a number."),
        ({"id": "99999999999999999999"}, "id", "Ensure this value is less than or equal to"),
    ],
)
def test_malformed_value_is_a_400_naming_the_parameter(args, field, message):
    with pytest.raises(ValidationFailed) as raised:
        FILTERS.apply(select(TABLE.c.id), MultiDict(args))
    body = raised.value.payload()
    assert list(body) == [field]
    assert body[field][0].startswith(message)


def test_empty_value_means_no_filter():
    assert where_of({"id": ""}) == ("", [])


def test_custom_filter_sees_all_arguments():
    seen = {}

    def method(stmt, value, args):
        seen["value"], seen["other"] = value, args.get("other")
        return stmt.where(TABLE.c.name == value)

    filters = FilterSet({"name__search": custom(method)})
    filters.apply(select(TABLE.c.id), MultiDict({"name__search": "curl", "other": "x"}))
    assert seen == {"value": "curl", "other": "x"}


def test_parse_bool_takes_two_words_only():
    assert parse_bool("True") is True and parse_bool("False") is False
    for other in ("true", "false", "TRUE", "False ", "1"):
        with pytest.raises(Ignore):
            parse_bool(other)


def test_parse_datetime_accepts_offsets_dates_and_a_decoded_plus():
    assert parse_datetime("2024-01-01").isoformat() == "2024-01-01T00:00:00+00:00"
    assert parse_datetime("2024-01-01T10:00:00+02:00").isoformat() == "2024-01-01T08:00:00+00:00"
    assert parse_datetime("2024-01-01T10:00:00 02:00").isoformat() == "2024-01-01T08:00:00+00:00"
    with pytest.raises(ValueError):
        parse_datetime("yesterday")
