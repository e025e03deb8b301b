"""Reads of the audit log: filtered pages, exports, and verification of the hash chain."""
from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from xinsheng.audit.actions import GENESIS, entry_hash
from xinsheng.audit.models import AuditEntry

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
    problems: list[dict] = field(default_factory=list)

    def to_dict(self) -> dict:
        return asdict(self)


def verify_chain(session: Session, *, max_problems: int = 100) -> ChainReport:
    """Recompute every hash and link; report changed, inserted and deleted entries.

    The chain may start after seq 1 only where retention removed the oldest entries,
    which it records in an ``audit.purged`` entry naming the last removed seq and hash.
    A removed tail cannot be seen from the chain alone: compare ``last_seq`` and
    ``head_hash`` with an earlier report.
    """
    report = ChainReport(ok=True)
    purges: dict[int, str] = {}
    prev_seq, prev_hash = None, None
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
        if entry_hash(entry_dict(e) | {"at": e.at}, e.prev_hash) != e.hash:
            _problem(report, e.seq, "its content does not match its hash (altered)")
        if len(report.problems) >= max_problems:
            break
        prev_seq, prev_hash = e.seq, e.hash
    if report.first_seq not in (None, 1) and purges.get(report.first_seq - 1) is None:
        _problem(report, report.first_seq, f"entries before {report.first_seq} are missing "
                                           "and no retention purge records their removal")
    elif report.first_seq not in (None, 1):
        first = session.scalar(select(AuditEntry).where(AuditEntry.seq == report.first_seq))
        if first is not None and purges[report.first_seq - 1] != first.prev_hash:
            _problem(report, report.first_seq, "does not link to the purged entries")
    report.last_seq, report.head_hash = prev_seq, prev_hash
    return report


def _problem(report: ChainReport, seq: int, what: str) -> None:
    report.ok = False
    report.problems.append({"seq": seq, "problem": what})
