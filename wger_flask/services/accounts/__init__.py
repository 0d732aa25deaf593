"""Accounts: users and passwords, tokens and their rotation, API keys, app sessions, TOTP and
recovery codes, account mail.

May import: models.accounts, models.types, the extensions and the generic layer's throttling.
Other domains use only ``users`` (validation, creation) and ``tokens`` (minting) from here,
and the functions re-exported below.
"""

from typing import Any

from wger_flask.services.accounts.api_keys import adopt as adopt_api_key
from wger_flask.services.accounts.django_hashes import algorithm_of as django_hash_algorithm
from wger_flask.services.accounts.mfa import adopt as adopt_second_factors


def export_user(user_id: int) -> dict[str, list[dict[str, Any]]]:
    """The accounts domain's part of the account export (``lifecycle``'s registry)."""
    from wger_flask.services.accounts.lifecycle import export_accounts

    return export_accounts(user_id)


__all__ = ["adopt_api_key", "adopt_second_factors", "django_hash_algorithm", "export_user"]
