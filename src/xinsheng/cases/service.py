"""Reads of cases: one case (404 unless the caller may see it), queues, the API shape, and
the case-status sentence the answer bot and the IVR say to a customer.

Queues (``queue=mine|tier``) are ordered by risk (``risk_score``, highest first), then by
time left (``due_at``, soonest first); they answer their top ``limit`` cases with
``total`` and no ``next_before``. ``queue=all`` is ordered newest accepted first and pages
by ``accepted_at`` (``next_before``); a page never splits cases accepted at the same instant.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import datetime

from sqlalchemy import ColumnElement, Select, and_, func, select
from sqlalchemy.orm import Session

from xinsheng.cases.access import visible_cases
from xinsheng.cases.models import OPEN_STATUSES, Case, CaseContact, CaseEscalation, CaseEvent
from xinsheng.cases.schemas import CasePage, CaseRead, EscalationRead, EventRead
from xinsheng.customers.models import Customer
from xinsheng.db import utcnow
from xinsheng.errors import InvalidInput, NotFound
from xinsheng.identity.models import User
from xinsheng.identity.principal import Principal
from xinsheng.interactions.models import Interaction

MAX_PAGE = 200
#: statuses of "status=open": everything not closed (a decided case still waits for closing)
NOT_CLOSED = (*OPEN_STATUSES, "decided")
_SEVERITY = {"on_track": 0, "warning": 1, "breached": 2}


def _visible(stmt: Select, principal: Principal) -> Select:
    clause = visible_cases(principal)
    return stmt if clause is None else stmt.where(clause)


def find_case(session: Session, case_ref: str) -> Case | None:
    return session.scalar(select(Case).where(Case.case_ref == case_ref))


def get_case(session: Session, case_ref: str, principal: Principal, *, for_update: bool = False) -> Case:
    """The case ``case_ref`` if ``principal`` may see it; else NotFound (never says it exists)."""
    stmt = _visible(select(Case).where(Case.case_ref == case_ref), principal)
    if for_update:
        stmt = stmt.with_for_update()
    case = session.scalar(stmt)
    if case is None:
        raise NotFound(f"no case {case_ref!r}", data={"case_ref": case_ref})
    return case


def live_sla_state(case: Case, now: datetime) -> str:
    """The SLA state now: for a case still open, the worse of the stored state (the sweep's,
    e.g. an acknowledgement breach) and the clocks; for a decided or closed one, as stored
    when it was decided (in time, or not)."""
    from xinsheng.cases.policies import sla_state

    stored = case.sla_state or "on_track"
    if case.status not in OPEN_STATUSES:
        return stored
    clock = sla_state(now, due_at=case.due_at, warn_at=case.warn_at)
    return max(stored, clock, key=_SEVERITY.__getitem__)


def case_reads(session: Session, cases: Sequence[Case], now: datetime | None = None) -> list[CaseRead]:
    """The API shape of ``cases``, with events and escalations (one query each for all)."""
    if not cases:
        return []
    now = now or utcnow()
    ids = [c.id for c in cases]
    events: dict[int, list[CaseEvent]] = defaultdict(list)
    for ev in session.scalars(select(CaseEvent).where(CaseEvent.case_id.in_(ids)).order_by(CaseEvent.id)):
        events[ev.case_id].append(ev)
    escalations: dict[int, list[CaseEscalation]] = defaultdict(list)
    for esc in session.scalars(select(CaseEscalation).where(CaseEscalation.case_id.in_(ids))
                               .order_by(CaseEscalation.at, CaseEscalation.id)):
        escalations[esc.case_id].append(esc)
    customers = _refs(session, Customer, Customer.customer_ref, {c.customer_id for c in cases})
    owners = _refs(session, User, User.username, {c.owner_user_id for c in cases})
    sources = _refs(session, Interaction, Interaction.external_id, {c.source_interaction_id for c in cases})
    return [
        CaseRead(
            case_ref=c.case_ref, customer_ref=customers.get(c.customer_id), kind=c.kind, status=c.status,
            tier=c.tier, authority_level=c.authority_level, topic=c.topic, owner=owners.get(c.owner_user_id),
            accepted_at=c.accepted_at, ack_due_at=c.ack_due_at, due_at=c.due_at,
            sla_state=live_sla_state(c, now),
            escalations=[EscalationRead.model_validate(e) for e in escalations[c.id]],
            repeat_contacts=c.repeat_contacts or 0,
            events=[EventRead.model_validate(e) for e in events[c.id]],
            title=c.title, text=c.text, channel=c.channel, regulator_referred=bool(c.regulator_referred),
            policy_code=c.policy_code, opened_by=c.opened_by, opened_at=c.opened_at,
            acknowledged_at=c.acknowledged_at, extensions=c.extensions or 0, decided_at=c.decided_at,
            decided_by=c.decided_by, resolution=c.resolution, compensation_cny=c.compensation_cny,
            root_cause=c.root_cause, customer_accepted=c.customer_accepted, closed_at=c.closed_at,
            risk_score=c.risk_score or 0.0, source_external_id=sources.get(c.source_interaction_id),
        )
        for c in cases
    ]


def case_read(session: Session, case: Case, now: datetime | None = None) -> CaseRead:
    return case_reads(session, [case], now)[0]


def _refs(session: Session, model, column, ids: Iterable[int | None]) -> dict[int, str]:
    wanted = [i for i in ids if i is not None]
    if not wanted:
        return {}
    return dict(session.execute(select(model.id, column).where(model.id.in_(wanted))).all())


def _queue_clause(principal: Principal, queue: str) -> ColumnElement[bool] | None:
    if queue == "mine":
        return Case.owner_user_id == principal.user_id if principal.user_id is not None else Case.id.is_(None)
    if queue == "tier":
        if not principal.tier:
            return Case.id.is_(None)  # a role without a service tier has no tier queue
        return and_(Case.owner_user_id.is_(None), Case.tier == principal.tier)
    if queue == "all":
        return None
    raise InvalidInput("queue: one of mine, tier, all", data={"field": "queue"})


def _status_clause(status: str) -> ColumnElement[bool] | None:
    if status == "open":
        return Case.status.in_(NOT_CLOSED)
    if status == "closed":
        return Case.status == "closed"
    if status == "any":
        return None
    raise InvalidInput("status: one of open, closed, any", data={"field": "status"})


def list_cases(session: Session, principal: Principal, queue: str = "all", status: str = "open",
               limit: int = 50, before: datetime | None = None, now: datetime | None = None) -> CasePage:
    """The cases ``principal`` may see in ``queue`` with ``status`` (see the module's order)."""
    limit = max(1, min(int(limit), MAX_PAGE))
    conds = [c for c in (_queue_clause(principal, queue), _status_clause(status)) if c is not None]
    if before is not None:
        conds.append(Case.accepted_at < before)
    base = _visible(select(Case).where(*conds), principal)
    if queue in ("mine", "tier"):
        total = session.scalar(select(func.count()).select_from(base.subquery())) or 0
        stmt = base.order_by(Case.risk_score.desc(), Case.due_at.asc(), Case.id.asc()).limit(limit)
        return CasePage(items=case_reads(session, list(session.scalars(stmt)), now), total=total)
    rows = list(session.scalars(base.order_by(Case.accepted_at.desc(), Case.id.desc()).limit(limit + 1)))
    more = len(rows) > limit
    page = rows[:limit]
    if more and rows[limit].accepted_at == page[-1].accepted_at:  # keep one instant on one page
        seen = {c.id for c in page}
        same = base.where(Case.accepted_at == page[-1].accepted_at).order_by(Case.id.desc())
        page += [c for c in session.scalars(same) if c.id not in seen]
    next_before = page[-1].accepted_at if more else None
    return CasePage(items=case_reads(session, page, now), next_before=next_before)


def open_cases_for_customer(session: Session, customer_id: int) -> list[Case]:
    """The customer's cases not yet closed, soonest due first."""
    stmt = (select(Case).where(Case.customer_id == customer_id, Case.status.in_(NOT_CLOSED))
            .order_by(Case.due_at.asc(), Case.id.asc()))
    return list(session.scalars(stmt))


def contact_agents(session: Session, case_id: int) -> set[str]:
    """The ``agent_ref`` of every contact attached to the case (for 回避)."""
    stmt = (select(Interaction.agent_ref).join(CaseContact, CaseContact.interaction_id == Interaction.id)
            .where(CaseContact.case_id == case_id, Interaction.agent_ref.is_not(None)).distinct())
    return set(session.scalars(stmt))


# -- what the answer bot and the IVR say ---------------------------------------------------
_KIND = {"complaint": ("投诉", "complaint"), "request": ("业务申请", "request"), "inquiry": ("咨询", "enquiry")}
_TEAM = {  # who handles it, by tier / authority level
    "centre": ("投诉处理中心", "our complaints centre"),
    3: ("专家团队", "our specialist team"),
    2: ("业务支持团队", "our business support team"),
    1: ("客服团队", "our customer service team"),
}
_WORKING = {"zh": "您的{kind}（{ref}）正在由{team}处理，预计在 {date} 前给您答复。",
            "en": "Your {kind} ({ref}) is being handled by {team}; we expect to reply by {date}."}
_DECIDED = {"zh": "您的{kind}（{ref}）已有处理意见，请通过手机银行或客服热线查看详情。",
            "en": "There is an outcome for your {kind} ({ref}); see the details in the app or by calling us."}


def _date(moment: datetime, lang: str) -> str:
    from xinsheng.cases.calendar import default_calendar

    local = default_calendar().local(moment)
    return f"{local.month}月{local.day}日" if lang == "zh" else f"{local.day} {local:%B}"


def case_status_sentence(case: Case, lang: str = "zh") -> str:
    """One neutral sentence about one case (no amounts, no names, no blame)."""
    lang = "en" if lang == "en" else "zh"
    i = 1 if lang == "en" else 0
    kind = _KIND.get(case.kind, _KIND["request"])[i]
    if case.status == "decided" or case.due_at is None:
        return _DECIDED[lang].format(kind=kind, ref=case.case_ref)
    team = _TEAM["centre" if case.kind == "complaint" and case.authority_level >= 3 else case.tier][i]
    return _WORKING[lang].format(kind=kind, ref=case.case_ref, team=team, date=_date(case.due_at, lang))


def case_status_answer(session: Session, customer_ref: str, lang: str = "zh") -> str | None:
    """What the answer bot and the IVR's ``case_progress`` say: a sentence per case not yet
    closed (soonest due first), or None when the customer has none (or is unknown)."""
    customer_id = session.scalar(select(Customer.id).where(Customer.customer_ref == customer_ref))
    if customer_id is None:
        return None
    cases = open_cases_for_customer(session, customer_id)
    if not cases:
        return None
    return ("" if lang == "zh" else " ").join(case_status_sentence(c, lang) for c in cases)
