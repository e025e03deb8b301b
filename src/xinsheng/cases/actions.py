"""Writes to cases: opening one, and every action on it. Each appends a ``CaseEvent`` and an
audit entry (cases/events.py), and queues the customer's notification where the event calls
for one (cases/notifications.py). Decisions, closing and reopening are in cases/decisions.py
and re-exported here.

State machine (an action from any other state answers 409 Conflict)::

    open ──acknowledge / assign──▶ in_progress ◀──resume── pending_customer
                                   in_progress ──await_customer──▶ pending_customer
    open | in_progress | pending_customer ──decide──▶ decided ──close──▶ closed
    a request or an inquiry may also be closed undecided (from open, in_progress, pending_customer)
    decided | closed ──reopen (核实)──▶ in_progress: one authority level up, tier ≥ 2, new clocks
    open | in_progress | pending_customer ──escalate──▶ open, unassigned, in the receiver's queue
    note: any state.  assign: any state but closed.  extend: open | in_progress | pending_customer,
    before the deadline.  acknowledge: once per acceptance (again after a reopen).
"""
from __future__ import annotations

import uuid
from datetime import datetime, timedelta, timezone

from sqlalchemy import select
from sqlalchemy.orm import Session

from xinsheng.cases.decisions import do_close, do_decide, do_reopen, policy_of
from xinsheng.cases.events import in_force, mask, record_event, require_person, require_state, use_auditor
from xinsheng.cases.models import OPEN_STATUSES, Case, CaseContact, CaseEscalation
from xinsheng.cases.notifications import notify_case_event
from xinsheng.cases.policies import clocks_after_extensions, compute_clocks, extended_due, next_progress_at, sla_state
from xinsheng.cases.schemas import (Acknowledge, Assign, AwaitCustomer, CaseCreate, Close, Decide, Escalate,
                                    Extend, Note, Reopen, Resume)
from xinsheng.cases.topics import topic_for
from xinsheng.customers.models import Customer
from xinsheng.errors import Conflict, InvalidInput, NotFound
from xinsheng.identity.models import User
from xinsheng.identity.principal import Principal
from xinsheng.interactions.models import Interaction

__all__ = ["CASE_ROLES", "do_open_case", "do_acknowledge", "do_assign", "do_set_waiting", "do_add_note",
           "do_escalate", "do_extend", "do_decide", "do_close", "do_reopen", "apply_action", "use_auditor"]

#: roles that work cases: a case may be assigned to them, and one they open is theirs
CASE_ROLES = ("agent", "support", "expert", "complaint_handler", "supervisor")


# -- opening ---------------------------------------------------------------------------
def _source(session: Session, customer: Customer, external_id: str | None) -> Interaction | None:
    if not external_id:
        return None
    found = session.scalars(select(Interaction).where(
        Interaction.customer_id == customer.id, Interaction.external_id == external_id)
        .order_by(Interaction.started_at.desc()).limit(1)).first()
    if found is None:
        raise NotFound(f"source_external_id: no contact {external_id!r} of customer {customer.customer_ref!r}",
                       data={"field": "source_external_id", "source_external_id": external_id})
    return found


def case_ref_for(accepted_local: datetime, case_id: int) -> str:
    """``CS`` + the local date of acceptance + the case's number: ``CS20261001000042``."""
    return f"CS{accepted_local:%Y%m%d}{case_id:06d}"


