"""POST /api/v1/cases: clocks from the business calendar, masking, the contact it came
from, who may open, and bad input (404 / 422, nothing written).

Expected deadlines are worked out by hand from the State Council's 2025 National Day
notice (10月1日至8日放假, 9月28日 and 10月11日 working days), not by the code under test.
"""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from sqlalchemy import func, select

from tests.cases.builders import add_contact, add_customer, add_private_client, case_body, error_fields
from xinsheng.audit.models import AuditEntry
from xinsheng.cases.models import Case, CaseContact
from xinsheng.db import session_scope
from xinsheng.notify.models import Notification


def _count(engine, model) -> int:
    with session_scope(engine) as s:
        return s.scalar(select(func.count()).select_from(model))


def _utc(text: str) -> str:
    return datetime.fromisoformat(text).astimezone(timezone.utc).isoformat()


def test_a_complaint_before_national_day_gets_its_clocks_from_the_calendar(client, engine):
    add_customer(engine)
    body = case_body(accepted_at="2025-09-30T10:00:00+08:00",
                     text="我叫王建国，手机13812345678，转账一直没到账")
    res = client.post("/api/v1/cases", json=body)
    assert res.status_code == 201, res.text
    case = res.json()
    # Tue 30 Sep 10:00 + 1 working day: 1-8 Oct are the holiday, so Thu 9 Oct 10:00 (02:00 UTC)
    assert _utc(case["ack_due_at"]) == "2025-10-09T02:00:00+00:00"
    # 15 calendar days, holidays included: Wed 15 Oct 10:00
    assert _utc(case["due_at"]) == "2025-10-15T02:00:00+00:00"
    assert case["case_ref"].startswith("CS20250930") and len(case["case_ref"]) == 16
    assert (case["status"], case["tier"], case["authority_level"], case["kind"]) == ("open", 1, 1, "complaint")
    assert case["customer_ref"] == "C-WANG" and case["topic"] == "transfer.not_received"
    assert case["policy_code"] == "complaint" and case["sla_state"] == "breached"  # 2025 is long past
    assert "13812345678" not in case["text"] and "王建国" not in case["text"]
    assert [e["action"] for e in case["events"]] == ["open"]
    assert case["escalations"] == [] and case["repeat_contacts"] == 0
    with session_scope(engine) as s:
        note = s.scalars(select(Notification)).one()
        audit = s.scalars(select(AuditEntry).where(AuditEntry.action == "case.open")).one()
    assert note.purpose == "case_accepted" and note.subject_ref == case["case_ref"]
    assert note.idempotency_key.startswith(f"case:{case['case_ref']}:accepted:")
    assert case["case_ref"] in note.body and "2025-10-15" in note.body
    assert audit.target_ref == case["case_ref"] and audit.actor.startswith("token:")


def test_working_saturday_and_weekend_acceptance(client, engine):
    add_customer(engine)
    # Sat 11 Oct 2025 is a 调休 working day: + 1 working day = Mon 13 Oct (Sunday is off)
    sat = client.post("/api/v1/cases", json=case_body(accepted_at="2025-10-11T10:00:00+08:00")).json()
    assert _utc(sat["ack_due_at"]) == "2025-10-13T02:00:00+00:00"
    # an ordinary Saturday, 18 Oct: counting starts Monday 20 Oct at the same time, so Tue 21 Oct
    weekend = client.post("/api/v1/cases", json=case_body(accepted_at="2025-10-18T10:00:00+08:00")).json()
    assert _utc(weekend["ack_due_at"]) == "2025-10-21T02:00:00+00:00"
    assert _utc(weekend["due_at"]) == "2025-11-02T02:00:00+00:00"  # 18 Oct + 15 days
    assert sat["case_ref"] != weekend["case_ref"]


