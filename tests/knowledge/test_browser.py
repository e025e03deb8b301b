"""In a real browser: the suggestions panel on the customer page, and search as you type."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.knowledge.conftest import add_message
from tests.support.browser import browser_page

pytestmark = pytest.mark.browser


def test_customer_page_suggests_answers_says_why_and_records_feedback(faq, engine, base_url, browser, sign_in):
    add_message(engine, "C-ZHAO", "你好，我的钱转不出去了，怎么办", minute=3)
    with browser_page("zh-CN", browser=browser) as page:
        sign_in(page, base_url, "supervisor")
        page.goto(base_url + "/customers/C-ZHAO")
        panel = page.locator("#kb-suggestions")
        expect(panel.locator("#kb-latest")).to_have_text("你好，我的钱转不出去了，怎么办")
        first = panel.locator("article.kb-hit").first
        expect(first.locator("h3")).to_contain_text("转账失败怎么办")
        expect(first.locator(".kb-why")).to_contain_text("钱转不出去→转账失败")
        expect(first.locator(".kb-body strong").first).to_have_text("余额")
        first.get_by_role("button", name="已采用").click()
        expect(first.locator(".kb-recorded")).to_contain_text("已记录")
        page.goto(base_url + "/knowledge")
        page.fill("#kb-q", "卡被机器吞了")
        expect(page.locator("#kb-results article.kb-hit").first.locator("h3")).to_contain_text("ATM吞卡")
    with engine.connect() as conn:
        from sqlalchemy import text

        assert conn.execute(text("SELECT verdict FROM kb_feedback")).scalars().all() == ["used"]