def do_open_case(session: Session, body: CaseCreate, *, actor: str, now: datetime,
                 customer: Customer | None = None, interaction: Interaction | None = None,
                 role: str | None = None, owner_user_id: int | None = None) -> Case:
    """Open a case with the clocks of the SLA policy that matches it (404: unknown customer
    or contact). Title and text are masked; the topic, when not given, is the contact's or
    the VOC engine's. A regulator-referred case starts at the top authority level and tier 3.
    Queues the "accepted" notification with the deadline."""
    if customer is None:
        customer = session.scalar(select(Customer).where(Customer.customer_ref == body.customer_ref))
        if customer is None:
            raise NotFound(f"no customer {body.customer_ref!r}",
                           data={"field": "customer_ref", "customer_ref": body.customer_ref})
    interaction = interaction or _source(session, customer, body.source_external_id)
    accepted = (body.accepted_at or now).astimezone(timezone.utc)
    if accepted > now + timedelta(minutes=5):
        raise InvalidInput("accepted_at: in the future", data={"field": "accepted_at"})
    text, title = mask(body.text), mask(body.title)
    topic = topic_for(session, body.topic, text or title, interaction)
    calendar, authority, policies = in_force(session, "calendar", "authority", "policies")
    policy = policies.match(kind=body.kind, topic=topic, segment=customer.segment, channel=body.channel,
                            regulator_referred=body.regulator_referred)
    clocks = compute_clocks(policy, accepted, calendar)
    referred = body.regulator_referred
    case = Case(
        case_ref=f"new-{uuid.uuid4().hex}", customer_id=customer.id, kind=body.kind, title=title, text=text,
        channel=body.channel, status="open", tier=3 if referred else 1,
        authority_level=authority.top if referred else 1, topic=topic, regulator_referred=referred,
        owner_user_id=owner_user_id, source_interaction_id=interaction.id if interaction else None,
        opened_by=actor, opened_at=now, accepted_at=accepted, policy_code=policy.code,
        ack_due_at=clocks.ack_due_at, warn_at=clocks.warn_at, due_at=clocks.due_at,
        sla_state=sla_state(now, due_at=clocks.due_at, warn_at=clocks.warn_at), extensions=0,
        next_progress_at=next_progress_at(policy, accepted, calendar),
        repeat_contacts=0, risk_score=0.0, updated_at=now, attributes={},
    )
    session.add(case)
    session.flush()
    case.case_ref = case_ref_for(calendar.local(accepted), case.id)
    if interaction is not None:
        session.add(CaseContact(case_id=case.id, interaction_id=interaction.id, at=interaction.started_at,
                                repeat=False))
    ev = record_event(session, case, actor=actor, role=role, action="open", now=now, detail={
        "kind": case.kind, "policy": policy.code, "accepted_at": accepted.isoformat(),
        "ack_due_at": clocks.ack_due_at.isoformat(), "due_at": clocks.due_at.isoformat(),
        "tier": case.tier, "authority_level": case.authority_level, "topic": topic})
    notify_case_event(session, case, "accepted", n=ev.id, now=now)
    return case


# -- taking, assigning, waiting, notes -------------------------------------------------
def do_acknowledge(session: Session, case: Case, *, principal: Principal, now: datetime) -> Case:
    """Confirm the case is being handled (受理确认), once per acceptance; a person who
    acknowledges an unassigned case takes it."""
    require_state(case, "acknowledge", OPEN_STATUSES)
    if case.acknowledged_at is not None:
        raise Conflict(f"the case was acknowledged already, at {case.acknowledged_at.isoformat()}",
                       data={"status": case.status, "action": "acknowledge"})
    case.acknowledged_at = now
    if case.owner_user_id is None and principal.user_id is not None:
        case.owner_user_id = principal.user_id
    if case.status == "open":
        case.status = "in_progress"
    record_event(session, case, actor=principal.actor, role=principal.role, action="acknowledge", now=now,
                 detail={"late": bool(case.ack_due_at and now > case.ack_due_at)})
    return case


def do_assign(session: Session, case: Case, *, principal: Principal, user: str, now: datetime) -> Case:
    """Give the case to ``user``, an active person of a role that works cases (else 422)."""
    require_state(case, "assign", (*OPEN_STATUSES, "decided"))
    target = session.scalar(select(User).where(User.username == user))
    if target is None or not target.active or target.role not in CASE_ROLES:
        raise InvalidInput(f"user: no active user {user!r} of a role that works cases ({', '.join(CASE_ROLES)})",
                           data={"field": "user", "user": user})
    case.owner_user_id = target.id
    if case.status == "open":
        case.status = "in_progress"
    record_event(session, case, actor=principal.actor, role=principal.role, action="assign", now=now,
                 detail={"user": target.username, "role": target.role})
    return case


def do_set_waiting(session: Session, case: Case, *, principal: Principal, now: datetime, waiting: bool,
                   reason: str | None = None) -> Case:
    """in_progress → pending_customer and back; the clocks keep running (the regulator's
    deadline does not stop while the bank waits for the customer)."""
    require_state(case, "await_customer" if waiting else "resume", ("in_progress",) if waiting else ("pending_customer",))
    case.status = "pending_customer" if waiting else "in_progress"
    record_event(session, case, actor=principal.actor, role=principal.role,
                 action="await_customer" if waiting else "resume", now=now, text=reason)
    return case


def do_add_note(session: Session, case: Case, *, principal: Principal, text: str, now: datetime) -> Case:
    """A note on the case, in any state (masked for personal data)."""
    record_event(session, case, actor=principal.actor, role=principal.role, action="note", now=now, text=text)
    return case


