"""Extending a complaint's deadline: 15 → 30 days from acceptance with a reason, then 30 days
more with level 3+ approval (《银行业保险业消费投诉处理管理办法》), then none left.

Dates are worked out by hand: a complaint accepted Tue 30 Sep 2025 10:00 (Beijing) is due
Wed 15 Oct; extended to 30 days from acceptance, Thu 30 Oct; by 30 more days, Sat 29 Nov
(calendar days: weekends and holidays count).
"""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from tests.cases.builders import add_customer, local, open_case, principal, run_action
from xinsheng.cases.actions import do_extend
from xinsheng.errors import Conflict, Forbidden

ACCEPTED = local(2025, 9, 30, 10)


def act(c, ref: str, **body):
    return c.post(f"/api/v1/cases/{ref}/actions", json=body)


def test_first_extension_to_30_days_second_at_level_3_then_none(engine):
    add_customer(engine)
    ref = open_case(engine, accepted_at=ACCEPTED.isoformat(), now=ACCEPTED)
    agent = principal(engine, "agent")
    first = run_action(engine, ref, do_extend, principal=agent, reason="需调取监控录像", now=local(2025, 10, 10, 9))
    assert first.due_at == local(2025, 10, 30, 10) and first.extensions == 1
    assert first.events[-1].action == "extend" and first.events[-1].text == "需调取监控录像"
    with pytest.raises(Forbidden) as refused:
        run_action(engine, ref, do_extend, principal=agent, reason="仍需核查", now=local(2025, 10, 28, 9))
    assert refused.value.data["required_level"] == 3 and "level 3" in refused.value.message
    handler = principal(engine, "complaint_handler", authority_level=3)
    second = run_action(engine, ref, do_extend, principal=handler, reason="涉及第三方机构", now=local(2025, 10, 28, 9))
    assert second.due_at == local(2025, 11, 29, 10) and second.extensions == 2
    with pytest.raises(Conflict):
        run_action(engine, ref, do_extend, principal=handler, reason="再延", now=local(2025, 11, 20, 9))


def test_the_warning_moves_with_the_deadline(engine):
    add_customer(engine)
    ref = open_case(engine, accepted_at=ACCEPTED.isoformat(), now=ACCEPTED)
    lead = principal(engine, "supervisor")
    # 80 % of 15 days is 12 days: warning from Sun 12 Oct 10:00; 80 % of 30 days is 24: Fri 24 Oct 10:00
    before = run_action(engine, ref, lambda s, c, **kw: c, now=local(2025, 10, 13, 9))
    assert before.sla_state == "warning"
    after = run_action(engine, ref, do_extend, principal=lead, reason="复杂", now=local(2025, 10, 13, 9))
    assert after.sla_state == "on_track"
    assert run_action(engine, ref, lambda s, c, **kw: c, now=local(2025, 10, 24, 9, 59)).sla_state == "on_track"
    assert run_action(engine, ref, lambda s, c, **kw: c, now=local(2025, 10, 24, 10, 1)).sla_state == "warning"


def test_no_extension_after_the_deadline_passed(engine):
    add_customer(engine)
    ref = open_case(engine, accepted_at=ACCEPTED.isoformat(), now=ACCEPTED)
    lead = principal(engine, "supervisor")
    with pytest.raises(Conflict) as late:
        run_action(engine, ref, do_extend, principal=lead, reason="复杂", now=local(2025, 10, 15, 10))
    assert "passed" in late.value.message


def test_extension_through_the_api(client_as, engine):
    add_customer(engine)
    accepted = datetime.now(timezone.utc).replace(microsecond=0) - timedelta(hours=1)
    ref = open_case(engine, accepted_at=accepted.isoformat())
    agent = client_as("agent")
    no_reason = act(agent, ref, action="extend", reason="")
    assert no_reason.status_code == 422 and "reason" in no_reason.text
    first = act(agent, ref, action="extend", reason="需调取监控录像")
    assert first.status_code == 200
    assert datetime.fromisoformat(first.json()["due_at"]) == accepted + timedelta(days=30)  # Beijing has no DST
    second = act(agent, ref, action="extend", reason="仍需核查")
    assert second.status_code == 403 and second.json()["data"]["required_level"] == 3
    lead = client_as("supervisor")
    assert act(lead, ref, action="extend", reason="仍需核查").status_code == 403  # level 2
    handler = client_as("complaint_handler")  # level 3 by role
    assert act(handler, ref, action="extend", reason="涉及第三方机构").status_code == 200
    none_left = act(handler, ref, action="extend", reason="再延")
    assert none_left.status_code == 409 and none_left.json()["error"] == "conflict"
