"""Writes a generated demo bank into the database through the ingest path.

The bank's contacts go through ingest with the cases flow on, replayed as they happened
(``cases.flows.replaying``): complaints of the last 30 days open real cases with their clocks,
repeat contacts join them and the escalation rules fire (the planted repeat callers about a
wealth redemption that has not arrived are escalated by the repeat-contact rule). Then, as
the bank's staff would have: a case whose customer was later told it was resolved is decided
and closed (with a root cause), and one a tier-2/3 agent called back about is acknowledged
and theirs. Finally one sweep as of the demo's "now" — its newest contact — warns, breaches
and escalates what is due, so some cases are near their deadline or past it.
"""
from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.engine import Engine

from xinsheng.cases.models import OPEN_STATUSES, Case, CaseContact, CaseEvent
from xinsheng.config import get_settings
from xinsheng.customers.models import Customer
from xinsheng.db import dialect_insert, session_scope, utcnow
from xinsheng.demo.generator import DemoBank
from xinsheng.identity.models import User
from xinsheng.records import records_from_list
from xinsheng.ingest.service import ingest_records
from xinsheng.interactions.models import Interaction, InteractionAnalysis

log = logging.getLogger(__name__)
TIER_ROLES = {1: "agent", 2: "support", 3: "expert"}
#: the root causes (溯源整改) the demo's staff record, by the topic's family
ROOT_CAUSES = {
    "mobile_banking": ("system_fault", "product_design"), "transfer": ("process", "system_fault"),
    "cards": ("process", "communication"), "credit_card": ("communication", "process"),
    "fees": ("communication", "product_design"), "wealth": ("third_party", "process", "communication"),
    "loans": ("process", "communication"), "service": ("staff_conduct", "communication"),
    "account": ("process", "customer_misunderstanding"),
}


def database_is_empty(engine: Engine) -> bool:
    with session_scope(engine) as session:
        return not session.scalar(select(func.count()).select_from(Customer))


def load_bank(bank: DemoBank, engine: Engine, on_progress: Callable[[int], None] | None = None) -> dict:
    """Customers, staff, interactions and the cases of the demo bank."""
    from xinsheng.cases.flows import install, replaying
    from xinsheng.cases.sweep import run_sweep

    customers = ingest_records(records_from_list(bank.customers), "customers", engine)
    from xinsheng.profiles.holdings import load_holdings

    load_holdings(records_from_list(bank.holdings), engine)  # before the contacts (demo/holdings.py)
    _load_staff(bank, engine)
    done = [0]

    def progress(record) -> None:  # called with the last record of each batch
        if on_progress:
            on_progress(record.line - done[0])
        done[0] = record.line

    install(status_provider=False)
    now = max((datetime.fromisoformat(r["started_at"]) for r in bank.interactions), default=utcnow())
    with replaying(until=now):
        interactions = ingest_records(records_from_list(bank.interactions), "interactions", engine,
                                      on_progress=progress, workers=get_settings().ingest_workers)
    handled = _handle_cases(engine)
    from xinsheng.demo.ivr import load_ab

    load_ab(engine)  # the IVR's A/B share of the demo's A/B period (demo/ivr.py)
    from xinsheng.demo.surveys import load_surveys

    surveys = load_surveys(engine, now)  # surveys after its contacts (demo/surveys.py)
    from xinsheng.demo.holdings import score_churn

    score_churn(engine)  # churn-risk scores for the revenue-at-risk page (profiles/churn.py)
    from xinsheng.segments.service import refresh as refresh_segments

    with session_scope(engine) as session:  # the segment explorer's rule segments and clusters
        segments = len(refresh_segments(session, now=now))
    from xinsheng.demo.nba import load_nba_outcomes

    nba = load_nba_outcomes(engine, now, bank.facts["params"]["seed"])  # offers, outcomes, planted uplift
    bank.facts["nba_uplift"] = nba["truth"]
    from xinsheng.demo.improvements import load_improvements

    improvements = load_improvements(engine, now, bank.facts.get("app_release"))  # demo/improvements.py
    from xinsheng.demo.quality import load_quality

    quality = load_quality(engine, now)  # recorded phone calls, checked by the quality rules (demo/quality.py)
    interactions.accepted += quality.pop("ingested")
    sweep = run_sweep(engine, now)  # last: the cases that surveys and the recorded calls opened get their clocks' state too
    with session_scope(engine) as session:
        total = session.scalar(select(func.count()).select_from(Case)) or 0
        still_open = session.scalar(select(func.count()).select_from(Case).where(Case.status.in_(OPEN_STATUSES))) or 0
    return {"customers": customers.accepted, "interactions": interactions.to_dict(), "open_cases": still_open,
            "cases": {"total": total, "closed": handled["closed"], "acknowledged": handled["acknowledged"],
                      "now": now.isoformat(), "sweep": sweep.to_dict()}, "surveys": surveys,
            "improvements": improvements, "quality": quality,
            "nba": {"outcomes": nba["outcomes"]}, "segments": segments}


