"""What allauth's ``mfa_authenticator`` rows hold (``allauth.mfa``, the version upstream wger
2.7 ships): a TOTP row ``{"secret"}`` and a recovery-codes row ``{"seed", "used_mask"}`` (or,
after allauth's own migrations, ``{"migrated_codes"}``).

allauth does not store the recovery codes: it derives them from the seed, ten codes of eight
digits, code ``i`` the first four bytes of a running HMAC-SHA1 (keyed with the seed) over
``"  0,"``, ``"  1,"``, ... read as a big-endian number modulo 10^8; bit ``i`` of ``used_mask``
marks code ``i`` spent. Deriving them here lets the same codes go on working, stored only as
digests like every recovery code of this server.
"""

from __future__ import annotations

import hashlib
import hmac
from typing import Any

CODE_COUNT = 10
CODE_DIGITS = 8


def recovery_codes(seed: str, count: int = CODE_COUNT, digits: int = CODE_DIGITS) -> list[str]:
    running = hmac.new(seed.encode("ascii"), None, hashlib.sha1)
    width = min(digits // 2, running.digest_size)
    codes = []
    for index in range(count):
        running.update(f"{index:3},".encode())
        value = int.from_bytes(running.digest()[:width], "big") % 10**digits
        codes.append(str(value).zfill(digits))
    return codes


def unused_recovery_codes(data: dict[str, Any]) -> tuple[list[str], list[int]]:
    """(every code, the indexes already used) of a recovery-codes row."""
    migrated = data.get("migrated_codes")
    if migrated is not None:
        return [str(code) for code in migrated], []
    seed = data.get("seed")
    if not seed:
        return [], []
    mask = int(data.get("used_mask") or 0)
    codes = recovery_codes(str(seed))
    return codes, [index for index in range(len(codes)) if mask & (1 << index)]
