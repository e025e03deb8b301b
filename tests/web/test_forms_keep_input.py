"""Errors are part of the page: bad input in every form answers with the same page, the
message beside the field in the page's language, and what was typed kept.

Expected messages are written here as a person would read them (not read back from the
catalogue); each check finds the message by the id of the field's error element.
"""
from __future__ import annotations

import re
from datetime import timedelta
from html import unescape

import pytest

from tests.factories import elderly_customer_wang, interaction
from xinsheng.db import utcnow

HTML = {"accept": "text/html"}


def by_id(html: str, element_id: str) -> str:
    """The text of the element with this id (empty when there is none; no nesting of the same tag)."""
    found = re.search(rf'<(\w+)[^>]*\bid="{re.escape(element_id)}"[^>]*>', html)
    if found is None:
        return ""
    inner = html[found.end():html.index(f"</{found.group(1)}>", found.end())]
    return unescape(re.sub(r"<[^>]+>", "", inner)).strip()


def value_of(html: str, name: str) -> str:
    """The value of the form field ``name`` as the page fills it in (input or textarea)."""
    tag = re.search(rf'<(input|textarea)\b[^>]*\bname="{name}"[^>]*>', html)
    if tag is None:
        return ""
    if tag.group(1) == "textarea":
        return unescape(html[tag.end():html.index("</textarea>", tag.end())])
    value = re.search(r'\bvalue="([^"]*)"', tag.group(0))
    return unescape(value.group(1)) if value else ""


@pytest.fixture
def wang(client):
    assert client.post("/api/v1/customers", json=[elderly_customer_wang()]).status_code == 200
    recent = utcnow() - timedelta(days=1)
    assert client.post("/api/v1/interactions", json=[interaction(1, start=recent, agent_ref="A1001")]).json()["accepted"] == 1


@pytest.mark.parametrize("lang, message", [("zh", "用户名太长：最多 200 个字符"),
                                           ("en", "Username is too long: at most 200 characters")])
def test_a_too_long_sign_in_answers_with_the_form(anon, lang, message):
    page = anon.get(f"/signin?lang={lang}")
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    typed = "x" * 201
    res = anon.post("/signin", data={"username": typed, "password": "pw", "csrf_token": csrf}, headers=HTML)
    assert res.status_code == 422 and 'id="signin-form"' in res.text
    assert by_id(res.text, "error-username") == message
    assert typed not in res.text, "a name that is no known username may be a password: never repeated"


@pytest.mark.parametrize("lang, message", [("zh", "查询太长：最多 2000 个字符（现在 2001 个）"),
                                           ("en", "the search is too long: at most 2000 characters (now 2001)")])
def test_a_too_long_knowledge_search_answers_with_the_search_page(client_as, lang, message):
    agent = client_as("agent", agent_ref="A1001")
    q = "转" * 2001
    page = agent.get("/knowledge", params={"q": q, "lang": lang}, headers=HTML)
    assert page.status_code == 422 and by_id(page.text, "kb-q-error") == message
    assert value_of(page.text, "q") == q
    typing = agent.get("/knowledge", params={"q": q}, headers={**HTML, "hx-request": "true"})
    assert typing.status_code == 200, "htmx swaps only 2xx answers: the message must reach the page"
    assert by_id(typing.text, "kb-q-error") == message


def test_a_too_long_customer_search_says_so_where_the_results_go(client_as, wang):
    agent = client_as("agent", agent_ref="A1001")
    q = "C" * 65
    typing = agent.get("/customers", params={"q": q, "lang": "zh"}, headers={**HTML, "hx-request": "true"})
    assert typing.status_code == 200
    assert by_id(typing.text, "search-error") == "查询太长：最多 64 个字符（现在 65 个）"
    page = agent.get("/customers", params={"q": q}, headers=HTML)
    assert page.status_code == 422 and value_of(page.text, "q") == q


