"""GET /api/v1/cases and /api/v1/cases/{ref}: what each role sees, queue order (risk, then
time left), paging by acceptance time, status filters; the case-status sentence."""
from __future__ import annotations

from datetime import timedelta

from tests.cases.builders import add_customer, add_private_client, local, open_case, set_case
from xinsheng.cases.service import case_status_answer
from xinsheng.db import session_scope, utcnow


def refs(page: dict) -> list[str]:
    return [c["case_ref"] for c in page["items"]]


def test_a_case_the_caller_may_not_see_reads_like_one_that_does_not_exist(client_as, engine):
    add_customer(engine)
    ref = open_case(engine)
    set_case(engine, ref, tier=2)
    agent = client_as("agent")
    hidden, missing = agent.get(f"/api/v1/cases/{ref}"), agent.get("/api/v1/cases/CS20990101999999")
    assert hidden.status_code == missing.status_code == 404
    assert hidden.json()["error"] == missing.json()["error"] == "not_found"
    assert hidden.text.replace(ref, "REF") == missing.text.replace("CS20990101999999", "REF")
    assert client_as("support").get(f"/api/v1/cases/{ref}").status_code == 200
    assert client_as("knowledge_manager").get(f"/api/v1/cases/{ref}").status_code == 403


def test_complaint_handlers_see_complaints_at_or_below_their_level(client_as, engine):
    add_customer(engine)
    low, high = open_case(engine), open_case(engine)
    request = open_case(engine, kind="request", topic="account.open_close")
    set_case(engine, high, authority_level=3)
    l2 = client_as("complaint_handler", authority_level=2)
    assert set(refs(l2.get("/api/v1/cases").json())) == {low}
    l3 = client_as("complaint_handler", authority_level=3)
    assert set(refs(l3.get("/api/v1/cases").json())) == {low, high}
    assert set(refs(client_as("supervisor").get("/api/v1/cases").json())) == {low, high, request}


def test_queues_put_the_riskiest_first_then_the_least_time_left(client_as, engine):
    add_customer(engine)
    now = utcnow()
    a, b, c, d = (open_case(engine) for _ in range(4))
    set_case(engine, a, risk_score=0.0, due_at=now + timedelta(days=1))
    set_case(engine, b, risk_score=2.0, due_at=now + timedelta(days=9))
    set_case(engine, c, risk_score=2.0, due_at=now + timedelta(days=3))
    set_case(engine, d, risk_score=0.0, due_at=now + timedelta(hours=2))
    agent = client_as("agent")
    tier = agent.get("/api/v1/cases", params={"queue": "tier"}).json()
    assert refs(tier) == [c, b, d, a] and tier["total"] == 4 and tier["next_before"] is None
    top = agent.get("/api/v1/cases", params={"queue": "tier", "limit": 2}).json()
    assert refs(top) == [c, b] and top["total"] == 4
    assert agent.get("/api/v1/cases", params={"queue": "mine"}).json()["items"] == []
    agent.post(f"/api/v1/cases/{d}/actions", json={"action": "acknowledge"})
    assert refs(agent.get("/api/v1/cases", params={"queue": "mine"}).json()) == [d]
    assert d not in refs(agent.get("/api/v1/cases", params={"queue": "tier"}).json())


def test_all_pages_newest_accepted_first_and_never_splits_an_instant(client_as, engine):
    add_customer(engine)
    t = [local(2025, 11, 3, 9) + timedelta(hours=i) for i in range(5)]
    made = [open_case(engine, accepted_at=t[i].isoformat(), now=t[4]) for i in (0, 1, 2, 2, 3)]
    lead = client_as("supervisor")
    first = lead.get("/api/v1/cases", params={"limit": 2, "status": "any"}).json()
    assert refs(first) == [made[4], made[3], made[2]], "the two cases of 11:00 stay on one page"
    assert first["next_before"].startswith("2025-11-03T03:00:00")  # 11:00 Beijing
    second = lead.get("/api/v1/cases", params={"limit": 2, "status": "any", "before": first["next_before"]}).json()
    assert refs(second) == [made[1], made[0]] and second["next_before"] is None
    naive = lead.get("/api/v1/cases", params={"before": "2025-11-03T11:00:00"})
    assert naive.status_code == 422 and "before" in naive.text


def test_status_filters_and_bad_parameters(client_as, engine):
    add_customer(engine)
    open_ref, decided, closed = open_case(engine), open_case(engine), open_case(engine)
    set_case(engine, decided, status="decided")
    set_case(engine, closed, status="closed")
    lead = client_as("supervisor")
    assert set(refs(lead.get("/api/v1/cases").json())) == {open_ref, decided}, "open: not yet closed"
    assert refs(lead.get("/api/v1/cases", params={"status": "closed"}).json()) == [closed]
    assert len(lead.get("/api/v1/cases", params={"status": "any"}).json()["items"]) == 3
    for bad in ({"status": "pending"}, {"queue": "everyone"}, {"limit": 0}, {"limit": 201}):
        assert lead.get("/api/v1/cases", params=bad).status_code == 422, bad


def test_the_case_status_sentence_for_the_answer_bot_and_the_ivr(engine):
    add_customer(engine)
    add_private_client(engine)
    ref = open_case(engine, accepted_at=local(2025, 10, 1, 10).isoformat(), now=local(2025, 10, 1, 10))
    with session_scope(engine) as s:
        zh = case_status_answer(s, "C-WANG", "zh")
        en = case_status_answer(s, "C-WANG", "en")
        assert case_status_answer(s, "C-LI", "zh") is None
        assert case_status_answer(s, "NOBODY", "zh") is None
    assert zh == f"您的投诉（{ref}）正在由客服团队处理，预计在 10月16日 前给您答复。"
    assert en == f"Your complaint ({ref}) is being handled by our customer service team; we expect to reply by 16 October."
    set_case(engine, ref, authority_level=3)
    with session_scope(engine) as s:
        assert "投诉处理中心" in case_status_answer(s, "C-WANG", "zh")
    set_case(engine, ref, status="closed")
    with session_scope(engine) as s:
        assert case_status_answer(s, "C-WANG", "zh") is None
