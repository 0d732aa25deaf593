"""The password rules (``services/accounts/password_rules.py``): upstream's Django validators
over zxcvbn's offline breached-password list, each refusal with its code and reason."""

from __future__ import annotations

import pytest

from wger_flask.services.accounts import password_rules


def codes(password: str, username: str = "alice", email: str = "alice@example.com") -> list[str]:
    return [p.code for p in password_rules.problems(password, username=username, email=email)]


@pytest.mark.parametrize(
    "password",
    ["correct horse battery", "fresh mountain sprint 42", "a long passphrase", "Tr0ub4dor&3x!"],
)
def test_good_passwords_pass(password):
    assert codes(password) == []


@pytest.mark.parametrize(
    "password", ["password1", "iloveyou", "qwertyuiop", "sunshine", "Password", "football1"]
)
def test_breached_list_passwords_are_too_common(password):
    assert codes(password) == ["password_too_common"]


@pytest.mark.parametrize(
    "password", ["aaaaaaaaaa", "p@ssw0rd1", "abcdefghij", "Passw0rd!", "monkey12345"]
)
def test_common_passwords_in_disguise_are_refused_with_zxcvbn_s_reason(password):
    found = password_rules.problems(password, username="bob")
    assert [p.code for p in found] == ["password_too_common"]
    assert found[0].message.startswith("This password is too easy to guess.")
    assert len(found[0].message) > len("This password is too easy to guess.")


def test_similar_to_the_username_or_the_email_address():
    assert codes("alice1987", username="alice1987x") == ["password_too_similar"]
    similar = password_rules.problems(
        "marathonrunner", username="zed", email="marathon.runner@example.com"
    )
    assert similar[0].code == "password_too_similar"
    assert similar[0].message == "The password is too similar to the email address."
    assert codes("example.com!", username="zed", email="kim@example.com") == [
        "password_too_similar"
    ]


def test_short_and_numeric():
    assert codes("g7#kQ") == ["password_too_short"]
    assert "password_entirely_numeric" in codes("86420975318642")


def test_a_long_password_is_checked_quickly_and_not_similar_to_a_short_name():
    assert codes("x" * 5 + " unrelated words that go on " * 20, username="al", email="") == []
