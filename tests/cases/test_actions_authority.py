"""Deciding through the API: the pyramid of authority (shipped limits L1 200, L2 2,000,
L3 20,000 CNY, L4 unlimited), the case's own level, 回避, and bad amounts."""
from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select

from tests.cases.builders import add_contact, add_customer, error_fields, open_case
from xinsheng.cases.models import Case
from xinsheng.db import session_scope


def act(c, ref: str, **body):
    return c.post(f"/api/v1/cases/{ref}/actions", json=body)


def decide(c, ref: str, amount) -> object:
    return act(c, ref, action="decide", resolution="退还手续费并致歉", compensation_cny=amount)


def test_each_level_decides_up_to_its_limit_and_is_told_who_may_decide_above(client_as, engine):
    add_customer(engine)
    # (who, effective level, the most it may grant, the level named above it)
    ladder = [(client_as("agent", agent_ref="A2002"), 200, 2),
              (client_as("supervisor"), 2000, 3),
              (client_as("complaint_handler"), 20000, 4)]  # role default level 3
    for who, limit, above in ladder:
        over = open_case(engine)
        refused = decide(who, over, limit + 0.01)
        assert refused.status_code == 403, refused.text
        body = refused.json()
        assert body["data"]["required_level"] == above and f"level {above}" in body["message"]
        assert "escalate" in body["message"]
        ok = decide(who, over, limit)
        assert ok.status_code == 200, ok.text
        assert ok.json()["status"] == "decided" and ok.json()["compensation_cny"] == limit
        assert ok.json()["decided_by"] == who.username and ok.json()["owner"] == who.username


def test_a_handler_level_of_their_own_overrides_the_role_default(client_as, engine):
    add_customer(engine)
    ref = open_case(engine)
    junior = client_as("complaint_handler", authority_level=2)  # the role's default is level 3
    refused = decide(junior, ref, 2500)
    assert refused.status_code == 403 and refused.json()["data"] == {
        "required_level": 3, "amount_cny": "2500.00", "your_level": 2}
    assert decide(junior, ref, 1500).status_code == 200


def test_a_case_escalated_to_level_3_is_not_decided_below_it(client_as, engine):
    add_customer(engine)
    ref = open_case(engine)
    lead = client_as("supervisor")
    act(lead, ref, action="escalate", to_level=3, reason="涉及理财销售，需投诉中心处理")
    refused = decide(lead, ref, 0)
    assert refused.status_code == 403 and refused.json()["data"]["required_level"] == 3
    assert decide(client_as("complaint_handler", authority_level=3), ref, 0).status_code == 200


def test_recusal_no_decision_on_a_complaint_about_your_own_contact(client_as, engine):
    add_customer(engine)
    add_contact(engine, "call-1", agent_ref="A1001")
    ref = open_case(engine, source_external_id="call-1")
    involved = client_as("agent", agent_ref="A1001")
    refused = decide(involved, ref, 50)
    assert refused.status_code == 403 and "回避" in refused.json()["message"]
    assert refused.json()["data"]["reason"] == "recusal"
    with session_scope(engine) as s:
        assert s.scalar(select(Case.status).where(Case.case_ref == ref)) == "open"
    assert decide(client_as("agent", agent_ref="A2002"), ref, 50).status_code == 200


def test_a_system_token_does_not_decide(client_as, engine):
    add_customer(engine)
    ref = open_case(engine)
    crm = client_as("system", scopes=["cases"])
    assert decide(crm, ref, 0).status_code == 403
    assert act(crm, ref, action="extend", reason="复杂").status_code == 403


def test_amounts_must_be_numbers_of_zero_or_more(client_as, engine):
    add_customer(engine)
    ref = open_case(engine)
    lead = client_as("supervisor")
    for bad in (-1, "abc", "100", True, 1.005, None):
        res = decide(lead, ref, bad)
        assert res.status_code == 422, bad
        assert "compensation_cny" in error_fields(res), bad
    no_resolution = act(lead, ref, action="decide", resolution="", compensation_cny=0)
    assert no_resolution.status_code == 422 and "resolution" in no_resolution.text
    assert decide(lead, ref, 99.5).json()["compensation_cny"] == 99.5
    with session_scope(engine) as s:
        assert s.scalar(select(Case.compensation_cny).where(Case.case_ref == ref)) == Decimal("99.50")


def test_deciding_twice_or_a_closed_case_is_409(client_as, engine):
    add_customer(engine)
    ref = open_case(engine)
    lead = client_as("supervisor")
    assert decide(lead, ref, 0).status_code == 200
    again = decide(lead, ref, 0)
    assert again.status_code == 409 and again.json()["data"]["status"] == "decided"
    act(lead, ref, action="close", root_cause="process", customer_accepted=True)
    assert decide(lead, ref, 0).status_code == 409
