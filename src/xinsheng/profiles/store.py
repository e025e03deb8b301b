"""Keeping and reading the living profile (``customer_profiles``).

Ingest calls :func:`on_ingested` (registered by :func:`install`) once per interaction batch,
in its transaction, with the new contacts: the batch's customers' rows and records are read in
one query per 500 (on PostgreSQL created when missing and locked, in key order), the contacts
are folded into each state, the typed columns (tier, lifecycle, AUM) derived again and the rows
written with one upsert; the customer's history is never re-read. Features are derived from
the state when read (:func:`read_profiles`). A holdings batch calls :func:`refresh_customers`
with ``holdings=True``: the holdings summary of just those customers is recomputed.
:func:`read_profiles` is what other domains (segments, next-best-action, pages) call.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime, timedelta

from sqlalchemy import and_, bindparam, func, select, text
from sqlalchemy.orm import Session

from xinsheng.cases.models import OPEN_STATUSES, Case
from xinsheng.customers.models import Customer
from xinsheng.db import dialect_insert, utcnow
from xinsheng.profiles.derive import derive, stored_columns
from xinsheng.profiles.features import fold_contact, summarise_holdings
from xinsheng.profiles.models import CustomerProfile, Holding

HOOK = "profiles"
_T = CustomerProfile.__table__
_CHUNK = 500
_POOR = {"nps": lambda s: s <= 6, "csat": lambda s: s <= 2, "ces": lambda s: s >= 6}


def install() -> None:
    from xinsheng.ingest.service import register_batch_hook

    register_batch_hook(HOOK, on_ingested)


def uninstall() -> None:
    from xinsheng.ingest.service import unregister_batch_hook

    unregister_batch_hook(HOOK)


def on_ingested(session: Session, contacts: list[dict]) -> int:
    grouped: dict[int, list[dict]] = defaultdict(list)
    for c in contacts:
        if c.get("customer_id"):
            grouped[c["customer_id"]].append(c)
    return refresh_customers(session, set(grouped), contacts=grouped, holdings=False) if grouped else 0


def _chunks(ids: list[int]) -> Iterable[list[int]]:
    for i in range(0, len(ids), _CHUNK):
        yield ids[i:i + _CHUNK]


def _parts(ids: list[int] | None, span: tuple[int, int] | None):
    """``(column -> condition, raw SQL condition, params)`` per chunk of ``ids``, or once for the
    id range ``span`` (``lo <= id < hi``: the rebuild's batches)."""
    if span is not None:
        lo, hi = span
        yield (lambda col: and_(col >= lo, col < hi)), "customer_id >= :lo AND customer_id < :hi", {"lo": lo, "hi": hi}
        return
    for part in _chunks(ids or []):
        yield (lambda col, part=part: col.in_(part)), "customer_id IN :ids", {"ids": part}


def customer_facts(session: Session, ids: list[int] | None, span: tuple[int, int] | None = None) -> dict[int, dict]:
    out = {}
    for cond, _sql, _params in _parts(ids, span):
        stmt = select(Customer.id, Customer.birth_year, Customer.segment, Customer.risk_level,
                      Customer.preferred_channel, Customer.attributes).where(cond(Customer.id))
        for cid, by, seg, risk, pref, attrs in session.execute(stmt):
            out[cid] = {"birth_year": by, "segment": seg, "risk_level": risk, "preferred_channel": pref,
                        "opened": (attrs or {}).get("opened") if isinstance((attrs or {}).get("opened"), str) else None}
    return out


def experience(session: Session, ids: list[int] | None, now: datetime,
               span: tuple[int, int] | None = None) -> dict[int, dict]:
    """Complaint cases and survey answers of ``ids`` (surveys read with SQL: a sibling domain)."""
    out: dict[int, dict] = defaultdict(dict)
    since = now - timedelta(days=90)
    for cond, sql, params in _parts(ids, span):
        stmt = (select(Case.customer_id, Case.status, Case.repeat_contacts, Case.accepted_at)
                .where(cond(Case.customer_id), Case.kind == "complaint"))
        for cid, status, repeat, accepted in session.execute(stmt):
            e = out[cid]
            e["open_complaints"] = e.get("open_complaints", 0) + (status in OPEN_STATUSES)
            recent = accepted is not None and accepted >= since
            e["complaints"] = e.get("complaints", 0) + recent
            e["repeated"] = e.get("repeated", 0) + (recent and (repeat or 0) > 0)
        query = text(f"SELECT customer_id, metric, score, answered_at FROM survey_responses "
                     f"WHERE {sql} AND answered_at >= :since ORDER BY answered_at")
        if "ids" in params:
            query = query.bindparams(bindparam("ids", expanding=True))
        for cid, metric, score, at in session.execute(query, {**params, "since": now - timedelta(days=365)}):
            s = out[cid].setdefault("survey", {"n": 0, "poor": 0})
            s["n"] += 1
            s["poor"] += bool(_POOR.get(metric, lambda _s: False)(score))
            s["last"] = {"metric": metric, "score": score, "at": str(at)[:10]}
    return out


def holdings_summaries(session: Session, ids: list[int] | None,
                       span: tuple[int, int] | None = None) -> dict[int, dict | None]:
    rows: dict[int, list] = defaultdict(list)
    for cond, _sql, _params in _parts(ids, span):
        stmt = select(Holding.customer_id, Holding.as_of, Holding.product, Holding.category, Holding.balance_cny,
                      Holding.risk_level).where(cond(Holding.customer_id))
        for cid, *rest in session.execute(stmt):
            rows[cid].append(tuple(rest))
    return {cid: summarise_holdings(rows[cid]) for cid in (ids if ids is not None else sorted(rows))}


def _locked_states(session: Session, ids: list[int], now: datetime) -> dict[int, dict]:
    existing: dict[int, dict] = {}
    for part in _chunks(ids):
        existing.update(session.execute(select(_T.c.customer_id, _T.c.state).where(_T.c.customer_id.in_(part))).all())
    missing = [cid for cid in ids if cid not in existing]
    if missing:
        session.execute(dialect_insert(session, _T).on_conflict_do_nothing(),
                        [{"customer_id": cid, "state": {}, "features": {}, "updated_at": now} for cid in missing])
    if session.get_bind().dialect.name == "postgresql":
        stmt = (select(_T.c.customer_id, _T.c.state).where(_T.c.customer_id.in_(ids))
                .order_by(_T.c.customer_id).with_for_update())
        return {cid: dict(state or {}) for cid, state in session.execute(stmt)}
    return {cid: dict(existing.get(cid) or {}) for cid in ids}


def _states_and_facts(session: Session, ids: list[int], now: datetime) -> tuple[dict[int, dict], dict[int, dict]]:
    """Each customer's state (locked on PostgreSQL, in key order, rows created when missing)
    and record, read together: one query per chunk of ids."""
    pg = session.get_bind().dialect.name == "postgresql"
    states: dict[int, dict] = {}
    facts: dict[int, dict] = {}
    for part in _chunks(ids):
        if pg:
            session.execute(text(
                "INSERT INTO customer_profiles (customer_id, state, features, updated_at) SELECT id, '{}', '{}', :now "
                "FROM customers WHERE id IN :ids ON CONFLICT DO NOTHING").bindparams(bindparam("ids", expanding=True)),
                {"ids": part, "now": now})
        stmt = (select(Customer.id, Customer.birth_year, Customer.segment, Customer.risk_level,
                       Customer.preferred_channel, Customer.attributes, _T.c.state)
                .join(_T, _T.c.customer_id == Customer.id, isouter=not pg).where(Customer.id.in_(part)))
        if pg:  # every row exists now: an inner join, locked
            stmt = stmt.order_by(Customer.id).with_for_update(of=_T)
        for cid, by, seg, risk, pref, attrs, state in session.execute(stmt):
            states[cid] = dict(state or {})
            opened = (attrs or {}).get("opened")
            facts[cid] = {"birth_year": by, "segment": seg, "risk_level": risk, "preferred_channel": pref,
                          "opened": opened if isinstance(opened, str) else None}
    return states, facts


def refresh_customers(session: Session, ids: Iterable[int], *, contacts: dict[int, list[dict]] | None = None,
                      holdings: bool = True, now: datetime | None = None) -> int:
    """Fold ``contacts`` into these customers' rows (and, with ``holdings``, recompute their
    holdings summaries), derive their features again; returns how many rows were written."""
    ids = sorted(set(ids))
    now = now or utcnow()
    states, facts = _states_and_facts(session, ids, now)
    if holdings:
        for cid, summary in holdings_summaries(session, list(states)).items():
            if summary is None:
                states[cid].pop("h", None)
            else:
                states[cid]["h"] = summary
    for cid, items in (contacts or {}).items():
        if cid in states:
            for c in sorted(items, key=lambda c: c["started_at"]):
                fold_contact(states[cid], c)
    _write(session, states, now, facts)
    return len(states)


def _write(session: Session, states: dict[int, dict], now: datetime, facts: dict[int, dict] | None = None) -> None:
    """Store the rows of ``states`` with one upsert: the state and the typed columns derived from
    it (features are derived when read, :func:`read_profiles`, so they are never stale)."""
    ids = sorted(states)
    if not ids:
        return
    facts = customer_facts(session, ids) if facts is None else facts
    rows = [{"customer_id": cid, "state": states[cid], "features": {}, "updated_at": now,
             **stored_columns(states[cid], facts.get(cid, {}), now)} for cid in ids]
    upsert_rows(session, rows)


def upsert_rows(session: Session, rows: list[dict]) -> None:
    stmt = dialect_insert(session, _T)
    session.execute(stmt.on_conflict_do_update(index_elements=[_T.c.customer_id], set_={
        c: getattr(stmt.excluded, c) for c in ("state", "features", "value_tier", "lifecycle", "aum_cny",
                                               "updated_at")}), rows)


def read_profiles(session: Session, customer_ids: Iterable[int], now: datetime | None = None) -> dict[int, dict]:
    """``{customer_id: {"features": {name: {"value", "source"}}, "updated_at": ISO|None,
    "churn_risk": float|None, "churn": {"score", "reasons", "as_of", "horizon_days"}|None}}`` derived as of ``now`` (default: now) for every id asked,
    also those with no profile row yet (their values come from the customer record, or None)."""
    ids = sorted(set(customer_ids))
    now = now or utcnow()
    rows: dict[int, tuple] = {}
    for part in _chunks(ids):
        stmt = select(_T.c.customer_id, _T.c.state, _T.c.updated_at, _T.c.churn_risk).where(_T.c.customer_id.in_(part))
        rows.update({cid: (state, at, risk) for cid, state, at, risk in session.execute(stmt)})
    facts, exp = customer_facts(session, ids), experience(session, ids, now)
    out = {}
    for cid in ids:
        state, at, risk = rows.get(cid, ({}, None, None))
        out[cid] = {"features": derive(state or {}, facts.get(cid, {}), exp.get(cid, {}), now),
                    "updated_at": at.isoformat() if at else None, "churn_risk": risk,
                    "churn": (state or {}).get("churn")}
    return out


def read_profile(session: Session, customer_id: int, now: datetime | None = None) -> dict:
    return read_profiles(session, [customer_id], now)[customer_id]


def profiled_count(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(_T)) or 0
