"""The home page's "customers most recently in contact": the customers whose newest
contact is newest, newest first, among those the viewer may see — equal to a brute-force
maximum over every stored contact, however many pages of contacts the walk reads."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from tests.factories import interaction
from xinsheng.customers import service
from xinsheng.customers.models import Customer
from xinsheng.db import session_scope, utcnow
from xinsheng.identity.permissions import permissions_for
from xinsheng.identity.principal import Principal
from xinsheng.interactions.models import Interaction

NOW = utcnow().replace(microsecond=0)


def person(role: str, **fields) -> Principal:
    return Principal(kind="session", name=f"t-{role}", role=role, permissions=permissions_for(role), **fields)


@pytest.fixture
def contacts(client):
    """20 customers; customer k's newest contact k·7 hours ago (k = 0..19), with older ones,
    several contacts at the same instant, contacts without a customer, and agent A1 serving
    customers 3, 8 and 15."""
    customers = [{"customer_ref": f"C-R{k:02}", "segment": "mass"} for k in range(20)]
    assert client.post("/api/v1/customers", json=customers).status_code == 200
    records, n = [], 0
    for k in range(20):
        newest = NOW - timedelta(hours=7 * k)
        for age in (0, 5, 30, 200):  # hours before the customer's newest contact
            n += 1
            records.append(interaction(0, customer_ref=f"C-R{k:02}", start=newest - timedelta(hours=age),
                                       external_id=f"r{n}", agent_ref="A1" if k in (3, 8, 15) and age == 0 else "A9"))
    same = NOW - timedelta(hours=7 * 4)  # the instant of C-R04's newest contact, five more times
    records += [interaction(0, customer_ref=None, start=same, external_id=f"anon{i}") for i in range(5)]
    records += [interaction(0, customer_ref=None, start=NOW + timedelta(minutes=i), external_id=f"new{i}")
                for i in range(4)]
    assert client.post("/api/v1/interactions", json=records).json()["accepted"] == len(records)


def brute_force(engine, refs_allowed=None, limit=12) -> list[str]:
    with session_scope(engine) as s:
        rows = s.execute(select(Customer.customer_ref, Interaction.started_at)
                         .join(Interaction, Interaction.customer_id == Customer.id)).all()
    newest: dict[str, object] = {}
    for ref, at in rows:
        if refs_allowed is None or ref in refs_allowed:
            newest[ref] = max(at, newest.get(ref, at))
    return sorted(newest, key=lambda r: newest[r], reverse=True)[:limit]


@pytest.mark.parametrize("walk", [256, 3, 1])
def test_the_newest_contacted_customers_whatever_the_page_of_the_walk(engine, contacts, monkeypatch, walk):
    monkeypatch.setattr(service, "_WALK", walk)
    with session_scope(engine) as s:
        shown = [c.customer_ref for c in service.recently_contacted(s, person("supervisor"))]
        five = [c.customer_ref for c in service.recently_contacted(s, person("supervisor"), limit=5)]
    assert shown == brute_force(engine) == [f"C-R{k:02}" for k in range(12)]
    assert five == shown[:5]


def test_a_row_scope_lists_only_the_customers_served(engine, contacts):
    with session_scope(engine) as s:
        shown = [c.customer_ref for c in service.recently_contacted(s, person("agent", agent_ref="A1"))]
    assert shown == brute_force(engine, {"C-R03", "C-R08", "C-R15"}) == ["C-R03", "C-R08", "C-R15"]


def test_fewer_customers_than_asked_are_all_listed(engine, contacts):
    with session_scope(engine) as s:
        shown = [c.customer_ref for c in service.recently_contacted(s, person("supervisor"), limit=50)]
    assert shown == brute_force(engine, limit=50) and len(shown) == 20
