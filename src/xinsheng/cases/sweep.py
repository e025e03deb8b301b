"""One sweep of the case clocks as of ``now`` (``xinsheng cases sweep``, and the worker).

Only rows that are due are read, each phase through its own index, in batches of
``batch`` rows, one transaction per batch:

1. **breach** (``ix_cases_due``): an open case past ``due_at`` that is not yet breached
   becomes ``breached`` (an ``sla_breach`` event); then every breached open case whose
   deadline has no ``sla_breach`` firing yet (just breached, or opened past its deadline) is
   escalated by the rule — once per deadline (cause ``due:<due_at>``), one level up as the
   rules file says, with the customer's "escalated" message;
2. **warning** (``ix_cases_warn``): an on-track case past ``warn_at`` becomes ``warning``
   (an ``sla_warning`` event the owner and the supervisors see on the case and in queues);
3. **acknowledgement** (``ix_cases_ack_due``): an unacknowledged case past ``ack_due_at``
   gets ``ack_breached_at`` (the moment it was due) and an ``ack_breach`` event;
4. **progress** (``ix_cases_next_progress``): a case whose ``next_progress_at`` has come
   gets a ``case_progress`` message ("still working on it, reply by …") and its next one
   is set a cadence later (the policy's ``progress_every``, default 3 calendar days; a
   worker that was down sends one message, not one per missed cadence).

Each batch is claimed by one statement, ``UPDATE cases … WHERE id IN (SELECT id … ORDER
BY … LIMIT n FOR UPDATE SKIP LOCKED) AND <still due> RETURNING …``: on PostgreSQL two
workers skip each other's rows, and a row another worker has just changed no longer
matches; SQLite has one writer, and the claim is the transaction's first statement, so it
takes the write lock before it reads. Firings are unique per (case, rule, cause) and
notifications per idempotency key besides, so a sweep run twice at the same ``now``
changes nothing the second time. Events are written set-based (one multi-row INSERT per
batch); escalations go through ``do_escalate``. Each sweep that changed something appends
one ``case.sweep`` audit entry with its counts.
"""
from __future__ import annotations

import logging
from dataclasses import asdict
from datetime import datetime

from sqlalchemy import func, or_, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from xinsheng.cases.models import OPEN_STATUSES
from xinsheng.cases.sweep_claim import BATCH, SYSTEM, C, SweepReport, claim, write_events  # noqa: F401 (also this module's names)
from xinsheng.cases.sweep_items import escalate_breaches, send_progress
from xinsheng.db import session_scope, utcnow

log = logging.getLogger(__name__)


def run_sweep(engine: Engine, now: datetime | None = None, *, batch: int = BATCH) -> SweepReport:
    """Sweep the case clocks as of ``now`` (default: the current time); see the module."""
    now = now or utcnow()
    if now.tzinfo is None:
        raise ValueError("now: needs a time zone")
    report = SweepReport()
    with session_scope(engine) as session:
        report.checked = session.scalar(select(func.count()).select_from(C).where(C.c.status.in_(OPEN_STATUSES))) or 0
    _batches(engine, _breach_batch, now, batch, report)
    escalate_breaches(engine, now, batch, report)
    _batches(engine, _warn_batch, now, batch, report)
    _batches(engine, _ack_batch, now, batch, report)
    send_progress(engine, now, batch, report)
    if any(v for k, v in asdict(report).items() if k != "checked"):
        _audit(engine, report, now)
    return report


def _batches(engine: Engine, phase, now: datetime, batch: int, report: SweepReport) -> None:
    """Run the set-based ``phase`` batch after batch, one transaction each, until a batch comes
    back short (a claimed row no longer matches its phase's condition, so none is claimed twice;
    a row another worker holds is that worker's, or the next sweep's)."""
    while True:
        with session_scope(engine) as session:
            n = phase(session, now, batch, report)
        if n < batch:
            return


_OPEN = C.c.status.in_(OPEN_STATUSES)


# -- 1. breaches ------------------------------------------------------------------------------
def _breach_batch(session: Session, now: datetime, batch: int, report: SweepReport) -> int:
    rows = claim(session, [_OPEN, C.c.due_at <= now, C.c.sla_state != "breached"], [C.c.due_at, C.c.id],
                  batch, {"sla_state": "breached", "updated_at": now}, [C.c.id, C.c.due_at])
    report.breached += len(rows)
    write_events(session, [(cid, "sla_breach", {"due_at": due.isoformat()}) for cid, due in rows], now)
    return len(rows)


# -- 2. warnings ------------------------------------------------------------------------------
def _warn_batch(session: Session, now: datetime, batch: int, report: SweepReport) -> int:
    where = [C.c.sla_state == "on_track", C.c.warn_at <= now, _OPEN, or_(C.c.due_at.is_(None), C.c.due_at > now)]
    rows = claim(session, where, [C.c.warn_at, C.c.id], batch, {"sla_state": "warning", "updated_at": now},
                  [C.c.id, C.c.warn_at, C.c.due_at])
    report.warned += len(rows)
    write_events(session, [(cid, "sla_warning", {"warn_at": warn.isoformat(), "due_at": due.isoformat() if due else None})
                      for cid, warn, due in rows], now)
    return len(rows)


# -- 3. acknowledgement deadlines -------------------------------------------------------------
def _ack_batch(session: Session, now: datetime, batch: int, report: SweepReport) -> int:
    where = [C.c.acknowledged_at.is_(None), C.c.ack_due_at <= now, C.c.ack_breached_at.is_(None), _OPEN]
    rows = claim(session, where, [C.c.ack_due_at, C.c.id], batch,
                  {"ack_breached_at": C.c.ack_due_at, "updated_at": now}, [C.c.id, C.c.ack_due_at])
    report.ack_breached += len(rows)
    write_events(session, [(cid, "ack_breach", {"ack_due_at": due.isoformat()}) for cid, due in rows], now)
    return len(rows)


def _audit(engine: Engine, report: SweepReport, now: datetime) -> None:
    from xinsheng.audit.actions import append

    append(engine, actor=SYSTEM, action="case.sweep", target_type="case",
           detail={"now": now.isoformat(), **asdict(report)})
