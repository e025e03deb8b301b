"""In a real browser: the analyst opens 推荐效果 from the home page and sees, per offer, the
treated and hold-out acceptance, the uplift with its interval, and the chart drawn."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.nba.test_uplift import _customers, _refs
from tests.support.browser import browser_page
from xinsheng.db import session_scope

pytestmark = pytest.mark.browser


def test_the_analyst_reads_the_uplift_of_an_offer(engine, client, base_url, browser, sign_in):
    from xinsheng.nba.service import record_outcome

    treated, holdout = _refs(False, 4, "C-BT"), _refs(True, 2, "C-BH")
    assert client.post("/api/v1/customers", json=_customers(treated + holdout)).status_code in (200, 201)
    with session_scope(engine) as s:
        for ref in treated[:2]:  # 2 of 4 treated offered and accepted; no hold-out customer took it
            record_outcome(s, ref, "golf_day", "offered", "t")
            record_outcome(s, ref, "golf_day", "accepted", "t")
    with browser_page("zh-CN", browser=browser) as page:
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        sign_in(page, base_url, "analyst")
        page.goto(base_url + "/")
        page.click("a[href='/nba/uplift']")
        expect(page.locator("h1")).to_have_text("推荐效果（对照组比较）")
        row = page.locator("#nu-table tr[data-code=golf_day]")
        expect(row.locator("td").first).to_have_text("高尔夫体验")
        expect(row.locator(".acc-treated")).to_have_text("50.0%")  # 2 of 4
        expect(row.locator(".acc-holdout")).to_have_text("0.0%")
        expect(row.locator(".uplift")).to_have_text("+50.0")
        expect(page.locator("#nu-chart .main-svg").first).to_be_attached()
        assert not errors
