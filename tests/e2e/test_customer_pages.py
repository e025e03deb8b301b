"""What a person sees in a real browser: the home page and a customer's page."""
from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from playwright.sync_api import expect

from tests.auth import make_token
from tests.factories import elderly_customer_wang, interaction, private_banking_client_li
from tests.support.browser import browser_page

pytestmark = pytest.mark.browser
CHANNELS = ["ivr", "phone", "app", "wechat", "email", "branch"]


@pytest.fixture
def seeded(base_url, engine, db_url):
    from xinsheng.app import create_app

    client = TestClient(create_app(db_url), headers={"Authorization": f"Bearer {make_token(engine)}"})
    client.post("/api/v1/customers", json=[elderly_customer_wang(), private_banking_client_li()])
    records = [interaction(i, channel=CHANNELS[i % len(CHANNELS)],
                           text="我叫王建国，手机13812345678，手机银行登录不上" if i == 5 else None)
               for i in range(40)]
    assert client.post("/api/v1/interactions", json=records).json()["accepted"] == 40
    return base_url


def test_home_page_shows_totals_chart_and_finds_a_customer(seeded, browser, sign_in):
    with browser_page("zh-CN", browser=browser) as page:
        sign_in(page, seeded, "supervisor")
        page.goto(seeded + "/")
        expect(page.locator("#kpi-contacts")).to_have_text("40")
        expect(page.locator("#volume-chart .main-svg").first).to_be_visible()
        page.fill("#q", "C-W")
        expect(page.locator("#search-results")).to_contain_text("王建国")
        page.locator("#search-results a", has_text="C-WANG").click()
        expect(page.locator("#profile h1")).to_contain_text("王建国")


def test_customer_page_shows_profile_notes_and_timeline_across_channels(seeded, browser, sign_in):
    with browser_page("zh-CN", browser=browser) as page:
        sign_in(page, seeded, "supervisor")
        page.goto(seeded + "/customers/C-WANG")
        expect(page.locator("#profile")).to_contain_text("老年客户")
        expect(page.locator("#notes")).to_contain_text("听力不好，请说慢一点")
        items = page.locator("#timeline li.item")
        expect(items).to_have_count(30)
        shown = set(items.evaluate_all("els => els.map(e => e.dataset.channel)"))
        assert shown == set(CHANNELS)
        expect(items.first).to_contain_text("结果: 已解决")
        expect(page.locator("#timeline .text")).to_have_count(0)
        page.get_by_role("button", name="加载更早的记录").click()
        expect(items).to_have_count(40)
        expect(page.get_by_role("button", name="加载更早的记录")).to_have_count(0)
        masked = page.locator("#timeline .text")
        expect(masked).to_have_count(1)
        expect(masked).to_contain_text("〔手机号〕")
        expect(masked).not_to_contain_text("13812345678")
        analysed = page.locator("#timeline li.item", has=page.locator(".text")).locator(".sent")
        expect(analysed).to_have_count(1)  # the VOC analysis stored at ingest is shown


def test_english_is_available_and_remembered(seeded, browser, sign_in):
    with browser_page("en-US", browser=browser) as page:
        sign_in(page, seeded, "supervisor")
        page.goto(seeded + "/customers/C-LI")
        expect(page.locator("#notes")).to_contain_text("怕坐飞机")
        page.locator("#lang-switch").click()
        expect(page.get_by_role("heading", name="Preferences and taboos")).to_be_visible()
        page.goto(seeded + "/")
        expect(page.get_by_text("Daily contacts by channel")).to_be_visible()