# -- escalation and extension ----------------------------------------------------------
def do_escalate(session: Session, case: Case, *, actor: str, reason: str, to_tier: int | None = None,
                to_level: int | None = None, now: datetime, rule: str | None = None, cause: str | None = None,
                role: str | None = None) -> Case:
    """Move the case up: to tier ``to_tier`` and/or authority level ``to_level``, unassigned,
    into the receiver's queue at once, and record the escalation with its reason.

    A person's escalation (``rule`` None, recorded as rule ``manual``) must go up (else 409).
    A rule's (``rule``, ``cause``) is idempotent: a firing already recorded changes nothing,
    and a target the case has reached is recorded without moving it.
    """
    require_state(case, "escalate", OPEN_STATUSES)
    top = in_force(session, "authority")[0].top
    if to_level is not None and not 1 <= to_level <= top:
        raise InvalidInput(f"to_level: the authority pyramid has levels 1 to {top}", data={"field": "to_level"})
    if rule is None:
        if to_tier is not None and to_tier <= case.tier:
            raise Conflict(f"the case is at tier {case.tier} already; escalation goes up only",
                           data={"tier": case.tier, "action": "escalate"})
        if to_level is not None and to_level <= case.authority_level:
            raise Conflict(f"the case is at authority level {case.authority_level} already; escalation goes up only",
                           data={"authority_level": case.authority_level, "action": "escalate"})
    elif cause and session.scalar(select(CaseEscalation.id).where(
            CaseEscalation.case_id == case.id, CaseEscalation.rule == rule, CaseEscalation.cause == cause)):
        return case
    before = {"tier": case.tier, "authority_level": case.authority_level}
    case.tier = max(case.tier, to_tier or 0)
    case.authority_level = max(case.authority_level, to_level or 0)
    moved = (case.tier, case.authority_level) != (before["tier"], before["authority_level"])
    if moved:
        case.owner_user_id = None
        case.status = "open"
    ev = record_event(session, case, actor=actor, role=role, action="escalate", now=now, text=reason, detail={
        "rule": rule or "manual", "from_tier": before["tier"], "to_tier": case.tier,
        "from_level": before["authority_level"], "to_level": case.authority_level, "moved": moved})
    session.add(CaseEscalation(case_id=case.id, rule=rule or "manual", cause=cause or f"event:{ev.id}",
                               reason=ev.text or "", at=now, to_tier=to_tier, to_level=to_level))
    session.flush()
    if moved:
        notify_case_event(session, case, "escalated", n=ev.id, now=now)
    return case


def do_extend(session: Session, case: Case, *, principal: Principal, reason: str, now: datetime) -> Case:
    """Extend the decision deadline once more, with a reason, before it passes: 403 naming the
    level when the caller's may not approve this extension, 409 when the policy has none left."""
    require_state(case, "extend", OPEN_STATUSES)
    require_person(principal, "an extension")
    if case.due_at is not None and now >= case.due_at:
        raise Conflict(f"the deadline {case.due_at.isoformat()} has passed; an extension is approved before it",
                       data={"due_at": case.due_at.isoformat(), "action": "extend"})
    calendar, authority = in_force(session, "calendar", "authority")
    policy = policy_of(session, case)
    level = authority.effective_level(principal.role, principal.authority_level)
    due = extended_due(policy, case.accepted_at, case.extensions, level, calendar, authority=authority)
    clocks = clocks_after_extensions(policy, case.accepted_at, case.extensions + 1, calendar)
    previous = case.due_at
    case.due_at, case.warn_at, case.extensions = due, clocks.warn_at, case.extensions + 1
    case.sla_state = sla_state(now, due_at=due, warn_at=clocks.warn_at)
    ev = record_event(session, case, actor=principal.actor, role=principal.role, action="extend", now=now,
                      text=reason, detail={"extension": case.extensions, "level": level, "due_at": due.isoformat(),
                                           "previous_due_at": previous.isoformat() if previous else None})
    notify_case_event(session, case, "extended", n=ev.id, now=now)
    return case


# -- the API's dispatcher --------------------------------------------------------------
def apply_action(session: Session, case: Case, action, principal: Principal, now: datetime) -> Case:
    """Apply one ``CaseAction`` from the API as ``principal``; answers the case afterwards."""
    kw = {"principal": principal, "now": now}
    if isinstance(action, Acknowledge):
        return do_acknowledge(session, case, **kw)
    if isinstance(action, Assign):
        return do_assign(session, case, user=action.user, **kw)
    if isinstance(action, Escalate):
        return do_escalate(session, case, actor=principal.actor, role=principal.role, reason=action.reason,
                           to_tier=action.to_tier, to_level=action.to_level, now=now)
    if isinstance(action, Note):
        return do_add_note(session, case, text=action.text, **kw)
    if isinstance(action, Extend):
        return do_extend(session, case, reason=action.reason, **kw)
    if isinstance(action, Decide):
        return do_decide(session, case, resolution=action.resolution, compensation_cny=action.compensation_cny, **kw)
    if isinstance(action, Close):
        return do_close(session, case, root_cause=action.root_cause, customer_accepted=action.customer_accepted, **kw)
    if isinstance(action, Reopen):
        return do_reopen(session, case, reason=action.reason, **kw)
    if isinstance(action, (AwaitCustomer, Resume)):
        return do_set_waiting(session, case, waiting=isinstance(action, AwaitCustomer),
                              reason=getattr(action, "reason", None), **kw)
    raise InvalidInput(f"action: unknown {getattr(action, 'action', action)!r}", data={"field": "action"})
