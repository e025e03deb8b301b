"""Two workers sweep the same due cases at once, each on its own connections: no case is
breached, escalated, told or reminded twice (PostgreSQL: FOR UPDATE SKIP LOCKED; SQLite: one
writer). A row one worker holds while the other passes it is the holder's, or the next
sweep's: after the next sweep every case has been handled exactly once."""
from __future__ import annotations

import threading
from datetime import timedelta

from sqlalchemy import func, select

from tests.cases.flow_builders import MON, bulk_cases, young_customer
from xinsheng.cases.models import Case, CaseEscalation, CaseEvent
from xinsheng.cases.sweep import run_sweep
from xinsheng.db import create_db_engine, session_scope
from xinsheng.notify.models import Notification

N = 240


def _customers(engine, n: int) -> list[int]:
    from xinsheng.customers.actions import bulk_upsert_customers
    from xinsheng.customers.models import Customer

    with session_scope(engine) as s:
        bulk_upsert_customers(s, [young_customer(f"C-{i:04d}") for i in range(n)])
    with session_scope(engine) as s:
        return list(s.scalars(select(Customer.id).order_by(Customer.id)))


def _per_key(engine, stmt) -> dict:
    with session_scope(engine) as s:
        return dict(s.execute(stmt).all())


def test_two_concurrent_sweeps_escalate_and_notify_each_case_once(engine, db_url):
    ids = _customers(engine, N)
    bulk_cases(engine, [MON + timedelta(minutes=i) for i in range(N)], customer_ids=ids)
    now = MON + timedelta(days=20)  # every case: past its deadline, its acknowledgement and a progress slot
    engines = [create_db_engine(db_url), create_db_engine(db_url)]
    reports, errors, start = [], [], threading.Barrier(2)

    def sweep(eng) -> None:
        try:
            start.wait()
            reports.append(run_sweep(eng, now, batch=16))
        except Exception as exc:  # pragma: no cover - shown by the assert below
            errors.append(exc)

    threads = [threading.Thread(target=sweep, args=(e,)) for e in engines]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=600)
    for e in engines:
        e.dispose()
    assert not errors, errors
    reports.append(run_sweep(engine, now, batch=16))  # the next tick, on the same moment
    assert sum(r.breached for r in reports) == N and sum(r.escalated for r in reports) == N
    assert sum(r.queued_notifications for r in reports) == 2 * N  # one escalation message, one progress message

    firings = _per_key(engine, select(CaseEscalation.case_id, func.count()).group_by(CaseEscalation.case_id))
    assert len(firings) == N and set(firings.values()) == {1}
    for purpose in ("case_escalated", "case_progress"):
        sent = _per_key(engine, select(Notification.subject_ref, func.count())
                        .where(Notification.purpose == purpose).group_by(Notification.subject_ref))
        assert len(sent) == N and set(sent.values()) == {1}, purpose
    for action in ("sla_breach", "escalate", "ack_breach", "notify"):
        events = _per_key(engine, select(CaseEvent.case_id, func.count())
                          .where(CaseEvent.action == action).group_by(CaseEvent.case_id))
        assert len(events) == N and set(events.values()) == {1}, action
    with session_scope(engine) as s:
        assert set(s.scalars(select(Case.authority_level))) == {2}
