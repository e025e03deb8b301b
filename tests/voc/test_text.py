"""Normalisation and segmentation."""
from __future__ import annotations

from xinsheng.voc.text import detect_lang, normalize, segment, to_half_width


def test_traditional_to_simplified_and_full_width():
    assert normalize("我的帳戶被凍結了！") == "我的帐户被冻结了!"
    assert normalize("轉賬１０００元") == "转账1000元"
    assert to_half_width("ＡＢＣ　１２３") == "ABC 123"


def test_asr_fillers_removed_but_real_words_kept():
    assert normalize("嗯，那个，我想问一下") == "我想问一下"
    assert normalize("呃呃 我想问一下那个那个理财产品") == "我想问一下那个理财产品"
    assert normalize("那个理财产品怎么样") == "那个理财产品怎么样"
    assert normalize("额度不够啊") == "额度不够啊"


def test_repeated_characters_capped_but_numbers_intact():
    assert normalize("太差了！！！！！") == "太差了!!"
    assert normalize("哈哈哈哈哈") == "哈哈"
    assert normalize("转账100000元") == "转账100000元"


def test_english_lowercased_and_whitespace_collapsed():
    assert normalize("  My   Card was BLOCKED ") == "my card was blocked"


def test_segment_uses_banking_dictionary():
    words = segment(normalize("我想买大额存单，但是转账限额太低，手机银行登录失败，钱未到账，打12378投诉"))
    for w in ("大额存单", "转账限额", "手机银行", "登录失败", "未到账", "12378"):
        assert w in words, w
    assert "，" not in words and "," not in words


def test_segment_keeps_punctuation_on_request_and_handles_english():
    assert "!" in segment("太差了!", keep_punct=True)
    assert segment("my card was blocked, why") == ["my", "card", "was", "blocked", "why"]
    assert segment("") == []


def test_detect_lang():
    assert detect_lang("手机银行登录不上") == "zh"
    assert detect_lang("my card was declined at the ATM") == "en"
    assert detect_lang("我的ATM card被吞了") == "zh"


def test_repeats_capped_in_a_long_batch_as_in_one_text():
    from xinsheng.voc.text import normalize_many

    long = "太慢了了了了，等了1111秒！！！好好好好" * 300  # past the size where numpy does the capping
    assert normalize_many([long] * 5) == ["太慢了了,等了1111秒!!好好" * 300] * 5  # full-width ， → ,
    assert normalize_many(["哈哈哈哈", "000", "啊啊啊"] * 400) == [normalize(t) for t in ["哈哈哈哈", "000", "啊啊啊"] * 400]
