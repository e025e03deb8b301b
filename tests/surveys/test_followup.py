"""Every bad score is followed up: detractor → case (with the answer, the contact and the
comment's topics) → closed → the customer is told; good scores and anonymous ones open none."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from tests.cases.builders import add_contact, add_customer
from tests.surveys.builders import invite_all, rows
from xinsheng.cases.models import Case
from xinsheng.db import session_scope
from xinsheng.interactions.models import Interaction
from xinsheng.notify.models import Notification
from xinsheng.surveys.models import SurveyResponse

COMPLAINT = "转账一直失败，客服态度很差，我要投诉"


@pytest.mark.parametrize("survey, score, opens", [
    ("nps", 6, True), ("nps", 7, False), ("nps", 0, True), ("csat", 2, True), ("csat", 3, False),
    ("csat", 1, True), ("ces", 6, True), ("ces", 5, False), ("ces", 7, True), ("nps", 10, False),
])
def test_the_thresholds_of_a_bad_score(client, engine, survey, score, opens):
    add_customer(engine)
    res = client.post("/api/v1/survey-responses", json={"survey": survey, "score": score, "customer_ref": "C-WANG",
                                                        "channel": "app"})
    assert res.status_code == 201
    assert (res.json()["followup_case_ref"] is not None) is opens
    assert len(rows(engine, Case)) == (1 if opens else 0)


def test_an_anonymous_bad_score_opens_no_case(client, engine):
    res = client.post("/api/v1/survey-responses", json={"survey": "nps", "score": 0, "channel": "app"})
    assert res.status_code == 201 and res.json()["followup_case_ref"] is None
    assert rows(engine, Case) == []


def test_detractor_to_case_to_closed_to_customer_told(anon, client_as, engine, builtin_models):
    from xinsheng.voc.masking import mask_pii
    from xinsheng.voc.pipeline import get_analyzer

    add_customer(engine)
    add_contact(engine, "call-wang", customer_ref="C-WANG")
    (_, token), = invite_all(engine)
    page = anon.post(f"/s/{token}", data={"score": "3", "comment": COMPLAINT}, headers={"accept": "text/html"})
    assert page.status_code == 200 and 'id="followup"' in page.text

    resp, = rows(engine, SurveyResponse)
    case, = rows(engine, Case)
    expected_topics = [t["code"] for t in get_analyzer().analyze(mask_pii(COMPLAINT).text)["topics"]]
    assert expected_topics, "the VOC engine finds topics in the comment"
    assert [t["code"] for t in resp.analysis["topics"]] == expected_topics
    assert resp.followup_case_ref == case.case_ref
    assert case.kind == "complaint"  # the engine flags the comment as a complaint
    assert "3 分" in case.text and COMPLAINT in case.text
    carried = case.attributes["survey_response"]
    assert (carried["metric"], carried["score"], carried["comment"], carried["contact"]) == ("nps", 3, COMPLAINT,
                                                                                            "call-wang")
    with session_scope(engine) as s:
        contact_id = s.scalar(select(Interaction.id).where(Interaction.external_id == "call-wang"))
    assert case.source_interaction_id == contact_id
    assert {n.purpose for n in rows(engine, Notification, subject_ref=case.case_ref)} == {"case_accepted"}

    boss = client_as("supervisor", authority_level=4)
    url = f"/api/v1/cases/{case.case_ref}/actions"
    assert boss.post(url, json={"action": "decide", "resolution": "已核实转账失败原因并致歉",
                                "compensation_cny": 0}).status_code == 200
    closed = boss.post(url, json={"action": "close", "root_cause": "system_fault", "customer_accepted": True})
    assert closed.status_code == 200 and closed.json()["status"] == "closed"
    told = {n.purpose for n in rows(engine, Notification, subject_ref=case.case_ref)}
    assert {"case_accepted", "case_decided", "case_closed"} <= told

    sat = client_as("supervisor").get("/satisfaction", headers={"accept": "text/html"})
    assert sat.status_code == 200 and 'id="followups"' in sat.text
    assert "已办结 1" in sat.text
