"""The matcher on its own (no database): how customers really type their questions."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from tests.knowledge.conftest import FAQ
from xinsheng.knowledge.matching.index import ArticleDoc, KnowledgeIndex
from xinsheng.knowledge.matching.scorer import PairScorer

NOW = datetime(2026, 11, 1, tzinfo=timezone.utc)


@pytest.fixture(scope="module")
def index() -> KnowledgeIndex:
    idx = KnowledgeIndex()
    for i, a in enumerate(FAQ, start=1):
        idx.upsert(ArticleDoc(id=i, **{k: v for k, v in a.items()}))
    return idx


def top(index: KnowledgeIndex, query: str, **kw) -> str | None:
    kw.setdefault("now", NOW)
    found = index.search(query, **kw)
    return found[0].article.ref if found else None


@pytest.mark.parametrize("query, ref", [
    ("我的钱怎么都转不出去", "KB-TRANSFER-FAIL"),  # colloquial paraphrase (synonym list)
    ("轉賬失敗了怎麼辦", "KB-TRANSFER-FAIL"),  # traditional characters
    ("转帐一直不成功", "KB-TRANSFER-FAIL"),  # 帐 for 账, negated success
    ("取款机把我那张卡吞进去了", "KB-CARD-SWALLOWED"),  # word order and synonym
    ("信用咔怎么提额度", "KB-CC-LIMIT"),  # typo 咔
    ("网银怎么开通", "KB-ONLINE-BANKING"),  # 网银 = 网上银行
    ("每年购汇额度是多少？５万美元够吗", "KB-FX-QUOTA"),  # full-width digits and punctuation
])
def test_real_customer_wording_finds_the_right_article(index, query, ref):
    assert top(index, query) == ref


def test_negation_separates_success_from_failure(index):
    assert top(index, "转账不成功") == "KB-TRANSFER-FAIL"
    assert top(index, "转账成功了但对方没收到") == "KB-TRANSFER-NOT-ARRIVED"
    scorer = PairScorer()
    assert scorer.score("转账成功", "转账不成功") < 0.2
    assert scorer.score("转账失败", "钱转不出去") > 0.8


def test_each_match_says_why(index):
    best = index.search("我的钱怎么都转不出去", now=NOW)[0]
    assert "转账失败" in best.why["terms"]
    assert "转不出去→转账失败" in best.why["synonyms"]


def test_no_query_here_is_a_seed_question_of_the_shipped_scorer():
    """The shipped scorer is fitted on data/seed_questions.txt: asking those would test recall."""
    import inspect
    import re
    import sys

    from xinsheng.knowledge.matching.seed import seed_groups

    seeds = {q for _, qs in seed_groups() for q in qs}
    asked = set(re.findall(r'"([^"]+)"', inspect.getsource(sys.modules[__name__])))
    assert not asked & seeds


def test_unrelated_question_is_not_confident(index):
    found = index.search("今天天气怎么样", now=NOW)
    assert not found or found[0].confidence < 0.5


def test_validity_window_and_channels_are_respected():
    idx = KnowledgeIndex()
    idx.upsert(ArticleDoc(id=1, ref="OLD", title="旧版年费政策", question="信用卡年费怎么收",
                          valid_to=NOW - timedelta(days=1)))
    idx.upsert(ArticleDoc(id=2, ref="NEXT", title="明年的年费政策", question="信用卡年费怎么收",
                          valid_from=NOW + timedelta(days=30)))
    idx.upsert(ArticleDoc(id=3, ref="APP", title="手机银行年费", question="信用卡年费怎么收", channels=["app"]))
    assert top(idx, "信用卡年费怎么收", channel="phone") is None
    assert top(idx, "信用卡年费怎么收", channel="app") == "APP"
    assert top(idx, "信用卡年费怎么收", channel="app", now=NOW + timedelta(days=31)) in {"APP", "NEXT"}


def test_feedback_moves_an_article_up_for_that_question(index):
    query = "转账的钱去哪了"
    before = [m.article.id for m in index.search(query, now=NOW)]
    assert len(before) >= 2
    target = before[1]
    index.feedback.add(index.analyzer.analyze(query).canon, target, used=True)
    after = index.search(query, now=NOW)
    assert after[0].article.id == target and after[0].why["feedback"] == 1


def test_the_shipped_calibration_is_the_platt_fit_on_the_general_pairs():
    """The shipped scorer's calibration, refitted here with scipy (labels weighed equally,
    log-loss of σ(a·z + b) on the uncalibrated log-odds z): same slope and intercept; and,
    as every such fit, the weighted mean probability is the weighted share of "same" (½)."""
    import copy

    import numpy as np
    from scipy.optimize import minimize

    from xinsheng.knowledge.evaluate import Pairs, _scores, pair_features
    from xinsheng.knowledge.matching.seed import default_model, general_pairs

    pairs = general_pairs()
    y = np.array([label for *_, label in pairs])
    (f,) = pair_features(Pairs([a for a, _, _ in pairs], [b for _, b, _ in pairs], y))
    shipped = default_model()
    raw = copy.deepcopy(shipped)
    raw.calibration = [1.0, 0.0]
    p = np.clip(_scores(raw, f), 1e-12, 1 - 1e-12)
    z = np.log(p / (1 - p))
    w = np.where(y == 1, len(y) / (2 * y.sum()), len(y) / (2 * (len(y) - y.sum())))

    def loss(ab):
        q = 1 / (1 + np.exp(-(ab[0] * z + ab[1])))
        return -np.sum(w * (y * np.log(q) + (1 - y) * np.log(1 - q)))

    a, b = minimize(loss, [1.0, 0.0], method="Nelder-Mead", options={"xatol": 1e-7, "fatol": 1e-9}).x
    assert shipped.calibration == pytest.approx([a, b], abs=2e-3)
    assert np.sum(w * _scores(shipped, f)) / np.sum(w) == pytest.approx(0.5, abs=2e-3)
    assert shipped.threshold == 0.5
