"""Invitation tokens: 32 random lowercase letters (26^32 ≈ 2^150, from ``secrets``), sent in
the customer's link and never stored; the invitation keeps only their SHA-256.

Letters only, so the personal-data masker of the outbox never mistakes a token for a phone
or card number. A token of any other shape is refused before any database read.
"""
from __future__ import annotations

import hashlib
import re
import secrets
import string

LENGTH = 32
_SHAPE = re.compile(rf"^[a-z]{{{LENGTH}}}$")


def new_token() -> str:
    return "".join(secrets.choice(string.ascii_lowercase) for _ in range(LENGTH))


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("ascii")).hexdigest()


def well_formed(token: str | None) -> bool:
    return bool(token) and _SHAPE.match(token) is not None
