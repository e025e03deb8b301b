"""The sweep's phases that do work per case: escalating breached cases, progress messages.

Both claim batches in key order (``(due_at, id)``, ``(next_progress_at, id)``) and never look
back within one sweep, so each case is tried once per sweep. A batch that fails is rolled
back whole and tried again one case per transaction, so one case that cannot be handled (a
broken template, a vanished customer) is logged and left for the next sweep, and the cases
beside it are handled now; nothing is ever half-written.
"""
from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime

from sqlalchemy import and_, bindparam, func, literal, or_, select, update
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from xinsheng.cases.models import OPEN_STATUSES, Case, CaseEscalation
from xinsheng.cases.sweep_claim import C, SweepReport, claim, write_events
from xinsheng.db import session_scope

log = logging.getLogger("xinsheng.cases.sweep")
E = CaseEscalation.__table__
Claim = Callable[[Session, tuple, int, int | None], list]
Handle = Callable[[Session, list, SweepReport], None]


def in_key_order(engine: Engine, what: str, claim_rows: Claim, handle: Handle, key: Callable, batch: int,
                 report: SweepReport) -> None:
    """Claim (``claim_rows(session, after, limit, only_id)``) and ``handle`` rows batch by batch
    after the last key seen; see the module docstring for failures."""
    after: tuple = ()
    while True:
        claimed: list = []
        part = SweepReport()
        try:
            with session_scope(engine) as session:
                claimed = claim_rows(session, after, batch, None)
                handle(session, claimed, part)
        except Exception:
            if not claimed:
                raise
            log.warning("sweep: a batch of %d %s failed; trying them one by one", len(claimed), what, exc_info=True)
            part = _one_by_one(engine, what, claim_rows, handle, [r.id for r in claimed])
        report.add(part)
        if not claimed:
            return
        after = max(key(r) for r in claimed)
        if len(claimed) < batch:
            return


def _one_by_one(engine: Engine, what: str, claim_rows: Claim, handle: Handle, ids: list[int]) -> SweepReport:
    total = SweepReport()
    for case_id in ids:
        part = SweepReport()
        try:
            with session_scope(engine) as session:
                handle(session, claim_rows(session, (), 1, case_id), part)
        except Exception:
            log.exception("sweep: %s of case id %s failed; it is tried again at the next sweep", what, case_id)
            continue
        total.add(part)
    return total


def _after(col, after: tuple, only_id: int | None) -> list:
    if only_id is not None:
        return [C.c.id == only_id]
    return [or_(col > after[0], and_(col == after[0], C.c.id > after[1]))] if after else []


# -- breached cases: the sla_breach rule ------------------------------------------------------
def due_cause(dialect: str):
    """The ``sla_breach`` rule's cause of a case's deadline, in SQL: ``due:2026-11-03T02:00Z``."""
    if dialect == "postgresql":
        return literal("due:") + func.to_char(func.timezone("UTC", C.c.due_at), 'YYYY-MM-DD"T"HH24:MI"Z"')
    return literal("due:") + func.strftime("%Y-%m-%dT%H:%MZ", C.c.due_at)


def unescalated(dialect: str, now: datetime) -> list:
    """Breached open cases whose deadline has no ``sla_breach`` firing yet."""
    fired = select(E.c.id).where(E.c.case_id == C.c.id, E.c.rule == "sla_breach", E.c.cause == due_cause(dialect))
    return [C.c.status.in_(OPEN_STATUSES), C.c.due_at <= now, C.c.sla_state == "breached", ~fired.exists()]


