"""Join codes: six characters from an alphabet without look-alikes (no 0/O, 1/I/L)."""

from __future__ import annotations

import re
import secrets

ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
LENGTH = 6
_CODE = re.compile(rf"^[{ALPHABET}]{{{LENGTH}}}$")


def new_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def normalise_code(raw: str) -> str | None:
    """The canonical form of a typed code, or None if it cannot be one."""
    code = raw.strip().upper().replace("-", "").replace(" ", "")
    return code if _CODE.match(code) else None
