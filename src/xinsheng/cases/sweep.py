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
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Table, and_, bindparam, func, insert, literal, or_, select, update
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from xinsheng.cases.models import OPEN_STATUSES, Case, CaseEscalation, CaseEvent
from xinsheng.db import session_scope, utcnow

log = logging.getLogger(__name__)

C: Table = Case.__table__  # type: ignore[assignment]
E: Table = CaseEscalation.__table__  # type: ignore[assignment]
SYSTEM = "system"
BATCH = 1000


@dataclass
class SweepReport:
    checked: int = 0  # open cases whose clocks were compared with now
    warned: int = 0
    breached: int = 0
    escalated: int = 0  # new firings recorded (sla_breach)
    queued_notifications: int = 0  # progress messages and "escalated" messages stored
    ack_breached: int = 0
    progress: int = 0

    def to_dict(self) -> dict[str, int]:
        """The CONTRACT's JSON (``xinsheng cases sweep --json``)."""
        return {k: getattr(self, k) for k in ("checked", "warned", "breached", "escalated", "queued_notifications")}


def run_sweep(engine: Engine, now: datetime | None = None, *, batch: int = BATCH) -> SweepReport:
    """Sweep the case clocks as of ``now`` (default: the current time); see the module."""
    now = now or utcnow()
    if now.tzinfo is None:
        raise ValueError("now: needs a time zone")
    report = SweepReport()
    with session_scope(engine) as session:
        report.checked = session.scalar(select(func.count()).select_from(C).where(C.c.status.in_(OPEN_STATUSES))) or 0
    _batches(engine, _breach_batch, now, batch, report)
    _escalate_breaches(engine, now, batch, report)
    for phase in (_warn_batch, _ack_batch, _progress_batch):
        _batches(engine, phase, now, batch, report)
    if any(v for k, v in asdict(report).items() if k != "checked"):
        _audit(engine, report, now)
    return report


def _batches(engine: Engine, phase, now: datetime, batch: int, report: SweepReport) -> None:
    """Run ``phase`` batch after batch, one transaction each, until a batch comes back short
    (a claimed row no longer matches its phase's condition, so none is claimed twice)."""
    while True:
        with session_scope(engine) as session:
            n = phase(session, now, batch, report)
        if n < batch:
            return


# -- claiming ---------------------------------------------------------------------------------
def _claim(session: Session, where: list, order: list, batch: int, values: dict[str, Any],
           returning: list) -> list:
    """Claim up to ``batch`` rows matching ``where`` and change them, in one statement."""
    pick = select(C.c.id).where(*where).order_by(*order).limit(batch)
    if session.get_bind().dialect.name == "postgresql":
        pick = pick.with_for_update(skip_locked=True)
    stmt = update(C).where(C.c.id.in_(pick), *where).values(**values).returning(*returning)
    return session.execute(stmt.execution_options(synchronize_session=False)).all()


def _events(session: Session, rows: list[tuple[int, str, dict]], now: datetime) -> None:
    """One multi-row INSERT of system events (no free text, nothing to mask)."""
    if rows:
        session.execute(insert(CaseEvent.__table__), [
            {"case_id": cid, "at": now, "actor": SYSTEM, "action": action, "text": None, "detail": detail}
            for cid, action, detail in rows])


_OPEN = C.c.status.in_(OPEN_STATUSES)


# -- 1. breaches ------------------------------------------------------------------------------
def _breach_batch(session: Session, now: datetime, batch: int, report: SweepReport) -> int:
    rows = _claim(session, [_OPEN, C.c.due_at <= now, C.c.sla_state != "breached"], [C.c.due_at, C.c.id],
                  batch, {"sla_state": "breached", "updated_at": now}, [C.c.id, C.c.due_at])
    report.breached += len(rows)
    _events(session, [(cid, "sla_breach", {"due_at": due.isoformat()}) for cid, due in rows], now)
    return len(rows)


def _due_cause(dialect: str):
    """The ``sla_breach`` rule's cause of a case's deadline, in SQL: ``due:2026-11-03T02:00Z``."""
    if dialect == "postgresql":
        return literal("due:") + func.to_char(func.timezone("UTC", C.c.due_at), 'YYYY-MM-DD"T"HH24:MI"Z"')
    return literal("due:") + func.strftime("%Y-%m-%dT%H:%MZ", C.c.due_at)


def _escalate_breaches(engine: Engine, now: datetime, batch: int, report: SweepReport) -> None:
    """Escalate the breached open cases whose deadline has no ``sla_breach`` firing yet (those
    just breached, and those opened or found past their deadline in any other way), batch by
    batch in (due_at, id) order, each case tried once per sweep."""
    from xinsheng.cases.config_editor import active
    from xinsheng.cases.flows import fire, rules_in_force
    from xinsheng.cases.rules import CaseFacts, RuleSet, evaluate

    after: tuple = ()
    while True:
        with session_scope(engine) as session:
            rule = rules_in_force(session).get("sla_breach")
            if rule is None or not rule.enabled:
                return
            fired = select(E.c.id).where(E.c.case_id == C.c.id, E.c.rule == "sla_breach",
                                         E.c.cause == _due_cause(session.get_bind().dialect.name))
            where = [_OPEN, C.c.due_at <= now, C.c.sla_state == "breached", ~fired.exists()]
            if after:
                where.append(or_(C.c.due_at > after[0], and_(C.c.due_at == after[0], C.c.id > after[1])))
            rows = _claim(session, where, [C.c.due_at, C.c.id], batch, {"updated_at": now}, [C.c.id, C.c.due_at])
            if not rows:
                return
            after = max((due, cid) for cid, due in rows)
            only, top = RuleSet((rule,)), active(session, "authority").top
            for case in session.scalars(select(Case).where(Case.id.in_([r[0] for r in rows])).order_by(Case.id)):
                facts = CaseFacts(now=now, kind=case.kind, tier=case.tier, authority_level=case.authority_level,
                                  sla_state="breached", due_at=case.due_at)
                for firing in evaluate(only, facts, max_level=top):
                    before = (case.tier, case.authority_level)
                    if _safely(lambda: fire(session, case, firing, now=now), case.case_ref):
                        report.escalated += 1
                        if case.customer_id is not None and (case.tier, case.authority_level) != before:
                            report.queued_notifications += 1
        if len(rows) < batch:
            return


