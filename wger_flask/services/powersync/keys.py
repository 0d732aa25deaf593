"""The RSA key pair that signs PowerSync tokens, in upstream wger's own format.

``JWT_PRIVATE_KEY`` and ``JWT_PUBLIC_KEY`` each hold a JSON Web Key, base64url-encoded JSON
(not PEM), so an upstream docker ``prod.env`` works here unchanged and ``flask
generate-jwt-keys`` prints a new pair the same way. The public half is derived from the private
one when only that is set; when both are set they must be one pair (a token the service cannot
verify would fail on every phone, so it fails at start-up instead).

wger-flask's own access and refresh tokens are HS256 with ``SECRET_KEY``: this key signs only
PowerSync tokens, and the ``aud`` claim (``powersync``) says so as well.
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass, field
from typing import Any, cast

from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

DEFAULT_KID = "wger"
ALGORITHMS = ("RS256", "RS384", "RS512")
PUBLIC_MEMBERS = ("kty", "n", "e", "alg", "kid")
WHAT_TO_SET = (
    "PowerSync is not configured: set JWT_PRIVATE_KEY and JWT_PUBLIC_KEY (print a pair with "
    "`flask --app wsgi generate-jwt-keys`)."
)


class InvalidKey(ValueError):
    """A key setting that cannot be used; the message names the setting."""


class KeysMissing(Exception):
    """No key is configured: the PowerSync routes answer 503 with this message."""

    def __init__(self) -> None:
        super().__init__(WHAT_TO_SET)


@dataclass(frozen=True)
class KeyPair:
    """The private key that signs tokens and the public JWK the service verifies them with."""

    private_key: rsa.RSAPrivateKey = field(repr=False)
    public_jwk: dict[str, str]

    @property
    def algorithm(self) -> str:
        return self.public_jwk["alg"]

    @property
    def kid(self) -> str:
        return self.public_jwk["kid"]

    def jwks(self) -> dict[str, list[dict[str, str]]]:
        """The JSON Web Key Set of ``/api/v2/powersync-keys``: this one public key."""
        return {"keys": [dict(self.public_jwk)]}


def encode_jwk(jwk: dict[str, Any]) -> str:
    """A JWK as the environment holds it: base64url of its JSON (with padding, as upstream)."""
    return base64.urlsafe_b64encode(json.dumps(jwk).encode()).decode()


def decode_jwk(text: str, name: str) -> dict[str, Any]:
    """The JWK a setting holds; padding may be left out. Raises InvalidKey naming ``name``."""
    compact = text.strip()
    try:
        value = json.loads(base64.urlsafe_b64decode(compact + "=" * (-len(compact) % 4)))
    except (binascii.Error, ValueError, UnicodeDecodeError):
        raise InvalidKey(f"{name} is not a base64url-encoded JSON Web Key") from None
    if not isinstance(value, dict) or value.get("kty") != "RSA":
        raise InvalidKey(f"{name} is not an RSA JSON Web Key (kty must be RSA)")
    return value


def load_key_pair(private_text: str | None, public_text: str | None) -> KeyPair | None:
    """The configured pair, None when no private key is set; raises InvalidKey."""
    if not private_text or not private_text.strip():
        return None
    private_jwk = decode_jwk(private_text, "JWT_PRIVATE_KEY")
    if "d" not in private_jwk:
        raise InvalidKey("JWT_PRIVATE_KEY holds a public key (its private member d is missing)")
    try:
        private_key = RSAAlgorithm.from_jwk(json.dumps(private_jwk))
    except Exception as error:  # pyjwt raises InvalidKeyError, cryptography ValueError
        raise InvalidKey(f"JWT_PRIVATE_KEY is not a usable RSA key ({error})") from None
    if not isinstance(private_key, rsa.RSAPrivateKey):
        raise InvalidKey("JWT_PRIVATE_KEY is not an RSA private key")
    public_jwk = public_members(private_key, private_jwk)
    if public_text and public_text.strip():
        given = decode_jwk(public_text, "JWT_PUBLIC_KEY")
        if (given.get("n"), given.get("e")) != (public_jwk["n"], public_jwk["e"]):
            raise InvalidKey("JWT_PUBLIC_KEY is not the public half of JWT_PRIVATE_KEY")
        public_jwk["kid"] = str(given.get("kid") or public_jwk["kid"])
    return KeyPair(private_key=private_key, public_jwk=public_jwk)


def public_members(private_key: rsa.RSAPrivateKey, private_jwk: dict[str, Any]) -> dict[str, str]:
    """``{kty, n, e, alg, kid}`` of a private key (upstream's public JWK)."""
    algorithm = str(private_jwk.get("alg") or "RS256")
    if algorithm not in ALGORITHMS:
        raise InvalidKey(
            f"JWT_PRIVATE_KEY: alg {algorithm!r} is not one of {', '.join(ALGORITHMS)}"
        )
    numbers = RSAAlgorithm.to_jwk(private_key.public_key(), as_dict=True)
    return {
        "kty": "RSA",
        "n": numbers["n"],
        "e": numbers["e"],
        "alg": algorithm,
        "kid": str(private_jwk.get("kid") or DEFAULT_KID),
    }


def generate_key_pair(kid: str = DEFAULT_KID, key_size: int = 2048) -> tuple[str, str]:
    """A new RS256 pair as ``(JWT_PRIVATE_KEY, JWT_PUBLIC_KEY)`` values (RSA, e = 65537)."""
    private_key = rsa.generate_private_key(public_exponent=65537, key_size=key_size)
    private_jwk = RSAAlgorithm.to_jwk(private_key, as_dict=True)
    private_jwk.pop("key_ops", None)
    private_jwk.update(alg="RS256", kid=kid)
    public_jwk = {name: private_jwk[name] for name in PUBLIC_MEMBERS}
    return encode_jwk(private_jwk), encode_jwk(public_jwk)


def keys_of(extensions: dict[str, Any]) -> KeyPair:
    """The app's pair (``app.extensions``, loaded at start-up); raises KeysMissing."""
    pair = extensions.get(EXTENSION_KEY)
    if pair is None:
        raise KeysMissing()
    return cast(KeyPair, pair)


EXTENSION_KEY = "wger_powersync_keys"
