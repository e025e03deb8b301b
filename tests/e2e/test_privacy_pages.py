"""In a real browser: who sees a customer's name, and how a masked name is unmasked."""
from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from playwright.sync_api import expect

from tests.auth import make_token
from tests.factories import elderly_customer_wang, interaction
from tests.support.browser import browser_page
from xinsheng.audit.models import AuditEntry
from xinsheng.db import session_scope

pytestmark = pytest.mark.browser


@pytest.fixture
def seeded(base_url, engine, db_url):
    from xinsheng.app import create_app

    client = TestClient(create_app(db_url), headers={"Authorization": f"Bearer {make_token(engine)}"})
    client.post("/api/v1/customers", json=[elderly_customer_wang(attributes={"mobile": "13812345678"})])
    client.post("/api/v1/interactions", json=[interaction(1, text="我叫王建国，手机13812345678，转账失败")])
    return base_url


def test_supervisor_sees_the_name_and_analyst_sees_it_masked(seeded, browser, sign_in):
    with browser_page("zh-CN", browser=browser) as page:
        sign_in(page, seeded, "supervisor")
        page.goto(seeded + "/customers/C-WANG")
        expect(page.locator("#customer-name")).to_have_text("王建国")
        expect(page.locator("#notes")).to_contain_text("听力不好")
        expect(page.locator("#masked-note")).to_have_count(0)
    with browser_page("zh-CN", browser=browser) as page:
        sign_in(page, seeded, "analyst")
        page.goto(seeded + "/customers/C-WANG")
        expect(page.locator("#customer-name")).to_have_text("王**")
        expect(page.locator("#masked-note")).to_be_visible()
        expect(page.locator("#profile")).not_to_contain_text("王建国")
        expect(page.locator("#timeline .text")).to_contain_text("〔手机号〕")
        expect(page.locator("#unmask-form")).to_have_count(0)
        page.goto(seeded + "/")
        expect(page.locator("body")).not_to_contain_text("王建国")
        page.fill("#q", "王建国")
        expect(page.locator("#search-results")).to_contain_text("你的角色看不到客户姓名，不能按姓名查找")
        page.fill("#q", "C-WA")
        expect(page.locator("#search-results")).to_contain_text("王**")


def test_admin_unmasks_with_a_reason_and_it_is_logged(seeded, browser, sign_in, engine):
    with browser_page("en-US", browser=browser) as page:
        username = sign_in(page, seeded, "admin")
        page.goto(seeded + "/customers/C-WANG")
        expect(page.locator("#customer-name")).to_have_text("王**")
        page.fill("#unmask-reason", "regulator request 2026-118")
        page.click("#unmask-form button[type=submit]")
        expect(page.locator("#customer-name")).to_have_text("王建国")
        expect(page.locator("#unmasked-note")).to_be_visible()
        page.goto(seeded + "/admin/audit?action=customer.unmask")
        expect(page.locator("#audit-entries")).to_contain_text("regulator request 2026-118")
        page.click("#verify-chain")
        expect(page.locator("#chain-result")).to_have_class("flash ok")
    with session_scope(engine) as s:
        entry = s.query(AuditEntry).filter_by(action="customer.unmask").one()
    assert (entry.actor, entry.reason, entry.target_ref) == (username, "regulator request 2026-118", "C-WANG")


def test_sign_in_page_refuses_a_wrong_password_and_signs_out(seeded, browser, sign_in):
    with browser_page("zh-CN", browser=browser) as page:
        page.goto(seeded + "/customers/C-WANG")
        expect(page).to_have_url(seeded + "/signin?next=%2Fcustomers%2FC-WANG")
        page.fill("#username", "nobody")
        page.fill("#password", "wrong password")
        page.click("#signin-form button[type=submit]")
        expect(page.locator("#signin-error")).to_contain_text("锁定")
        sign_in(page, seeded, "supervisor")
        page.click("#signout")
        expect(page.locator("#signin-form")).to_be_visible()
