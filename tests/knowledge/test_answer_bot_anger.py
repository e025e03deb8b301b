"""The answer bot hands an angry customer to a person, and reads anger from the VOC engine
(one definition of anger): words that merely contain an anger character (利滚利, 滚动) or
a lawyer's fee, asked with "??", are questions, not anger.

The expected decisions are a person's reading of each sentence; the angry ones were
written for this test (not taken from the emotion lexicon or its tests).
"""
from __future__ import annotations

import pytest

from xinsheng.knowledge import policy

CALM_QUESTIONS = [
    "利滚利怎么算？？",  # 利滚利: compound interest, not 滚 ("get lost")
    "手机银行页面滚动不了？？",  # 滚动: scrolling
    "我想咨询律师费用的贷款??",  # a loan for a lawyer's fees
    # the three above are the issue's; 利滚利 and 滚动 are also entries of the lexicon's
    # exception list, so these two check the engine on words that list does not hold
    "滚筒洗衣机能用信用卡分期吗？？",  # 滚筒: a washing machine's drum
    "帮妈妈开的存折怎么挂失??",  # 妈妈: mother
]
ANGRY = [
    "你们这破系统又扣我钱，我真是气炸了！",
    "三番五次扣我手续费，你们简直欺人太甚！",
]


@pytest.fixture(autouse=True)
def _models(builtin_models):
    """The VOC engine's built-in models, trained once per run."""


@pytest.mark.parametrize("text", CALM_QUESTIONS)
def test_a_calm_question_is_not_handed_over_as_angry(text):
    decision = policy.decide(text, [])
    assert decision.reason != "angry", (text, policy.anger(text))
    assert decision.reason == "no_match"


@pytest.mark.parametrize("text", ANGRY)
def test_an_angry_customer_is_handed_to_a_person(text):
    assert policy.decide(text, []).reason == "angry", (text, policy.anger(text))


def test_the_bot_keeps_no_anger_word_list_of_its_own():
    """One source of truth: no module-level word list or substring matching in the policy."""
    assert not [name for name, value in vars(policy).items()
                if isinstance(value, (tuple, list, frozenset, set)) and name.upper() == name]
