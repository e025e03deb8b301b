"""Invitations: run the selection (``selection.decide``) over recent contacts and closed cases,
and invite through the notify outbox with a single-use, expiring link.

``run_invitations(session, now=...)`` is what ``xinsheng surveys invite`` and the worker call:
it looks at contacts started within ``max_delay_hours`` before ``now`` and cases closed in
the same window, skips those already invited (one invitation per event key), and answers
how many of each decision it made. Running it again is safe: a decision is a pure function
and an invited event is not looked at twice.
"""
from __future__ import annotations

import os
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from xinsheng.cases.models import Case
from xinsheng.cases.service import NOT_CLOSED
from xinsheng.config import get_settings
from xinsheng.customers.models import Customer
from xinsheng.interactions.models import Interaction
from xinsheng.surveys.definitions import SurveyConfig, load_config
from xinsheng.surveys.models import SurveyInvitation
from xinsheng.surveys.selection import CustomerState, Decision, SurveyEvent, decide
from xinsheng.surveys.tokens import new_token, token_hash

#: the customer attribute that opts them out of surveys (true / "yes" / 1)
OPT_OUT_ATTRIBUTE = "surveys_opt_out"


def public_url() -> str:
    """Where the answer page is reached from outside (``XINSHENG_PUBLIC_URL``)."""
    return (os.environ.get("XINSHENG_PUBLIC_URL") or "http://127.0.0.1:8000").rstrip("/")


def opted_out(attributes: dict | None) -> bool:
    value = (attributes or {}).get(OPT_OUT_ATTRIBUTE)
    return value is True or str(value).strip().lower() in ("1", "true", "yes", "y")


@dataclass
class Invited:
    invitation: SurveyInvitation
    token: str  # only here, for the message: never stored


def customer_states(session: Session, customer_ids: set[int], now: datetime,
                    config: SurveyConfig) -> dict[int, CustomerState]:
    """Opt-out, recent invitations and open complaints of each customer (three queries)."""
    if not customer_ids:
        return {}
    ids = list(customer_ids)
    out_ids = {cid for cid, attrs in session.execute(
        select(Customer.id, Customer.attributes).where(Customer.id.in_(ids))) if opted_out(attrs)}
    since = now - timedelta(days=config.fatigue.days_between)
    invited: dict[int, list[datetime]] = {}
    for cid, at in session.execute(select(SurveyInvitation.customer_id, SurveyInvitation.invited_at).where(
            SurveyInvitation.customer_id.in_(ids), SurveyInvitation.invited_at > since)):
        invited.setdefault(cid, []).append(at)
    complaints: dict[int, list[str]] = {}
    for cid, ref in session.execute(select(Case.customer_id, Case.case_ref).where(
            Case.customer_id.in_(ids), Case.kind == "complaint", Case.status.in_(NOT_CLOSED))):
        complaints.setdefault(cid, []).append(ref)
    return {cid: CustomerState(opted_out=cid in out_ids, invited_at=tuple(invited.get(cid, ())),
                               open_complaints=tuple(complaints.get(cid, ()))) for cid in ids}


def recent_events(session: Session, now: datetime, config: SurveyConfig) -> list[SurveyEvent]:
    """Contacts and closed cases of the selection window not yet invited, oldest first."""
    since = now - timedelta(hours=config.fatigue.max_delay_hours)
    events = [SurveyEvent(key=f"contact:{i.id}", after="contact", at=i.started_at, customer_id=i.customer_id,
                          channel=i.channel, event=i.event, outcome=i.outcome, interaction_id=i.id)
              for i in session.scalars(select(Interaction).where(
                  Interaction.started_at >= since, Interaction.started_at <= now,
                  Interaction.customer_id.is_not(None), Interaction.direction == "inbound"))]
    events += [SurveyEvent(key=f"case:{c.case_ref}", after="case_closed", at=c.closed_at, customer_id=c.customer_id,
                           channel=c.channel, kind=c.kind, case_ref=c.case_ref, interaction_id=c.source_interaction_id)
               for c in session.scalars(select(Case).where(
                   Case.status == "closed", Case.closed_at >= since, Case.closed_at <= now))]
    keys = [e.key for e in events]
    done: set[str] = set()
    for i in range(0, len(keys), 500):
        done.update(session.scalars(select(SurveyInvitation.source_key)
                                    .where(SurveyInvitation.source_key.in_(keys[i:i + 500]))))
    return sorted((e for e in events if e.key not in done), key=lambda e: (e.at, e.key))


def do_invite(session: Session, ev: SurveyEvent, decision: Decision, *, now: datetime,
              config: SurveyConfig) -> Invited:
    """Store the invitation (the token's hash only) and queue its message in the outbox."""
    from xinsheng.notify.actions import do_enqueue

    token = new_token()
    customer = session.get(Customer, ev.customer_id)
    lang = (customer.attributes or {}).get("lang") if customer else None
    inv = SurveyInvitation(
        token_hash=token_hash(token), source_key=ev.key, customer_id=ev.customer_id, survey=decision.survey,
        trigger=decision.trigger, interaction_id=ev.interaction_id, case_ref=ev.case_ref, channel=ev.channel,
        lang=lang if lang in ("zh", "en") else "zh", invited_at=now,
        expires_at=now + timedelta(days=config.fatigue.expires_days))
    session.add(inv)
    session.flush()
    do_enqueue(session, customer_id=ev.customer_id, purpose="survey_invitation", key=f"survey:{ev.key}",
               context={"link": f"{public_url()}/s/{token}"}, now=now, subject_ref=f"survey:{inv.id}")
    return Invited(inv, token)


def run_invitations(session: Session, *, now: datetime, config: SurveyConfig | None = None,
                    events: list[SurveyEvent] | None = None) -> tuple[Counter, list[Invited]]:
    """Decide every recent event and invite those chosen; (count per reason, the invitations)."""
    config = config or load_config()
    tz = ZoneInfo(get_settings().display_timezone)
    events = recent_events(session, now, config) if events is None else events
    states = customer_states(session, {e.customer_id for e in events if e.customer_id}, now, config)
    reasons: Counter = Counter()
    invited: list[Invited] = []
    for ev in events:
        state = states.get(ev.customer_id, CustomerState())
        decision = decide(ev, state, config, now=now, tz=tz)
        reasons[decision.reason] += 1
        if decision.invite:
            invited.append(do_invite(session, ev, decision, now=now, config=config))
            states[ev.customer_id] = CustomerState(state.opted_out, (*state.invited_at, now), state.open_complaints)
    return reasons, invited
