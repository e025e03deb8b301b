"""POST /api/v1/cases/{ref}/actions: taking, assigning, waiting, notes and escalation,
each with the state errors (409) and bad input (422) it can meet."""
from __future__ import annotations

from sqlalchemy import select

from tests.cases.builders import add_customer, add_user, open_case
from xinsheng.audit.models import AuditEntry
from xinsheng.cases.models import CaseEscalation, CaseEvent
from xinsheng.db import session_scope
from xinsheng.notify.models import Notification


def act(c, ref: str, **body):
    return c.post(f"/api/v1/cases/{ref}/actions", json=body)


def _audit_actions(engine, ref: str) -> list[str]:
    with session_scope(engine) as s:
        return list(s.scalars(select(AuditEntry.action).where(AuditEntry.target_ref == ref,
                                                              AuditEntry.action.like("case.%"))
                              .order_by(AuditEntry.seq)))


def test_acknowledge_takes_the_case_once(client_as, engine):
    add_customer(engine)
    ref = open_case(engine)
    agent = client_as("agent", agent_ref="A1001")
    res = act(agent, ref, action="acknowledge")
    case = res.json()
    assert res.status_code == 200 and case["status"] == "in_progress" and case["owner"] == agent.username
    assert case["acknowledged_at"] is not None
    again = act(agent, ref, action="acknowledge")
    assert again.status_code == 409 and again.json()["error"] == "conflict"
    assert [e["action"] for e in agent.get(f"/api/v1/cases/{ref}").json()["events"]] == ["open", "acknowledge"]
    assert _audit_actions(engine, ref) == ["case.open", "case.acknowledge", "case.read"]


def test_assign_needs_an_active_person_who_works_cases(client_as, engine):
    add_customer(engine)
    ref = open_case(engine)
    lead = client_as("supervisor")
    expert = add_user(engine, "expert", "expert-zhao")
    add_user(engine, "analyst", "analyst-qian")
    for user in ("nobody", "analyst-qian", ""):
        bad = act(lead, ref, action="assign", user=user)
        assert bad.status_code == 422, user
        assert "user" in bad.text
    ok = act(lead, ref, action="assign", user=expert)
    assert ok.status_code == 200 and ok.json()["owner"] == expert and ok.json()["status"] == "in_progress"
    assert ok.json()["events"][-1]["detail"]["user"] == expert


def test_waiting_for_the_customer_and_back(client_as, engine):
    add_customer(engine)
    ref = open_case(engine)
    lead = client_as("supervisor")
    assert act(lead, ref, action="await_customer").status_code == 409  # still open: nobody has it
    act(lead, ref, action="acknowledge")
    waiting = act(lead, ref, action="await_customer", reason="等客户补充转账凭证")
    assert waiting.status_code == 200 and waiting.json()["status"] == "pending_customer"
    assert act(lead, ref, action="await_customer").status_code == 409
    back = act(lead, ref, action="resume")
    assert back.status_code == 200 and back.json()["status"] == "in_progress"
    assert act(lead, ref, action="resume").status_code == 409


def test_notes_are_masked_and_need_text(client_as, engine):
    add_customer(engine)
    ref = open_case(engine)
    lead = client_as("supervisor")
    res = act(lead, ref, action="note", text="客户新号码13912345678，下午回电")
    note = res.json()["events"][-1]
    assert res.status_code == 200 and note["action"] == "note" and note["actor"] == lead.username
    assert "13912345678" not in note["text"] and "下午回电" in note["text"]
    empty = act(lead, ref, action="note", text="   ")
    assert empty.status_code == 422 and "text" in empty.text
    unknown = act(lead, ref, action="fly")
    assert unknown.status_code == 422 and "action" in unknown.text


