"""In a real browser: an analyst opens 体验指标 / Experience for the hand-built contact log
(tests/journeys/contact_log.py, answers worked out in test_experience.py), reads FCR and
the repeat-contact rate with their definitions, the trend chart drawn, the table by channel,
an A/B verdict, and a period with from after to refused beside the field, input kept."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.journeys.contact_log import write_contacts
from tests.support.browser import browser_page

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("locale", ["zh-CN", "en-US"])
def test_an_analyst_reads_the_experience_kpis(engine, settings_env, base_url, browser, sign_in, locale):
    write_contacts(engine)
    zh = locale == "zh-CN"
    with browser_page(locale, browser=browser) as page:
        sign_in(page, base_url, "analyst")
        page.goto(base_url + "/experience" + ("" if zh else "?lang=en"))
        page.fill("#from", "2026-03-02")
        page.fill("#to", "2026-03-02")
        page.select_option("#by", "channel")
        page.click("#kpi-form button[type=submit]")
        expect(page.locator("tr[data-kpi=contacts] .current")).to_have_text("8")
        expect(page.locator("tr[data-kpi=fcr] .current")).to_have_text("33.3%")
        expect(page.locator("tr[data-kpi=repeat_rate] .current")).to_have_text("42.9%")
        expect(page.locator("tr[data-kpi=handle_seconds] .current")).to_contain_text("138.3")
        expect(page.locator("#def-fcr")).to_contain_text("7 天" if zh else "7 days")
        expect(page.locator("#def-repeat")).to_contain_text("重复联系" if zh else "repeat contact")
        expect(page.locator("#trend-chart .main-svg").first).to_be_visible()
        expect(page.locator("tr[data-group=phone] .contacts")).to_have_text("6")
        expect(page.locator("tr[data-group=phone] td").first).to_have_text("电话" if zh else "Phone")
        page.fill("#refs_a", "k1,k2")
        page.fill("#refs_b", "k3, k4")
        page.select_option("#metric", "repeat_rate")
        page.click("#ab-form button[type=submit]")
        expect(page.locator("#ab-verdict")).to_contain_text("40.0%")
        expect(page.locator("#ab-verdict")).to_contain_text("50.0%")
        page.fill("#refs_b", "nobody")
        page.click("#ab-form button[type=submit]")
        expect(page.locator("#group_b-error")).to_be_visible()
        expect(page.locator("#refs_b")).to_have_value("nobody")
        page.fill("#from", "2026-03-05")
        page.click("#kpi-form button[type=submit]")
        expect(page.locator("#from-error")).to_be_visible()
        expect(page.locator("#from")).to_have_value("2026-03-05")


def test_the_journey_page_shows_the_contacts_of_each_step(engine, settings_env, base_url, browser, sign_in):
    from tests.journeys.test_step_kpis import LOG

    write_contacts(engine, LOG, {f"u{i}": {} for i in range(1, 6)})
    with browser_page("zh-CN", browser=browser) as page:
        sign_in(page, base_url, "analyst")
        page.goto(base_url + "/journeys?steps=app:a,app:b&window=1h&from=2026-03-02&to=2026-03-02")
        rows = page.locator("#step-kpi-table tbody tr")
        expect(rows.locator(".contacts")).to_have_text(["3", "1"])
        expect(rows.locator(".help-rate")).to_have_text(["66.7%", "50.0%"])
        expect(rows.locator(".fcr")).to_have_text(["50.0%", "0.0%"])
        expect(rows.locator(".sentiment")).to_have_text(["0.1", "—"])
