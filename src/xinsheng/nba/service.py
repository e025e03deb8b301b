"""Next-best-action over the database: a customer's facts (profile, holdings, notes), their
offer history, outcomes recorded, and uplift against the hold-out group.

Holdings and the living profile belong to the profiles domain (a layer below, not imported):
they are read with SQL when those tables exist, so next-best-action works without them.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import inspect, select, text
from sqlalchemy.orm import Session, selectinload

from xinsheng.customers.models import Customer, CustomerNote
from xinsheng.db import utcnow
from xinsheng.errors import InvalidInput, NotFound
from xinsheng.nba.catalogue import Catalogue, active_catalogue
from xinsheng.nba.models import OUTCOMES, NbaOutcome
from xinsheng.nba.rank import Event, Facts, Ranking, in_holdout, rank

_HELD = text(
    "SELECT DISTINCT h.category FROM holdings h WHERE h.customer_id = :cid AND h.balance_cny > 0 "
    "AND h.as_of = (SELECT MAX(h2.as_of) FROM holdings h2 WHERE h2.customer_id = h.customer_id "
    "AND h2.product = h.product)")
_TIER = text("SELECT value_tier FROM customer_profiles WHERE customer_id = :cid")


_SEEN_TABLES: set[tuple[str, str]] = set()


def _has_table(session: Session, name: str) -> bool:
    """Whether the profiles domain's table is there (remembered once found: tables are not dropped)."""
    key = (str(session.get_bind().url), name)
    if key not in _SEEN_TABLES and inspect(session.get_bind()).has_table(name):
        _SEEN_TABLES.add(key)
    return key in _SEEN_TABLES


def load_customer(session: Session, customer_ref: str) -> Customer:
    c = session.scalar(select(Customer).options(selectinload(Customer.notes))
                       .where(Customer.customer_ref == customer_ref))
    if c is None:
        raise NotFound("no such customer", data={"customer_ref": customer_ref})
    return c


def facts_of(session: Session, c: Customer, now: datetime) -> Facts:
    """What ranking needs: the profile's value tier when the profiles domain has one (a bank
    tier named like a segment), else the customer's segment; holdings when they are known."""
    segment = c.segment
    holdings: frozenset[str] = frozenset()
    if _has_table(session, "customer_profiles"):
        tier = session.scalar(_TIER, {"cid": c.id})
        segment = tier if tier in ("mass", "affluent", "private") else segment
    if _has_table(session, "holdings"):
        holdings = frozenset(session.scalars(_HELD, {"cid": c.id}))
    age = now.year - c.birth_year if c.birth_year else None
    return Facts(customer_ref=c.customer_ref, segment=segment, age=age, risk_level=c.risk_level,
                 holdings=holdings, notes=tuple(n.text for n in c.notes))


def history_of(session: Session, customer_id: int) -> list[Event]:
    rows = session.execute(select(NbaOutcome.offer_code, NbaOutcome.outcome, NbaOutcome.recorded_at)
                           .where(NbaOutcome.customer_id == customer_id))
    return [Event(code, outcome, at) for code, outcome, at in rows]


def next_best_actions(session: Session, customer_ref: str, *, limit: int = 5, lang: str = "zh",
                      catalogue: Catalogue | None = None, now: datetime | None = None) -> Ranking:
    now = now or utcnow()
    c = load_customer(session, customer_ref)
    return rank(catalogue or active_catalogue(), facts_of(session, c, now), history_of(session, c.id), now,
                limit=limit, lang=lang)


def record_outcome(session: Session, customer_ref: str, code: str, outcome: str, actor: str | None,
                   *, at: datetime | None = None, catalogue: Catalogue | None = None) -> NbaOutcome:
    """Record what happened to an offer. An offer is never *made* to a hold-out customer; what
    such a customer does on their own (accepted, complained) is recorded for the comparison."""
    cat = catalogue or active_catalogue()
    if code not in cat.by_code:
        raise InvalidInput(f"code: no offer {code!r} in the catalogue", data={"field": "code"})
    if outcome not in OUTCOMES:
        raise InvalidInput(f"outcome: one of {', '.join(OUTCOMES)}", data={"field": "outcome"})
    c = load_customer(session, customer_ref)
    holdout = in_holdout(cat, c.customer_ref)
    if holdout and outcome == "offered":
        raise InvalidInput("outcome: this customer is in the hold-out group; no offer is made to them",
                           data={"field": "outcome"})
    row = NbaOutcome(customer_id=c.id, offer_code=code, outcome=outcome, holdout=holdout, actor=actor,
                     recorded_at=at or utcnow())
    session.add(row)
    session.flush()
    return row


_TIERS = text("SELECT customer_id, value_tier FROM customer_profiles")
_LATEST = text("SELECT customer_id, product, category, balance_cny FROM holdings ORDER BY as_of")


def all_facts(session: Session, now: datetime) -> dict[int, Facts]:
    """Every customer's facts at once (the demo's campaign and the uplift page: one query per
    table, not one per customer); the same values ``facts_of`` gives one customer."""
    tiers: dict[int, str] = {}
    held: dict[int, dict[str, tuple[str, float]]] = {}
    if _has_table(session, "customer_profiles"):
        tiers = {cid: t for cid, t in session.execute(_TIERS) if t in ("mass", "affluent", "private")}
    if _has_table(session, "holdings"):
        for cid, product, category, balance in session.execute(_LATEST):
            held.setdefault(cid, {})[product] = (category, float(balance))
    notes: dict[int, list[str]] = {}
    for cid, note in session.execute(select(CustomerNote.customer_id, CustomerNote.text).order_by(CustomerNote.id)):
        notes.setdefault(cid, []).append(note)
    rows = session.execute(select(Customer.id, Customer.customer_ref, Customer.segment, Customer.birth_year,
                                  Customer.risk_level).where(Customer.is_placeholder.is_(False)))
    return {cid: Facts(customer_ref=ref, segment=tiers.get(cid, segment), age=now.year - born if born else None,
                       risk_level=risk, notes=tuple(notes.get(cid, ())),
                       holdings=frozenset(cat for cat, bal in held.get(cid, {}).values() if bal > 0))
            for cid, ref, segment, born, risk in rows}
