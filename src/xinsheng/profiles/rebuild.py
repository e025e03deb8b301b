"""``xinsheng profiles rebuild``: every customer's profile from the stored contacts and holdings
(for data ingested before the profiles existed, or after the rules changed). Customers are
done in chunks of ``CHUNK``, each in its own transaction."""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from xinsheng.customers.models import Customer
from xinsheng.db import session_scope, utcnow
from xinsheng.interactions.models import Interaction, InteractionAnalysis
from xinsheng.profiles.features import fold_contact
from xinsheng.profiles.store import _locked_states, _write, holdings_summaries

CHUNK = 500


def contacts_of(session: Session, ids: list[int], until: datetime | None = None) -> dict[int, list[dict]]:
    """The contacts of ``ids`` (before ``until`` when given) as the ingest hook passes them."""
    stmt = (select(Interaction.customer_id, Interaction.channel, Interaction.direction, Interaction.event,
                   Interaction.outcome, Interaction.started_at, InteractionAnalysis.sentiment_label,
                   InteractionAnalysis.flags, InteractionAnalysis.emotions)
            .outerjoin(InteractionAnalysis, InteractionAnalysis.interaction_id == Interaction.id)
            .where(Interaction.customer_id.in_(ids)))
    if until is not None:
        stmt = stmt.where(Interaction.started_at < until)
    out: dict[int, list[dict]] = defaultdict(list)
    for cid, channel, direction, event, outcome, at, label, flags, emotions in session.execute(stmt):
        analysis = None if label is None and not flags else {"sentiment_label": label, "flags": flags or [],
                                                            "emotions": emotions or {}}
        out[cid].append({"channel": channel, "direction": direction, "event": event, "outcome": outcome,
                         "started_at": at, "analysis": analysis})
    return out


def rebuild(engine: Engine, now: datetime | None = None, on_chunk: Callable[[int], None] | None = None) -> int:
    """Rebuild every customer's profile; returns how many."""
    now = now or utcnow()
    with session_scope(engine) as session:
        ids = list(session.scalars(select(Customer.id).order_by(Customer.id)))
    for i in range(0, len(ids), CHUNK):
        part = ids[i:i + CHUNK]
        with session_scope(engine) as session:
            states = _locked_states(session, part, now)
            summaries = holdings_summaries(session, part)
            contacts = contacts_of(session, part)
            for cid in part:
                state = {}
                if summaries.get(cid):
                    state["h"] = summaries[cid]
                for c in sorted(contacts.get(cid, ()), key=lambda c: c["started_at"]):
                    fold_contact(state, c)
                states[cid] = state
            _write(session, states, now)
        if on_chunk:
            on_chunk(len(part))
    return len(ids)

