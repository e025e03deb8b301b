"""Transcripts: sentiment, emotions and flags are the customer's, not the agent's scripted
politeness. The transcripts and the expected readings are written by hand (a person's
judgement of what the customer said), not taken from any word list."""
from __future__ import annotations

import pytest

from xinsheng.voc.speakers import customer_voice
from xinsheng.voc.text import normalize

POLITE_AGENT_ANGRY_CUSTOMER = (
    "坐席：您好，很高兴为您服务，请问有什么可以帮您？\n"
    "客户：我上周就说了卡被锁了，到现在也没人管，你们到底管不管？\n"
    "坐席：非常抱歉给您带来不便，辛苦您久等了，我马上为您加急处理，感谢您的耐心。\n"
    "客户：每次都说加急，一点用都没有，气死我了。\n"
    "坐席：理解您的心情，祝您生活愉快，再见。"
)


def test_the_customer_turns_are_taken_and_the_agent_turns_left_out():
    text = normalize("坐席：您好，请讲。\n客户：转账没到账。\n坐席：我帮您查一下。\n客户：好的，谢谢。")
    assert customer_voice(text) == "转账没到账。 好的,谢谢。"


def test_english_labels_and_a_customer_manager_label_count_as_speakers():
    assert customer_voice(normalize("Agent: Hello, happy to help!\nCustomer: my card was charged twice")) \
        == "my card was charged twice"
    # 客户经理 is the bank's adviser, not the customer
    assert customer_voice(normalize("客户经理：您好，这款产品很稳健。\n客户：我再考虑一下。")) == "我再考虑一下。"


@pytest.mark.parametrize("text", [
    "我的卡被锁了，客户服务太差了",             # no labels
    "客户：我的卡被锁了，一直没人管",             # a customer's label alone: read whole
    "备注：客户来电咨询额度",                     # a note, not a transcript
])
def test_a_text_that_is_not_a_two_sided_transcript_is_read_whole(text):
    assert customer_voice(normalize(text)) is None


def test_an_angry_customer_reads_negative_and_angry_beside_a_polite_agent(analyzer):
    result = analyzer.analyze(POLITE_AGENT_ANGRY_CUSTOMER)
    assert result["sentiment"]["label"] == "negative"
    assert result["emotions"]["anger"] >= 0.5


def test_a_pleased_customer_reads_positive_beside_an_apologising_agent(analyzer):
    text = ("坐席：非常抱歉，之前的问题给您添麻烦了，投诉已经处理完毕。\n"
            "客户：钱已经到账了，你们处理得很快，服务很好，谢谢！\n"
            "坐席：不客气，还有其他问题吗？\n客户：没有了，再见。")
    assert analyzer.analyze(text)["sentiment"]["label"] == "positive"


def test_the_agent_naming_the_regulator_does_not_flag_the_customer(analyzer):
    text = ("坐席：您好，如对处理结果不满意，您也可以向金融监管部门反映。\n"
            "客户：好的，我知道了，问题已经解决了。")
    assert "regulatory_risk" not in analyzer.analyze(text)["flags"]
