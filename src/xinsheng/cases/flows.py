"""Cases on ingest: open a case by rule, attach repeat contacts, run the escalation rules.

Ingest calls :func:`on_ingested` (registered by :func:`install`) inside each interaction
batch's own transaction, right after the batch's contacts and analyses are stored, with the
newly stored contacts only. So an interrupted ingest loses nothing and doubles nothing: a
batch that rolls back takes its cases, attachments and escalations with it and is redone
whole on the re-run, and a contact ingested again is a duplicate that never reaches here
(``case_contacts`` is unique per case and contact besides).

For each contact of a known customer, from the customer (``auto_open.yaml``), with a VOC
analysis, in time order:

* a case of the customer is open on one of the contact's topics → the contact joins it
  (``CaseContact.repeat``, ``repeat_contacts`` + 1, a ``repeat_contact`` event);
* else, when the auto-open rules say so (a complaint, or negative with a regulatory risk)
  → a complaint case opens (``opened_by`` ``rule:auto_open``, the contact's channel, its first
  specific topic, its masked text; accepted when the contact came in), carrying the
  customer's contacts on that topic in the days before.

Then every escalation rule is evaluated for each case that changed (:func:`evaluate_case`):
a firing is recorded once per (case, rule, cause) and only a new one escalates the case,
raises its risk score and queues the customer's "escalated" message.

On PostgreSQL a transaction-scoped advisory lock per customer serialises the opening of
cases by concurrent ingests, so two writers never open two cases for one complaint; the
case row is locked (``FOR UPDATE``) while its rules fire.
"""
from __future__ import annotations

import logging
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import select, text, update
from sqlalchemy.orm import Session

from xinsheng.cases.auto_open import AutoOpen, default_auto_open
from xinsheng.cases.models import OPEN_STATUSES, Case, CaseContact, CaseEscalation
from xinsheng.cases.rules import CaseFacts, Firing, RuleSet, evaluate
from xinsheng.customers.models import Customer
from xinsheng.db import dialect_insert, utcnow
from xinsheng.interactions.models import Interaction, InteractionAnalysis

log = logging.getLogger(__name__)

HOOK = "cases"
OPENED_BY = "rule:auto_open"
SYSTEM = "system"
_LOCK_SPACE = 0x5843 << 48  # advisory-lock keys of "a customer's cases" (customer id in the low bits)
_IN_CHUNK = 2000

#: the moment the flow treats as now; tests may set it
clock: Callable[[], datetime] = utcnow
#: while history is replayed (:func:`replaying`): the end of the history
_replay_until: datetime | None = None


@dataclass
class FlowReport:
    opened: list[int] = field(default_factory=list)
    attached: int = 0
    escalated: int = 0


def install(*, status_provider: bool = True) -> None:
    """Wire cases into the lower domains: the ingest flow, and (for the app) the answer
    bot's case status. Registering again changes nothing."""
    from xinsheng.ingest.service import register_batch_hook

    register_batch_hook(HOOK, on_ingested)
    if status_provider:
        from xinsheng.knowledge.flows import register_status_provider

        register_status_provider(_case_status_answer)


def _case_status_answer(session: Session, customer_ref: str, lang: str) -> str | None:
    from xinsheng.cases.service import case_status_answer

    return case_status_answer(session, customer_ref, lang)


def uninstall() -> None:
    """Ingest without the cases flow (benchmarks, bulk backfills)."""
    from xinsheng.ingest.service import unregister_batch_hook

    unregister_batch_hook(HOOK)


@contextmanager
def replaying(until: datetime) -> Iterator[None]:
    """Ingest history that ends at ``until`` (the demo bank) as if it happened as it goes: each
    batch is handled as of its newest contact (so a case is not escalated for a deadline that
    had not passed when its contacts came in), and the auto-open age limit counts back from
    ``until``."""
    global _replay_until
    before, _replay_until = _replay_until, until
    try:
        yield
    finally:
        _replay_until = before


def on_ingested(session: Session, contacts: list[dict]) -> FlowReport:
    """The ingest hook: see the module's docstring."""
    rules = default_auto_open()
    todo = [c for c in contacts if c.get("customer_id") and c.get("analysis") and rules.takes(c.get("direction"))]
    if not todo:
        return FlowReport()
    if _replay_until is not None:
        newest = max(c["started_at"] for c in contacts)
        return process_contacts(session, todo, rules, now=min(newest, _replay_until), age_from=_replay_until)
    return process_contacts(session, todo, rules, now=clock())


