"""The Hot issues report (热点问题): topics over time, a planted spike found on its day."""
from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from tests.factories import T0, interaction
from tests.support.browser import browser_page

LOGIN = ["手机银行登录不上，一直提示密码错误，太气人了", "手机银行又登录失败了，非常不满意",
         "新版手机银行登录不上了，验证码也收不到，烦死了", "升级以后手机银行登录失败，什么破系统"]
BRANCH = ["请问网点几点开门", "网点排队太久了，等了一个小时"]
SPIKE_DAY = 30


def _contacts() -> list[dict]:
    """40 days: two branch texts and one login complaint a day, 12 login complaints on day 30."""
    out, n = [], 0
    for day in range(40):
        start = T0 + timedelta(days=day)
        texts = BRANCH + LOGIN[day % 4:day % 4 + 1] + (LOGIN * 3 if day == SPIKE_DAY else [])
        for i, text in enumerate(texts):
            out.append(interaction(n, customer_ref=None, channel="app", text=text,
                                   start=start + timedelta(minutes=10 * i)))
            n += 1
    return out


@pytest.fixture
def seeded(client):
    assert client.post("/api/v1/interactions", json=_contacts()).json()["rejected"] == 0
    return client


def test_the_spike_is_found_on_its_day_with_size_and_significance(seeded, client_as):
    analyst = client_as("analyst")
    report = analyst.get("/api/v1/voc/hot-issues", params={"days": 90}).json()
    topics = {t["code"]: t for t in report["topics"]}
    login = topics["mobile_banking.login_failure"]
    spike_day = (T0 + timedelta(days=SPIKE_DAY)).date().isoformat()
    assert [s["day"] for s in login["spikes"]] == [spike_day]
    spike = login["spikes"][0]
    assert spike["count"] == 13 and spike["baseline"] < 2 and spike["p_value"] < 1e-3
    assert login["negative_share"] > 0.9 and login["examples"]
    assert not topics["service.branch"]["spikes"], "a steady topic has no spike"
    assert report["texts_analysed"] == len(_contacts())


def test_only_roles_with_voc_read_see_it(seeded, client_as):
    assert client_as("agent", agent_ref="A1").get("/api/v1/voc/hot-issues").status_code == 403
    assert client_as("supervisor").get("/api/v1/voc/hot-issues").status_code == 200


@pytest.mark.browser
def test_hot_issues_page_in_the_browser(seeded, base_url, browser, sign_in):
    with browser_page("zh-CN", browser=browser) as page:
        sign_in(page, base_url, "analyst")
        page.click("#nav-hot")
        expect(page.get_by_role("heading", name="热点问题")).to_be_visible()
        expect(page.locator("#trend-chart .main-svg").first).to_be_visible()
        login = page.locator("#topics tr.topic[data-code='mobile_banking.login_failure']")
        expect(login).to_contain_text("手机银行 › 登录失败")
        expect(login.locator(".spike")).to_have_count(1)
        expect(login.locator(".spike")).to_contain_text((T0 + timedelta(days=SPIKE_DAY)).date().isoformat())
        expect(page.locator("#clusters li").first).to_be_visible()
