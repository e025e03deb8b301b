"""Closing the loop (root cause, the customer's acceptance, the closing message) and the
customer's request for verification (核实), which reopens a case one level up."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from tests.cases.builders import add_customer, local, open_case, principal, run_action
from xinsheng.cases.actions import do_decide, do_reopen
from xinsheng.db import session_scope
from xinsheng.errors import Forbidden
from xinsheng.notify.models import Notification


def act(c, ref: str, **body):
    return c.post(f"/api/v1/cases/{ref}/actions", json=body)


def _decided(client_as, engine, **over) -> tuple[object, str]:
    add_customer(engine)
    ref = open_case(engine, **over)
    lead = client_as("supervisor")
    assert act(lead, ref, action="decide", resolution="退还手续费", compensation_cny=35).status_code == 200
    return lead, ref


def test_a_complaint_closes_only_decided_with_root_cause_and_acceptance(client_as, engine):
    add_customer(engine)
    ref = open_case(engine)
    lead = client_as("supervisor")
    early = act(lead, ref, action="close", root_cause="process", customer_accepted=True)
    assert early.status_code == 409 and early.json()["data"]["status"] == "open"
    act(lead, ref, action="decide", resolution="退还手续费", compensation_cny=35)
    no_cause = act(lead, ref, action="close", customer_accepted=True)
    assert no_cause.status_code == 422 and no_cause.json()["data"]["field"] == "root_cause"
    no_answer = act(lead, ref, action="close", root_cause="process")
    assert no_answer.status_code == 422 and no_answer.json()["data"]["field"] == "customer_accepted"
    bad_code = act(lead, ref, action="close", root_cause="bad_luck", customer_accepted=True)
    assert bad_code.status_code == 422 and "root_cause" in bad_code.text
    res = act(lead, ref, action="close", root_cause="system_fault", customer_accepted=False)
    case = res.json()
    assert res.status_code == 200 and case["status"] == "closed" and case["closed_at"] is not None
    assert (case["root_cause"], case["customer_accepted"]) == ("system_fault", False)
    assert act(lead, ref, action="close", root_cause="process", customer_accepted=True).status_code == 409
    with session_scope(engine) as s:
        sent = {n.purpose: n.body for n in s.scalars(select(Notification))}
    assert set(sent) == {"case_accepted", "case_decided", "case_closed"}
    for remedy in ("核实", "调解", "仲裁", "诉讼"):
        assert remedy in sent["case_decided"] and remedy in sent["case_closed"], remedy


def test_a_request_closes_without_a_decision_or_root_cause(client_as, engine):
    add_customer(engine)
    ref = open_case(engine, kind="request", topic="account.open_close", title="销户申请")
    lead = client_as("supervisor")
    res = act(lead, ref, action="close")
    assert res.status_code == 200 and res.json()["status"] == "closed" and res.json()["root_cause"] is None


def test_verification_reopens_one_level_up_with_new_clocks(engine):
    add_customer(engine)
    accepted = local(2025, 9, 25, 10)  # Thu
    ref = open_case(engine, accepted_at=accepted.isoformat(), now=accepted)
    lead = principal(engine, "supervisor")
    decided = run_action(engine, ref, do_decide, principal=lead, resolution="致歉", compensation_cny=0,
                         now=local(2025, 9, 29, 11))
    assert decided.status == "decided" and decided.authority_level == 1
    # the customer asks for verification on Tue 30 Sep 15:00
    reopened = run_action(engine, ref, do_reopen, principal=lead, reason="客户不认可处理结果，申请核实",
                          now=local(2025, 9, 30, 15))
    assert (reopened.status, reopened.authority_level, reopened.tier, reopened.owner) == ("in_progress", 2, 2, None)
    assert reopened.accepted_at == local(2025, 9, 30, 15)
    assert reopened.ack_due_at == local(2025, 10, 9, 15)  # next working day after the 1-8 Oct holiday
    assert reopened.due_at == local(2025, 10, 15, 15)     # 15 calendar days from the request
    assert reopened.resolution is None and reopened.decided_at is None and reopened.extensions == 0
    assert reopened.events[-1].detail["previous"]["resolution"] == "致歉"
    # 回避: the person who decided it does not verify it, even at a level that could
    with pytest.raises(Forbidden) as refused:
        run_action(engine, ref, do_decide, principal=lead, resolution="维持", compensation_cny=0,
                   now=local(2025, 10, 2, 10))
    assert refused.value.data["reason"] == "recusal_verification"
    other_lead = principal(engine, "supervisor")
    verified = run_action(engine, ref, do_decide, principal=other_lead, resolution="维持原处理意见",
                          compensation_cny=0, now=local(2025, 10, 9, 10))
    assert verified.status == "decided"


def test_reopen_through_the_api_and_its_state_errors(client_as, engine):
    lead, ref = _decided(client_as, engine)
    no_reason = act(lead, ref, action="reopen", reason="")
    assert no_reason.status_code == 422 and "reason" in no_reason.text
    act(lead, ref, action="close", root_cause="communication", customer_accepted=False)
    res = act(lead, ref, action="reopen", reason="客户申请核实")
    case = res.json()
    assert res.status_code == 200 and (case["status"], case["authority_level"], case["tier"]) == ("in_progress", 2, 2)
    assert case["closed_at"] is None and case["root_cause"] is None
    assert act(lead, ref, action="reopen", reason="again").status_code == 409  # in progress again
    assert act(lead, ref, action="acknowledge").status_code == 200  # a new acceptance to confirm
    with session_scope(engine) as s:
        accepted = s.scalars(select(Notification).where(Notification.purpose == "case_accepted")).all()
    assert len(accepted) == 2, "the customer hears the new deadline"


def test_reopening_at_the_top_level_stays_there(client_as, engine):
    add_customer(engine)
    ref = open_case(engine, regulator_referred=True)
    head = client_as("complaint_handler", authority_level=4)
    assert act(head, ref, action="decide", resolution="赔付", compensation_cny=50000).status_code == 200
    res = act(head, ref, action="reopen", reason="监管要求复核")
    assert res.status_code == 200 and (res.json()["authority_level"], res.json()["tier"]) == (4, 3)
