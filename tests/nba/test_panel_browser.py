"""In a real browser: the advisor opens a client's page (客户360), the next-best-action panel
loads by itself, leaves out what the client's notes rule out with the note as the reason,
and records that an offer was made."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.factories import private_banking_client_li
from tests.support.browser import browser_page

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("locale", ["zh-CN", "en-US"])
def test_the_advisor_sees_and_uses_the_panel(engine, client, base_url, browser, sign_in, locale):
    assert client.post("/api/v1/customers", json=[private_banking_client_li()]).status_code in (200, 201)
    with browser_page(locale, browser=browser) as page:
        sign_in(page, base_url, "advisor", advisor_ref="RM007")
        page.goto(base_url + "/customers/C-LI" + ("?lang=en" if locale == "en-US" else ""))
        panel = page.locator("#nba-panel")
        expect(panel.locator("h2")).to_have_text("推荐与关怀" if locale == "zh-CN" else "Next best actions")
        expect(panel.locator("#nba-items > li")).to_have_count(5)
        expect(panel.locator("#nba-items > li[data-code=airport_lounge]")).to_have_count(0)
        panel.locator("#nba-excluded summary").click()
        expect(panel.locator("#nba-excluded li[data-code=airport_lounge]")).to_contain_text("怕坐飞机")
        expect(panel.locator("#nba-excluded li[data-code=gift_hairy_crab]")).to_contain_text("不能吃螃蟹")
        first = panel.locator("#nba-items > li").first
        code = first.get_attribute("data-code")
        first.locator("button[value=offered]").click()
        expect(page.locator("#nba-recorded")).to_be_visible()
        expect(page.locator(f"#nba-excluded li[data-code={code}]")).to_have_count(1)  # now within its cooldown