def test_the_contact_it_came_from_is_attached_and_gives_the_topic(client, engine):
    add_customer(engine)
    add_contact(engine, "call-7", agent_ref="A1001", topics=["wealth.redemption", "fees"])
    res = client.post("/api/v1/cases", json=case_body(topic=None, source_external_id="call-7"))
    case = res.json()
    assert res.status_code == 201 and case["topic"] == "wealth.redemption"
    assert case["source_external_id"] == "call-7"
    with session_scope(engine) as s:
        contact = s.scalars(select(CaseContact)).one()
        assert contact.repeat is False


def test_a_private_client_and_a_regulator_referral_get_their_policies(client, engine):
    add_private_client(engine)
    add_customer(engine)
    private = client.post("/api/v1/cases", json=case_body("C-LI", accepted_at="2025-10-13T09:00:00+08:00")).json()
    # 4 working hours from Mon 13 Oct 09:00 inside 08:30-17:30: 13:00 the same day
    assert private["policy_code"] == "complaint_private_banking"
    assert _utc(private["ack_due_at"]) == "2025-10-13T05:00:00+00:00"
    referred = client.post("/api/v1/cases", json=case_body(
        regulator_referred=True, accepted_at="2025-10-13T09:00:00+08:00")).json()
    assert referred["policy_code"] == "complaint_regulator_referred"
    assert (referred["tier"], referred["authority_level"]) == (3, 4)
    assert _utc(referred["due_at"]) == "2025-10-23T01:00:00+00:00"  # 10 calendar days


def test_unknown_customer_or_contact_is_404_and_nothing_is_written(client, engine):
    missing = client.post("/api/v1/cases", json=case_body("NOBODY"))
    assert missing.status_code == 404 and missing.json()["data"]["field"] == "customer_ref"
    add_customer(engine)
    contact = client.post("/api/v1/cases", json=case_body(source_external_id="no-such-call"))
    assert contact.status_code == 404 and contact.json()["data"]["field"] == "source_external_id"
    assert _count(engine, Case) == 0 and _count(engine, Notification) == 0


def test_bad_fields_are_422_naming_the_field(client, engine):
    add_customer(engine)
    cases = {
        "kind": case_body(kind="praise"),
        "channel": case_body(channel="fax"),
        "title": case_body(title="  "),
        "accepted_at": case_body(accepted_at="2025-10-13T09:00:00"),
        "regulator_referred": case_body(regulator_referred="maybe"),
        "colour": case_body(colour="red"),
    }
    for field, body in cases.items():
        res = client.post("/api/v1/cases", json=body)
        assert res.status_code == 422, field
        assert field in error_fields(res), (field, res.text)
    topic = client.post("/api/v1/cases", json=case_body(topic="weather"))
    assert topic.status_code == 422 and topic.json()["data"]["field"] == "topic"
    future = (datetime.now(timezone.utc) + timedelta(days=2)).isoformat()
    ahead = client.post("/api/v1/cases", json=case_body(accepted_at=future))
    assert ahead.status_code == 422 and ahead.json()["data"]["field"] == "accepted_at"
    assert _count(engine, Case) == 0


def test_who_may_open_a_case(client_as, engine):
    add_customer(engine)
    add_contact(engine, agent_ref="A1001")  # agent A1001 served 王建国 an hour ago
    agent = client_as("agent", agent_ref="A1001")
    res = agent.post("/api/v1/cases", json=case_body())
    assert res.status_code == 201 and res.json()["owner"] == agent.username
    stranger = client_as("agent", agent_ref="A9999")
    assert stranger.post("/api/v1/cases", json=case_body()).status_code == 403
    assert stranger.post("/api/v1/cases", json=case_body("NOBODY")).status_code == 403, "no existence oracle"
    crm = client_as("system", scopes=["cases"])
    made = crm.post("/api/v1/cases", json=case_body())
    assert made.status_code == 201 and made.json()["owner"] is None
    assert client_as("analyst").post("/api/v1/cases", json=case_body()).status_code == 403
    assert client_as("system", scopes=["ingest"]).post("/api/v1/cases", json=case_body()).status_code == 403
    assert _count(engine, Case) == 2
