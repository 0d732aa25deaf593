"""Accounts: users and passwords, tokens and their rotation, API keys, app sessions, TOTP and
recovery codes, account mail, the profile's time zone.

May import: models.accounts, models.types, the extensions, the generic layer (errors,
throttling, writes) and the body domain's package (the official categories a new account gets).
Other domains use only what is re-exported here: ``zone_named`` / ``time_zone_of`` (the user's
time zone), ``known_time_zones``, and ``export_user`` (the account export).
"""

from typing import Any

from wger_flask.services.accounts.zones import UTC, known_time_zones, time_zone_of, zone_named


def export_user(user_id: int) -> dict[str, list[dict[str, Any]]]:
    """The accounts domain's part of the account export (``lifecycle``'s registry)."""
    from wger_flask.services.accounts.lifecycle import export_accounts

    return export_accounts(user_id)


__all__ = ["UTC", "export_user", "known_time_zones", "time_zone_of", "zone_named"]
