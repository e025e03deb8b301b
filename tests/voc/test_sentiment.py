"""Sentiment: negation, degree, contrast, banking negatives, sarcasm; labels and scores."""
from __future__ import annotations

import pytest

from xinsheng.voc.rules import get_resources, rule_sentiment
from xinsheng.voc.sentiment import canonical_sentiment, label_for
from xinsheng.voc.text import normalize


def rule(text: str, lang: str = "zh") -> float:
    return rule_sentiment(normalize(text), get_resources(lang))[0]


def test_negation_flips_praise():
    assert rule("满意") > 0
    assert rule("不满意") < 0
    assert rule("不太满意") < 0
    assert rule("服务不好") < 0


def test_negated_complaint_is_not_negative():
    assert rule("不麻烦") > 0
    assert rule("问题没有解决") < 0


def test_degree_scales():
    assert rule("非常失望") < rule("失望") < rule("有点失望") < 0
    assert rule("非常满意") > rule("满意") > 0


def test_contrast_weighs_the_clause_after_the_turn():
    assert rule("虽然客服态度很好，但是问题一直没有解决") < 0
    assert rule("虽然等了很久，但是问题解决了，很满意") > 0


def test_banking_negatives_without_opinion_words():
    for text in ("转账三天了还没到账", "我的卡被冻结了", "莫名其妙扣费", "信用卡被盗刷"):
        assert rule(text) < 0, text


def test_sarcasm_turns_praise_negative():
    assert rule("效率真高，好棒") > 0
    assert rule("呵呵，效率真高，好棒") < 0


def test_english_rules():
    assert rule("I am not happy with the service", "en") < 0
    assert rule("thank you so much, very helpful", "en") > 0
    assert rule("my card was declined and I was charged twice", "en") < 0


@pytest.mark.parametrize(
    "text, label",
    [
        ("你们的服务太差了，转账一直不到账，我要投诉！", "negative"),
        ("客服非常耐心，问题很快就解决了，谢谢", "positive"),
        ("手机银行老是闪退，登录不上，太难用了", "negative"),
        ("虽然排队有点久，但是柜员态度很好，很满意", "positive"),
        ("这个理财产品不值得买，亏了不少", "negative"),
        ("办理很方便，点赞", "positive"),
        ("My transfer still hasn't arrived, this is unacceptable", "negative"),
        ("Great service, thanks for the quick help", "positive"),
    ],
)
def test_analyzer_sentiment_on_unseen_texts(analyzer, text, label):
    s = analyzer.analyze(text)["sentiment"]
    assert s["label"] == label, s
    assert -1 <= s["score"] <= 1


def test_plain_question_is_neutral(analyzer):
    assert analyzer.analyze("请问信用卡的账单日是哪天")["sentiment"]["label"] == "neutral"


def test_label_sets_are_canonicalised():
    assert canonical_sentiment(["0", "1", "1"]) == ["negative", "positive", "positive"]
    assert canonical_sentiment(["-1", "0", "1"]) == ["negative", "neutral", "positive"]
    assert canonical_sentiment(["Positive", "neg"]) == ["positive", "negative"]
    with pytest.raises(ValueError):
        canonical_sentiment(["great"])
    assert label_for(0.9) == "positive" and label_for(-0.9) == "negative" and label_for(0.1) == "neutral"
