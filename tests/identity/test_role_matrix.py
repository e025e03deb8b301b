"""Every role against the routes: allowed, refused (403, never telling whether the
customer exists), masked or in clear — the least-privilege table in action."""
from __future__ import annotations

from datetime import timedelta

import pytest

from tests.factories import elderly_customer_wang, interaction, private_banking_client_li
from xinsheng.cases.models import Case
from xinsheng.customers.models import Customer
from xinsheng.db import session_scope, utcnow

RECENT = utcnow() - timedelta(days=2)

# who may see which customer: C-WANG was served by agent A1001 two days ago; C-LI is a
# client of advisor RM007 with an open tier-2 complaint at authority level 2 nobody owns.
PEOPLE = {
    "agent": {"agent_ref": "A1001"},
    "agent_other": {"role": "agent", "agent_ref": "A1999"},
    "support": {},
    "expert": {},
    "complaint_handler": {"authority_level": 2},
    "complaint_handler_low": {"role": "complaint_handler", "authority_level": 1},
    "supervisor": {},
    "analyst": {},
    "advisor": {"advisor_ref": "RM007"},
    "advisor_other": {"role": "advisor", "advisor_ref": "RM999"},
    "knowledge_manager": {},
    "ivr_designer": {},
    "admin": {},
}
SYSTEMS = {"system_ingest": ["ingest"], "system_ivr": ["ivr"], "system_customers": ["customers"]}

R, W, N = "/api/v1/customers/C-WANG", "/api/v1/customers/C-LI", "/api/v1/customers/NOBODY"
# (who) -> expected status of: C-WANG, C-LI, NOBODY, C-WANG timeline
READS = {
    "agent": (200, 403, 403, 200), "agent_other": (403, 403, 403, 403),
    "support": (403, 200, 403, 403), "expert": (403, 403, 403, 403),
    "complaint_handler": (403, 200, 403, 403), "complaint_handler_low": (403, 403, 403, 403),
    "supervisor": (200, 200, 404, 200), "analyst": (200, 200, 404, 200),
    "advisor": (403, 200, 403, 403), "advisor_other": (403, 403, 403, 403),
    "knowledge_manager": (403, 403, 403, 403), "ivr_designer": (403, 403, 403, 403),
    "admin": (200, 200, 404, 200),
    "system_ingest": (403, 403, 403, 403), "system_ivr": (403, 403, 403, 403),
    "system_customers": (200, 200, 404, 200),
}
CLEAR_NAMES = {"agent", "supervisor", "system_customers"}
# (who) -> may: write customers/interactions, unmask, read the audit log, manage users
POWERS = {
    "admin": {"write", "unmask", "audit", "users"},
    "system_ingest": {"write"},
}


@pytest.fixture
def world(client, engine):
    client.post("/api/v1/customers", json=[elderly_customer_wang(), private_banking_client_li()])
    contacts = [interaction(1, start=RECENT, agent_ref="A1001", channel="phone",
                            text="我叫王建国，手机13812345678，转账失败"),
                interaction(2, start=RECENT, customer_ref="C-LI", channel="wechat", agent_ref="A1500")]
    assert client.post("/api/v1/interactions", json=contacts).json()["accepted"] == 2
    with session_scope(engine) as s:
        li = s.query(Customer).filter_by(customer_ref="C-LI").one()
        s.add(Case(case_ref="K-1", customer_id=li.id, kind="complaint", title="理财赎回未到账",
                   status="open", tier=2, authority_level=2, opened_at=RECENT, attributes={}))


@pytest.fixture
def clients(world, client_as):
    made = {}
    for who, fields in PEOPLE.items():
        fields = dict(fields)
        made[who] = client_as(fields.pop("role", who), **fields)
    for who, scopes in SYSTEMS.items():
        made[who] = client_as("system", scopes=scopes)
    return made


def test_reads_follow_the_row_level_rules_and_refusals_do_not_leak_existence(clients):
    for who, expected in READS.items():
        c = clients[who]
        got = (c.get(R).status_code, c.get(W).status_code, c.get(N).status_code,
               c.get(R + "/timeline").status_code)
        assert got == expected, f"{who}: {got} != {expected}"
        refused_real, refused_none = c.get(W), c.get(N)
        if refused_real.status_code == 403 and refused_none.status_code == 403:
            a, b = refused_real.json(), refused_none.json()
            assert a["message"] == b["message"] and a["error"] == b["error"] == "forbidden", who


