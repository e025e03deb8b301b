"""Anger that escalates cases, and sentiment, on texts written by hand for this test.

The sentences were written (2026-12-01) before the session changed any word list or model,
and none of them was used to choose a word, a weight or a threshold; the expected answers
are a reader's judgement, not the detector's output. They mix the kinds of text the engine
meets: Weibo-style posts (slang 尼玛 / 醉了 / yyds, emoticons [怒] [泪] [哈哈], 呵呵 sarcasm),
bank complaints, polite requests that complain without anger, and customer–agent chats.

Anger is the level the cases flow escalates on (``emotions.anger >= 0.5``). Precision comes
first: texts that are unhappy, sad, scared or merely use a strong word literally (垃圾分类,
喝醉了) must stay below it. Known misses are strict xfails, so a fix shows.
"""
from __future__ import annotations

import pytest

ESCALATE = 0.5


def miss(text: str, why: str):
    return pytest.param(text, marks=pytest.mark.xfail(strict=True, reason=why))


ANGRY = [
    "你们这帮骗子，吞了我的钱还装死，我一定要去银保监会投诉！",
    "气死我了！！！卡又被锁，打了五次客服都没人接",
    "[怒][怒][怒]什么破APP，一天闪退十次",
    "尼玛，手续费又偷偷涨了，把用户当傻子吗",
    "再不给我解决我就去12315投诉你们，别再敷衍我了",
    "叫你们经理出来！凭什么不给我办，欺负老百姓是吧",
    "客户：你好，我的转账怎么还没到？\n客服：您好，请提供一下流水号。\n"
    "客户：我已经说了三遍了！你们到底有没有人管？气死我了，我要投诉！",
    "[抓狂][抓狂]又是系统维护，你们能不能干点人事",
]

NOT_ANGRY = [
    "我不生气，只是想知道什么时候能到账",
    "一点也不生气，谢谢你们耐心处理",
    "麻烦帮我查一下，转账好像还没到，谢谢",
    "您好，上个月的年费好像扣错了，能帮忙看看吗？",
    "哈哈哈笑死我了[哈哈]，这个视频太逗了",
    "看到新闻里的小猫被救了，哭了[泪]",
    "好怕明天考试挂科啊",
    "今天心情有点低落，想家了",
    "请问投诉电话是多少？",
    "垃圾分类从今天开始实施，大家记得分好类",
    "昨晚喝醉了，今天头好疼",
    "客户：你好，我想问下信用卡分期怎么办理\n客服：您好，可以在手机银行里申请\n客户：好的，明白了，谢谢",
    "有点失望，这次的理财收益比预期低一些",
    "唉，又加班到十点[泪]",
]

# Added with the rule that an insult or exasperation escalates where anger is the strongest
# feeling of a clearly negative text (session 7). Written by hand for the rule's intent; the
# expected answers are a reader's judgement, not the detector's output.
ANGRY_WITHOUT_NAMING_IT = [
    "垃圾APP，转账又失败",
    "又乱扣我年费，真恶心",
    "客服一问三不知，脑子进水了吧",
    "这破手机银行，又登不上去",
    "😡😡😡排了一个小时还没轮到我",
]

NOT_ANGRY_BUT_STRONG_WORDS = [
    "卧槽，这也太好看了吧",
    "我靠",
    "看完哭了，太虐了，受不了",
    "请问投诉电话是多少？",
    miss("半夜一个人在家好怕，真的受不了", "fear leads, but 真 + strong negativity lifts 受不了 past 0.5"),
]

POSITIVE = [
    "[哈哈]新卡到了，颜值超高，爱了爱了",
    "客服小哥哥超有耐心，给你们点个赞[赞]",
    "一点也不生气，谢谢你们耐心处理",
    "这家网点的服务yyds，十分钟就办好了",
    "终于还清房贷了，轻松了好开心",
    "哈哈哈笑死我了[哈哈]，这个视频太逗了",
]

NEGATIVE = [
    "呵呵，说好的三天到账，这都一周了",
    "醉了，又排了两小时队[泪]",
    "尼玛，手续费又偷偷涨了，把用户当傻子吗",
    miss("真是谢谢你们了，让我白跑三趟", "sarcastic thanks without a sarcasm marker"),
    "你们的效率真是高啊，一个月了还没处理完，呵呵",
    "[泪]卡丢了，补办还要等两周",
    "好怕明天考试挂科啊",
    "今天心情有点低落，想家了",
    "客户：你好，我的转账怎么还没到？\n客服：您好，请提供一下流水号。\n"
    "客户：我已经说了三遍了！你们到底有没有人管？气死我了，我要投诉！",
]

NOT_POSITIVE = [
    miss("您好，上个月的年费好像扣错了，能帮忙看看吗？", "the review model reads 帮忙看看 as praise"),
    "麻烦帮我查一下，转账好像还没到，谢谢",
]


@pytest.mark.parametrize("text", ANGRY)
def test_anger_escalates(analyzer, text):
    assert analyzer.analyze(text)["emotions"]["anger"] >= ESCALATE


@pytest.mark.parametrize("text", NOT_ANGRY)
def test_no_anger_no_escalation(analyzer, text):
    assert analyzer.analyze(text)["emotions"]["anger"] < ESCALATE


@pytest.mark.parametrize("text", POSITIVE)
def test_positive(analyzer, text):
    assert analyzer.analyze(text)["sentiment"]["label"] == "positive"


@pytest.mark.parametrize("text", NEGATIVE)
def test_negative(analyzer, text):
    assert analyzer.analyze(text)["sentiment"]["label"] == "negative"


@pytest.mark.parametrize("text", NOT_POSITIVE)
def test_polite_complaints_are_not_praise(analyzer, text):
    assert analyzer.analyze(text)["sentiment"]["label"] != "positive"


@pytest.mark.parametrize("text", ANGRY_WITHOUT_NAMING_IT)
def test_insults_escalate_where_anger_leads_a_negative_text(analyzer, text):
    assert analyzer.analyze(text)["emotions"]["anger"] >= ESCALATE


@pytest.mark.parametrize("text", NOT_ANGRY_BUT_STRONG_WORDS)
def test_banter_sadness_and_questions_stay_below(analyzer, text):
    emotions = analyzer.analyze(text)["emotions"]
    assert emotions["anger"] < ESCALATE
