"""One language at a time in a real browser: what Chromium shows (text drawn by scripts too,
such as the chart's date axis) is in the page's language, data aside."""
from __future__ import annotations

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from playwright.sync_api import expect

from tests.auth import make_token
from tests.factories import elderly_customer_wang, interaction
from tests.support.browser import browser_page
from tests.web.language import CJK, leaks
from xinsheng.db import utcnow

pytestmark = pytest.mark.browser
#: the page's text as shown, without what it marks as data
SHOWN_TEXT = """() => {
  const copy = document.body.cloneNode(true);
  copy.querySelectorAll('[data-user-content], [translate=no], script, style, svg').forEach(e => e.remove());
  document.body.appendChild(copy); copy.style.position = 'absolute'; copy.style.left = '-99999px';
  const text = copy.innerText; copy.remove(); return text;
}"""


@pytest.fixture
def seeded(base_url, engine, db_url):
    from xinsheng.app import create_app

    client = TestClient(create_app(db_url), headers={"Authorization": f"Bearer {make_token(engine)}"})
    client.post("/api/v1/customers", json=[elderly_customer_wang()])
    start = utcnow() - timedelta(days=20)
    records = [interaction(i, start=start + timedelta(days=i // 3), agent_ref="A1001",
                           channel=("phone", "app", "sms")[i % 3], event=("call", "login_success", "notice_sent")[i % 3],
                           direction="outbound" if i % 3 == 2 else "inbound",
                           text="转账一直失败，怎么办？" if i % 3 == 0 else None) for i in range(45)]
    assert client.post("/api/v1/interactions", json=records).json()["accepted"] == 45
    return base_url


@pytest.mark.parametrize("locale, lang", [("zh-CN", "zh"), ("en-US", "en")])
def test_pages_in_chromium_show_one_language(seeded, browser, sign_in, locale, lang):
    with browser_page(locale, browser=browser) as page:
        sign_in(page, seeded, "agent", agent_ref="A1001")
        page.goto(f"{seeded}/?lang={lang}")
        ticks = page.locator("#volume-chart .xtick text")
        expect(ticks.first).to_be_visible()
        labels = ticks.all_text_contents()
        if lang == "zh":
            assert all("月" in x or "年" in x for x in labels), labels
        else:
            assert not any(CJK.search(x) for x in labels), labels
        problems = []
        for path in ("/", "/customers/C-WANG", "/knowledge?q=转账失败", "/hot-issues", "/customers/C-NOBODY"):
            page.goto(seeded + path)
            page.wait_for_load_state("networkidle")
            problems += [f"{path}: {x!r}" for x in leaks(page.evaluate(SHOWN_TEXT), lang)]
        assert not problems, "\n".join(problems)
        page.goto(seeded + "/customers/C-WANG")
        bank = page.locator("#timeline li.from-bank").first
        expect(bank).to_contain_text("银行发出" if lang == "zh" else "Sent by the bank")
