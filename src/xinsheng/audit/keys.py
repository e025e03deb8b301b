"""The audit log's key: the HMAC-SHA256 key that chains the entries, kept outside the database.

Whoever can write to the database can delete or rewrite entries, but cannot compute
the chain's HMACs again without this key, so ``xinsheng audit verify`` (which has it)
detects the change. Keep the key where the database's administrators cannot read it
(the service's environment, a secret store), like the personal-data keys.

Outside the demo there is no default key: a missing key stops the server and every
command that writes or verifies the log. In demo mode (``XINSHENG_MODE=demo``) a key is
generated once into ``XINSHENG_HOME/audit.key`` (permissions 0600).
"""
from __future__ import annotations

import hashlib
import hmac
import logging
import os
import secrets
from functools import lru_cache
from pathlib import Path

from xinsheng.config import get_settings
from xinsheng.errors import XinshengError

log = logging.getLogger(__name__)
KEY_FILE = "audit.key"
MIN_KEY_CHARS = 32


class AuditKeyError(XinshengError):
    code = "audit_key"
    status = 500


def generate_key() -> str:
    """A new key: 256 random bits, URL-safe base64 (43 characters)."""
    return secrets.token_urlsafe(32)


def demo_key(home: Path) -> str:
    """The demo's key, generated once under ``home`` with permissions 0600."""
    path = Path(home) / KEY_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text(encoding="ascii").strip()
    with os.fdopen(fd, "w", encoding="ascii") as fh:
        fh.write(generate_key())
    log.warning("demo mode: generated an audit-log key in %s", path)
    return path.read_text(encoding="ascii").strip()


@lru_cache(maxsize=8)
def _key_for(raw: str, mode: str, home: str) -> bytes:
    raw = raw.strip()
    if not raw:
        if mode != "demo":
            raise AuditKeyError(
                "XINSHENG_AUDIT_KEY is not set: the audit log is chained with a keyed hash (HMAC) "
                "and there is no default key. Make one with `xinsheng audit key` and set it, or set "
                "XINSHENG_MODE=demo for a demo (a key is then generated under XINSHENG_HOME)"
            )
        raw = demo_key(Path(home))
    if len(raw) < MIN_KEY_CHARS:
        raise AuditKeyError(f"XINSHENG_AUDIT_KEY: at least {MIN_KEY_CHARS} characters "
                            "(make one with `xinsheng audit key`)")
    return raw.encode("utf-8")


def audit_key() -> bytes:
    """The configured key; raises when none is configured outside demo mode."""
    s = get_settings()
    return _key_for(s.audit_key.get_secret_value(), s.mode, str(s.home))


def mac(key: bytes, message: str) -> str:
    """HMAC-SHA256 of ``message`` (UTF-8) under ``key``, hex."""
    return hmac.new(key, message.encode("utf-8"), hashlib.sha256).hexdigest()


def same(a: str | None, b: str | None) -> bool:
    return a is not None and b is not None and hmac.compare_digest(a, b)
