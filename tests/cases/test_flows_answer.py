"""The answer bot tells a known customer where their open cases stand ("我的投诉到哪一步了"),
through the API, from the same service the IVR's case_progress reads."""
from __future__ import annotations

from datetime import timedelta

import pytest

from tests.cases.builders import add_customer, open_case, set_case
from tests.cases.flow_builders import MON, young_customer


@pytest.fixture
def bot(client_as):
    return client_as("system", scopes=["assist"])


def ask(bot, question: str, customer_ref: str | None = "C-ZHAO"):
    res = bot.post("/api/v1/assist/answer", json={"question": question, "customer_ref": customer_ref})
    assert res.status_code == 200, res.text
    return res.json()


@pytest.fixture
def zhao_case(engine):
    add_customer(engine, young_customer())
    # accepted Monday 2026-10-19 10:00 Beijing: reply due 15 calendar days later, 11月3日
    return open_case(engine, "C-ZHAO", accepted_at=MON, now=MON + timedelta(minutes=5))


@pytest.mark.parametrize("question", ["我的投诉到哪一步了", "投诉进度", "工单进度查一下", "我反映的问题处理到哪了？"])
def test_a_customer_with_an_open_case_is_told_where_it_stands(bot, zhao_case, question):
    reply = ask(bot, question)
    assert reply["decision"] == "answer" and reply["reason"] == "case_status"
    assert zhao_case in reply["message"] and "11月3日" in reply["message"]
    assert reply["answer"] is None and reply["handoff"] is None


def test_in_english_the_answer_is_english(bot, zhao_case):
    reply = ask(bot, "What is the status of my complaint?")
    assert reply["reason"] == "case_status"
    assert zhao_case in reply["message"] and "3 November" in reply["message"]


def test_an_escalated_case_names_the_team_that_has_it(bot, engine, zhao_case):
    set_case(engine, zhao_case, tier=3)
    assert "专家团队" in ask(bot, "我的投诉到哪一步了")["message"]


def test_without_an_open_case_the_bot_answers_as_before(bot, engine, zhao_case):
    set_case(engine, zhao_case, status="closed")
    reply = ask(bot, "我的投诉到哪一步了")
    assert reply["reason"] != "case_status"
    anonymous = ask(bot, "我的投诉到哪一步了", customer_ref=None)
    assert anonymous["reason"] != "case_status"


def test_other_questions_and_requests_for_a_person_are_not_status_questions(bot, zhao_case):
    assert ask(bot, "信用卡账单怎么分期")["reason"] != "case_status"
    assert ask(bot, "投诉进度太慢了，转人工")["reason"] == "asked_for_person"
