"""Accounts: users and passwords, tokens and their rotation, API keys, app sessions, TOTP and
recovery codes, account mail.

May import: models.accounts, models.types, the extensions and the generic layer's throttling.
Other domains use only ``users`` (validation, creation) and ``tokens`` (minting) from here.
"""

from typing import Any


def export_user(user_id: int) -> dict[str, list[dict[str, Any]]]:
    """The accounts domain's part of the account export (``lifecycle``'s registry)."""
    from wger_flask.services.accounts.lifecycle import export_accounts

    return export_accounts(user_id)
