"""Builders of the flows, sweep and worker tests (helper-6): customers and contacts through the
real ingest path, analysed contacts written directly, and many cases at once.

    flow_clock(monkeypatch, local(2026, 10, 20, 9))     # what the ingest flow takes as now
    ingest_contacts(engine, [contact(1, "我要投诉…", at=MON)])
"""
from __future__ import annotations

import itertools
from datetime import datetime, timedelta, timezone

from sqlalchemy import func, select
from sqlalchemy.engine import Engine

from tests.cases.builders import SH, local  # noqa: F401  (re-exported for the tests)
from xinsheng.db import session_scope

_n = itertools.count(1)
#: a Monday, 10:00 in Beijing, away from holidays: 2026-10-19
MON = datetime(2026, 10, 19, 10, 0, tzinfo=SH)


def young_customer(ref: str = "C-ZHAO", **over) -> dict:
    """赵磊, 41, mass segment, no notes: no rule fires because of who he is."""
    return {"customer_ref": ref, "name": "赵磊", "birth_year": 1985, "gender": "M", "region": "江苏省南京市",
            "segment": "mass", "risk_level": 3, "preferred_channel": "app", **over}


def flow_clock(monkeypatch, now: datetime) -> None:
    """Install the cases flow and make it take ``now`` as the current time."""
    from xinsheng.cases import flows

    flows.install()
    monkeypatch.setattr(flows, "clock", lambda: now)


def contact(n: int, text: str | None, *, at: datetime, customer_ref: str | None = "C-ZHAO",
            channel: str = "phone", **over) -> dict:
    """An inbound contact record in the ingest format (CONTRACT.md)."""
    return {"external_id": f"flow-{n}", "source": "test", "customer_ref": customer_ref, "channel": channel,
            "started_at": at.isoformat(), "ended_at": (at + timedelta(minutes=4)).isoformat(),
            "direction": "inbound", "event": "call", "text": text, "outcome": "pending", "attributes": {}, **over}


def ingest_customers(engine: Engine, *records: dict) -> None:
    from xinsheng.ingest.readers import records_from_list
    from xinsheng.ingest.service import ingest_records

    report = ingest_records(records_from_list(list(records)), "customers", engine)
    assert report.rejected == 0, report.errors


def ingest_contacts(engine: Engine, records: list[dict], **kw):
    """Ingest interaction records through the real path (masking, VOC analysis, hooks)."""
    from xinsheng.ingest.readers import records_from_list
    from xinsheng.ingest.service import ingest_records

    report = ingest_records(records_from_list(records), "interactions", engine, **kw)
    assert report.rejected == 0, report.errors
    return report


def add_analysed_contact(engine: Engine, customer_ref: str, *, at: datetime, topics: tuple[str, ...] = (),
                         emotions: dict | None = None, flags: tuple[str, ...] = (), text: str | None = None,
                         sentiment: str = "negative", channel: str = "phone") -> int:
    """A stored contact with exactly this analysis (no VOC model involved); returns its id."""
    from xinsheng.customers.models import Customer
    from xinsheng.interactions.models import Interaction, InteractionAnalysis

    with session_scope(engine) as s:
        cid = s.scalar(select(Customer.id).where(Customer.customer_ref == customer_ref))
        row = Interaction(source="test", external_id=f"an-{next(_n)}", customer_id=cid, channel=channel,
                          started_at=at, ended_at=at + timedelta(minutes=3), direction="inbound", text=text,
                          attributes={}, pii=[])
        s.add(row)
        s.flush()
        s.add(InteractionAnalysis(interaction_id=row.id, lang="zh", sentiment_label=sentiment, sentiment_score=-0.5,
                                  emotions=emotions or {}, flags=list(flags), keywords=[],
                                  topics=[{"code": t, "label": t, "score": 0.9, "triggers": []} for t in topics]))
        return row.id


def count(engine: Engine, model, *where) -> int:
    with session_scope(engine) as s:
        return s.scalar(select(func.count()).select_from(model).where(*where)) or 0


def bulk_cases(engine: Engine, accepted: list[datetime], *, customer_ids: list[int | None] | None = None,
               kind: str = "complaint", chunk: int = 5000) -> None:
    """Many open cases at once with the clocks ``do_open_case`` would give them (the shipped
    policy of ``kind``, the shipped calendar), written in multi-row INSERTs."""
    from xinsheng.cases.calendar import default_calendar
    from xinsheng.cases.models import Case
    from xinsheng.cases.policies import compute_clocks, default_policies, next_progress_at, sla_state

    calendar, policy = default_calendar(), default_policies().match(kind=kind)
    rows = []
    for i, at in enumerate(accepted):
        clocks = compute_clocks(policy, at, calendar)
        rows.append({
            "case_ref": f"B{next(_n):09d}", "customer_id": (customer_ids or [None])[i % len(customer_ids or [None])],
            "kind": kind, "title": "bulk", "text": None, "channel": "phone", "status": "open", "tier": 1,
            "authority_level": 1, "topic": "wealth.redemption", "regulator_referred": False, "opened_by": "bulk",
            "opened_at": at, "accepted_at": at, "policy_code": policy.code, "ack_due_at": clocks.ack_due_at,
            "warn_at": clocks.warn_at, "due_at": clocks.due_at,
            "sla_state": sla_state(at, due_at=clocks.due_at, warn_at=clocks.warn_at), "extensions": 0,
            "next_progress_at": next_progress_at(policy, at, calendar), "repeat_contacts": 0, "risk_score": 0.0,
            "updated_at": at, "attributes": {}})
    for i in range(0, len(rows), chunk):
        with session_scope(engine) as s:
            s.execute(Case.__table__.insert(), rows[i:i + chunk])


def utc(t: datetime) -> datetime:
    return t.astimezone(timezone.utc)
