"""Appending to the audit log: one short transaction per entry, chained by SHA-256.

Entries are written in their own transaction, before a read's data is returned and
after a change is stored, so a failed request never leaves a half entry and a read
whose entry cannot be written is not served. Appends are serialised (a process lock,
and on PostgreSQL a transaction advisory lock; on SQLite the database's single
writer) so the chain has no forks; a lost race is retried.
"""
from __future__ import annotations

import hashlib
import json
import logging
import threading
import time
from datetime import datetime

from sqlalchemy import insert, select, text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError, OperationalError

from xinsheng.audit.models import AuditEntry
from xinsheng.db import utcnow

log = logging.getLogger(__name__)

GENESIS = "0" * 64
_LOCK = threading.Lock()
_PG_LOCK_KEY = 0x78696E7368656E67  # "xinsheng"
MAX_REF = 160
FIELDS = ("seq", "at", "actor", "actor_role", "action", "target_type", "target_ref",
          "reason", "ip", "detail")


def entry_hash(fields: dict, prev_hash: str) -> str:
    """SHA-256 over the entry's fields (canonical JSON) and the previous entry's hash."""
    doc = {k: fields.get(k) for k in FIELDS}
    at = doc["at"]
    doc["at"] = at.isoformat(timespec="microseconds") if isinstance(at, datetime) else at
    doc["prev_hash"] = prev_hash
    raw = json.dumps(doc, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def _clip(value: str | None, n: int) -> str | None:
    return None if value is None else str(value)[:n]


def append(
    engine: Engine, *, actor: str, action: str, actor_role: str | None = None,
    target_type: str | None = None, target_ref: str | None = None, reason: str | None = None,
    ip: str | None = None, detail: dict | None = None,
) -> int:
    """Append one entry; returns its ``seq``."""
    fields = {
        "actor": _clip(actor, 160), "actor_role": actor_role, "action": action,
        "target_type": target_type, "target_ref": _clip(target_ref, MAX_REF),
        "reason": _clip(reason, 2000), "ip": _clip(ip, 64),
        "detail": json.loads(json.dumps(detail or {}, ensure_ascii=False, default=str)),
    }
    with _LOCK:
        for attempt in range(50):
            try:
                return _append_once(engine, fields)
            except (IntegrityError, OperationalError) as exc:  # another writer got there first
                log.debug("audit append retry %d: %s", attempt, exc)
                time.sleep(min(0.01 * (attempt + 1), 0.2))
        return _append_once(engine, fields)


def _append_once(engine: Engine, fields: dict) -> int:
    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _PG_LOCK_KEY})
        last = conn.execute(
            select(AuditEntry.seq, AuditEntry.hash).order_by(AuditEntry.seq.desc()).limit(1)
        ).first()
        seq, prev = (last[0] + 1, last[1]) if last else (1, GENESIS)
        row = {**fields, "seq": seq, "at": utcnow(), "prev_hash": prev}
        row["hash"] = entry_hash(row, prev)
        conn.execute(insert(AuditEntry), row)
    return seq