def process_contacts(session: Session, contacts: list[dict], rules: AutoOpen, *, now: datetime,
                     age_from: datetime | None = None) -> FlowReport:
    """Attach or open for ``contacts`` (stored, analysed, of known customers), then evaluate
    the escalation rules of every case that changed. ``age_from``: the moment the auto-open
    age limit counts back from (default ``now``)."""
    report = FlowReport()
    contacts = sorted(contacts, key=lambda c: (c["started_at"], c["id"]))
    age_from = age_from or now
    openers = {c["customer_id"] for c in contacts
               if rules.opens(c["analysis"], c.get("channel"), c["started_at"], age_from)}
    _lock_customers(session, openers)
    open_cases = _open_cases(session, {c["customer_id"] for c in contacts})
    touched: dict[int, dict] = {}
    for c in contacts:
        codes = _codes(c["analysis"])
        case = _matching(open_cases.get(c["customer_id"], ()), codes)
        if case is not None:
            if attach(session, case, c, now=now, earlier_days=rules.earlier_contacts_days):
                report.attached += 1
                touched[case.id] = c
        elif c["customer_id"] in openers and rules.opens(c["analysis"], c.get("channel"), c["started_at"], age_from):
            case = open_from_contact(session, c, rules, now=now)
            open_cases.setdefault(c["customer_id"], []).append(case)
            report.opened.append(case.id)
            touched[case.id] = c
    for case_id, latest in touched.items():
        report.escalated += len(evaluate_case(session, session.get(Case, case_id), now=now, latest=latest))
    return report


def _codes(analysis: dict | None) -> list[str]:
    return [t["code"] for t in (analysis or {}).get("topics") or () if t.get("code")]


def _matching(cases: Iterable[Case], codes: list[str]) -> Case | None:
    """The earliest accepted open case on one of ``codes`` (a case on ``wealth`` takes
    ``wealth.redemption`` too)."""
    found = [c for c in cases if c.status in OPEN_STATUSES and c.topic
             and any(code == c.topic or code.startswith(c.topic + ".") for code in codes)]
    return min(found, key=lambda c: (c.accepted_at, c.id), default=None)


def _lock_customers(session: Session, customer_ids: set[int]) -> None:
    if customer_ids and session.get_bind().dialect.name == "postgresql":
        keys = sorted(_LOCK_SPACE | (cid & 0xFFFFFFFFFFFF) for cid in customer_ids)
        session.execute(text("SELECT pg_advisory_xact_lock(k) FROM unnest(CAST(:keys AS bigint[])) AS k"),
                        {"keys": keys})


def _open_cases(session: Session, customer_ids: set[int]) -> dict[int, list[Case]]:
    out: dict[int, list[Case]] = defaultdict(list)
    ids = sorted(customer_ids)
    for i in range(0, len(ids), _IN_CHUNK):
        stmt = select(Case).where(Case.customer_id.in_(ids[i:i + _IN_CHUNK]), Case.status.in_(OPEN_STATUSES),
                                  Case.topic.is_not(None))
        for case in session.scalars(stmt):
            out[case.customer_id].append(case)
    return out


# -- attaching and opening --------------------------------------------------------------------
def attach(session: Session, case: Case, contact: dict, *, now: datetime, earlier_days: int = 7) -> bool:
    """Attach ``contact`` to ``case``; a contact after the case's acceptance is a repeat
    contact (counted, with an event). False when it was attached already."""
    from xinsheng.cases.events import record_event

    repeat = case.accepted_at is None or contact["started_at"] >= case.accepted_at
    if not repeat and case.accepted_at - contact["started_at"] > timedelta(days=earlier_days):
        return False  # older than the story the case tells
    if not _insert_contact(session, case.id, contact["id"], contact["started_at"], repeat):
        return False
    if repeat:
        session.execute(update(Case).where(Case.id == case.id)
                        .values(repeat_contacts=Case.repeat_contacts + 1).execution_options(synchronize_session=False))
        session.refresh(case, ["repeat_contacts"])
        record_event(session, case, actor=SYSTEM, action="repeat_contact", now=now, detail={
            "interaction_id": contact["id"], "external_id": contact.get("external_id"),
            "channel": contact.get("channel"), "at": contact["started_at"].isoformat(),
            "repeat_contacts": case.repeat_contacts})
    return True


def _insert_contact(session: Session, case_id: int, interaction_id: int, at: datetime, repeat: bool) -> bool:
    stmt = (dialect_insert(session, CaseContact.__table__)
            .values(case_id=case_id, interaction_id=interaction_id, at=at, repeat=repeat)
            .on_conflict_do_nothing(index_elements=["case_id", "interaction_id"])
            .returning(CaseContact.__table__.c.id))
    return session.execute(stmt).scalar() is not None


