"""Anger and sentiment on social-media style posts: emoticons ([怒] [泪] [哈哈]), slang
(尼玛, 醉了, 火大), sarcasm (呵呵…可真高) and negated anger (不生气).

The posts were written by hand for these tests, after the lexicon and not used to write
any of its lists; the expected answers are what a reader of the post would say.
"""
from __future__ import annotations

import pytest

ANGRY = ["[怒][怒]这破银行又把我钱扣了", "排了两个小时队还不给办，气炸了[怒]",
         "你们客服是机器人吗？问三遍都答非所问，火大", "尼玛，转个账都能失败，真是醉了", "[抓狂]第三次了，还是没人管"]
NOT_ANGRY = ["我不生气，就是想问问进度", "今天收到退款了[哈哈]，效率不错", "看完电影哭成狗[泪]", "一点都不生气，处理得挺快的",
             "周末去爬山了，风景很美", "我有点担心明天的面试", "请问信用卡怎么提额"]
POSITIVE = ["[哈哈]今天终于拿到新卡了", "服务很贴心，点赞[赞]", "[爱你]谢谢小姐姐耐心解答", "今天收到退款了[哈哈]，效率不错"]
NEGATIVE = ["等了一上午[泪]，白跑一趟", "呵呵，你们的效率可真高", "醉了，APP又登不上", "[衰]今天又被扣了年费",
            "你们客服是机器人吗？问三遍都答非所问，火大", "看完电影哭成狗[泪]"]


@pytest.mark.parametrize("text", ANGRY)
def test_angry_posts_reach_the_escalation_level(analyzer, text):
    assert analyzer.analyze(text)["emotions"]["anger"] >= 0.5


@pytest.mark.parametrize("text", NOT_ANGRY)
def test_posts_without_anger_stay_below_it(analyzer, text):
    assert analyzer.analyze(text)["emotions"]["anger"] < 0.5


@pytest.mark.parametrize("text", POSITIVE)
def test_positive_posts(analyzer, text):
    assert analyzer.analyze(text)["sentiment"]["label"] == "positive"


@pytest.mark.parametrize("text", NEGATIVE)
def test_negative_posts(analyzer, text):
    assert analyzer.analyze(text)["sentiment"]["label"] == "negative"


def test_an_emoticon_alone_carries_the_post(rules_analyzer):
    assert rules_analyzer.analyze("[泪]")["emotions"]["sadness"] >= 0.5
    assert rules_analyzer.analyze("[怒]")["emotions"]["anger"] >= 0.5
    assert rules_analyzer.analyze("[哈哈]")["sentiment"]["score"] > 0


def test_a_negator_does_not_reach_past_a_comma(rules_analyzer):
    # 答非所问's 非 used to cancel the anger three characters later, across the comma
    assert rules_analyzer.analyze("答非所问，火大")["emotions"]["anger"] >= 0.5
    assert rules_analyzer.analyze("不火大")["emotions"]["anger"] == 0


@pytest.mark.parametrize("text", ["我不生气，就是想问问进度", "这次真的不失望"])
def test_negated_anger_or_disappointment_is_not_negative(analyzer, text):
    assert analyzer.analyze(text)["sentiment"]["label"] != "negative"
