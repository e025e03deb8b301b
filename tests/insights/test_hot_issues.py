"""The Hot issues report (热点问题): topics over time, a planted spike found on its day."""
from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from tests.factories import T0, interaction
from tests.insights.counts import contacts, write_ndjson
from tests.insights.reference import reference_topics
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


def assert_topics_as_counted_from_the_texts(engine, report, days: int, channel: str | None) -> None:
    """Every figure of every shown topic equals a count over the raw stored analyses
    (``tests/insights/reference.py``), and the shown topics are the reference's top ones."""
    want = reference_topics(engine, days, channel)
    ranked = sorted(want, key=lambda c: (-len(want[c]["spikes"]), -want[c]["negative"], -want[c]["total"], c))
    assert [t.code for t in report.topics] == ranked[:len(report.topics)]
    assert len(report.topics) == min(12, len(want))
    for t in report.topics:
        w = want[t.code]
        assert (t.label, t.total, t.negative, dict(t.daily)) == (w["label"], w["total"], w["negative"], dict(w["daily"]))
        assert t.mean_sentiment == pytest.approx(w["mean_sentiment"], abs=1e-9)
        assert [(s["day"], s["count"], s["baseline"]) for s in t.spikes] == [
            (s["day"], s["count"], s["baseline"]) for s in w["spikes"]]
        assert [s["p_value"] for s in t.spikes] == pytest.approx([s["p_value"] for s in w["spikes"]], rel=1e-6)


@pytest.mark.parametrize("channel", [None, "app", "phone"])
def test_the_report_equals_a_count_over_every_stored_text(seeded, engine, channel):
    with session_scope(engine) as s:
        report = hot_issues(s, days=90, channel=channel)
    assert_topics_as_counted_from_the_texts(engine, report, 90, channel)
    for topic in report.topics:
        assert len(topic.examples) == min(EXAMPLES, topic.negative)


@pytest.mark.parametrize("channel", [None, "wechat"])
def test_mixed_channels_and_days_across_midnight_equal_a_count_over_every_text(engine, tmp_path, channel):
    write_ndjson(tmp_path / "contacts.ndjson", contacts(300))
    ingest_file(tmp_path / "contacts.ndjson", "interactions", engine, batch_size=50)
    with session_scope(engine) as s:
        report = hot_issues(s, days=30, channel=channel)
    assert report.texts_analysed > 0
    assert_topics_as_counted_from_the_texts(engine, report, 30, channel)


def test_a_spike_counts_the_topics_negative_texts_where_it_is_not_the_first_topic(seeded, engine):
    """The spike day's login complaints are re-stored with another topic first: login still
    spikes on that day (its negative texts), and so does the topic now listed first."""
    spike_day = (T0 + timedelta(days=SPIKE_DAY)).date().isoformat()
    with session_scope(engine) as s:
        cols = [c.name for c in InteractionAnalysis.__table__.c]
        rows = [dict(zip(cols, r)) for r in s.execute(select(*InteractionAnalysis.__table__.c))]
    other = {"code": "service.other_first", "label": "先提到的话题", "score": 0.9, "triggers": ["x"]}
    moved = [r for r in rows if any(t["code"] == "mobile_banking.login_failure" for t in r["topics"])]
    for row in moved:
        row["topics"] = [other] + row["topics"]
    with session_scope(engine) as s:
        store_analysis_rows(s, moved)
    with session_scope(engine) as s:
        report = hot_issues(s, days=90)
    topics = {t.code: t for t in report.topics}
    login, first = topics["mobile_banking.login_failure"], topics["service.other_first"]
    assert [s["day"] for s in login.spikes] == [spike_day] and login.spikes[0]["count"] == 13
    assert [s["day"] for s in first.spikes] == [spike_day]
    assert_topics_as_counted_from_the_texts(engine, report, 90, None)


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
