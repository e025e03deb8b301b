"""``xinsheng profiles rebuild``: every customer's profile from the stored contacts and holdings
(for data ingested before the profiles existed, or after the rules changed).

Set-wise and streaming: customers are taken in ranges of ``BATCH`` ids, each in its own
transaction; for a range, the contact part of every state comes from aggregate SQL
(``bulk.contact_states``), the holdings summaries and customer records from one range query
each, and the rows (state and typed columns) are written with one upsert. Memory
grows with the batch, not with the bank. The result is the state the ingest hook keeps
contact by contact (tests/profiles/test_rebuild_setwise.py), and a churn score already in
a profile (``profiles churn``) is kept.

On PostgreSQL the range's profile rows are created when missing and locked first (in key
order, as the hook locks them), so a contact ingested during the rebuild is folded either
into what the rebuild read or, after it, into what it wrote.
"""
from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sqlalchemy import func, select, text
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from xinsheng.customers.models import Customer
from xinsheng.db import session_scope, utcnow
from xinsheng.profiles.bulk import churn_states, contact_states
from xinsheng.profiles.derive import stored_columns
from xinsheng.profiles.store import customer_facts, holdings_summaries, upsert_rows

BATCH = 20_000  # customer ids per transaction


def customer_count(engine: Engine) -> int:
    with session_scope(engine) as session:
        return session.scalar(select(func.count()).select_from(Customer)) or 0


def rebuild(engine: Engine, now: datetime | None = None, on_chunk: Callable[[int], None] | None = None,
            batch: int = BATCH) -> int:
    """Rebuild every customer's profile; returns how many. ``on_chunk(n)`` after each range."""
    now = now or utcnow()
    with session_scope(engine) as session:
        first, last = session.execute(select(func.min(Customer.id), func.max(Customer.id))).one()
    if first is None:
        return 0
    done = 0
    for lo in range(first, last + 1, batch):
        with session_scope(engine) as session:
            n = rebuild_span(session, lo, lo + batch, now)
        done += n
        if on_chunk:
            on_chunk(n)
    return done


def _lock_span(session: Session, lo: int, hi: int, now: datetime) -> None:
    session.execute(text(
        "INSERT INTO customer_profiles (customer_id, state, features, updated_at) "
        "SELECT id, '{}', '{}', :now FROM customers WHERE id >= :lo AND id < :hi ON CONFLICT DO NOTHING"),
        {"lo": lo, "hi": hi, "now": now})
    session.execute(text("SELECT customer_id FROM customer_profiles WHERE customer_id >= :lo AND customer_id < :hi "
                         "ORDER BY customer_id FOR UPDATE"), {"lo": lo, "hi": hi}).all()


def rebuild_span(session: Session, lo: int, hi: int, now: datetime) -> int:
    """The profiles of the customers with ``lo <= id < hi``; returns how many."""
    if session.get_bind().dialect.name == "postgresql":
        _lock_span(session, lo, hi, now)
    span = (lo, hi)
    facts = customer_facts(session, None, span)
    if not facts:
        return 0
    contacts, holdings, churn = contact_states(session, lo, hi), holdings_summaries(session, None, span), \
        churn_states(session, lo, hi)
    rows = []
    for cid in sorted(facts):
        state: dict = {"h": holdings[cid]} if holdings.get(cid) else {}
        state.update(contacts.get(cid, {}))
        if cid in churn:
            state["churn"] = churn[cid]
        rows.append({"customer_id": cid, "state": state, "features": {}, "updated_at": now,
                     **stored_columns(state, facts[cid], now)})
    upsert_rows(session, rows)
    return len(rows)
