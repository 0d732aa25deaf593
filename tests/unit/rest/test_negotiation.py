"""Format negotiation: suffix, ?format= and Accept, decided without a request."""

import pytest
from werkzeug.exceptions import NotAcceptable, NotFound

from wger_flask.rest.negotiation import API, JSON, dumps, negotiate_from


@pytest.mark.parametrize(
    ("accept", "expected", "indent"),
    [
        ("", JSON, None),
        ("*/*", JSON, None),
        ("application/json", JSON, None),
        ("application/json; indent=4", JSON, 4),
        ("application/json;indent=2", JSON, 2),
        ("application/json; indent=99", JSON, 8),
        ("application/json; indent=x", JSON, None),
        ("text/html", API, None),
        ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", API, None),
        ("application/json;q=0.5, text/html", API, None),
        ("text/html;q=0.1, application/json", JSON, None),
        ("application/*", JSON, None),
    ],
)
def test_accept_header(accept, expected, indent):
    outcome = negotiate_from(None, None, accept)
    assert (outcome.format, outcome.indent) == (expected, indent)


def test_unsatisfiable_accept_is_406():
    with pytest.raises(NotAcceptable):
        negotiate_from(None, None, "application/xml")


def test_suffix_and_format_parameter_win_over_accept():
    assert negotiate_from("json", None, "text/html").format == JSON
    assert negotiate_from("api", None, "application/json").format == API
    assert negotiate_from(None, "api", "application/json").format == API
    assert negotiate_from(None, "json", "text/html").format == JSON


def test_forced_json_keeps_the_requested_indent():
    assert negotiate_from("json", None, "application/json; indent=4").indent == 4


def test_unknown_format_parameter_is_404():
    with pytest.raises(NotFound):
        negotiate_from(None, "xml", "")


def test_dumps_compact_and_indented():
    assert dumps({"a": [1, 2]}) == b'{"a":[1,2]}'
    assert dumps({"a": 1}, indent=4) == b'{\n    "a": 1\n}'
    assert dumps({"ä": "ü"}) == '{"ä":"ü"}'.encode()