def test_hot_issues_with_a_window_that_is_no_number_shows_the_default_and_says_why(client_as):
    res = client_as("analyst").get("/hot-issues?days=abc&lang=zh", headers=HTML)
    assert res.status_code == 200 and 'id="trend-chart"' in res.text
    assert by_id(res.text, "page-notice") == "应为 7–365 天的整数，已显示 90 天"


@pytest.mark.parametrize("lang, message", [("zh", "必填"), ("en", "required")])
def test_a_token_without_a_name_keeps_the_choices(client_as, lang, message):
    admin = client_as("admin")
    res = admin.post(f"/admin/tokens?lang={lang}", data={"name": "", "role": "system", "scope": ["kb", "audit"],
                                                          "expires_days": "30"}, headers=HTML)
    assert res.status_code == 422 and by_id(res.text, "error-name") == message
    checked = set(re.findall(r'name="scope" value="(\w+)" checked', res.text))
    assert checked == {"kb", "audit"} and value_of(res.text, "expires_days") == "30"
    assert 'id="new-token"' not in res.text


def test_a_bad_new_user_keeps_what_was_typed(client_as):
    admin = client_as("admin")
    res = admin.post("/admin/users?lang=zh", data={"username": "Bad Name!", "role": "agent", "display_name": "赵敏",
                                                   "agent_ref": "A2001"}, headers=HTML)
    assert res.status_code == 422 and "小写字母" in by_id(res.text, "error-username")
    assert value_of(res.text, "display_name") == "赵敏" and value_of(res.text, "agent_ref") == "A2001"
    assert re.search(r'<option value="agent" selected>', res.text)


@pytest.mark.parametrize("lang, message", [("zh", "最多 160 个字符（现在 161 个）"), ("en", "at most 160 characters (now 161)")])
def test_a_too_long_audit_filter_is_shown_beside_the_field(client_as, lang, message):
    actor = "a" * 161
    res = client_as("admin").get("/admin/audit", params={"actor": actor, "lang": lang}, headers=HTML)
    assert res.status_code == 422 and message in by_id(res.text, "error-actor")
    assert value_of(res.text, "actor") == actor


def test_an_audit_search_from_after_to_says_so(client_as):
    res = client_as("admin").get("/admin/audit?since=2026-12-01&until=2026-11-01&lang=zh", headers=HTML)
    assert res.status_code == 422 and "开始日期晚于结束日期" in by_id(res.text, "error-until")
    assert by_id(res.text, "audit-empty") == "筛选条件有误（见上），没有列出记录。"
    assert "没有找到客户" not in res.text


@pytest.mark.parametrize("lang, message", [("zh", "请说明查看原因（至少 5 个字）"),
                                           ("en", "say why you need it (5 characters or more)")])
def test_a_short_unmask_reason_stays_on_the_customer_page(client_as, wang, lang, message):
    res = client_as("admin").post(f"/customers/C-WANG/unmask?lang={lang}", data={"reason": "abc"}, headers=HTML)
    assert res.status_code == 422 and 'id="profile"' in res.text
    assert by_id(res.text, "unmask-error") == message
    assert value_of(res.text, "reason") == "abc"
    assert "王建国" not in res.text and "王**" in res.text


def test_a_refused_new_article_keeps_title_question_and_answer(client_as):
    km = client_as("knowledge_manager")
    typed = {"title": "", "question": "信用卡年费怎么免", "body": "刷卡满 6 次免次年年费。",
             "paraphrases": "年费能免吗", "valid_from": "2026-03-01T09:00", "valid_to": "2026-01-01T09:00"}
    res = km.post("/knowledge/articles/new?lang=zh", data=typed, headers=HTML)
    assert res.status_code == 422
    assert by_id(res.text, "error-title") == "必填"
    assert value_of(res.text, "question") == typed["question"] and typed["body"] in res.text
    assert value_of(res.text, "valid_from") == typed["valid_from"]
    typed["title"] = "信用卡年费"
    res = km.post("/knowledge/articles/new?lang=en", data=typed, headers=HTML)
    assert res.status_code == 422 and by_id(res.text, "error-valid_to") == "must be after the start of validity"
    assert value_of(res.text, "title") == "信用卡年费"
