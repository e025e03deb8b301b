"""In a real browser: an analyst asks for a funnel of their own steps on the Journeys page and
reads the counts computed by hand for the log (tests/journeys/test_funnel.py), the funnel and
Sankey charts drawn, a bad window refused beside the field with the input kept, in Chinese
and English."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.journeys.logs import write_log
from tests.journeys.test_funnel import LOG
from tests.support.browser import browser_page

pytestmark = pytest.mark.browser


def _ask(page, base, steps, window):
    page.goto(base + "/journeys")
    page.fill("#steps", steps)
    page.fill("#window", window)
    page.fill("#from", "2026-03-02")
    page.fill("#to", "2026-03-02")
    page.click("#journey-form button[type=submit]")


@pytest.mark.parametrize("locale", ["zh-CN", "en-US"])
def test_an_analyst_reads_a_funnel_and_where_people_went(engine, settings_env, base_url, browser, sign_in, locale):
    write_log(engine, LOG)
    with browser_page(locale, browser=browser) as page:
        sign_in(page, base_url, "analyst")
        if locale == "en-US":
            page.goto(base_url + "/journeys?lang=en")
        _ask(page, base_url, "app:a,app:b,app:c", "1h")
        expect(page.locator("#funnel-table .customers")).to_have_text(["9", "8", "4"])
        expect(page.locator("#funnel-chart .main-svg").first).to_be_visible()
        expect(page.locator("#sankey-chart .sankey").first).to_be_attached()
        expect(page.locator("#bottleneck")).to_contain_text("4")
        _ask(page, base_url, "app:a,app:b,app:c", "0")
        expect(page.locator("#window-error")).to_be_visible()
        expect(page.locator("#window")).to_have_value("0")
        expect(page.locator("#steps")).to_have_value("app:a,app:b,app:c")
        text = page.locator("#window-error").inner_text()
        assert ("90" in text) and (("天" in text) if locale == "zh-CN" else ("days" in text))
