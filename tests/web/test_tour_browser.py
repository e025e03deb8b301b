"""The tour as each role clicks it, in Chromium, in Chinese and in English: the home page,
then every link of the role's navigation and of its home's tools. Each page shows only
words of its language (data aside), draws without a script error or a refused resource
(CSP), and the language switch keeps the page's query."""
from __future__ import annotations

from datetime import timedelta
from urllib.parse import parse_qsl, urlsplit

import pytest
from fastapi.testclient import TestClient

from tests.auth import make_token
from tests.factories import elderly_customer_wang, interaction, private_banking_client_li
from tests.support.browser import browser_page
from tests.web.language import leaks
from tests.web.test_one_language import ROLES
from tests.web.test_one_language_browser import SHOWN_TEXT
from xinsheng.db import utcnow

pytestmark = pytest.mark.browser


@pytest.fixture
def seeded(base_url, engine, db_url):
    from xinsheng.app import create_app

    client = TestClient(create_app(db_url), headers={"Authorization": f"Bearer {make_token(engine)}"})
    client.post("/api/v1/customers", json=[elderly_customer_wang(), private_banking_client_li()])
    start = utcnow() - timedelta(days=20)
    records = [interaction(i, start=start + timedelta(days=i // 3), agent_ref="A1001",
                           channel=("phone", "app", "wechat")[i % 3],
                           text="转账一直失败，很生气" if i % 3 == 0 else None) for i in range(30)]
    assert client.post("/api/v1/interactions", json=records).json()["accepted"] == 30
    return base_url


def _links(page) -> list[str]:
    """The role's navigation and home tools: same-site paths, in page order, once each
    (not /docs: the API explorer is for integrators, in English like the JSON API)."""
    hrefs = page.eval_on_selector_all("header nav a, main a[href^='/']", "els => els.map(e => e.getAttribute('href'))")
    out = []
    for href in hrefs:
        path = urlsplit(href).path
        if (href.startswith("/") and not href.startswith(("/customers/", "/docs")) and path not in out
                and "#" not in href):
            out.append(path)
    return out


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_role_clicks_through_its_pages_in_one_language(seeded, browser, sign_in, lang):
    problems: list[str] = []
    with browser_page("zh-CN" if lang == "zh" else "en-US", browser=browser) as page:
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(f"script error: {exc}"))
        page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
        for role, fields in ROLES.items():
            page.context.clear_cookies()
            sign_in(page, seeded, role, **dict(fields))
            page.goto(f"{seeded}/?lang={lang}")
            visited = 0
            for path in _links(page):
                errors.clear()
                page.goto(seeded + path)
                page.wait_for_load_state("networkidle")
                visited += 1
                problems += [f"{role} {path}: {x!r}" for x in leaks(page.evaluate(SHOWN_TEXT), lang)]
                problems += [f"{role} {path}: {e}" for e in errors]
            assert visited >= 2, f"{role}: a home without links"
    assert not problems, "\n".join(problems)


def test_the_language_switch_keeps_the_view(seeded, browser, sign_in):
    with browser_page("zh-CN", browser=browser) as page:
        sign_in(page, seeded, "analyst")
        page.goto(f"{seeded}/hot-issues?days=30&lang=zh")
        page.click("#lang-switch")
        page.wait_for_load_state("networkidle")
        url = urlsplit(page.url)
        assert url.path == "/hot-issues" and parse_qsl(url.query) == [("days", "30"), ("lang", "en")]
        assert page.locator("html").get_attribute("lang") == "en"
        assert page.locator("select[name=days]").input_value() == "30"
        page.click("#lang-switch")
        page.wait_for_load_state("networkidle")
        assert parse_qsl(urlsplit(page.url).query) == [("days", "30"), ("lang", "zh")]
