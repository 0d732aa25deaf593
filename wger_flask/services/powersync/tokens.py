"""PowerSync tokens: what the app hands the PowerSync service, and where that service is.

Upstream's claims exactly: ``sub`` (the user id as a string), ``iat``, ``aud`` = ``powersync``,
``exp`` = ``iat`` + 10 minutes (not configurable upstream either), and the key's ``kid`` in the
header; no ``iss``, ``jti`` or token type. The app refreshes it through ``powersync-token``
before it runs out, so a short life costs nothing.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import jwt as pyjwt

from wger_flask.services.powersync.keys import KeyPair

AUDIENCE = "powersync"
TOKEN_LIFETIME_SECONDS = 600
DEFAULT_URL_PATH = "ps"


class InvalidPowerSyncToken(Exception):
    """A token the PowerSync service must refuse; the message says why."""


def mint_token(keys: KeyPair, user_id: int, now: dt.datetime) -> str:
    """A PowerSync token for ``user_id``, issued at ``now``."""
    issued = int(now.timestamp())
    claims = {
        "sub": str(user_id),
        "iat": issued,
        "aud": AUDIENCE,
        "exp": issued + TOKEN_LIFETIME_SECONDS,
    }
    return pyjwt.encode(
        claims, keys.private_key, algorithm=keys.algorithm, headers={"kid": keys.kid}
    )


def verify_token(token: str, jwks: dict[str, Any], now: dt.datetime) -> dict[str, Any]:
    """Check a token as the PowerSync service does with our JWKS: a key of the set by ``kid``,
    its RSA algorithm only, ``aud`` = ``powersync``, not expired at ``now``; the claims."""
    try:
        header = pyjwt.get_unverified_header(token)
    except pyjwt.InvalidTokenError as error:
        raise InvalidPowerSyncToken(f"not a JWT ({error})") from None
    matching = [key for key in jwks.get("keys", []) if key.get("kid") == header.get("kid")]
    if not matching:
        raise InvalidPowerSyncToken(f"no key with kid {header.get('kid')!r} in the key set")
    algorithm = matching[0].get("alg")
    if algorithm not in ("RS256", "RS384", "RS512"):
        raise InvalidPowerSyncToken(f"the key set names no RSA algorithm for {header.get('kid')!r}")
    try:
        claims = pyjwt.decode(
            token,
            pyjwt.PyJWK(matching[0]).key,
            algorithms=[algorithm],  # pinned: "none" and RS/HS confusion are refused
            audience=AUDIENCE,
            # expiry is checked against ``now`` below, not against the machine's clock
            options={"require": ["sub", "iat", "exp", "aud"], "verify_exp": False},
        )
    except pyjwt.InvalidTokenError as error:
        raise InvalidPowerSyncToken(str(error)) from None
    expires = claims["exp"]
    if isinstance(expires, bool) or not isinstance(expires, int):
        raise InvalidPowerSyncToken("exp is not a whole number of seconds")
    if expires <= int(now.timestamp()):
        raise InvalidPowerSyncToken("the token has expired")
    return claims


def service_url(config: dict[str, Any], host_url: str) -> str:
    """Where the app finds the service: ``POWERSYNC_URL`` when set, else ``SITE_URL`` (or the
    request's own root, ``host_url``) + ``/`` + ``POWERSYNC_URL_PATH`` + ``/``."""
    if config.get("POWERSYNC_URL"):
        return str(config["POWERSYNC_URL"])
    site = (config.get("SITE_URL") or host_url).rstrip("/")
    path = (config.get("POWERSYNC_URL_PATH") or DEFAULT_URL_PATH).strip("/")
    return f"{site}/{path}/"
