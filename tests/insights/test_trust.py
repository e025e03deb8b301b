"""Hot issues that an analyst trusts: only the customer's voice, in the customer's words,
clusters named by what sets them apart, a chart of every topic of the table with spike
chips that say what their numbers mean, and assets linked by content hash.

Expected answers are counted by hand from the contacts written here (or, for file hashes,
by hashlib over the files), never taken from the report.
"""
from __future__ import annotations

import hashlib
import html as htmllib
import json
import re
from datetime import timedelta
from pathlib import Path

import plotly
import pytest
from sqlalchemy import func, select

import xinsheng
from tests.factories import T0, interaction
from tests.insights.counts import assert_counts_match
from tests.insights.test_hot_issues import LOGIN, SPIKE_DAY, _contacts
from xinsheng.db import session_scope
from xinsheng.insights.service import hot_issues
from xinsheng.interactions.models import ALL_TEXTS, Interaction, InteractionAnalysis, TopicDaily

LOGIN_CODE = "mobile_banking.login_failure"
BANK = "【测试银行】"
OUTBOUND_DAYS = range(33, 40)  # 9 outbound login texts a day: a spike on day 33 if they were counted


def _outbound() -> list[dict]:
    """The bank's own texts that read like login complaints (so an analysis finds them
    negative and about login failures), on SMS and as an outbound call."""
    out, n = [], 10_000
    for day in OUTBOUND_DAYS:
        for i in range(9):
            text = BANK + LOGIN[i % 4] if i < 8 else "坐席：" + LOGIN[0] + "\n客户：好的"
            out.append(interaction(n, customer_ref=None, channel="sms" if i < 8 else "phone", text=text,
                                   direction="outbound", start=T0 + timedelta(days=day, hours=3, minutes=i)))
            n += 1
    return out


@pytest.fixture
def with_outbound(client):
    assert client.post("/api/v1/interactions", json=_contacts() + _outbound()).json()["rejected"] == 0
    return client


def test_the_banks_outbound_texts_are_in_no_count_cluster_spike_or_example(with_outbound, engine):
    with session_scope(engine) as s:  # the outbound texts were analysed: negative, about login failures
        found = s.execute(select(InteractionAnalysis.sentiment_label, InteractionAnalysis.topics)
                          .join(Interaction, Interaction.id == InteractionAnalysis.interaction_id)
                          .where(Interaction.direction == "outbound")).all()
        assert len(found) == 63
        assert sum(1 for label, topics in found
                   if label == "negative" and any(t["code"] == LOGIN_CODE for t in topics)) >= 40
        texts = s.scalar(select(func.sum(TopicDaily.texts)).where(TopicDaily.topic_code == ALL_TEXTS))
        login = s.scalar(select(func.sum(TopicDaily.texts)).where(TopicDaily.topic_code == LOGIN_CODE))
        report = hot_issues(s, days=90)
    # by hand: 40 days × (2 branch texts + 1 login complaint) + 12 more login complaints on day 30
    assert texts == 132 and report.texts_analysed == 132
    assert login == 52
    assert_counts_match(engine)
    topic = next(t for t in report.topics if t.code == LOGIN_CODE)
    assert topic.total == 52 and sum(topic.daily.values()) == 52
    assert [s["day"] for s in topic.spikes] == [(T0 + timedelta(days=SPIKE_DAY)).date().isoformat()]
    assert not any(BANK in ex or "坐席" in ex for t in report.topics for ex in t.examples)
    assert not any(BANK in c["representative"] for c in report.clusters)
    # the last week holds 7 inbound login complaints (one a day) and 14 branch texts: clusters
    # are made of those only
    assert sum(c["size"] for c in report.clusters) <= 7 + 14


