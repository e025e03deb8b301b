"""The profile card and the revenue-at-risk page in a real browser."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest
from fastapi.testclient import TestClient
from playwright.sync_api import expect
from sqlalchemy import update

from tests.auth import make_token
from tests.factories import elderly_customer_wang, interaction
from tests.support.browser import browser_page
from xinsheng.db import session_scope
from xinsheng.profiles.models import CustomerProfile

pytestmark = pytest.mark.browser


@pytest.fixture
def seeded(base_url, engine, db_url):
    from xinsheng.app import create_app

    client = TestClient(create_app(db_url), headers={"Authorization": f"Bearer {make_token(engine)}"})
    client.post("/api/v1/customers", json=[elderly_customer_wang()])
    today = date.today()
    for day, value in ((today - timedelta(days=100), 900_000), (today - timedelta(days=1), 600_000)):
        assert client.post("/api/v1/holdings", json={"customer_ref": "C-WANG", "as_of": day.isoformat(),
                                                     "product": "WM-R2", "category": "wealth", "balance_cny": value,
                                                     "risk_level": 2}).status_code == 200
    # a transfer given up at its submit step: a bad contact on the mobile-transfer journey
    gave_up = interaction(1, start=datetime.now(timezone.utc) - timedelta(days=3), event="transfer_submitted",
                          outcome="abandoned")
    assert client.post("/api/v1/interactions", json=[gave_up]).json()["accepted"] == 1
    with session_scope(engine) as s:
        s.execute(update(CustomerProfile).values(churn_risk=0.55))
    return base_url


def test_the_customer_page_loads_the_profile_card(seeded, browser, sign_in):
    with browser_page("zh-CN", browser=browser) as page:
        sign_in(page, seeded, "supervisor")
        page.goto(seeded + "/customers/C-WANG")
        card = page.locator("#profile-features")
        expect(card.locator("tr[data-feature=value_tier] td").first).to_have_text("贵宾")  # 600,000 ≥ 500,000
        expect(card.locator("tr[data-feature=lifecycle] td").first).to_have_text("衰退")  # 600,000 < 80 % of 900,000
        expect(card.locator("tr[data-feature=digital_skill] td").first).to_have_text("数据不足")


def test_the_revenue_page_lists_the_customer_at_risk(seeded, browser, sign_in):
    with browser_page("zh-CN", browser=browser) as page:
        sign_in(page, seeded, "analyst")
        page.goto(seeded + "/")
        page.locator("a[href='/revenue-at-risk']").first.click()
        expect(page.locator("h1")).to_have_text("流失预警")
        expect(page.locator("#at-risk")).to_contain_text("C-WANG")
        expect(page.locator("#at-risk-summary")).to_contain_text("330,000")  # 0.55 × 600,000
        journey = page.locator("#by-journey tr[data-key=mobile_transfer] td")
        expect(journey).to_have_text(["手机转账", "1", "330,000"])
