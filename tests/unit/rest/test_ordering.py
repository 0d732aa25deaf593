"""?ordering= against a whitelist."""

from sqlalchemy import Column, Integer, MetaData, String, Table, select

from wger_flask.rest import ordering

TABLE = Table(
    "t",
    MetaData(),
    Column("id", Integer, primary_key=True),
    Column("name", String),
    Column("date", String),
)
ALLOWED = {"id": TABLE.c.id, "name": TABLE.c.name, "date": TABLE.c.date}


def test_parse_keeps_allowed_terms_in_order():
    assert ordering.parse("-date,name", ALLOWED) == ["-date", "name"]


def test_parse_ignores_unknown_and_blank_terms():
    assert ordering.parse("password,,-nope, name ", ALLOWED) == ["name"]
    assert ordering.parse(None, ALLOWED) == []


def test_apply_uses_default_when_nothing_valid_and_adds_tiebreaker():
    stmt, used = ordering.apply(select(TABLE), "bogus", ALLOWED, [TABLE.c.name], TABLE.c.id)
    assert used == []
    assert str(stmt).endswith("ORDER BY t.name, t.id ASC")


def test_apply_explicit_ordering_replaces_earlier_ordering():
    base = select(TABLE).order_by(TABLE.c.date)
    stmt, used = ordering.apply(base, "-name", ALLOWED, [TABLE.c.name], TABLE.c.id)
    assert used == ["-name"]
    assert str(stmt).endswith("ORDER BY t.name DESC, t.id ASC")


def test_no_tiebreaker_when_id_requested():
    stmt, _ = ordering.apply(select(TABLE), "-id", ALLOWED, [], TABLE.c.id)
    assert str(stmt).endswith("ORDER BY t.id DESC")