def _load_staff(bank: DemoBank, engine: Engine) -> None:
    rows = [
        {"username": a["agent_ref"].lower(), "display_name": a["name"], "role": TIER_ROLES[a["tier"]],
         "agent_ref": a["agent_ref"], "skills": a.get("skills", []), "active": True, "created_at": utcnow()}
        for a in bank.agents
    ] + [
        {"username": a["advisor_ref"].lower(), "display_name": a["name"], "role": "advisor",
         "advisor_ref": a["advisor_ref"], "skills": [], "active": True, "created_at": utcnow()}
        for a in bank.advisors
    ]
    with session_scope(engine) as session:
        if rows:
            session.execute(dialect_insert(session, User).on_conflict_do_nothing(), rows)


def _handle_cases(engine: Engine) -> dict:
    """What the demo's staff did with the cases: closed the resolved, took the called-back."""
    out = {"closed": 0, "acknowledged": 0}
    with session_scope(engine) as session:
        users = dict(session.execute(select(User.agent_ref, User.id).where(User.agent_ref.is_not(None))).all())
        for case in session.scalars(select(Case).where(Case.status.in_(OPEN_STATUSES)).order_by(Case.id)):
            later = _later_contacts(session, case)
            resolved = next((c for c in later if c.outcome == "resolved"), None)
            callback = next((c for c in later if c.direction == "outbound"), None)
            if resolved is not None:
                _close(session, case, resolved)
                out["closed"] += 1
            elif callback is not None:
                _acknowledge(session, case, callback, users.get(callback.agent_ref))
                out["acknowledged"] += 1
    return out


def _later_contacts(session, case: Case) -> list[Interaction]:
    """The customer's contacts after the case opened whose analysis names its topic, oldest first."""
    stmt = (select(Interaction, InteractionAnalysis.topics)
            .join(InteractionAnalysis, InteractionAnalysis.interaction_id == Interaction.id)
            .where(Interaction.customer_id == case.customer_id, Interaction.started_at > case.accepted_at)
            .order_by(Interaction.started_at, Interaction.id))
    topic = case.topic or ""
    return [i for i, topics in session.execute(stmt)
            if any((t.get("code") or "") == topic or (t.get("code") or "").startswith(topic + ".") for t in topics or ())]


def _close(session, case: Case, resolved: Interaction) -> None:
    decided = resolved.started_at
    closed = decided + timedelta(hours=2)
    causes = ROOT_CAUSES.get((case.topic or "").split(".")[0], ("other",))
    case.status, case.decided_at, case.decided_by = "closed", decided, "demo"
    case.resolution = "已与客户确认问题解决" if case.kind == "complaint" else "已办结"
    case.compensation_cny = 0
    case.root_cause, case.customer_accepted, case.closed_at = causes[case.id % len(causes)], True, closed
    case.sla_state = "breached" if case.due_at is not None and decided >= case.due_at else case.sla_state
    case.acknowledged_at = case.acknowledged_at or decided
    case.next_progress_at, case.updated_at = None, closed
    session.add_all([
        CaseEvent(case_id=case.id, at=decided, actor="demo", action="decide", text=case.resolution,
                  detail={"compensation_cny": "0.00", "in_time": case.due_at is None or decided < case.due_at}),
        CaseEvent(case_id=case.id, at=closed, actor="demo", action="close",
                  detail={"root_cause": case.root_cause, "customer_accepted": True}),
    ])
    _attach(session, case, resolved)


def _acknowledge(session, case: Case, callback: Interaction, user_id: int | None) -> None:
    case.acknowledged_at, case.status = callback.started_at, "in_progress"
    case.owner_user_id = case.owner_user_id or user_id
    session.add(CaseEvent(case_id=case.id, at=callback.started_at, actor=(callback.agent_ref or "demo").lower(),
                          action="acknowledge", detail={"via": "callback"}))
    _attach(session, case, callback)


def _attach(session, case: Case, contact: Interaction) -> None:
    stmt = (dialect_insert(session, CaseContact.__table__)
            .values(case_id=case.id, interaction_id=contact.id, at=contact.started_at, repeat=False)
            .on_conflict_do_nothing(index_elements=["case_id", "interaction_id"]))
    session.execute(stmt)
