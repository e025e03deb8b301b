"""Appending to the audit log: one short transaction per entry, chained by HMAC-SHA256.

Entries are written in their own transaction, before a read's data is returned and
after a change is stored, so a failed request never leaves a half entry and a read
whose entry cannot be written is not served. Appends are serialised (a process lock,
and on PostgreSQL a transaction advisory lock; on SQLite the database's single
writer) so the chain has no forks; a lost race is retried.

Each entry's ``hash`` is an HMAC under the audit key (audit/keys.py) of its fields and
the previous entry's hash; the head record (``audit_head``) names the newest entry and
is signed too. An append continues from the head and refuses to continue from a head
whose signature is wrong (someone rewrote it to hide removed entries).
"""
from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime

from sqlalchemy import insert, select, text, update
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import IntegrityError, OperationalError

from xinsheng.audit.keys import audit_key, mac, same
from xinsheng.audit.models import AuditControl, AuditEntry, AuditHead
from xinsheng.db import utcnow
from xinsheng.errors import XinshengError

log = logging.getLogger(__name__)

GENESIS = "0" * 64
_LOCK = threading.Lock()
_PG_LOCK_KEY = 0x78696E7368656E67  # "xinsheng"
MAX_REF = 160
FIELDS = ("seq", "at", "actor", "actor_role", "action", "target_type", "target_ref",
          "reason", "ip", "detail")
HEAD_ID = 1


class AuditTampered(XinshengError):
    """The head record does not verify: nothing more is appended until someone looks."""

    code = "audit_tampered"
    status = 500


def canonical(fields: dict, prev_hash: str) -> str:
    """The entry's fields and the previous hash as canonical JSON (what the HMAC covers)."""
    doc = {k: fields.get(k) for k in FIELDS}
    at = doc["at"]
    doc["at"] = at.isoformat(timespec="microseconds") if isinstance(at, datetime) else at
    doc["prev_hash"] = prev_hash
    return json.dumps(doc, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)


def entry_hash(fields: dict, prev_hash: str, key: bytes | None = None) -> str:
    """HMAC-SHA256 under the audit key of the entry's canonical form."""
    return mac(key or audit_key(), canonical(fields, prev_hash))


def head_mac(seq: int, hash_: str, key: bytes | None = None) -> str:
    return mac(key or audit_key(), f"audit-head|{seq}|{hash_}")


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


def _continue_from(conn: Connection, key: bytes) -> tuple[int, str]:
    """(seq, hash) to chain the next entry to: the signed head's, else genesis."""
    head = conn.execute(select(AuditHead.seq, AuditHead.hash, AuditHead.mac)
                        .where(AuditHead.id == HEAD_ID)).first()
    if head is None:
        if conn.execute(select(AuditEntry.seq).limit(1)).first() is not None:
            raise AuditTampered("the audit log's head record is missing: run `xinsheng audit verify`")
        return 0, GENESIS
    if not same(head.mac, head_mac(head.seq, head.hash, key)):
        raise AuditTampered("the audit log's head record does not verify: run `xinsheng audit verify`")
    return head.seq, head.hash


def _append_once(engine: Engine, fields: dict) -> int:
    key = audit_key()
    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _PG_LOCK_KEY})
        last_seq, prev = _continue_from(conn, key)
        seq = last_seq + 1
        row = {**fields, "seq": seq, "at": utcnow(), "prev_hash": prev}
        row["hash"] = entry_hash(row, prev, key)
        conn.execute(insert(AuditEntry), row)
        head = {"seq": seq, "hash": row["hash"], "mac": head_mac(seq, row["hash"], key), "at": row["at"]}
        if not conn.execute(update(AuditHead).where(AuditHead.id == HEAD_ID).values(**head)).rowcount:
            conn.execute(insert(AuditHead).values(id=HEAD_ID, **head))
    return seq


@contextmanager
def sanctioned_removal(conn: Connection) -> Iterator[None]:
    """Inside this, on ``conn``'s transaction, the delete triggers let audit entries go.

    For retention (and emptying a test database) only: the ``audit_control`` flag is set
    and cleared in the same transaction, so no other connection ever sees it set (on
    PostgreSQL by MVCC, on SQLite because there is one writer). Not a barrier against
    someone with SQL access (they can do the same): that is what the keyed chain, the
    signed head and the retention checkpoint are for.
    """
    _set_flag(conn, 1)
    try:
        yield
    finally:
        _set_flag(conn, 0)


def _set_flag(conn: Connection, value: int) -> None:
    if conn.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as upsert
    else:
        from sqlalchemy.dialects.sqlite import insert as upsert
    stmt = upsert(AuditControl.__table__).values(id=HEAD_ID, retention=value)
    conn.execute(stmt.on_conflict_do_update(index_elements=["id"], set_={"retention": value}))
