"""The Chinese emotion lexicon on hand-written cases: anger and fear words of customers and
internet users, negation, and everyday words that only look like them (滚动, 曹操, 哪怕)."""
from __future__ import annotations

import pytest

THRESHOLD = 0.3  # what the evaluation counts as "this emotion"


def _top(analyzer, text: str) -> str:
    emo = analyzer.analyze(text)["emotions"]
    name, value = max(emo.items(), key=lambda kv: kv[1])
    return name if value >= THRESHOLD else "neutral"


@pytest.mark.parametrize(
    "text",
    [
        "气死我了，转账又失败了",
        "你们这是抢钱吧！",
        "什么破银行，服务态度太差了",
        "真是忍无可忍，三天了还没人处理",
        "太不像话了，客服一直推来推去",
        "有没有搞错，凭什么收我年费？",
        "特么的又乱扣费",
        "滚蛋吧你们这些奸商",
        "我真的很窝火，一肚子气",
        "别惹我，烦死了",
        "这种态度简直欺负人",
        "一拖再拖，你们到底管不管",
    ],
)
def test_anger_is_read(rules_analyzer, text):
    assert _top(rules_analyzer, text) == "anger", rules_analyzer.analyze(text)["emotions"]


@pytest.mark.parametrize(
    "text",
    [
        "我不生气，问题解决了就好",
        "客服没有敷衍，处理得很快",
        "页面的滚动条拖不动",
        "利滚利算下来利息太高了",
        "曹操的故事很好看",
        "我老妈的卡要挂失",
        "他妈妈的账户被冻结了",
        "人有喜怒哀乐很正常",
        "操作很简单，一会就办好了",
    ],
)
def test_no_anger_without_anger(rules_analyzer, text):
    assert rules_analyzer.analyze(text)["emotions"]["anger"] < THRESHOLD, text


@pytest.mark.parametrize(
    "text",
    [
        "卡被盗刷了，好怕，怎么办",
        "吓死我了，账户里的钱没了",
        "心里很慌，一晚上忐忑不安",
        "看到那条短信我毛骨悚然",
        "钱不见了，心急如焚",
        "太恐怖了，差点被骗",
    ],
)
def test_fear_is_read_as_anxiety(rules_analyzer, text):
    assert _top(rules_analyzer, text) == "anxiety", rules_analyzer.analyze(text)["emotions"]


@pytest.mark.parametrize("text", ["哪怕多等两天也行", "恐怕要下周才能到账", "我要办理紧急挂失", "我一点都不怕"])
def test_no_fear_without_fear(rules_analyzer, text):
    assert rules_analyzer.analyze(text)["emotions"]["anxiety"] < THRESHOLD, text


@pytest.mark.parametrize("text", ["我很不高兴", "我对这个理财不放心", "你们太不负责任了"])
def test_negated_praise_written_as_one_word_stays_negative(rules_analyzer, text):
    assert rules_analyzer.analyze(text)["sentiment"]["label"] == "negative", text
