"""Reads of the audit log: filtered pages, exports, and verification of the keyed chain."""
from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from xinsheng.audit.actions import GENESIS, HEAD_ID, entry_hash, head_mac
from xinsheng.audit.keys import audit_key, same
from xinsheng.audit.models import AuditEntry, AuditHead

EXPORT_COLUMNS = ("seq", "at", "actor", "actor_role", "action", "target_type", "target_ref",
                  "reason", "ip", "detail", "prev_hash", "hash")


@dataclass
class AuditFilter:
    actor: str | None = None
    action: str | None = None
    target_ref: str | None = None
    since: datetime | None = None
    until: datetime | None = None


def _filtered(f: AuditFilter):
    stmt = select(AuditEntry)
    if f.actor:
        stmt = stmt.where(AuditEntry.actor == f.actor)
    if f.action:
        stmt = stmt.where(AuditEntry.action.startswith(f.action))
    if f.target_ref:
        stmt = stmt.where(AuditEntry.target_ref == f.target_ref)
    if f.since:
        stmt = stmt.where(AuditEntry.at >= f.since)
    if f.until:
        stmt = stmt.where(AuditEntry.at < f.until)
    return stmt


def list_entries(session: Session, f: AuditFilter, *, limit: int = 100,
                 before_seq: int | None = None) -> list[AuditEntry]:
    """Newest first; page with ``before_seq``."""
    stmt = _filtered(f)
    if before_seq is not None:
        stmt = stmt.where(AuditEntry.seq < before_seq)
    return list(session.scalars(stmt.order_by(AuditEntry.seq.desc()).limit(limit)))


def action_times(session: Session, *, action: str, ip: str, since: datetime) -> list[datetime]:
    """When ``action`` was logged from ``ip`` since ``since``, oldest first (the sign-in
    limit per address; index ``ix_audit_log_action_ip_at``)."""
    stmt = (select(AuditEntry.at).where(AuditEntry.action == action, AuditEntry.ip == ip,
                                        AuditEntry.at >= since).order_by(AuditEntry.at))
    return list(session.scalars(stmt))


def entry_dict(e: AuditEntry) -> dict:
    return {"seq": e.seq, "at": e.at.isoformat(), "actor": e.actor, "actor_role": e.actor_role,
            "action": e.action, "target_type": e.target_type, "target_ref": e.target_ref,
            "reason": e.reason, "ip": e.ip, "detail": e.detail or {}, "prev_hash": e.prev_hash,
            "hash": e.hash}


def iter_entries(session: Session, f: AuditFilter, chunk: int = 1000) -> Iterator[AuditEntry]:
    """Oldest first, in chunks (exports of any size)."""
    last = 0
    while True:
        rows = list(session.scalars(
            _filtered(f).where(AuditEntry.seq > last).order_by(AuditEntry.seq).limit(chunk)
        ))
        yield from rows
        if len(rows) < chunk:
            return
        last = rows[-1].seq


def export_ndjson(entries: Iterator[AuditEntry]) -> Iterator[str]:
    for e in entries:
        yield json.dumps(entry_dict(e), ensure_ascii=False) + "\n"


def export_csv(entries: Iterator[AuditEntry]) -> Iterator[str]:
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(EXPORT_COLUMNS)
    for n, e in enumerate(entries):
        d = entry_dict(e)
        d["detail"] = json.dumps(d["detail"], ensure_ascii=False, sort_keys=True)
        writer.writerow([_csv_safe(d[c]) for c in EXPORT_COLUMNS])
        if n % 200 == 0:
            yield buf.getvalue()
            buf.seek(0)
            buf.truncate()
    yield buf.getvalue()


