"""The Hot issues report (热点问题): topics over time, a planted spike found on its day."""
from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from tests.factories import T0, interaction
from tests.insights.counts import contacts, write_ndjson
from tests.support.browser import browser_page
from xinsheng.db import session_scope
from xinsheng.ingest.files import ingest_file
from xinsheng.insights import service
from xinsheng.insights.service import EXAMPLES, hot_issues
from xinsheng.interactions.analysis import reanalyze, store_analysis_rows
from xinsheng.interactions.models import InteractionAnalysis

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


def _shape(report) -> dict:
    """What the page shows of a report, examples aside (they are the newest texts now) and
    the order of topics that rank the same (it was the order of first mention)."""
    return {"days": report.days, "texts": report.texts_analysed,
            "topics": sorted((t.code, t.label, t.total, t.negative, round(t.mean_sentiment, 9), dict(t.daily),
                              t.spikes) for t in report.topics),
            "ranks": [(len(t.spikes), t.negative, t.total) for t in report.topics],
            "clusters": [(c["id"], c["size"], c["keywords"], c["spikes"]) for c in report.clusters]}


@pytest.mark.parametrize("channel", [None, "app", "phone"])
def test_the_report_from_daily_counts_equals_the_old_count_over_every_text(seeded, engine, channel):
    from benchmarks.bench_hot_issues import old_hot_issues

    with session_scope(engine) as s:
        new, old = hot_issues(s, days=90, channel=channel), old_hot_issues(s, days=90, channel=channel)
    assert _shape(new) == _shape(old)
    for topic in new.topics:
        assert len(topic.examples) == min(EXAMPLES, topic.negative)


@pytest.mark.parametrize("channel", [None, "wechat"])
def test_mixed_channels_and_days_across_midnight_equal_the_old_count(engine, tmp_path, channel):
    from benchmarks.bench_hot_issues import old_hot_issues

    write_ndjson(tmp_path / "contacts.ndjson", contacts(300))
    ingest_file(tmp_path / "contacts.ndjson", "interactions", engine, batch_size=50)
    with session_scope(engine) as s:
        new, old = hot_issues(s, days=30, channel=channel), old_hot_issues(s, days=30, channel=channel)
    assert new.texts_analysed > 0 and _shape(new) == _shape(old)


def test_reanalysis_changes_nothing_in_the_report(seeded, engine):
    with session_scope(engine) as s:
        before = _shape(hot_issues(s))
    assert reanalyze(engine, everything=True) == len(_contacts())
    with session_scope(engine) as s:
        assert _shape(hot_issues(s)) == before


def test_examples_are_the_newest_negative_texts_and_clusters_a_bounded_sample(seeded, engine, monkeypatch):
    monkeypatch.setattr(service, "SAMPLE_PER_DAY", 2)
    with session_scope(engine) as s:
        report = hot_issues(s)
    login = next(t for t in report.topics if t.code == "mobile_banking.login_failure")
    newest = LOGIN[39 % 4]  # the last day's login complaint
    assert login.examples[0] == newest and len(login.examples) == EXAMPLES
    assert sum(c["size"] for c in report.clusters) <= 2 * service.RECENT_DAYS
    assert report.texts_analysed == len(_contacts()), "counts are never sampled"


def test_kept_clusters_follow_a_reanalysis(seeded, engine):
    with session_scope(engine) as s:
        before = hot_issues(s).clusters
        cols = [c.name for c in InteractionAnalysis.__table__.c]
        rows = [dict(zip(cols, r)) for r in s.execute(select(*InteractionAnalysis.__table__.c))]
    for row in rows:  # another model finds the login complaints merely annoyed
        if any(t["code"] == "mobile_banking.login_failure" for t in row["topics"]):
            row.update(sentiment_label="neutral", sentiment_score=-0.1)
    with session_scope(engine) as s:
        store_analysis_rows(s, rows)
    with session_scope(engine) as s:
        after = hot_issues(s).clusters
        service._cluster_cache.clear()
        assert after == hot_issues(s).clusters != before
    assert not any("登录" in c["representative"] for c in after)
