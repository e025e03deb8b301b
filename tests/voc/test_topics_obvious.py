"""Obvious texts get their topic.

The sentences below were written by hand for these tests, before the taxonomy's pairs
were added, and checked afterwards not to be copied from the taxonomy's keyword lists or
the demo generator's templates. Each is what a customer plainly says about one topic;
most use none of the leaf's listed keywords verbatim (转账…没成功, 被冻住, 刷脸…过不了).
"""
from __future__ import annotations

import pytest

from xinsheng.voc.topics import RuleTopics, Taxonomy, TaxonomyError

OBVIOUS = {
    "transfer.not_received": ["转账一直失败，很生气", "昨天下午转账三次都没成功，钱却被扣了"],
    "transfer.limit": ["网银一天最多只能转五万，限额能不能调高一点"],
    "transfer.cross_border": ["美元汇率今天是多少，换汇有没有额度限制"],
    "cards.lost_card": ["我的工资卡找不到了，要办一张新卡"],
    "cards.frozen": ["账户突然被冻住了，钱取不出来", "卡被限制了非柜面交易，说要去网点核实"],
    "credit_card.billing": ["这个月的信用卡账单金额不对，多了一笔", "信用卡晚还了两天就算逾期了吗"],
    "credit_card.points": ["积分兑换的礼品收到了，跟图片不一样", "刷卡攒的积分快过期了，能换点什么",
                           "上个月用积分换的电饭煲到现在还没寄到"],
    "fees.unexpected_fee": ["什么都没办，账户每个月被扣十块钱管理费", "跨行取现收了我五块钱手续费，之前没人说过"],
    "wealth.loss": ["买的那只基金半年亏了百分之二十"],
    "wealth.redemption": ["理财产品赎回三天了钱还没回到卡里"],
    "loans.mortgage": ["房贷想提前还一部分，需要预约吗"],
    "loans.credit_report": ["信用卡晚还一次会不会上征信", "我的征信上有一条不是我的贷款记录"],
    "loans.application": ["申请消费贷需要准备哪些材料"],
    "service.hotline": ["打客服电话等了四十分钟都没人接", "热线一直是语音菜单，根本转不到人工"],
    "service.attitude": ["柜台那个工作人员态度特别差，爱答不理的", "客服说话很不耐烦，直接把电话挂了"],
    "service.branch": ["周六去营业网点办业务排了两个小时的队"],
    "service.marketing": ["一天接到三个推销保险的电话，烦死了"],
    "mobile_banking.login_failure": ["刷脸认证一直过不了，没法进手机银行"],
    "mobile_banking.app_crash": ["手机银行一打开就闪退，什么都做不了", "App更新完以后页面一直卡着不动"],
    "account.password": ["银行卡密码不记得了，怎么重新设置", "取款密码输错三次被锁了"],
    "account.open_close": ["我想把这张不用的卡注销掉", "在手机上能开一个二类账户吗"],
    "account.balance": ["怎么打印去年一整年的银行流水", "查一下我卡里还剩多少钱"],
    "cards.social_security": ["新领的社保卡里面的银行账户要怎么开通"],
    "service.elderly": ["老年人不会用智能手机，能不能去柜台办"],
}
CASES = [(code, text) for code, texts in OBVIOUS.items() for text in texts]


@pytest.fixture(scope="module")
def rules():
    return RuleTopics(Taxonomy.load())


@pytest.mark.parametrize(("code", "text"), CASES, ids=[f"{c}:{t[:8]}" for c, t in CASES])
def test_obvious_text_gets_its_topic(rules, code, text):
    from xinsheng.voc.text import normalize

    assert code in [t["code"] for t in rules.find(normalize(text), "zh")]


def test_the_sentences_are_not_copied_from_the_lists():
    tax = Taxonomy.load()
    listed = {w for leaf in tax.leaves for w, _ in leaf.keywords}
    listed |= {w for leaf in tax.leaves for w in leaf.subjects + leaf.states}
    assert not [t for _, t in CASES if t in listed]


def test_words_split_by_an_adverb_still_count_but_not_across_a_clause(rules):
    found = rules.find("转账一直失败", "zh")
    assert [t["code"] for t in found] == ["transfer.not_received"] and found[0]["triggers"] == ["转账一直失败"]
    # weaker evidence than the keyword written whole
    assert found[0]["score"] < rules.find("转账失败", "zh")[0]["score"]
    assert "transfer.not_received" not in [t["code"] for t in rules.find("转账成功了，登录的时候又失败", "zh")]
    assert not rules.find("转账，失败", "zh")
    assert not rules.find("转账的事情我已经和你们说过好几次了都失败", "zh")  # too far apart


def test_pairs_in_either_order_within_a_batch(rules):
    out = rules.find_many(["一直没收到汇款", "汇款没收到", "今天天气不错"], ["zh"] * 3)
    assert ["transfer.not_received" in [t["code"] for t in o] for o in out] == [True, True, False]


def test_a_pairs_entry_without_states_is_refused():
    bad = {"topics": [{"code": "x", "label": "X", "pairs": {"subjects": ["转账"]}}]}
    with pytest.raises(TaxonomyError, match="pairs"):
        Taxonomy.from_dict(bad)
