"""PowerSync, the sync service of the wger mobile app 2.x: its signing keys and tokens, the
upload protocol (the app's payloads turned into ordinary writes, the outcomes it expects), and
the PostgreSQL side the service replicates from (publication, storage role and schema).

Owns no table of its own: the ``powersync`` publication and ``nutrition_synced_ingredient``
(kept by triggers, see ``migrations/``) are read by the service, never by this code.
May import: ``models``, ``database``, the extensions, the generic layer's errors, and other
domains' packages. Writes go through the owning domain's rules (the REST declarations point at
the same functions), never through a copy of them here.
"""

from __future__ import annotations

from wger_flask.services.powersync.keys import (
    EXTENSION_KEY,
    WHAT_TO_SET,
    InvalidKey,
    KeyPair,
    KeysMissing,
    generate_key_pair,
    keys_of,
    load_key_pair,
)
from wger_flask.services.powersync.storage import StorageSetupError
from wger_flask.services.powersync.tokens import (
    AUDIENCE,
    TOKEN_LIFETIME_SECONDS,
    InvalidPowerSyncToken,
    mint_token,
    service_url,
    verify_token,
)

__all__ = [
    "AUDIENCE",
    "EXTENSION_KEY",
    "WHAT_TO_SET",
    "InvalidKey",
    "TOKEN_LIFETIME_SECONDS",
    "InvalidPowerSyncToken",
    "KeyPair",
    "KeysMissing",
    "StorageSetupError",
    "generate_key_pair",
    "keys_of",
    "load_key_pair",
    "mint_token",
    "service_url",
    "verify_token",
]