def test_names_are_masked_unless_the_role_needs_them(clients):
    for who in ("agent", "supervisor", "analyst", "admin", "system_customers"):
        profile = clients[who].get(R).json()
        if who in CLEAR_NAMES:
            assert profile["name"] == "王建国" and not profile["masked"], who
            assert profile["notes"][0]["text"] == "听力不好，请说慢一点"
        else:
            assert profile["name"] == "王**" and profile["masked"], who
    timeline = clients["analyst"].get(R + "/timeline").json()["items"]
    assert "13812345678" not in timeline[0]["text"] and "〔手机号〕" in timeline[0]["text"]


def test_writes_unmask_audit_and_admin_pages_by_role(clients):
    body = {"customer_ref": "C-NEW", "segment": "mass"}
    for who, c in clients.items():
        powers = POWERS.get(who, set())
        assert (c.post("/api/v1/customers", json=body).status_code == 200) == ("write" in powers), who
        post = c.post("/api/v1/interactions", json=interaction(50, customer_ref=None)).status_code
        assert (post == 200) == ("write" in powers), who
        unmask = c.post(R + "/unmask", json={"reason": "customer called back about case K-1"})
        assert (unmask.status_code == 200) == ("unmask" in powers), (who, unmask.status_code)
        assert (c.get("/api/v1/audit").status_code == 200) == ("audit" in powers), who
        users = c.get("/admin/users", follow_redirects=False).status_code
        assert (users == 200) == ("users" in powers), who
        assert c.get("/api/v1/me").status_code == 200


def test_pages_show_each_role_only_what_it_may_see(clients):
    assert clients["agent"].get("/customers/C-WANG").status_code == 200
    refused = clients["agent"].get("/customers/C-LI", headers={"accept": "text/html"})
    assert refused.status_code == 403 and "text/html" in refused.headers["content-type"]
    assert clients["knowledge_manager"].get("/").status_code == 200
    assert clients["knowledge_manager"].get("/customers?q=C").status_code == 403
    agent_search = clients["agent"].get("/customers?q=C-").text
    assert "C-WANG" in agent_search and "C-LI" not in agent_search
    analyst_search = clients["analyst"].get("/customers", params={"q": "王建国"}).text
    assert "C-WANG" not in analyst_search, "a role without names cannot search by name"
    supervisor_search = clients["supervisor"].get("/customers", params={"q": "王建国"}).text
    assert "C-WANG" in supervisor_search and "王建国" in supervisor_search
    home = clients["agent"].get("/").text
    assert "C-WANG" in home and "C-LI" not in home


def test_unmask_needs_a_reason(clients):
    bad = clients["admin"].post(R + "/unmask", json={"reason": ""})
    assert bad.status_code == 422
    page = clients["admin"].post("/customers/C-WANG/unmask", data={"reason": "x"})
    assert page.status_code == 422


def test_case_queues(world, engine):
    from sqlalchemy import select

    from xinsheng.cases.access import visible_cases
    from xinsheng.identity.permissions import permissions_for
    from xinsheng.identity.principal import Principal

    def sees(role: str, **kw) -> list[str]:
        p = Principal(kind="session", name=role, role=role, permissions=permissions_for(role), user_id=999, **kw)
        clause = visible_cases(p)
        stmt = select(Case.case_ref) if clause is None else select(Case.case_ref).where(clause)
        with session_scope(engine) as s:
            return list(s.scalars(stmt))

    assert sees("support") == ["K-1"] and sees("agent") == [] and sees("expert") == []
    assert sees("complaint_handler", authority_level=2) == ["K-1"]
    assert sees("complaint_handler", authority_level=1) == []
    assert sees("advisor", advisor_ref="RM007") == ["K-1"] and sees("advisor", advisor_ref="RM1") == []
    assert sees("supervisor") == ["K-1"] and sees("knowledge_manager") == []
