"""In a real browser: an IVR designer looks up a month-start transferer and sees transfer
first with the reason; edits the menu tree, a broken one is refused beside the field with
the text kept, a good one becomes version 1. Expected values set up by hand."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.ivr.builders import at, customer, ingest, ivr_choice
from tests.support.browser import browser_page

pytestmark = pytest.mark.browser


def test_designer_sees_a_callers_menu_and_edits_the_tree(engine, base_url, browser, sign_in):
    ingest(engine, [customer("C-T")], [ivr_choice("C-T", "transfer", at(d)) for d in
                                       ("2026-09-01", "2026-10-02", "2026-11-03")])
    with browser_page("zh-CN", browser=browser) as page:
        sign_in(page, base_url, "ivr_designer")
        page.goto(base_url + "/ivr")
        page.fill("#caller-input", "C-T")
        page.fill("#at-input", "2026-12-02T10:00:00+08:00")
        page.click("#caller-form button[type=submit]")
        first = page.locator("#menu-options tbody tr").first
        expect(first).to_have_attribute("data-code", "transfer")
        expect(first).to_contain_text("您常在月初办理转账汇款")
        expect(page.locator("#menu-kind")).to_have_text("个性化菜单")

        source = page.locator("#source-input").input_value()
        broken = source.replace("goto: transfer}", "goto: nowhere}")
        page.fill("#source-input", broken)
        page.fill("#note-input", "试一下")
        page.click("#tree-form button[type=submit]")
        expect(page.locator("#error-source")).to_contain_text("指向不存在的节点 nowhere")
        assert page.locator("#source-input").input_value() == broken
        expect(page.locator("#note-input")).to_have_value("试一下")

        page.fill("#source-input", source.replace("余额查询", "查询余额"))
        page.fill("#note-input", "改名")
        page.click("#tree-form button[type=submit]")
        expect(page.locator("#tree-saved")).to_have_text("已保存为第 1 版。")
        expect(page.locator("#tree-versions tbody tr").first).to_contain_text("改名")