def open_from_contact(session: Session, contact: dict, rules: AutoOpen, *, now: datetime) -> Case:
    """Open the case a contact calls for (see the module's docstring)."""
    from xinsheng.cases.actions import do_open_case
    from xinsheng.cases.schemas import CaseCreate

    customer = session.get(Customer, contact["customer_id"])
    interaction = session.get(Interaction, contact["id"])
    analysis = contact["analysis"]
    topic = rules.topic(analysis.get("topics"))
    body = CaseCreate(customer_ref=customer.customer_ref, kind=rules.kind, title=_title(contact, analysis, topic),
                      channel=contact["channel"], topic=topic, text=(contact.get("text") or "")[:20_000] or None,
                      accepted_at=min(contact["started_at"], now))
    case = do_open_case(session, body, actor=OPENED_BY, now=now, customer=customer, interaction=interaction)
    _attach_earlier(session, case, contact, rules.earlier_contacts_days)
    return case


_SPEAKER = re.compile(r"^\s*(?:客户|顾客|customer)\s*[:：]\s*", re.IGNORECASE)


def _title(contact: dict, analysis: dict, topic: str | None) -> str:
    """The topic's label and the customer's first words: 理财赎回：我的赎回款怎么还没到账"""
    lines = [ln.strip() for ln in (contact.get("text") or "").splitlines() if ln.strip()]
    said = next((_SPEAKER.sub("", ln) for ln in lines if _SPEAKER.match(ln)), lines[0] if lines else "")
    said = said if len(said) <= 40 else said[:39] + "…"
    label = next((t.get("label") for t in analysis.get("topics") or () if t.get("code") == topic), None)
    return (f"{label}：{said}" if label and said else label or said or "客户投诉")[:500]


def _attach_earlier(session: Session, case: Case, contact: dict, days: int) -> None:
    """The customer's inbound contacts on the case's topic in the ``days`` before it opened."""
    if days <= 0 or not case.topic or case.accepted_at is None:
        return
    stmt = (select(Interaction.id, Interaction.started_at, InteractionAnalysis.topics)
            .join(InteractionAnalysis, InteractionAnalysis.interaction_id == Interaction.id)
            .where(Interaction.customer_id == case.customer_id, Interaction.direction == "inbound",
                   Interaction.started_at >= case.accepted_at - timedelta(days=days),
                   Interaction.started_at < case.accepted_at, Interaction.id != contact["id"]))
    for iid, at, topics in session.execute(stmt):
        if _matching([case], _codes({"topics": topics})) is not None:
            _insert_contact(session, case.id, iid, at, False)


# -- escalation rules --------------------------------------------------------------------------
def rules_in_force(session: Session) -> RuleSet:
    """The escalation rules: a supervisor's edited copy, else the configured or shipped file."""
    from xinsheng.cases.config_editor import active

    return active(session, "rules")


def evaluate_case(session: Session, case: Case, *, now: datetime, latest: dict | None = None,
                  rules: RuleSet | None = None) -> list[Firing]:
    """Evaluate the escalation rules for ``case`` (open) and escalate for each new firing;
    returns the new firings. ``latest``: the newest contact as ingest passes it (else read)."""
    if case is None or case.status not in OPEN_STATUSES:
        return []
    if session.get_bind().dialect.name == "postgresql":
        session.refresh(case, with_for_update=True)
    from xinsheng.cases.config_editor import active

    facts = case_facts(session, case, now=now, latest=latest)
    firings = evaluate(rules or rules_in_force(session), facts, max_level=active(session, "authority").top)
    # the highest target first: rules that fire together move the case (and tell the customer)
    # once, and the others are recorded where it already is
    firings.sort(key=lambda f: (f.to_tier or 0, f.to_level or 0), reverse=True)
    return [f for f in firings if fire(session, case, f, now=now)]


def fire(session: Session, case: Case, firing: Firing, *, now: datetime) -> bool:
    """Record ``firing`` once per (case, rule, cause) and escalate; False when it was recorded
    already. The caller holds the case row (``FOR UPDATE`` on PostgreSQL: the sweep's claim,
    :func:`evaluate_case`'s lock; SQLite has one writer), so no other transaction can record
    the same firing between the check and the insert (the unique key would refuse it)."""
    from xinsheng.cases.actions import do_escalate

    if case.status not in OPEN_STATUSES or session.scalar(select(CaseEscalation.id).where(
            CaseEscalation.case_id == case.id, CaseEscalation.rule == firing.rule,
            CaseEscalation.cause == firing.cause)) is not None:
        return False
    do_escalate(session, case, actor=SYSTEM, reason=firing.reason_zh, to_tier=firing.to_tier,
                to_level=firing.to_level, now=now, rule=firing.rule, cause=firing.cause)
    if firing.risk:
        case.risk_score = float(case.risk_score or 0.0) + firing.risk
    return True


from xinsheng.cases.facts import case_facts  # noqa: E402  (split for size)

__all__ = ["install", "uninstall", "replaying", "on_ingested", "process_contacts", "attach", "open_from_contact",
           "evaluate_case", "fire", "case_facts", "rules_in_force", "FlowReport", "clock"]
