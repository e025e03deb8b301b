"""Emerging clusters are named by what sets them apart, not by call-centre boilerplate.

A hand-built corpus: three issues of the last week (app crashes, a double annual fee, a
lost card), every text wrapped in the same boilerplate (客户 / 您好 / 请问 / 坐席 / 尽快),
and older texts of the same boilerplate about other things. The expected clusters and
their words are known from how the corpus was written.
"""
from __future__ import annotations

import math
from datetime import date, timedelta

from xinsheng.insights.clusters import boilerplate, emerging_clusters
from xinsheng.insights.labels import distinctive_words, log_odds

LAST = date(2026, 9, 30)
BOILERPLATE = {"客户", "您好", "请问", "坐席", "尽快"}
ISSUES = {
    "crash": ["手机银行一打开就闪退", "更新以后手机银行闪退", "手机银行闪退好几次了", "转账页面闪退，手机银行用不了",
              "手机银行又闪退了", "登录后马上闪退，手机银行太差", "手机银行闪退，转不了钱", "手机银行每次都闪退"],
    "fee": ["信用卡年费扣了两次", "信用卡年费被重复扣款", "年费扣了两次信用卡", "信用卡年费多扣了一笔",
            "为什么信用卡年费扣两次", "信用卡年费重复扣了", "年费多扣，信用卡账单不对", "信用卡年费扣了两遍"],
    "lost": ["银行卡丢了要挂失补卡", "借记卡丢失，怎么挂失补卡", "卡丢了，挂失以后补卡要多久", "银行卡挂失补卡",
             "我的卡丢了要挂失补卡", "挂失补卡要带什么", "卡片丢失需要挂失补卡", "银行卡丢了，挂失补卡"],
}
OLDER = ["理财收益太低了", "网点排队太久", "贷款利率太高", "外汇手续费太贵", "存款利息变少了", "积分兑换不了"]


def _wrap(text: str, i: int) -> str:
    """The same boilerplate around every text, as a contact centre's texts read."""
    return (f"您好，我是你们的老客户，请问{text}，" if i % 2 else f"客户来电：您好，{text}，") + "请坐席尽快处理"


def _corpus() -> list[tuple[date, str]]:
    recent = [(LAST - timedelta(days=i % 7), _wrap(text, i))
              for texts in ISSUES.values() for i, text in enumerate(texts)]
    older = [(LAST - timedelta(days=8 + i % 27), _wrap(OLDER[i % len(OLDER)], i)) for i in range(60)]
    return recent + older


def test_log_odds_matches_a_hand_computation():
    # a word in 4 of 4 cluster texts and 0 of 8 others; prior share (4 + ½) / 13 of 10 texts:
    # α = 45/13 with the word, β = 85/13 without
    delta, z = log_odds(4, 4, 0, 8)
    cells = (4 + 45 / 13, 0 + 85 / 13, 0 + 45 / 13, 8 + 85 / 13)
    want = math.log(cells[0] / cells[1]) - math.log(cells[2] / cells[3])
    assert round(want, 4) == 1.5671  # ln(97/85) − ln(45/189), by hand
    assert delta == pytest_approx(want)
    assert z == pytest_approx(want / math.sqrt(1 / cells[0] + 1 / cells[1] + 1 / cells[2] + 1 / cells[3]))
    # as common inside as outside (every text): no lead (the prior pulls the smaller side harder:
    # ln((4 + 125/13) / (5/13)) − ln((8 + 125/13) / (5/13)) = ln(177/229))
    assert log_odds(4, 4, 8, 8)[0] == pytest_approx(math.log(177 / 229))
    assert math.log(177 / 229) < 0


def pytest_approx(x):
    import pytest

    return pytest.approx(x, rel=1e-9, abs=1e-12)


def test_frequent_words_that_every_cluster_has_do_not_label_one():
    cluster = [{"客户", "尽快", "闪退", "手机银行"}] * 6
    others = [{"客户", "尽快", "年费"}] * 10 + [{"客户", "尽快", "挂失"}] * 10
    words = distinctive_words(cluster, others)
    assert words[:2] in (["闪退", "手机银行"], ["手机银行", "闪退"])
    assert not set(words) & {"客户", "尽快"}


def test_boilerplate_is_what_a_fifth_of_the_texts_share():
    docs = [{"客户", f"w{i}"} for i in range(20)] + [{"x"}] * 4
    assert boilerplate(docs) == {"客户"}  # in 20 of 24 texts; x in 4 (a sixth); each w_i in one
    assert boilerplate(docs[:10]) == set(), "too few texts to tell"


def test_clusters_of_a_corpus_full_of_boilerplate_are_named_by_their_issue():
    clusters = emerging_clusters(_corpus(), recent_days=7)
    assert len(clusters) == 3 and [c["size"] for c in clusters] == [8, 8, 8]
    signature = {"crash": "闪退", "fee": "年费", "lost": "挂失"}
    named = {}
    for c in clusters:
        assert not set(c["keywords"]) & BOILERPLATE, c["keywords"]
        assert not any(b in c["label"] for b in BOILERPLATE), c["label"]
        issue = next(k for k, word in signature.items() if word in c["keywords"][:2])
        named[issue] = c
        assert c["representative"] in {_wrap(t, i) for i, t in enumerate(ISSUES[issue])}
    assert set(named) == set(signature)


def test_a_cluster_of_a_new_issue_has_a_spike_on_its_day():
    """One lost card 30, 20 and 10 days ago; 8 on the last day (baseline 2 in the 28 days before).
    Every lost-card text says 挂失 and 补卡, so each counts towards the cluster's day."""
    older = [(LAST - timedelta(days=1 + i % 34), _wrap(OLDER[i % len(OLDER)], i)) for i in range(120)]
    older += [(LAST - timedelta(days=d), _wrap(ISSUES["lost"][-1], 0)) for d in (30, 20, 10)]
    new = [(LAST, _wrap(text, i)) for i, text in enumerate(ISSUES["lost"])]
    clusters = emerging_clusters(older + new, recent_days=7)
    lost = next(c for c in clusters if "挂失" in c["keywords"])
    assert lost["size"] == 8 and {"挂失", "补卡"} <= set(lost["keywords"][:4])
    assert [(s["day"], s["count"], s["baseline"]) for s in lost["spikes"]] == [
        (LAST.isoformat(), 8, round(2 / 28, 3))]
