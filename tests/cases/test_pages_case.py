"""The cases pages over HTTP (both backends): queues, the case page, actions and their refusals,
opening a case from a form, and the monitor's permission. The real-browser walk-through is in
test_pages_browser.py."""
from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

import pytest

from tests.cases.builders import add_contact, add_customer, get_case_row, open_case, set_case

CALL = "客户：我上周赎回的理财到现在还没到账，我非常着急！"
CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


def visible_text(html: str) -> str:
    """The page's text a person reads: no tags, scripts, styles or attribute values."""
    html = re.sub(r"(?s)<(script|style)\b.*?</\1>", " ", html)
    html = re.sub(r"(?s)<!--.*?-->", " ", html)
    return re.sub(r"(?s)<[^>]+>", " ", html)


@pytest.fixture
def world(engine):
    add_customer(engine)
    now = datetime.now(timezone.utc)
    ext = add_contact(engine, "call-1", agent_ref="A-1", started_at=now - timedelta(hours=2),
                      text=CALL, topics=["wealth.redemption"])
    return {"ext": ext}


def _form_error(html: str, action: str) -> str:
    m = re.search(rf'id="error-{action}"[^>]*>(.*?)</p>', html, re.S)
    assert m, f"no error shown beside the {action} form"
    return m.group(1)


def test_agent_opens_a_case_from_the_form_and_sees_it_in_their_queue(client_as, engine, world):
    agent = client_as("agent", agent_ref="A-1")
    page = agent.get("/customers/C-WANG")
    assert 'id="open-case-form"' in page.text and 'action="/cases/new"' in page.text
    r = agent.post("/cases/new", data={"customer_ref": "C-WANG", "kind": "complaint", "title": "理财赎回未到账",
                                       "channel": "phone", "topic": "wealth.redemption",
                                       "source_external_id": "call-1", "text": "赎回款未到账"},
                   follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/cases/CS")
    ref = r.headers["location"].split("/")[-1].split("?")[0]
    queue = agent.get("/cases?queue=mine")
    assert f'data-ref="{ref}"' in queue.text
    customer = agent.get("/customers/C-WANG")
    assert f'href="/cases/{ref}"' in customer.text  # the customer page links the case


def test_open_form_refuses_an_empty_title_beside_the_field_keeping_the_text(client_as, engine, world):
    agent = client_as("agent", agent_ref="A-1")
    r = agent.post("/cases/new", data={"customer_ref": "C-WANG", "kind": "request", "title": " ",
                                       "channel": "phone", "text": "想改一下预留手机号"})
    assert r.status_code == 422
    assert "标题" in _form_error(r.text, "open") and "想改一下预留手机号" in r.text


def test_escalated_case_is_in_the_tier_2_queue_with_its_history_and_handoff(client_as, engine, world):
    ref = open_case(engine, source_external_id="call-1", actor="agent-x")
    agent = client_as("agent", agent_ref="A-9")
    set_case(engine, ref, owner_user_id=None)
    r = agent.post(f"/cases/{ref}/act/escalate", data={"to_tier": "2", "reason": "客户第三次来电，需核查资金流向"},
                   follow_redirects=False)
    assert r.status_code == 303
    assert r.headers["location"].startswith("/cases?done=escalate")  # gone from the agent's queues
    support = client_as("support")
    queue = support.get("/cases?queue=tier")
    assert f'data-ref="{ref}"' in queue.text
    page = support.get(f"/cases/{ref}")
    assert page.status_code == 200
    assert "客户第三次来电，需核查资金流向" in page.text  # the earlier action, with its reason
    assert 'id="handoff"' in page.text and "我上周赎回的理财到现在还没到账，我非常着急！" in page.text
    assert 'id="timeline"' in page.text and 'data-channel="phone"' in page.text


def test_decide_above_authority_is_refused_beside_the_form_naming_the_level(client_as, engine, world):
    ref = open_case(engine)
    agent = client_as("agent", agent_ref="A-9")
    set_case(engine, ref, owner_user_id=None)
    r = agent.post(f"/cases/{ref}/act/decide", data={"resolution": "退还手续费并补偿", "compensation_cny": "1500"})
    assert r.status_code == 403
    msg = _form_error(r.text, "decide")
    assert "L2 班组长" in msg and "1,500" in msg
    assert 'value="1500"' in r.text and "退还手续费并补偿" in r.text  # typed values kept
    assert get_case_row(engine, ref).status == "open"
    en = agent.post(f"/cases/{ref}/act/decide?lang=en", data={"resolution": "refund", "compensation_cny": "1500"})
    assert "L2 team lead" in _form_error(en.text, "decide")


def test_field_and_state_refusals_in_both_languages(client_as, engine, world):
    ref = open_case(engine)
    handler = client_as("complaint_handler", authority_level=3)
    r = handler.post(f"/cases/{ref}/act/escalate", data={"to_tier": "3", "reason": ""})
    assert r.status_code == 422 and "原因" in _form_error(r.text, "escalate")
    assert '<option value="3" selected>' in r.text  # the chosen tier is kept
    r = handler.post(f"/cases/{ref}/act/decide", data={"resolution": "x", "compensation_cny": "abc"})
    assert r.status_code == 422 and 'value="abc"' in r.text
    r = handler.post(f"/cases/{ref}/act/reopen?lang=en", data={"reason": "customer asks for verification"})
    assert r.status_code == 409 and "Open" in _form_error(r.text, "reopen")


def test_english_case_and_queue_pages_have_no_chinese_ui_words(client_as, engine, world):
    ref = open_case(engine, source_external_id="call-1")
    sup = client_as("supervisor")
    for url in (f"/cases/{ref}?lang=en", "/cases?queue=all&lang=en", "/cases/monitor?lang=en"):
        text = visible_text(sup.get(url).text)
        for data in ("心声", "理财 › 赎回申购", "转账未到账", "我上周的转账到现在还没到账",
                     CALL, "我上周赎回的理财到现在还没到账，我非常着急！", "中文"):
            text = text.replace(data, "")  # the brand, customer data and the language switch
        assert not CJK.findall(text), (url, CJK.findall(text)[:20])


def test_monitor_is_for_supervisors_and_complaint_handlers(client_as, engine, world):
    assert client_as("supervisor").get("/cases/monitor").status_code == 200
    assert client_as("complaint_handler").get("/cases/monitor").status_code == 200
    assert client_as("agent", agent_ref="A-1").get("/cases/monitor").status_code == 403
    nav = client_as("agent", agent_ref="A-1").get("/cases").text
    assert 'id="nav-cases"' in nav and 'id="nav-monitor"' not in nav


def test_a_handler_who_took_the_call_may_not_decide_it(client_as, engine, world):
    ref = open_case(engine, source_external_id="call-1")  # call-1 was handled by agent A-1
    handler = client_as("complaint_handler", authority_level=3, agent_ref="A-1")
    r = handler.post(f"/cases/{ref}/act/decide", data={"resolution": "致歉", "compensation_cny": "0"})
    assert r.status_code == 403
    assert "回避" in _form_error(r.text, "decide") and "A-1" in _form_error(r.text, "decide")
    en = handler.post(f"/cases/{ref}/act/decide?lang=en", data={"resolution": "apology", "compensation_cny": "0"})
    assert _form_error(en.text, "decide").startswith("Recusal")
    other = client_as("complaint_handler", authority_level=3, agent_ref="A-2")
    assert other.post(f"/cases/{ref}/act/decide", data={"resolution": "致歉", "compensation_cny": "0"},
                      follow_redirects=False).status_code == 303
    assert get_case_row(engine, ref).status == "decided"
