"""Writes a generated demo bank into the database through the ingest path."""
from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import timedelta

from sqlalchemy import func, select
from sqlalchemy.engine import Engine

from xinsheng.cases.models import Case
from xinsheng.config import get_settings
from xinsheng.customers.models import Customer
from xinsheng.db import dialect_insert, session_scope, utcnow
from xinsheng.demo.generator import DemoBank
from xinsheng.identity.models import User
from xinsheng.ingest.readers import records_from_list
from xinsheng.ingest.service import ingest_records
from xinsheng.interactions.models import Interaction

log = logging.getLogger(__name__)
TIER_ROLES = {1: "agent", 2: "support", 3: "expert"}


def database_is_empty(engine: Engine) -> bool:
    with session_scope(engine) as session:
        return not session.scalar(select(func.count()).select_from(Customer))


def load_bank(bank: DemoBank, engine: Engine, on_progress: Callable[[int], None] | None = None) -> dict:
    """Customers, staff, interactions and the open cases of the demo bank."""
    customers = ingest_records(records_from_list(bank.customers), "customers", engine)
    _load_staff(bank, engine)
    done = [0]

    def progress(record) -> None:  # called with the last record of each batch
        if on_progress:
            on_progress(record.line - done[0])
        done[0] = record.line

    interactions = ingest_records(records_from_list(bank.interactions), "interactions", engine,
                                  on_progress=progress, workers=get_settings().ingest_workers)
    cases = _open_cases(engine)
    return {"customers": customers.accepted, "interactions": interactions.to_dict(), "open_cases": cases}


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


def _open_cases(engine: Engine) -> int:
    """A case for each escalated or pending complaint of the last 30 days not resolved since."""
    with session_scope(engine) as session:
        latest = session.scalar(select(func.max(Interaction.started_at)))
        if latest is None:
            return 0
        stmt = select(Interaction).where(
            Interaction.started_at >= latest - timedelta(days=30),
            Interaction.customer_id.is_not(None),
        ).order_by(Interaction.started_at.desc())
        resolved_later: set[tuple] = set()
        rows, seen = [], set()
        for inter in session.scalars(stmt):  # newest first
            key = (inter.customer_id, (inter.attributes or {}).get("topic"))
            if inter.outcome == "resolved":
                resolved_later.add(key)
            elif _is_open_complaint(inter) and key not in resolved_later and key not in seen:
                seen.add(key)
                rows.append(_case_row(inter))
        if rows:
            session.execute(dialect_insert(session, Case).on_conflict_do_nothing(), rows)
        return len(rows)


def _is_open_complaint(inter: Interaction) -> bool:
    return inter.outcome == "escalated" or (inter.event == "complaint_filed" and inter.outcome == "pending")


def _case_row(inter: Interaction) -> dict:
    topic = (inter.attributes or {}).get("topic")
    title = (inter.text or inter.event or "客户诉求").split("\n")[0][:60]
    return {
        "case_ref": f"C{inter.id:08d}", "customer_id": inter.customer_id,
        "kind": "complaint" if inter.outcome == "escalated" else "request",
        "title": title, "status": "open", "tier": 2 if inter.outcome == "escalated" else 1,
        "authority_level": 1, "topic": topic, "source_interaction_id": inter.id,
        "opened_at": inter.started_at, "due_at": inter.started_at + timedelta(days=5),
        "attributes": {},
    }