def test_examples_are_the_customers_own_sentences_not_the_agents(client, engine):
    transcript = ("客户：手机银行登录不上，一直提示密码错误，太气人了\n"
                  "坐席：您好，请问您尽快重置一下密码可以吗\n"
                  "客户：重置了还是登录失败。非常不满意！")
    newest = interaction(500, customer_ref=None, channel="phone", text=transcript,
                         start=T0 + timedelta(days=39, hours=20))
    assert client.post("/api/v1/interactions", json=_contacts() + [newest]).json()["rejected"] == 0
    with session_scope(engine) as s:
        analysis = s.get(InteractionAnalysis, s.scalar(select(Interaction.id).where(Interaction.external_id == "ext-500")))
        assert analysis.sentiment_label == "negative" and LOGIN_CODE in [t["code"] for t in analysis.topics]
        report = hot_issues(s, days=90)
    login = next(t for t in report.topics if t.code == LOGIN_CODE)
    # the customer's three sentences, in order, without the agent's line
    assert login.examples[0] == "手机银行登录不上，一直提示密码错误，太气人了 重置了还是登录失败。 非常不满意！"
    assert login.examples[1] == LOGIN[39 % 4]


def _figure(page: str) -> dict:
    return json.loads(htmllib.unescape(re.search(r"data-figure='([^']*)'", page).group(1)))


def _topic_rows(page: str) -> list[str]:
    return re.findall(r'<tr class="topic" data-code="([^"]+)"', page)


def test_the_chart_shows_every_topic_of_the_table_in_its_own_colour_with_chinese_dates(with_outbound, client_as):
    page = client_as("analyst").get("/hot-issues").text
    figure, rows = _figure(page), _topic_rows(page)
    lines = [tr for tr in figure["data"] if tr["mode"] == "lines"]
    assert len(rows) >= 3 and len(lines) == len(rows)
    assert [tr["legendgroup"] for tr in lines] == rows
    colours = [tr["line"]["color"] for tr in lines]
    assert len(set(colours)) == len(colours), "no two topics share a colour"
    swatches = re.findall(r'class="swatch" data-colour="([^"]+)"', page)
    assert swatches == colours, "each row's swatch is its line's colour"
    markers = [tr for tr in figure["data"] if tr["mode"] == "markers"]
    by_code = dict(zip(rows, colours))
    assert markers and all(tr["marker"]["color"] == by_code[tr["legendgroup"]] for tr in markers)
    # the login line: negative texts a day, 13 on the spike day (12 + the day's one), 1 on the others
    login = next(tr for tr in lines if tr["legendgroup"] == LOGIN_CODE)
    spike_day = (T0 + timedelta(days=SPIKE_DAY)).date().isoformat()
    assert dict(zip(login["x"], login["y"]))[spike_day] == 13
    assert sorted(set(login["y"])) == [1, 13]
    assert figure["layout"]["xaxis"]["hoverformat"] == "%Y年%-m月%-d日"
    assert any(stop["value"] == "%-m月%-d日" for stop in figure["layout"]["xaxis"]["tickformatstops"])
    assert f"下表全部 {len(rows)} 个话题" in page


@pytest.mark.parametrize("lang, chip, help_words", [
    ("zh", "▲ {day}：13 条，平时 1.0 条/天，×13.0", ["基线", "泊松", "p &lt; 0.001"]),
    ("en", "▲ {day}: 13 texts, usually 1.0/day, ×13.0", ["baseline", "Poisson", "p &lt; 0.001"]),
])
def test_spike_chips_say_what_their_numbers_mean(with_outbound, client_as, lang, chip, help_words):
    """Day 30: 13 login complaints against one a day over the 28 days before (baseline 1.0,
    13 times it; z = (13 − 1) / √1 = 12.0)."""
    page = client_as("analyst").get("/hot-issues", params={"lang": lang}).text
    day = (T0 + timedelta(days=SPIKE_DAY)).date().isoformat()
    row = page[page.index(f'data-code="{LOGIN_CODE}"'):]
    row = row[:row.index("</tr>")]
    assert chip.format(day=day) in htmllib.unescape(re.sub(r"<[^>]+>", "", row))
    title = htmllib.unescape(re.search(r'class="spike" data-day="[^"]+" title="([^"]+)"', row).group(1))
    assert "13" in title and "1.0" in title and "13.0" in title and "12.0" in title and "p = " in title
    assert ("28 天" in title) if lang == "zh" else ("28 days" in title)
    help_text = re.search(r'<p class="muted" id="spike-help">(.*?)</p>', page, re.S).group(1)
    assert all(w in help_text for w in help_words)


