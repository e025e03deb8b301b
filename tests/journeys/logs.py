"""Tiny hand-built event logs written into the database (the engines read it from there)."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from sqlalchemy import insert

from xinsheng.customers.models import Customer
from xinsheng.interactions.models import Interaction

UTC = timezone.utc


def write_log(engine, events: list[tuple], customers: dict[str, dict] | None = None) -> None:
    """``events``: (customer_ref, channel:event, datetime[, topic]) in the order to insert them."""
    customers = customers or {}
    refs = sorted({e[0] for e in events} | set(customers))
    with engine.begin() as conn:
        ids = {}
        for ref in refs:
            extra = customers.get(ref, {})
            ids[ref] = conn.execute(insert(Customer).values(customer_ref=ref, is_placeholder=False, attributes={},
                                                            **extra).returning(Customer.id)).scalar_one()
        for n, ev in enumerate(events):
            ref, code, at = ev[:3]
            channel, event = code.split(":")
            attrs = {"topic": ev[3]} if len(ev) > 3 else {}
            conn.execute(insert(Interaction).values(source="test", external_id=f"j-{n}", customer_id=ids[ref],
                                                    channel=channel, event=event, started_at=at, attributes=attrs,
                                                    pii=[], direction="inbound"))


def at(base: datetime, seconds: float) -> datetime:
    return base + timedelta(seconds=seconds)
