"""In a real Chromium: a supervisor opens 质检 from the home page, sees the trends drawn, opens
the queued call, finds the promise highlighted at its time in the transcript, tries to overturn
without a reason (the message appears beside the field), gives one, and sees the calibration."""
from __future__ import annotations

import pytest

from tests.quality.test_pages import checked
from tests.support.browser import browser_page

pytestmark = pytest.mark.browser


def test_a_supervisor_reviews_a_call(engine, base_url, browser, sign_in):
    checks = checked(engine, ["d01_wealth_disclosed", "d02_fund_promise_no_disclosure", "d05_angry_no_empathy"],
                     agent_ref="A1001", team="理财一组")
    checked(engine, ["d04_angry_with_empathy"], agent_ref="A1002", team="信用卡组")
    promise_call = checks["d02_fund_promise_no_disclosure"]
    with browser_page("zh-CN", browser=browser, viewport={"width": 1366, "height": 900}) as page:
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        sign_in(page, base_url, "supervisor")
        page.goto(base_url + "/")
        page.click("a[href='/quality']")
        page.wait_for_selector("#chart-teams .main-svg")
        page.wait_for_selector("#chart-agents .main-svg")
        # A1001: 100, 45 and 90 (d05: no empathy, −10) → mean 78.3; A1002: 100
        assert page.locator("tr[data-agent='A1001'] .mean").inner_text() == "78.3"
        assert page.locator("tr[data-agent='A1002'] .mean").inner_text() == "100.0"
        queued = page.locator("#table-queue tbody tr")
        assert queued.count() == 1  # only d02 failed a mandatory rule (its risk disclosure)
        queued.locator("a.open-call").click()
        page.wait_for_selector("#transcript")
        assert page.url.endswith(f"/quality/calls/{promise_call}")
        mark = page.locator("mark[data-rule='forbidden_promise']")
        assert mark.inner_text() == "这个肯定不会亏"
        # the mark sits in the agent's turn that starts at 00:29
        turn = page.locator("li.turn", has=mark)
        assert "00:29 坐席" in turn.inner_text()
        finding = page.locator("div.finding[data-rule='forbidden_promise']")
        assert "00:30" in finding.locator(".evidence-link").inner_text()
        finding.locator("input[value=overturn]").check()
        finding.locator("button[type=submit]").click()
        page.wait_for_load_state("networkidle")
        finding = page.locator("div.finding[data-rule='forbidden_promise']")
        assert finding.locator(".field-error").inner_text() == "推翻时请写明理由。"
        assert finding.locator("input[value=overturn]").is_checked()
        finding.locator("input[name=reason]").fill("这句是客户复述，坐席随后已纠正")
        finding.locator("button[type=submit]").click()
        page.wait_for_selector("#saved")
        assert "推翻" in page.locator("div.finding[data-rule='forbidden_promise'] .review").inner_text()
        page.click("#back")
        row = page.locator("#table-calibration tr[data-rule='forbidden_promise']")
        assert row.locator(".rate").inner_text() == "100%"
        page.goto(base_url + "/quality?lang=en")
        assert page.locator("h1").inner_text() == "Quality"
        assert not errors, errors
