"""Retention: what is anonymised or removed after how long, per record type.

| rule | record | after | action |
| --- | --- | --- | --- |
| ``interaction_texts`` | an interaction's text (already masked) | ``XINSHENG_RETENTION_TEXT_YEARS`` | text and PII spans removed; channel, times, outcome and VOC analysis kept for statistics |
| ``inactive_customers`` | a customer without contact or open case | ``XINSHENG_RETENTION_CUSTOMER_YEARS`` | name, notes and attributes removed; segment, region and birth year kept |
| ``audit_entries`` | audit-log entries | ``XINSHENG_RETENTION_AUDIT_YEARS`` | oldest entries removed (the only delete the triggers allow); a signed ``audit.purged`` checkpoint records the last removed seq, hash and count, so the chain still verifies |
| ``expired_sessions`` | web sessions past their lifetime | at once | deleted |

``run_retention(engine, apply=False)`` only counts (dry run); ``apply=True`` acts, in
batches, each committed, so an interrupted run is simply run again. When it changed any
interaction or customer, the analytic lakes under ``XINSHENG_HOME/lake`` are marked stale
(:func:`xinsheng.analytics.lake.mark_stale`): their next refresh copies the rows again, so
no copy keeps what retention removed.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, delete, exists, func, not_, or_, select, update
from sqlalchemy.engine import Engine

from xinsheng.analytics.lake import mark_stale
from xinsheng.audit.actions import append, sanctioned_removal
from xinsheng.audit.models import AuditEntry
from xinsheng.cases.models import OPEN_STATUSES, Case
from xinsheng.config import get_settings
from xinsheng.customers.models import Customer, CustomerNote
from xinsheng.db import session_scope, utcnow
from xinsheng.identity.actions import do_purge_sessions
from xinsheng.identity.models import WebSession
from xinsheng.interactions.models import Interaction

BATCH = 5000
ANONYMISED = "anonymised_at"


@dataclass
class RuleResult:
    rule: str
    action: str
    older_than: str | None
    matched: int
    applied: int = 0


def _years(n: float) -> timedelta:
    return timedelta(days=365.25 * n)


def _texts(cutoff: datetime):
    return and_(Interaction.started_at < cutoff, Interaction.text.is_not(None))


def _inactive(cutoff: datetime):
    recent = exists().where(Interaction.customer_id == Customer.id, Interaction.started_at >= cutoff)
    open_case = exists().where(Case.customer_id == Customer.id, Case.status.in_(OPEN_STATUSES))
    has_data = or_(Customer.name.is_not(None), exists().where(CustomerNote.customer_id == Customer.id))
    return and_(Customer.created_at < cutoff, not_(recent), not_(open_case), has_data)


def _count(engine: Engine, model, where) -> int:
    with session_scope(engine) as session:
        return session.scalar(select(func.count()).select_from(model).where(where)) or 0


def _in_batches(engine: Engine, id_col, where, act) -> int:
    done = 0
    while True:
        with session_scope(engine) as session:
            ids = list(session.scalars(select(id_col).where(where).order_by(id_col).limit(BATCH)))
            if ids:
                act(session, ids)
        done += len(ids)
        if len(ids) < BATCH:
            return done


def _anonymise_texts(session, ids) -> None:
    session.execute(update(Interaction).where(Interaction.id.in_(ids)).values(text=None, pii=[]))


def _anonymise_customers(session, ids) -> None:
    stamp = {ANONYMISED: utcnow().isoformat(timespec="seconds")}
    session.execute(delete(CustomerNote).where(CustomerNote.customer_id.in_(ids)))
    session.execute(update(Customer).where(Customer.id.in_(ids))
                    .values(name=None, name_index=None, attributes=stamp, updated_at=utcnow()))


def _purge_audit(engine: Engine, cutoff: datetime, apply: bool) -> RuleResult:
    """Remove the entries older than ``cutoff``, after a signed checkpoint.

    The checkpoint is an ``audit.purged`` entry (keyed like every entry) naming the last
    removed entry's seq and hash and how many go; ``audit verify`` accepts a log that
    starts right after a checkpoint's ``through_seq`` and links to its ``through_hash``,
    and nothing else. The delete runs in one transaction through the path the delete
    trigger allows (``sanctioned_removal``).
    """
    with session_scope(engine) as session:
        last = session.execute(select(AuditEntry.seq, AuditEntry.hash).where(AuditEntry.at < cutoff)
                               .order_by(AuditEntry.seq.desc()).limit(1)).first()
        first = session.scalar(select(func.min(AuditEntry.seq)))
    matched = (last[0] - first + 1) if last else 0
    result = RuleResult("audit_entries", "delete", cutoff.isoformat(), matched)
    if apply and last:
        # the checkpoint first: if the delete fails, the chain is merely longer than needed
        append(engine, actor="retention", action="audit.purged", target_type="audit",
               detail={"through_seq": last[0], "through_hash": last[1], "count": matched,
                       "older_than": cutoff.isoformat()})
        with engine.begin() as conn, sanctioned_removal(conn):
            conn.execute(delete(AuditEntry).where(AuditEntry.seq <= last[0]))
        result.applied = matched
    return result


def run_retention(engine: Engine, *, apply: bool, now: datetime | None = None) -> dict:
    """Count (dry run) or apply every rule; returns the report ``xinsheng retention --json`` prints."""
    s, now = get_settings(), now or utcnow()
    text_cut = now - _years(s.retention_text_years)
    cust_cut = now - _years(s.retention_customer_years)
    rules = [
        RuleResult("interaction_texts", "anonymise", text_cut.isoformat(),
                   _count(engine, Interaction, _texts(text_cut))),
        RuleResult("inactive_customers", "anonymise", cust_cut.isoformat(),
                   _count(engine, Customer, _inactive(cust_cut))),
    ]
    sessions = RuleResult("expired_sessions", "delete", now.isoformat(),
                          _count(engine, WebSession, WebSession.expires_at <= now))
    if apply:
        rules[0].applied = _in_batches(engine, Interaction.id, _texts(text_cut), _anonymise_texts)
        rules[1].applied = _in_batches(engine, Customer.id, _inactive(cust_cut), _anonymise_customers)
        with session_scope(engine) as session:
            sessions.applied = do_purge_sessions(session)
        if rules[0].applied or rules[1].applied:
            mark_stale(s.home)
    rules.append(_purge_audit(engine, now - _years(s.retention_audit_years), apply))
    rules.append(sessions)
    report = {"mode": "apply" if apply else "dry-run", "as_of": now.isoformat(),
              "rules": [asdict(r) for r in rules]}
    return report
