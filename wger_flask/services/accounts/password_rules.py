"""What a new password must not be: upstream's Django validators, in the same order and with
the same error codes (allauth passes them on), over an offline list of breached passwords.

- ``password_too_similar``: too like the username, the email address or a part of either
  (Django's ``UserAttributeSimilarityValidator``: a ``SequenceMatcher`` ratio of 0.7 or more);
- ``password_too_short``: under ``MIN_LENGTH`` characters (``MinimumLengthValidator``);
- ``password_too_common``: one of the 30,000 most used passwords of the breached-password lists
  zxcvbn ships (Django's ``CommonPasswordValidator`` reads a 20,000-line list of the same
  origin), or a password zxcvbn guesses in under 100,000 tries (``aaaaaaaa``, ``qwertyuiop``,
  ``p@ssw0rd1``: the common ones in disguise), with zxcvbn's reason;
- ``password_entirely_numeric`` (``NumericPasswordValidator``).

These rules apply when a password is chosen (sign-up, change, reset, ``flask user create``),
never at login: an account whose password predates them keeps logging in with it.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from difflib import SequenceMatcher

MIN_LENGTH = 8
MAX_SIMILARITY = 0.7
# zxcvbn's cost grows with the length; what decides guessability is at the start anyway.
ZXCVBN_MAX_LENGTH = 64
TOO_FEW_GUESSES = 100_000  # under zxcvbn score 2: minutes offline, days online


@dataclass(frozen=True)
class PasswordProblem:
    """Why a password is refused: allauth's (Django's) ``code`` and a sentence for people."""

    code: str
    message: str


@functools.cache
def common_passwords() -> frozenset[str]:
    """The breached-password list zxcvbn ships (lower case), read once per process."""
    from zxcvbn.frequency_lists import FREQUENCY_LISTS

    return frozenset(FREQUENCY_LISTS["passwords"])


def too_similar(password: str, attributes: dict[str, str]) -> str | None:
    """The label of the first attribute the password is too similar to (Django's rule: the
    whole value and each of its word parts, unless the password is far longer)."""
    lowered = password.lower()
    for label, value in attributes.items():
        value = (value or "").lower()
        if not value or far_longer(lowered, value):
            continue
        for part in [*re.split(r"\W+", value), value]:
            if part and SequenceMatcher(a=lowered, b=part).quick_ratio() >= MAX_SIMILARITY:
                return label
    return None


def far_longer(password: str, value: str) -> bool:
    """A password ten times the value's length cannot be "similar" to it (Django's bound)."""
    return len(password) >= 10 * len(value) and len(value) < MAX_SIMILARITY / 2 * len(password)


def guessability_warning(password: str, attributes: dict[str, str]) -> str | None:
    """zxcvbn's reason when it guesses the password in under ``TOO_FEW_GUESSES`` tries."""
    from zxcvbn import zxcvbn

    result = zxcvbn(password[:ZXCVBN_MAX_LENGTH], user_inputs=[v for v in attributes.values() if v])
    if result["guesses"] >= TOO_FEW_GUESSES:
        return None
    return result["feedback"].get("warning") or "It is among the first guesses of any attacker."


def problems(password: str, *, username: str = "", email: str = "") -> list[PasswordProblem]:
    """Every rule the password breaks, in Django's order (empty: it may be used)."""
    attributes = {"username": username, "email address": email}
    found = []
    similar = too_similar(password, attributes)
    if similar:
        found.append(
            PasswordProblem(
                "password_too_similar", f"The password is too similar to the {similar}."
            )
        )
    if len(password) < MIN_LENGTH:
        found.append(
            PasswordProblem(
                "password_too_short",
                f"This password is too short. It must contain at least {MIN_LENGTH} characters.",
            )
        )
    if password.lower().strip() in common_passwords():
        found.append(
            PasswordProblem(
                "password_too_common",
                "This password is too common: it is on the lists of leaked passwords attackers "
                "try first.",
            )
        )
    elif len(password) >= MIN_LENGTH and not similar:
        warning = guessability_warning(password, attributes)
        if warning:
            found.append(
                PasswordProblem(
                    "password_too_common", f"This password is too easy to guess. {warning}".strip()
                )
            )
    if password.isdigit():
        found.append(
            PasswordProblem("password_entirely_numeric", "This password is entirely numeric.")
        )
    return found
