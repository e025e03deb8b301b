"""The loop closes: a detractor's follow-up case closes and the customer is told what was done
(the case's resolution) through the outbox, once, in their hours, unless they opted out."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from tests.cases.builders import SH, add_customer, principal
from tests.surveys.builders import rows
from xinsheng.cases.models import Case
from xinsheng.customers.models import Customer
from xinsheng.db import session_scope
from xinsheng.notify.models import Notification

RESOLUTION = "已核实转账失败原因，系统故障已修复并向您致歉"


def _detractor(client, engine) -> tuple[int, str]:
    res = client.post("/api/v1/survey-responses", json={"survey": "nps", "score": 2, "customer_ref": "C-WANG",
                                                        "channel": "app", "comment": "转账总失败"})
    assert res.status_code == 201
    return res.json()["id"], res.json()["followup_case_ref"]


def _act(boss, ref: str, **body):
    res = boss.post(f"/api/v1/cases/{ref}/actions", json=body)
    assert res.status_code == 200, res.text
    return res.json()


def _close(boss, ref: str, kind: str) -> None:
    _act(boss, ref, action="decide", resolution=RESOLUTION, compensation_cny=0)
    extra = {"root_cause": "system_fault", "customer_accepted": True} if kind == "complaint" else {}
    _act(boss, ref, action="close", **extra)


def _told(engine, ref: str) -> list[Notification]:
    return rows(engine, Notification, subject_ref=ref, purpose="survey_followup_closed")


def test_closing_the_followup_tells_the_customer_what_was_done(client, client_as, engine):
    add_customer(engine)
    rid, ref = _detractor(client, engine)
    reader = client_as("supervisor")
    assert reader.get(f"/api/v1/survey-responses/{rid}").json()["followup_state"] == "open"
    assert _told(engine, ref) == []

    boss = client_as("supervisor", authority_level=4)
    kind = rows(engine, Case, case_ref=ref)[0].kind
    _close(boss, ref, kind)
    note, = _told(engine, ref)
    wang = rows(engine, Customer, customer_ref="C-WANG")[0]
    assert note.customer_id == wang.id
    assert RESOLUTION in note.body and ref in note.body
    assert note.body.startswith("感谢您在满意度调查中的反馈")  # the customer's language: Chinese
    assert reader.get(f"/api/v1/survey-responses/{rid}").json()["followup_state"] == "closed_told"
    page = reader.get("/satisfaction", headers={"accept": "text/html"})
    assert "已办结并告知客户处理结果 1" in page.text

    # 核实: reopened and closed again: the case says it closed again, the loop message is not repeated
    _act(boss, ref, action="reopen", reason="客户要求核实")
    assert reader.get(f"/api/v1/survey-responses/{rid}").json()["followup_state"] == "open"
    boss2 = client_as("supervisor", authority_level=5)
    _close(boss2, ref, kind)
    assert len(_told(engine, ref)) == 1
    closed = rows(engine, Notification, subject_ref=ref, purpose="case_closed")
    assert len(closed) == 2
    assert reader.get(f"/api/v1/survey-responses/{rid}").json()["followup_state"] == "closed_told"


def test_an_opted_out_customer_is_not_told(client, client_as, engine):
    add_customer(engine, attributes={"surveys_opt_out": True})
    rid, ref = _detractor(client, engine)
    boss = client_as("supervisor", authority_level=4)
    _close(boss, ref, rows(engine, Case, case_ref=ref)[0].kind)
    assert _told(engine, ref) == []
    assert rows(engine, Notification, subject_ref=ref, purpose="case_closed"), "the case's own message still goes"
    state = client_as("supervisor").get(f"/api/v1/survey-responses/{rid}").json()["followup_state"]
    assert state == "closed_not_told"


def test_closed_at_night_the_message_waits_for_the_morning_and_undecided_says_followed_up(client, engine):
    from xinsheng.cases.decisions import do_close

    add_customer(engine, attributes={"lang": "en"})
    client.post("/api/v1/survey-responses", json={"survey": "csat", "score": 1, "customer_ref": "C-WANG",
                                                  "channel": "app"})
    who = principal(engine, "supervisor", authority_level=4)
    night = datetime(2026, 10, 5, 23, 30, tzinfo=SH)
    with session_scope(engine) as s:
        case = s.scalar(select(Case))
        assert case.kind == "request"  # no comment: not a complaint, may close undecided
        ref = case.case_ref
        do_close(s, case, principal=who, root_cause=None, customer_accepted=None, now=night)
    note, = _told(engine, ref)
    assert note.not_before == datetime(2026, 10, 6, 8, 0, tzinfo=SH)  # the outbox's quiet hours 21:00-08:00
    assert note.reason == "quiet_hours"
    assert note.body == (f"Thank you for your survey feedback. About what you raised (ref. {ref}), here is what "
                         "we did: a member of our team followed it up; if anything is still wrong, please contact us.")


def test_a_case_that_is_no_survey_followup_tells_nothing_more(client_as, engine):
    from tests.cases.builders import open_case

    add_customer(engine)
    ref = open_case(engine)
    boss = client_as("supervisor", authority_level=4)
    _close(boss, ref, rows(engine, Case, case_ref=ref)[0].kind)
    assert rows(engine, Notification, purpose="survey_followup_closed") == []