def test_topic_names_follow_the_page_language(with_outbound, client_as):
    import yaml

    taxonomy = Path(xinsheng.__file__).parent / "voc" / "data" / "taxonomy.yaml"
    english = _english_label(yaml.safe_load(taxonomy.read_text(encoding="utf-8")), LOGIN_CODE)
    page = client_as("analyst").get("/hot-issues", params={"lang": "en"}).text
    row = page[page.index(f'data-code="{LOGIN_CODE}"'):]
    assert f"<strong>{htmllib.escape(english, quote=False)}</strong>" in row[:row.index("</tr>")]
    assert english in [tr["name"] for tr in _figure(page)["data"]]


def _english_label(data: dict, code: str) -> str:
    """The topic's English name as the taxonomy file gives it: parent › child."""
    parent_code, child_code = code.split(".")
    parent = next(p for p in data["topics"] if p["code"] == parent_code)
    child = next(c for c in parent["children"] if c["code"] == child_code)
    return f"{parent['label_en']} › {child['label_en']}"


def test_the_page_links_its_scripts_by_their_content_hash(with_outbound, client_as):
    page = client_as("analyst").get("/hot-issues").text
    files = {"vendor/plotly.min.js": Path(plotly.__file__).parent / "package_data" / "plotly.min.js",
             "charts.js": Path(xinsheng.__file__).parent / "web" / "static" / "charts.js"}
    for name, path in files.items():
        digest = hashlib.sha256(path.read_bytes()).hexdigest()[:12]
        assert f'src="/static/{name}?v={digest}"' in page, name


def test_the_page_comes_at_once_and_its_clusters_when_ready(with_outbound, engine, client_as):
    """The first view shows the topics and asks for the clusters apart; once they are kept,
    the page shows them at once. Either way they are the report's clusters."""
    from xinsheng.insights import service

    service._cluster_cache.clear()
    analyst = client_as("analyst")
    first = analyst.get("/hot-issues", params={"days": 30}).text
    assert 'hx-get="/hot-issues/clusters?days=30&amp;lang=zh"' in first or \
        'hx-get="/hot-issues/clusters?days=30&lang=zh"' in first
    assert 'id="clusters"' not in first and 'id="clusters-loading"' in first
    fragment = analyst.get("/hot-issues/clusters", params={"days": 30}).text
    with session_scope(engine) as s:
        want = hot_issues(s, days=30).clusters
    assert want, "the last week has clusters to show"
    assert re.findall(r'<li data-id="([^"]+)"', fragment) == [c["id"] for c in want]
    again = analyst.get("/hot-issues", params={"days": 30}).text
    assert re.findall(r'<li data-id="([^"]+)"', again) == [c["id"] for c in want]
    assert 'id="clusters-loading"' not in again


def test_a_database_counted_before_is_recounted_over_customers_texts_only(with_outbound, engine):
    """Revision 0013 on a database whose counts still hold the bank's texts (as counted
    before revision 0004 skipped them): back to the hand-counted 132 and 52."""
    import importlib

    migration = importlib.import_module("xinsheng.migrations.versions.0013_topic_daily_customers")
    with engine.begin() as conn:  # stale counts, as a database counted before holds them
        conn.execute(TopicDaily.__table__.update().where(TopicDaily.topic_code == ALL_TEXTS)
                     .values(texts=TopicDaily.texts + 1))
    with session_scope(engine) as s:
        assert s.scalar(select(func.sum(TopicDaily.texts)).where(TopicDaily.topic_code == ALL_TEXTS)) > 132
    with engine.begin() as conn:
        migration.recount(conn)
    with session_scope(engine) as s:
        assert s.scalar(select(func.sum(TopicDaily.texts)).where(TopicDaily.topic_code == ALL_TEXTS)) == 132
        assert s.scalar(select(func.sum(TopicDaily.texts)).where(TopicDaily.topic_code == LOGIN_CODE)) == 52
    assert_counts_match(engine)