def _csv_safe(value):
    """Neutralise spreadsheet formulas (CSV injection) in free-text cells."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


@dataclass
class ChainReport:
    ok: bool
    entries: int = 0
    first_seq: int | None = None
    last_seq: int | None = None
    head_hash: str | None = None
    purged_through: int | None = None
    problems: list[dict] = field(default_factory=list)

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class Checkpoint:
    """An entry an earlier verification saw (its seq and hash), e.g. from the checkpoint file."""

    seq: int
    hash: str


def verify_chain(session: Session, *, checkpoint: Checkpoint | None = None,
                 max_problems: int = 100) -> ChainReport:
    """Recompute every entry's HMAC and link; report changed, inserted and removed entries.

    * an entry whose content or link does not match its HMAC: altered, or re-chained
      without the key (plain SHA-256 included);
    * a gap in ``seq``: entries removed from the middle;
    * a first entry after seq 1 with no retention checkpoint (``audit.purged``, itself a
      keyed entry) naming the entry before it: entries removed from the start;
    * a head record that is missing, wrongly signed, or names another last entry: entries
      removed from (or added to) the end;
    * ``checkpoint``: an entry seen by an earlier verification that is gone or changed
      (catches a removed tail even when an old, validly signed head row was put back).
    """
    key = audit_key()
    report = ChainReport(ok=True)
    purges: dict[int, str] = {}
    prev_seq, prev_hash = None, None
    seen = None
    for e in iter_entries(session, AuditFilter()):
        report.entries += 1
        if e.action == "audit.purged":
            purges[int(e.detail.get("through_seq", 0))] = str(e.detail.get("through_hash"))
        if prev_seq is None:
            report.first_seq = e.seq
            expected_prev = GENESIS if e.seq == 1 else None
        else:
            expected_prev = prev_hash
            if e.seq != prev_seq + 1:
                _problem(report, e.seq, f"entries {prev_seq + 1}..{e.seq - 1} are missing")
        if expected_prev is not None and e.prev_hash != expected_prev:
            _problem(report, e.seq, "does not link to the entry before it")
        if not same(entry_hash(entry_dict(e) | {"at": e.at}, e.prev_hash, key), e.hash):
            _problem(report, e.seq, "its content does not match its keyed hash (altered or re-chained)")
        if checkpoint is not None and e.seq == checkpoint.seq:
            seen = e.hash
        if len(report.problems) >= max_problems:
            break
        prev_seq, prev_hash = e.seq, e.hash
    report.last_seq, report.head_hash = prev_seq, prev_hash
    report.purged_through = max(purges) if purges else None
    _check_start(session, report, purges)
    _check_head(session, report, key)
    if checkpoint is not None:
        _check_checkpoint(report, checkpoint, seen)
    return report


def _check_start(session: Session, report: ChainReport, purges: dict[int, str]) -> None:
    first = report.first_seq
    if first in (None, 1):
        return
    if purges.get(first - 1) is None:
        _problem(report, first, f"entries before {first} are missing "
                                "and no retention checkpoint records their removal")
        return
    entry = session.scalar(select(AuditEntry).where(AuditEntry.seq == first))
    if entry is not None and purges[first - 1] != entry.prev_hash:
        _problem(report, first, "does not link to the entries retention removed")


def _check_head(session: Session, report: ChainReport, key: bytes) -> None:
    head = session.get(AuditHead, HEAD_ID)
    if head is None:
        if report.entries:
            _problem(report, report.last_seq, "the head record is missing (it names the newest entry)")
        return
    if not same(head.mac, head_mac(head.seq, head.hash, key)):
        _problem(report, head.seq, "the head record's signature is wrong (rewritten without the key)")
    elif report.last_seq is None or head.seq > report.last_seq:
        after = report.last_seq or 0
        _problem(report, head.seq, f"entries {after + 1}..{head.seq} at the end are missing "
                                   f"(the signed head names seq {head.seq})")
    elif head.seq < report.last_seq:
        _problem(report, report.last_seq, f"entries {head.seq + 1}..{report.last_seq} were added "
                                          "after the signed head")
    elif head.hash != report.head_hash:
        _problem(report, head.seq, "the newest entry is not the one the signed head names")


def _check_checkpoint(report: ChainReport, cp: Checkpoint, seen: str | None) -> None:
    if seen is not None:
        if seen != cp.hash:
            _problem(report, cp.seq, "differs from the entry an earlier verification saw")
    elif report.first_seq is not None and cp.seq < report.first_seq:
        if report.purged_through is None or cp.seq > report.purged_through:
            _problem(report, cp.seq, "an entry an earlier verification saw is gone, not by retention")
    else:
        _problem(report, cp.seq, f"entry {cp.seq}, seen by an earlier verification, is missing "
                                 "(the end of the log was cut)")


def _problem(report: ChainReport, seq: int | None, what: str) -> None:
    report.ok = False
    report.problems.append({"seq": seq, "problem": what})
