"""GET /api/v1/customers: list and search within the caller's row-level access, paged by
``before`` / ``next_before``. Expected sets are built by hand from how the world is seeded."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from tests.factories import interaction
from xinsheng.audit.models import AuditEntry
from xinsheng.cases.models import Case
from xinsheng.customers.models import Customer
from xinsheng.db import session_scope, utcnow

N = 30
SEGMENTS = ("mass", "affluent", "private")
REFS = [f"C{i:04d}" for i in range(1, N + 1)]  # same length, digits only: every collation agrees
RECENT = utcnow() - timedelta(days=1)
LONG_AGO = utcnow() - timedelta(days=90)
# agent A-1 served C0001..C0012 yesterday and C0013 ninety days ago; A-2 served C0014..C0020;
# C0021 has an open tier-1 case nobody owns (the tier-1 queue), C0022 a closed one.
SERVED_BY_A1 = {f"C{i:04d}" for i in range(1, 13)} | {"C0021"}


def _walk(client, **params) -> list[str]:
    """Every page, following next_before; fails on a repeated customer or an endless walk."""
    seen, before = [], None
    for _ in range(N + 2):
        page = client.get("/api/v1/customers", params=params | ({"before": before} if before else {}))
        assert page.status_code == 200, page.text
        body = page.json()
        assert len(body["items"]) <= params.get("limit", 50)
        seen += [c["customer_ref"] for c in body["items"]]
        before = body["next_before"]
        if before is None:
            assert len(seen) == len(set(seen))
            return seen
        assert before == seen[-1]
    raise AssertionError("next_before never ended")


@pytest.fixture
def world(client, engine):
    customers = [{"customer_ref": ref, "segment": SEGMENTS[i % 3], "name": f"客户{i + 1}号"}
                 for i, ref in enumerate(REFS)]
    customers[4]["name"] = "王建国"
    assert client.post("/api/v1/customers", json=customers).json()["accepted"] == N
    contacts = [interaction(i, customer_ref=f"C{i:04d}", start=RECENT, agent_ref="A-1") for i in range(1, 13)]
    contacts.append(interaction(13, customer_ref="C0013", start=LONG_AGO, agent_ref="A-1"))
    contacts += [interaction(i, customer_ref=f"C{i:04d}", start=RECENT, agent_ref="A-2") for i in range(14, 21)]
    assert client.post("/api/v1/interactions", json=contacts).json()["accepted"] == len(contacts)
    with session_scope(engine) as s:
        ids = dict(s.execute(select(Customer.customer_ref, Customer.id)).all())
        for ref, status in (("C0021", "open"), ("C0022", "closed")):
            s.add(Case(case_ref=f"K-{ref}", customer_id=ids[ref], kind="request", title="挂失",
                       status=status, tier=1, authority_level=1, opened_at=RECENT, attributes={}))


def test_a_supervisor_pages_through_every_customer_once_in_descending_order(world, client_as):
    supervisor = client_as("supervisor")
    assert _walk(supervisor, limit=7) == sorted(REFS, reverse=True)
    assert _walk(supervisor) == sorted(REFS, reverse=True)
    one = supervisor.get("/api/v1/customers", params={"limit": 1}).json()
    assert one["items"][0]["customer_ref"] == "C0030" and one["next_before"] == "C0030"
    assert one["items"][0]["name"] == "客户30号"


def test_an_agent_sees_only_the_customers_they_serve(world, client_as):
    agent = client_as("agent", agent_ref="A-1")
    assert _walk(agent, limit=5) == sorted(SERVED_BY_A1, reverse=True)
    other = client_as("agent", agent_ref="A-2")
    assert set(_walk(other)) == {f"C{i:04d}" for i in range(14, 21)} | {"C0021"}
    assert _walk(client_as("agent", agent_ref="A-9")) == ["C0021"]
    assert _walk(client_as("support", agent_ref="A-1")) == sorted(SERVED_BY_A1 - {"C0021"}, reverse=True)


def test_search_by_reference_prefix_segment_and_exact_name(world, client_as):
    supervisor = client_as("supervisor")
    assert _walk(supervisor, q="C001", limit=4) == [f"C{i:04d}" for i in range(19, 9, -1)]
    private = [ref for i, ref in enumerate(REFS) if i % 3 == 2]
    assert _walk(supervisor, segment="private", limit=3) == sorted(private, reverse=True)
    assert _walk(supervisor, q="C002", segment="mass") == ["C0028", "C0025", "C0022"]
    assert _walk(supervisor, q="王建国") == ["C0005"]
    assert _walk(supervisor, q="王建") == []
    agent = client_as("agent", agent_ref="A-1")
    assert _walk(agent, q="C001") == ["C0012", "C0011", "C0010"]


def test_roles_without_names_see_them_masked_and_cannot_search_by_name(world, client_as):
    analyst = client_as("analyst")
    assert _walk(analyst, q="王建国") == []
    item = analyst.get("/api/v1/customers", params={"q": "C0005"}).json()["items"][0]
    assert item["customer_ref"] == "C0005" and item["name"] == "王**"


def test_roles_without_customer_access_are_refused(world, client_as):
    res = client_as("knowledge_manager").get("/api/v1/customers")
    assert res.status_code == 403 and "customers.read" in res.json()["message"]


def test_bad_parameters_answer_422_naming_the_parameter(world, client):
    for params, name in (({"limit": 0}, "limit"), ({"limit": 201}, "limit"), ({"q": "x" * 65}, "q")):
        res = client.get("/api/v1/customers", params=params)
        assert res.status_code == 422 and name in res.text, params


def test_the_list_is_audited_with_the_customers_shown_never_the_query(world, client_as, engine):
    supervisor = client_as("supervisor")
    supervisor.get("/api/v1/customers", params={"q": "王建国"})
    with session_scope(engine) as s:
        entry = s.scalars(select(AuditEntry).where(AuditEntry.action == "customer.list")
                          .order_by(AuditEntry.id.desc())).first()
        assert entry.detail["customer_refs"] == ["C0005"]
        assert "王建国" not in str(entry.detail)