def escalate_breaches(engine: Engine, now: datetime, batch: int, report: SweepReport) -> None:
    """Escalate the breached open cases whose deadline has no ``sla_breach`` firing yet: those
    just breached, and those opened or found past their deadline in any other way."""
    from xinsheng.cases.config_editor import active
    from xinsheng.cases.flows import fire, rules_in_force
    from xinsheng.cases.rules import CaseFacts, RuleSet, evaluate

    with session_scope(engine) as session:
        rule = rules_in_force(session).get("sla_breach")
    if rule is None or not rule.enabled:
        return

    def claim_rows(session: Session, after: tuple, limit: int, only_id: int | None) -> list:
        where = unescalated(session.get_bind().dialect.name, now) + _after(C.c.due_at, after, only_id)
        return claim(session, where, [C.c.due_at, C.c.id], limit, {"updated_at": now}, [C.c.id, C.c.due_at])

    def handle(session: Session, rows: list, part: SweepReport) -> None:
        only, top = RuleSet((rule,)), active(session, "authority").top
        for case in session.scalars(select(Case).where(Case.id.in_([r.id for r in rows])).order_by(Case.id)):
            facts = CaseFacts(now=now, kind=case.kind, tier=case.tier, authority_level=case.authority_level,
                              sla_state="breached", due_at=case.due_at)
            for firing in evaluate(only, facts, max_level=top):
                before = (case.tier, case.authority_level)
                if fire(session, case, firing, now=now):
                    part.escalated += 1
                    moved = (case.tier, case.authority_level) != before
                    part.queued_notifications += int(moved and case.customer_id is not None)

    in_key_order(engine, "breach escalations", claim_rows, handle, lambda r: (r.due_at, r.id), batch, report)


# -- progress messages ------------------------------------------------------------------------
_PROGRESS = (C.c.id, C.c.case_ref, C.c.customer_id, C.c.kind, C.c.due_at, C.c.next_progress_at, C.c.policy_code,
             C.c.topic, C.c.channel, C.c.regulator_referred)


def send_progress(engine: Engine, now: datetime, batch: int, report: SweepReport) -> None:
    """A ``case_progress`` message for each open case whose progress moment has come, and its
    next moment a cadence later (after ``now``: one message, however many were missed)."""

    def claim_rows(session: Session, after: tuple, limit: int, only_id: int | None) -> list:
        # status through a function: without table statistics SQLite would otherwise read every
        # open case through ix_cases_due (status) and sort them, not use ix_cases_next_progress
        where = [C.c.next_progress_at <= now, func.coalesce(C.c.status, "").in_(OPEN_STATUSES),
                 *_after(C.c.next_progress_at, after, only_id)]
        return claim(session, where, [C.c.next_progress_at, C.c.id], limit, {"updated_at": now}, list(_PROGRESS))

    def handle(session: Session, rows: list, part: SweepReport) -> None:
        from xinsheng.cases.notifications import notification_key
        from xinsheng.notify.actions import do_enqueue

        cadence, moved, events = _Cadence(session), [], []
        for r in rows:
            queued = r.customer_id is not None and do_enqueue(
                session, customer_id=r.customer_id, purpose="case_progress",
                key=notification_key(r.case_ref, "progress", int(r.next_progress_at.timestamp())),
                context={"case_ref": r.case_ref, "kind": r.kind, "due_date": r.due_at}, now=now,
                subject_ref=r.case_ref) is not None
            part.queued_notifications += queued
            part.progress += queued
            following = cadence.next_after(r, now)
            moved.append({"b_id": r.id, "b_next": following})
            events.append((r.id, "notify", {"purpose": "case_progress", "queued": queued,
                                            "due_at": r.next_progress_at.isoformat(),
                                            "next_progress_at": following.isoformat() if following else None}))
        if moved:
            session.execute(update(C).where(C.c.id == bindparam("b_id")).values(next_progress_at=bindparam("b_next"))
                            .execution_options(synchronize_session=False), moved)
        write_events(session, events, now)

    in_key_order(engine, "progress messages", claim_rows, handle, lambda r: (r.next_progress_at, r.id), batch,
                 report)


class _Cadence:
    """The next progress moment after ``now`` under each case's policy."""

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
