"""What the escalation rules look at for one case (:class:`~xinsheng.cases.rules.CaseFacts`).

* the case: kind, tier, authority level, SLA state and deadline, regulator referral;
* the customer: segment, birth year, notes (decrypted) and flags — the keys of
  ``attributes`` whose value is ``true`` (``{"vip": true}``) and the words of
  ``attributes.flags`` (``{"flags": ["vulnerable"]}``);
* the latest contact: its VOC emotions and flags and its masked text (the case's own text
  when it has no analysed contact);
* when each contact attached to the case came in (the repeat-contact rule counts them).
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from xinsheng.cases.models import Case, CaseContact
from xinsheng.cases.rules import CaseFacts
from xinsheng.customers.models import Customer, CustomerNote
from xinsheng.interactions.models import Interaction, InteractionAnalysis


def customer_flags(attributes: dict | None) -> list[str]:
    """``{"vip": true, "flags": ["elderly"]}`` → ``["vip", "elderly"]``."""
    attributes = attributes or {}
    flags = [str(k) for k, v in attributes.items() if v is True]
    listed = attributes.get("flags")
    if isinstance(listed, (list, tuple)):
        flags += [str(x) for x in listed if isinstance(x, str)]
    return flags


def latest_contact(session: Session, case_id: int) -> dict | None:
    """The newest analysed contact attached to the case, in the shape ingest passes contacts."""
    row = session.execute(
        select(Interaction.id, Interaction.text, InteractionAnalysis.emotions, InteractionAnalysis.flags)
        .join(CaseContact, CaseContact.interaction_id == Interaction.id)
        .join(InteractionAnalysis, InteractionAnalysis.interaction_id == Interaction.id)
        .where(CaseContact.case_id == case_id)
        .order_by(CaseContact.at.desc(), Interaction.id.desc()).limit(1)
    ).first()
    if row is None:
        return None
    return {"id": row[0], "text": row[1], "analysis": {"emotions": row[2] or {}, "flags": row[3] or []}}


def case_facts(session: Session, case: Case, *, now: datetime, latest: dict | None = None) -> CaseFacts:
    """The facts of ``case`` at ``now``; ``latest``: the newest contact if the caller has it."""
    customer = session.get(Customer, case.customer_id) if case.customer_id else None
    notes = list(session.scalars(select(CustomerNote.text).where(CustomerNote.customer_id == customer.id))) \
        if customer is not None else []
    times = list(session.scalars(select(CaseContact.at).where(CaseContact.case_id == case.id)))
    latest = latest if latest is not None else latest_contact(session, case.id)
    analysis = (latest or {}).get("analysis") or {}
    return CaseFacts(
        now=now, kind=case.kind, tier=case.tier, authority_level=case.authority_level,
        sla_state=case.sla_state or "on_track", due_at=case.due_at,
        segment=customer.segment if customer else None, birth_year=customer.birth_year if customer else None,
        customer_flags=customer_flags(customer.attributes) if customer else [], customer_notes=notes,
        regulator_referred=bool(case.regulator_referred), repeat_contact_times=times,
        latest_contact_id=(latest or {}).get("id"), latest_emotions=analysis.get("emotions") or {},
        latest_flags=analysis.get("flags") or [], latest_text=(latest or {}).get("text") or case.text,
    )