def _safely(fn: Callable[[], bool], case_ref: str) -> bool:
    """One case's escalation failing (a bad data file, a vanished customer) is logged and
    leaves the others alone; the case stays breached, with its breach event."""
    try:
        return fn()
    except Exception:
        log.exception("sweep: escalating case %s failed", case_ref)
        return False


# -- 2. warnings ------------------------------------------------------------------------------
def _warn_batch(session: Session, now: datetime, batch: int, report: SweepReport) -> int:
    where = [C.c.sla_state == "on_track", C.c.warn_at <= now, _OPEN, or_(C.c.due_at.is_(None), C.c.due_at > now)]
    rows = _claim(session, where, [C.c.warn_at, C.c.id], batch, {"sla_state": "warning", "updated_at": now},
                  [C.c.id, C.c.warn_at, C.c.due_at])
    report.warned += len(rows)
    _events(session, [(cid, "sla_warning", {"warn_at": warn.isoformat(), "due_at": due.isoformat() if due else None})
                      for cid, warn, due in rows], now)
    return len(rows)


# -- 3. acknowledgement deadlines -------------------------------------------------------------
def _ack_batch(session: Session, now: datetime, batch: int, report: SweepReport) -> int:
    where = [C.c.acknowledged_at.is_(None), C.c.ack_due_at <= now, C.c.ack_breached_at.is_(None), _OPEN]
    rows = _claim(session, where, [C.c.ack_due_at, C.c.id], batch,
                  {"ack_breached_at": C.c.ack_due_at, "updated_at": now}, [C.c.id, C.c.ack_due_at])
    report.ack_breached += len(rows)
    _events(session, [(cid, "ack_breach", {"ack_due_at": due.isoformat()}) for cid, due in rows], now)
    return len(rows)


# -- 4. progress messages ---------------------------------------------------------------------
def _progress_batch(session: Session, now: datetime, batch: int, report: SweepReport) -> int:
    from xinsheng.cases.notifications import PURPOSES, notification_key
    from xinsheng.notify.actions import do_enqueue

    rows = _claim(session, [C.c.next_progress_at <= now, _OPEN], [C.c.next_progress_at, C.c.id], batch,
                  {"updated_at": now}, [C.c.id, C.c.case_ref, C.c.customer_id, C.c.kind, C.c.due_at,
                                        C.c.next_progress_at, C.c.policy_code, C.c.topic, C.c.channel,
                                        C.c.regulator_referred])
    if not rows:
        return 0
    cadence = _Cadence(session)
    moved, events = [], []
    for r in rows:
        queued = r.customer_id is not None and do_enqueue(
            session, customer_id=r.customer_id, purpose="case_progress",
            key=notification_key(r.case_ref, "progress", int(r.next_progress_at.timestamp())),
            context={"case_ref": r.case_ref, "kind": r.kind, "due_date": r.due_at}, now=now,
            subject_ref=r.case_ref) is not None
        report.queued_notifications += queued
        report.progress += queued
        following = cadence.next_after(r, now)
        moved.append({"b_id": r.id, "b_next": following})
        events.append((r.id, "notify", {"purpose": PURPOSES.get("progress", "case_progress"), "queued": queued,
                                        "due_at": r.next_progress_at.isoformat(),
                                        "next_progress_at": following.isoformat() if following else None}))
    session.execute(update(C).where(C.c.id == bindparam("b_id")).values(next_progress_at=bindparam("b_next"))
                    .execution_options(synchronize_session=False), moved)
    _events(session, events, now)
    return len(rows)


class _Cadence:
    """The next progress moment after ``now`` under each case's policy (cached per policy)."""

    def __init__(self, session: Session) -> None:
        from xinsheng.cases.config_editor import active

        self.calendar, self.policies = active(session, "calendar"), active(session, "policies")

    def policy(self, r):
        found = self.policies.get(r.policy_code) if r.policy_code else None
        return found or self.policies.match(kind=r.kind, topic=r.topic, channel=r.channel,
                                            regulator_referred=bool(r.regulator_referred))

    def next_after(self, r, now: datetime) -> datetime | None:
        from xinsheng.cases.policies import next_progress_at

        policy, at = self.policy(r), r.next_progress_at
        for _ in range(10_000):  # a worker that was down catches up with one message
            at = next_progress_at(policy, at, self.calendar)
            if at is None or at > now:
                return at
        return None


def _audit(engine: Engine, report: SweepReport, now: datetime) -> None:
    from xinsheng.audit.actions import append

    append(engine, actor=SYSTEM, action="case.sweep", target_type="case",
           detail={"now": now.isoformat(), **asdict(report)})
