"""Password hashes in Django's formats, as an upstream wger server stores them
(``<algorithm>$<parameters>$<salt>$<hash>``), verified so that imported accounts keep their
passwords. Never written: a successful login replaces such a hash with this project's argon2id
(``passwords.needs_rehash``).

Django's default hashers, each read from its documented format:

- ``pbkdf2_sha256$<iterations>$<salt>$<base64 digest>`` (and ``pbkdf2_sha1``: same, SHA-1);
- ``scrypt$<n>$<salt>$<r>$<p>$<base64 64-byte key>``;
- ``argon2$argon2id$v=19$m=...,t=...,p=...$<salt>$<hash>`` (argon2's own encoding after the
  ``argon2`` prefix; also ``argon2i``, which older Django versions wrote);
- ``bcrypt_sha256$$2b$<cost>$...`` (bcrypt of the password's SHA-256 hex digest) and plain
  ``bcrypt$$2b$...``.

A hash starting with ``!`` is Django's unusable password: it never matches. So does anything
unknown or malformed (never an exception: a login answers "wrong password").
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

ALGORITHMS = ("pbkdf2_sha256", "pbkdf2_sha1", "scrypt", "argon2", "bcrypt_sha256", "bcrypt")
# Upper bounds of the work a stored hash may ask for: a crafted row must not stall a worker.
MAX_PBKDF2_ITERATIONS = 10_000_000
MAX_SCRYPT_MEMORY = 1 << 30


def algorithm_of(encoded: str | None) -> str | None:
    """The Django algorithm name a stored hash starts with, or None if it is not one."""
    if not encoded or "$" not in encoded:
        return None
    name = encoded.split("$", 1)[0]
    return name if name in ALGORITHMS else None


def is_django_hash(encoded: str | None) -> bool:
    return algorithm_of(encoded) is not None


def verify(encoded: str, password: str) -> bool:
    """Whether ``password`` matches a Django-format hash (False for anything malformed)."""
    algorithm = algorithm_of(encoded)
    if algorithm is None:
        return False
    try:
        return _VERIFIERS[algorithm](encoded, password)
    except (ValueError, TypeError, binascii.Error, OverflowError, MemoryError):
        return False


def _same(computed: bytes, stored_base64: str) -> bool:
    return hmac.compare_digest(base64.b64encode(computed).decode("ascii").strip(), stored_base64)


def _pbkdf2(encoded: str, password: str) -> bool:
    algorithm, iterations, salt, digest = encoded.split("$", 3)
    rounds = int(iterations)
    if not 0 < rounds <= MAX_PBKDF2_ITERATIONS:
        return False
    name = "sha256" if algorithm == "pbkdf2_sha256" else "sha1"
    computed = hashlib.pbkdf2_hmac(name, password.encode(), salt.encode(), rounds)
    return _same(computed, digest)


def _scrypt(encoded: str, password: str) -> bool:
    _, n, salt, r, p, digest = encoded.split("$", 5)
    cost, block, parallel = int(n), int(r), int(p)
    memory = 128 * cost * block * (parallel + 2)
    if min(cost, block, parallel) <= 0 or memory > MAX_SCRYPT_MEMORY:
        return False
    stored = base64.b64decode(digest)
    computed = hashlib.scrypt(
        password.encode(),
        salt=salt.encode(),
        n=cost,
        r=block,
        p=parallel,
        maxmem=memory,
        dklen=len(stored),
    )
    return hmac.compare_digest(computed, stored)


def _argon2(encoded: str, password: str) -> bool:
    try:
        return PasswordHasher().verify(encoded[len("argon2") :], password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def _bcrypt(encoded: str, password: str) -> bool:
    import bcrypt  # imported on use: only servers moved from upstream hold such hashes

    algorithm, rest = encoded.split("$", 1)
    if not rest.startswith("$2"):
        return False
    secret = password.encode()
    if algorithm == "bcrypt_sha256":
        secret = hashlib.sha256(secret).hexdigest().encode()
    elif len(secret) > 72:
        secret = secret[:72]  # what bcrypt always read of a longer password
    return bcrypt.checkpw(secret, rest.encode("ascii"))


_VERIFIERS = {
    "pbkdf2_sha256": _pbkdf2,
    "pbkdf2_sha1": _pbkdf2,
    "scrypt": _scrypt,
    "argon2": _argon2,
    "bcrypt_sha256": _bcrypt,
    "bcrypt": _bcrypt,
}