def test_an_agent_escalates_to_support_whose_queue_shows_it_at_once(client_as, engine):
    add_customer(engine)
    ref = open_case(engine)
    agent = client_as("agent", agent_ref="A1001")
    support = client_as("support")
    assert support.get(f"/api/v1/cases/{ref}").status_code == 404  # tier 1: not support's yet
    act(agent, ref, action="acknowledge")
    no_reason = act(agent, ref, action="escalate", to_tier=2, reason=" ")
    assert no_reason.status_code == 422 and "reason" in no_reason.text
    no_target = act(agent, ref, action="escalate", reason="x")
    assert no_target.status_code == 422
    res = act(agent, ref, action="escalate", to_tier=2, reason="客户第三次来电，需要业务支持核查流水")
    case = res.json()
    assert res.status_code == 200 and (case["tier"], case["owner"], case["status"]) == (2, None, "open")
    assert case["escalations"][0]["rule"] == "manual" and "第三次来电" in case["escalations"][0]["reason"]
    queue = support.get("/api/v1/cases", params={"queue": "tier"}).json()
    assert [c["case_ref"] for c in queue["items"]] == [ref] and queue["total"] == 1
    assert agent.get(f"/api/v1/cases/{ref}").status_code == 404, "no longer in the agent's queue"
    down = act(support, ref, action="escalate", to_tier=2, reason="again")
    assert down.status_code == 409
    with session_scope(engine) as s:
        purposes = list(s.scalars(select(Notification.purpose).order_by(Notification.id)))
    assert purposes == ["case_accepted", "case_escalated"]


def test_escalation_by_level_goes_up_only_and_within_the_pyramid(client_as, engine):
    add_customer(engine)
    ref = open_case(engine)
    lead = client_as("supervisor")
    assert act(lead, ref, action="escalate", to_level=5, reason="r").status_code == 422
    assert act(lead, ref, action="escalate", to_level=1, reason="r").status_code == 409
    res = act(lead, ref, action="escalate", to_level=3, reason="金额超出班组长权限")
    assert res.status_code == 200 and (res.json()["authority_level"], res.json()["tier"]) == (3, 1)
    handler = client_as("complaint_handler", authority_level=3)
    assert handler.get(f"/api/v1/cases/{ref}").status_code == 200
    assert client_as("complaint_handler", authority_level=2).get(f"/api/v1/cases/{ref}").status_code == 404
    with session_scope(engine) as s:
        esc = s.scalars(select(CaseEscalation)).one()
    assert (esc.rule, esc.to_level, esc.to_tier) == ("manual", 3, None)


def test_a_rule_escalation_fires_once_per_cause(engine):
    from xinsheng.cases.actions import do_escalate
    from xinsheng.cases.service import find_case
    from xinsheng.db import utcnow

    add_customer(engine)
    ref = open_case(engine)
    for _ in range(2):
        with session_scope(engine) as s:
            case = find_case(s, ref)
            do_escalate(s, case, actor="system", reason="3 contacts in 7 days", to_tier=2, now=utcnow(),
                        rule="repeat_contact", cause="interaction:42")
    with session_scope(engine) as s:
        assert len(s.scalars(select(CaseEscalation)).all()) == 1
        assert find_case(s, ref).tier == 2
    assert _audit_actions(engine, ref) == ["case.open", "case.escalate"]


def test_actions_on_a_case_the_caller_cannot_see_are_404(client_as, engine):
    add_customer(engine)
    ref = open_case(engine)
    expert = client_as("expert")
    a = act(expert, ref, action="note", text="hi")
    b = act(expert, "CS20990101999999", action="note", text="hi")
    assert a.status_code == b.status_code == 404 and a.json()["error"] == b.json()["error"]
    assert client_as("analyst").post(f"/api/v1/cases/{ref}/actions", json={"action": "note", "text": "x"}).status_code == 403


def test_audit_waits_for_the_outer_commit_and_forgets_a_rolled_back_savepoint(engine):
    """A flow that escalates inside a savepoint (the rules do) must neither write the audit
    entry inside its own open transaction (on SQLite that waited on itself) nor keep the
    entry of a savepoint that rolled back."""
    from xinsheng.cases.actions import do_add_note
    from xinsheng.cases.service import find_case
    from xinsheng.db import utcnow
    from tests.cases.builders import principal

    add_customer(engine)
    ref = open_case(engine)
    lead = principal(engine, "supervisor")
    with session_scope(engine) as s:
        case = find_case(s, ref)
        with s.begin_nested():
            do_add_note(s, case, principal=lead, text="kept", now=utcnow())
        assert _audit_actions(engine, ref) == ["case.open"], "not before the outer commit"
        try:
            with s.begin_nested():
                do_add_note(s, case, principal=lead, text="rolled back", now=utcnow())
                raise RuntimeError("the savepoint fails")
        except RuntimeError:
            pass
    assert _audit_actions(engine, ref) == ["case.open", "case.note"]
    with session_scope(engine) as s:
        assert [e.text for e in s.scalars(select(CaseEvent).order_by(CaseEvent.id))] == [None, "kept"]
