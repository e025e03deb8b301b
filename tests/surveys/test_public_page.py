"""The public answer page /s/{token}: no sign-in, nothing about the customer, one refusal
for unknown, used and expired links, errors beside the field, rate limit, phone-sized."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from tests.cases.builders import add_contact, add_customer
from tests.surveys.builders import invite_all, rows
from xinsheng.db import session_scope
from xinsheng.surveys import public
from xinsheng.surveys.models import SurveyInvitation, SurveyResponse

HTML = {"accept": "text/html"}


@pytest.fixture(autouse=True)
def _fresh_window():
    public.WINDOW.hits.clear()
    yield
    public.WINDOW.hits.clear()


@pytest.fixture
def invited(engine):
    add_customer(engine)
    add_contact(engine, "call-wang", customer_ref="C-WANG")
    return invite_all(engine)[0]


def test_the_page_shows_the_survey_and_nothing_about_the_customer(anon, invited):
    _, token = invited
    zh = anon.get(f"/s/{token}", headers=HTML)
    assert zh.status_code == 200 and 'lang="zh-CN"' in zh.text
    assert "您有多大可能向亲友推荐我行" in zh.text and zh.text.count('name="score"') == 11  # NPS 0..10
    assert 'name="viewport"' in zh.text and zh.headers["cache-control"] == "no-store"
    for private in ("王建国", "C-WANG", "call-wang", "138"):
        assert private not in zh.text
    en = anon.get(f"/s/{token}?lang=en", headers=HTML)
    assert 'lang="en"' in en.text and "How likely are you to recommend us" in en.text and "推荐" not in en.text


def test_unknown_used_and_expired_links_look_the_same(anon, engine, invited):
    inv_id, token = invited
    unknown = anon.get("/s/" + "q" * 32, headers=HTML)
    malformed = anon.get("/s/123", headers=HTML)
    assert anon.post(f"/s/{token}", data={"score": "10"}, headers=HTML).status_code == 200
    used = anon.get(f"/s/{token}", headers=HTML)
    again = anon.post(f"/s/{token}", data={"score": "0"}, headers=HTML)
    assert unknown.status_code == malformed.status_code == used.status_code == again.status_code == 404
    assert unknown.text == malformed.text == used.text == again.text
    with session_scope(engine) as s:
        s.get(SurveyInvitation, inv_id).answered_at = None
        s.get(SurveyInvitation, inv_id).expires_at = datetime.now(timezone.utc) - timedelta(minutes=1)
    expired = anon.get(f"/s/{token}", headers=HTML)
    assert expired.status_code == 404 and expired.text == unknown.text
    assert [r.score for r in rows(engine, SurveyResponse)] == [10]


def test_a_form_error_is_beside_its_field_and_keeps_what_was_typed(anon, engine, invited):
    _, token = invited
    res = anon.post(f"/s/{token}", data={"score": "", "comment": "等了很久"}, headers=HTML)
    assert res.status_code == 422 and 'id="score-error"' in res.text and "等了很久" in res.text
    long = "慢" * 10_000
    res = anon.post(f"/s/{token}", data={"score": "7", "comment": long}, headers=HTML)
    assert res.status_code == 422 and 'id="comment-error"' in res.text and long in res.text
    assert 'value="7" id="score-7" checked' in res.text
    res = anon.post(f"/s/{token}", data={"score": "11"}, headers=HTML)
    assert res.status_code == 422 and 'id="score-error"' in res.text
    assert rows(engine, SurveyResponse) == []


def test_too_many_requests_from_one_address_are_refused(anon, invited, monkeypatch):
    monkeypatch.setattr(public, "RATE_PER_MINUTE", 3)
    codes = [anon.get("/s/" + "z" * 32, headers=HTML).status_code for _ in range(4)]
    assert codes == [404, 404, 404, 429]
    res = anon.get(f"/s/{invited[1]}", headers=HTML)
    assert res.status_code == 429 and 1 <= int(res.headers["retry-after"]) <= 61


def test_the_window_forgets_after_a_minute():
    w = public._Window()
    assert [w.wait("ip", 2, now=t) for t in (0, 1, 2)] == [0, 0, 59]
    assert w.wait("ip", 2, now=60.5) == 0


@pytest.mark.browser
def test_a_customer_answers_on_a_phone(engine, builtin_models, base_url, browser, invited):
    from tests.support.browser import browser_page

    _, token = invited
    with browser_page("zh-CN", browser=browser, viewport={"width": 375, "height": 667}, is_mobile=True) as page:
        page.goto(f"{base_url}/s/{token}")
        assert page.evaluate("document.documentElement.scrollWidth") <= 375  # nothing wider than the phone
        box = page.locator("label:has(#score-3)").bounding_box()
        assert box["height"] >= 40  # a finger-sized target
        page.locator("label:has(#score-3)").click()
        page.fill("#comment", "转账一直失败，客服态度很差，我要投诉")
        page.click("#submit")
        page.wait_for_selector("#thanks")
        assert page.locator("#followup").is_visible()
    found = rows(engine, SurveyResponse)
    assert [(r.score, r.via) for r in found] == [(3, "web")] and found[0].followup_case_ref
