"""Deciding, closing and reopening a case (核实): the authority pyramid and 回避 at work.

* **decide** — by a person whose effective authority level (their own, else their role's)
  is at least the case's level and may grant the compensation (``AuthorityMatrix``);
  otherwise 403 naming the level that may, with ``data.required_level`` so the caller can
  offer escalation. 回避: a person who handled one of the case's contacts (their
  ``agent_ref`` on an attached contact), or who decided it before a verification, may not
  decide it (403 with that reason).
* **close** — a complaint needs its decision, a root-cause code (溯源整改) and whether the
  customer accepted it (422 naming the missing field). The closing message names the
  remedies (核实, 调解, 仲裁, 诉讼).
* **reopen** — the customer asked for verification (核实) of a decided or closed case: it
  goes one authority level up (the top level stays the top), to tier 2 at least, unassigned,
  and gets new clocks from the moment of the request under the same policy (a complaint: 15
  calendar days to decide again, acknowledgement within 1 working day). The first
  acceptance is kept in ``attributes.first_accepted_at``.
"""
from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy.orm import Session

from xinsheng.cases.events import in_force, mask, record_event, require_person, require_state
from xinsheng.cases.models import OPEN_STATUSES, Case
from xinsheng.cases.notifications import notify_case_event
from xinsheng.cases.policies import SlaPolicy, compute_clocks, next_progress_at, sla_state
from xinsheng.cases.schemas import ROOT_CAUSES
from xinsheng.cases.service import contact_agents
from xinsheng.customers.models import Customer
from xinsheng.errors import Forbidden, InvalidInput
from xinsheng.identity.principal import Principal

_SEVERITY = {"on_track": 0, "warning": 1, "breached": 2}


def policy_of(session: Session, case: Case) -> SlaPolicy:
    """The case's SLA policy (by its code; matched afresh if the policies no longer have it)."""
    policies = in_force(session, "policies")[0]
    found = policies.get(case.policy_code) if case.policy_code else None
    if found is not None:
        return found
    customer = session.get(Customer, case.customer_id) if case.customer_id else None
    return policies.match(kind=case.kind, topic=case.topic, segment=customer.segment if customer else None,
                          channel=case.channel, regulator_referred=bool(case.regulator_referred))


def _state_at(case: Case, now: datetime) -> str:
    clock = sla_state(now, due_at=case.due_at, warn_at=case.warn_at)
    return max(case.sla_state or "on_track", clock, key=_SEVERITY.__getitem__)


def _check_recusal(session: Session, case: Case, principal: Principal) -> None:
    """回避: no decision by someone with an interest in the matter."""
    if principal.agent_ref and principal.agent_ref in contact_agents(session, case.id):
        raise Forbidden(f"回避 (recusal): a contact of this case was handled by you (agent {principal.agent_ref}); "
                        "a handler with no part in the matter decides it",
                        data={"reason": "recusal", "agent_ref": principal.agent_ref})
    if principal.actor in (case.attributes or {}).get("deciders", []):
        raise Forbidden("回避 (recusal): you decided this case before the customer asked for verification (核实); "
                        "a higher level verifies it", data={"reason": "recusal_verification"})


def _check_authority(session: Session, case: Case, principal: Principal, amount: Decimal) -> int:
    authority = in_force(session, "authority")[0]
    level = authority.effective_level(principal.role, principal.authority_level)
    if level < case.authority_level:
        need = case.authority_level
        raise Forbidden(f"this case is decided at authority level {need} ({authority.label(need, 'en')}) or above; "
                        f"your level is {level}: escalate the case or hand it to level {need}",
                        data={"required_level": need, "your_level": level})
    try:
        authority.check_decision(level, amount)
    except Forbidden as exc:
        exc.data.update(your_level=level)
        raise
    return level


