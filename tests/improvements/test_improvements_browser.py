"""In a real browser at desktop size: a supervisor reads a shipped action's before/after (the
verdict from hand-planted daily counts, both charts drawn by Plotly), creates an action with a
mistake that is shown beside the field with what was typed kept, and sees the open actions on
the Satisfaction page; the page in English too."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest

from tests.cases.builders import add_customer, add_user
from tests.support.browser import browser_page
from xinsheng.db import session_scope
from xinsheng.interactions.models import TopicDaily

pytestmark = pytest.mark.browser


def _shipped_action(engine) -> str:
    from xinsheng.improvements.actions import do_change_state, do_create_action
    from xinsheng.improvements.schemas import ActionCreate

    add_customer(engine)
    add_customer(engine, customer_ref="C-ZHAO", name="赵敏")
    add_user(engine, "supervisor", username="zhang_pm")
    ship = date.today() - timedelta(days=20)
    with session_scope(engine) as s:
        for i in range(-14, 14):  # 20 texts a day before, 5 after: 2 customers → 100,000 vs 25,000
            for code, n in (("*", 100), ("mobile_banking.login_failure", 20 if i < 0 else 5)):
                s.add(TopicDaily(day=ship + timedelta(days=i), topic_code=code, channel="app", label="登录失败",
                                 texts=n, negative=0, negative_primary=0, score_sum=0.0))
        action = do_create_action(s, ActionCreate(
            title="7.3.1 修复登录", problem_kind="topic", problem_ref="mobile_banking.login_failure",
            change_zh="修复升级后无法登录", change_en="Fixes log-in after the update", owner="zhang_pm",
            promised_date=ship, customer_refs=["C-WANG", "C-ZHAO"]), actor="tests", now=datetime.now(timezone.utc))
        do_change_state(s, action, "shipped", now=datetime.now(timezone.utc), shipped_on=ship)
        return action.ref


def test_a_supervisor_reads_the_effect_and_creates_an_action(engine, base_url, browser, sign_in):
    ref = _shipped_action(engine)
    with browser_page("zh-CN", browser=browser, viewport={"width": 1366, "height": 900}) as page:
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        sign_in(page, base_url, "supervisor")
        page.goto(base_url + "/improvements")
        assert "已上线" in page.locator(f"#row-{ref}").inner_text()
        page.click(f"#row-{ref} a")
        verdict = page.locator("#verdict").inner_text()
        assert "100000.0" in verdict and "25000.0" in verdict and "差异显著" in verdict and "已改善" in verdict
        assert "已告知 2" in page.locator("#customer-counts").inner_text()
        page.wait_for_selector("#chart-effect .main-svg")
        page.wait_for_selector("#chart-daily .main-svg")
        page.goto(base_url + "/improvements/new")
        page.fill("#f-title", "转账确认页改版")
        page.select_option("#f-problem_kind", "touchpoint")
        page.fill("#f-problem_ref", "app/transfer_submitted")
        page.fill("#f-change_zh", "简化转账确认页")
        page.fill("#f-owner", "nobody_here")
        page.fill("#f-promised_date", "2026-12-31")
        page.click("#improvement-submit")
        assert "没有这个在职用户" in page.locator("#error-owner").inner_text()
        assert page.input_value("#f-title") == "转账确认页改版" and page.input_value("#f-owner") == "nobody_here"
        assert page.input_value("#f-problem_ref") == "app/transfer_submitted"
        page.fill("#f-owner", "zhang_pm")
        page.click("#improvement-submit")
        page.wait_for_selector("#verdict")
        assert page.locator("#state").inner_text() == "计划中"
        page.goto(base_url + "/satisfaction")
        assert "转账确认页改版" in page.locator("#open-improvements").inner_text()
        page.goto(base_url + f"/improvements/{ref}?lang=en")
        assert "Verdict: improved." in page.locator("#verdict").inner_text()
        assert page.locator("#change").inner_text() == "Fixes log-in after the update"
        assert not errors, errors
