"""PII masking: hand-written edge cases plus generated valid/invalid numbers in sentences."""
from __future__ import annotations

import random

import pytest

from xinsheng.voc.masking import MaskResult, PiiSpan, cn_id_ok, mask_pii

_W = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def make_id(body17: str) -> str:
    return body17 + "10X98765432"[sum(int(c) * w for c, w in zip(body17, _W)) % 11]


def luhn_sum(number: str) -> int:
    """ISO/IEC 7812's sum, written here apart from xinsheng.checksums: from the right,
    every second digit doubled and its two digits added."""
    return sum(int(c) if k % 2 == 0 else sum(divmod(2 * int(c), 10)) for k, c in enumerate(reversed(number)))


def make_card(prefix: str) -> str:
    return prefix + str(-luhn_sum(prefix + "0") % 10)


def bad_card(prefix: str) -> str:
    return prefix + str((1 - luhn_sum(prefix + "0")) % 10)


VALID_ID = make_id("11010519491231002")  # ends in X
VALID_ID2 = make_id("44030619851015123")
CARD = make_card("622202123456789")
assert CARD == "6222021234567894"  # worked out by hand in tests/test_checksums.py


def kinds(text: str) -> list[tuple[str, str]]:
    return [(s.type, text[s.start : s.end]) for s in mask_pii(text).spans]


def test_plain_text_is_untouched_and_returns_no_spans():
    r = mask_pii("手机银行登录不上，转账一直失败，非常着急")
    assert r == MaskResult("手机银行登录不上，转账一直失败，非常着急", [])
    assert mask_pii("") == MaskResult("", [])


def test_resident_id_with_x_checksum_is_masked():
    assert VALID_ID.endswith("X")
    r = mask_pii(f"我的身份证号是{VALID_ID}，请核实")
    assert r.text == "我的身份证号是〔身份证〕，请核实"
    assert r.spans == [PiiSpan("cn_id", 7, 25)]


def test_id_with_wrong_checksum_is_not_an_id():
    wrong = VALID_ID2[:-1] + ("0" if VALID_ID2[-1] != "0" else "1")
    assert not cn_id_ok(wrong)
    assert all(k != "cn_id" for k, _ in kinds(f"身份证{wrong}"))


def test_id_with_impossible_birth_date_is_not_an_id():
    assert not cn_id_ok(make_id("11010519491331002"))  # month 13
    assert not cn_id_ok(make_id("99010519491231002"))  # no province 99


def test_legacy_15_digit_id():
    assert kinds("老身份证号110105491231002") == [("cn_id", "110105491231002")]


def test_full_width_digits_are_caught_with_original_offsets():
    fw = VALID_ID.translate(str.maketrans("0123456789X", "０１２３４５６７８９Ｘ"))
    text = f"姓名：张三，身份证{fw}。"
    r = mask_pii(text)
    assert r.text == "姓名：〔姓名〕，身份证〔身份证〕。"
    assert [(s.type, text[s.start : s.end]) for s in r.spans] == [("person_name", "张三"), ("cn_id", fw)]


def test_mobile_formats():
    assert kinds("手机13812345678") == [("phone", "13812345678")]
    assert kinds("请拨 +86 138-1234-5678 联系") == [("phone", "+86 138-1234-5678")]
    assert kinds("号码 139 1234 5678，") == [("phone", "139 1234 5678")]
    assert mask_pii("手机13812345678").text == "手机〔手机号〕"
    assert kinds("12812345678") == []  # 12x is not a mobile prefix


def test_landlines_are_phones_with_their_own_mask():
    r = mask_pii("电话 0571-88886666 或（010）12345678")
    assert r.text == "电话 〔电话〕 或〔电话〕"
    assert [s.type for s in r.spans] == ["phone", "phone"]


def test_bank_card_luhn_and_grouping():
    assert kinds(f"卡号{CARD[:4]} {CARD[4:8]} {CARD[8:12]} {CARD[12:]}，谢谢")[0][0] == "bank_card"
    assert kinds(f"卡号{CARD}-123") == [("bank_card", CARD)]
    r = mask_pii(f"卡号{CARD} 500元")
    assert r.text == "卡号〔银行卡〕 500元"


def test_order_number_failing_luhn_is_not_a_card():
    order = bad_card("202310011234567")
    assert len(order) == 16 and luhn_sum(order) % 10 != 0
    assert mask_pii(f"订单号{order}请查询").spans == []


def test_email_is_masked_before_digits_inside_it():
    r = mask_pii("邮箱13812345678@163.com，谢谢")
    assert r.text == "邮箱〔邮箱〕，谢谢"
    assert [s.type for s in r.spans] == ["email"]


def test_dates_amounts_and_hotlines_are_not_masked():
    for t in ("2023-10-01 12:30 转账", "金额123456789.00元", "请拨打95588或400-820-0588", "工单号20231001"):
        assert mask_pii(t).spans == [], t


@pytest.mark.parametrize(
    "text, name",
    [
        ("我叫欧阳娜娜，想咨询理财", "欧阳娜娜"),
        ("我叫王芳我要投诉", "王芳"),
        ("本人李明今天来办业务", "李明"),
        ("我是张伟，想问一下", "张伟"),
        ("户名王小明，账号错了", "王小明"),
        ("我叫司马光。", "司马光"),
    ],
)
def test_stated_names_are_masked(text, name):
    assert ("person_name", name) in kinds(text)


@pytest.mark.parametrize(
    "text", ["我是高级会员", "本人身份证丢失", "我叫了好几次客服", "我是老客户了", "我是工商银行的老客户", "姓名不对"]
)
def test_name_triggers_without_a_name_mask_nothing(text):
    assert mask_pii(text).spans == []


_TEMPLATES = [
    "您好，我的{kind}是{x}，麻烦帮我查一下",
    "{x}这个{kind}怎么被冻结了？",
    "客户来电称{kind}{x}有异常扣费，要求退款",
    "昨天用{kind} {x} 转账没到账。",
]


def _generated(rng: random.Random):
    for _ in range(60):
        y, m, d = rng.randint(1950, 2004), rng.randint(1, 12), rng.randint(1, 28)
        body = f"{rng.choice(['110105', '310104', '440303', '510107'])}{y}{m:02d}{d:02d}{rng.randint(0, 999):03d}"
        good = make_id(body)
        bad = good[:-1] + next(c for c in "0123456789X" if c != good[-1])
        yield "身份证号", good, bad, "cn_id"
        pre = rng.choice(["622202", "621700", "622848", "436742"]) + "".join(rng.choice("0123456789") for _ in range(9))
        yield "银行卡号", make_card(pre), bad_card(pre), "bank_card"
        yield "手机号", f"1{rng.choice('3456789')}{rng.randint(0, 10**9 - 1):09d}", None, "phone"


def test_generated_recall_and_false_positives():
    rng = random.Random(7)
    hits = total = false_pos = negatives = 0
    for kind, good, bad, ptype in _generated(rng):
        tpl = rng.choice(_TEMPLATES)
        text = tpl.format(kind=kind, x=good)
        total += 1
        hits += any(s.type == ptype and text[s.start : s.end] == good for s in mask_pii(text).spans)
        if bad:
            text = tpl.format(kind=kind, x=bad)
            negatives += 1
            false_pos += any(s.type == ptype for s in mask_pii(text).spans)
    assert hits == total  # recall 100 % on generated valid numbers
    assert false_pos == 0  # invalid checksums are never masked as their type
    assert negatives == 120