def do_decide(session: Session, case: Case, *, principal: Principal, resolution: str,
              compensation_cny: Decimal, now: datetime) -> Case:
    """Decide the case (处理意见) within the caller's authority; see the module's rules."""
    require_state(case, "decide", OPEN_STATUSES)
    require_person(principal, "a decision")
    _check_recusal(session, case, principal)
    amount = Decimal(compensation_cny).quantize(Decimal("0.01"))
    level = _check_authority(session, case, principal, amount)
    case.sla_state = _state_at(case, now)
    case.status, case.decided_at, case.decided_by = "decided", now, principal.actor
    case.resolution, case.compensation_cny = mask(resolution), amount
    case.next_progress_at = None
    if case.owner_user_id is None and principal.user_id is not None:
        case.owner_user_id = principal.user_id
    attrs = dict(case.attributes or {})
    attrs["deciders"] = [*attrs.get("deciders", []), principal.actor]
    case.attributes = attrs
    ev = record_event(session, case, actor=principal.actor, role=principal.role, action="decide", now=now,
                      text=resolution, detail={"compensation_cny": str(amount), "level": level,
                                               "in_time": case.due_at is None or now < case.due_at})
    notify_case_event(session, case, "decided", n=ev.id, now=now)
    return case


def do_close(session: Session, case: Case, *, principal: Principal, root_cause: str | None,
             customer_accepted: bool | None, now: datetime) -> Case:
    """Close the case (办结): a complaint after its decision, with root cause and acceptance."""
    if case.kind == "complaint":
        require_state(case, "close", ("decided",))
        if root_cause is None:
            raise InvalidInput(f"root_cause: closing a complaint needs a root-cause code (one of {', '.join(ROOT_CAUSES)})",
                               data={"field": "root_cause"})
        if customer_accepted is None:
            raise InvalidInput("customer_accepted: closing a complaint records whether the customer accepted "
                               "the decision (true or false)", data={"field": "customer_accepted"})
    else:
        require_state(case, "close", (*OPEN_STATUSES, "decided"))
    if case.status in OPEN_STATUSES:
        case.sla_state = _state_at(case, now)
    case.status, case.closed_at = "closed", now
    case.root_cause, case.customer_accepted = root_cause, customer_accepted
    case.next_progress_at = None
    ev = record_event(session, case, actor=principal.actor, role=principal.role, action="close", now=now,
                      detail={"root_cause": root_cause, "customer_accepted": customer_accepted})
    notify_case_event(session, case, "closed", n=ev.id, now=now)
    return case


def do_reopen(session: Session, case: Case, *, principal: Principal, reason: str, now: datetime) -> Case:
    """The customer asked for verification (核实): one level up, new clocks (module docstring)."""
    require_state(case, "reopen", ("decided", "closed"))
    calendar, authority = in_force(session, "calendar", "authority")
    policy = policy_of(session, case)
    clocks = compute_clocks(policy, now, calendar)
    previous = {"status": case.status, "authority_level": case.authority_level, "tier": case.tier,
                "decided_by": case.decided_by, "resolution": case.resolution,
                "compensation_cny": str(case.compensation_cny) if case.compensation_cny is not None else None,
                "root_cause": case.root_cause, "customer_accepted": case.customer_accepted,
                "accepted_at": case.accepted_at.isoformat() if case.accepted_at else None,
                "due_at": case.due_at.isoformat() if case.due_at else None}
    attrs = dict(case.attributes or {})
    attrs.setdefault("first_accepted_at", previous["accepted_at"])
    attrs["verifications"] = int(attrs.get("verifications", 0)) + 1
    case.attributes = attrs
    case.authority_level = min(case.authority_level + 1, authority.top)
    case.tier = max(case.tier, 2)
    case.status, case.owner_user_id = "in_progress", None
    case.accepted_at, case.acknowledged_at, case.ack_breached_at = now, None, None
    case.ack_due_at, case.warn_at, case.due_at = clocks.ack_due_at, clocks.warn_at, clocks.due_at
    case.extensions, case.sla_state = 0, "on_track"
    case.decided_at = case.decided_by = case.resolution = case.compensation_cny = None
    case.root_cause = case.customer_accepted = case.closed_at = None
    case.next_progress_at = next_progress_at(policy, now, calendar)
    ev = record_event(session, case, actor=principal.actor, role=principal.role, action="reopen", now=now,
                      text=reason, detail={"to_level": case.authority_level, "to_tier": case.tier,
                                           "due_at": clocks.due_at.isoformat(), "previous": previous})
    notify_case_event(session, case, "accepted", n=ev.id, now=now)
    return case
