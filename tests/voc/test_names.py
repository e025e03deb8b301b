"""Person-name masking, measured on a generated evaluation set.

Names are drawn from surname and given-name lists written for this test (not the
detector's own lists), embedded in many realistic bank-contact templates (agent
identity checks, titles, vocatives, signatures, stated names). Hard negatives are
ordinary banking sentences full of words that start with a surname character
(高利率, 黄金, 金额, 周末, 方便 …) and title-like phrases without a name (客户经理,
这位先生, 原经理). The thresholds are what the detector must keep.
"""
from __future__ import annotations

import random

import pytest

from xinsheng.voc.masking import mask_pii

SINGLE = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁"
    "任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦方白邹孟熊秦邱江尹薛段雷侯龙史陶黎贺顾毛郝龚邵万钱严武戴莫孔"
    "汤庞樊殷施洪翟颜倪牛季俞章鲁葛伍尤毕聂焦柳邢岳齐梅庄辛管祝左涂祁舒耿詹凌费纪靳盛童甄项裴卫"
)
COMPOUND = ("欧阳", "司马", "诸葛", "上官", "东方", "皇甫", "慕容", "令狐", "司徒", "夏侯")
GIVEN_ONE = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超霞平刚桂英华玲红斌鹏辉宇浩凯婷雪琳晶欣颖倩佳萍兵亮健波彬峰"
GIVEN_TWO = (
    "建国 志强 秀英 海燕 丽娟 晓东 春梅 国庆 桂兰 玉珍 子轩 浩然 欣怡 雨涵 梓涵 思远 嘉怡 俊杰 宇航 佳琪 "
    "文静 晓燕 红梅 志刚 建华 雪梅 振华 丽华 立新 海波 美玲 淑芬 德明 永强 春华 金凤 晓红 秀兰 文华 伟东 "
    "一鸣 诗涵 梦瑶 子豪 若曦 天宇 明轩 雅婷 思琪 晨曦 家豪 佳慧 博文 俊熙 卫国 玉兰 凤英 建军 海涛 晓明"
).split()


def _full(rng: random.Random) -> str:
    sur = rng.choice(COMPOUND) if rng.random() < 0.08 else rng.choice(SINGLE)
    return sur + (rng.choice(GIVEN_TWO) if rng.random() < 0.6 else rng.choice(GIVEN_ONE))


# {n}: a full name that must be masked; {s}: a surname before a title, masked alone.
POSITIVE = [
    "坐席：您好，为了保障您的账户安全，请问您是{n}本人吗？\n客户：对，是我。",
    "请问您是{n}吗？这边是信用卡中心，想跟您核实一笔交易。",
    "您好，请问是{n}本人吗？您的贷款下周到期。",
    "是否为{n}本人办理？需要本人持身份证到网点。",
    "{s}先生您好，您的信用卡账单已经出了。",
    "{s}女士，您好！您预约的大额取现已经备好。",
    "请问是{s}先生吗？我是远程银行中心的客户经理。",
    "是{n}女士吗？您的快递卡片已经寄出。",
    "尊敬的{n}先生：您好！您的理财产品已到期。",
    "尊敬的{s}女士：您的账户本月有一笔大额入账。",
    "客户：我找一下{s}经理，上次就是他帮我办的。",
    "好的，我帮您转给{s}主管，请稍等。",
    "大堂的{s}经理态度特别好，非常耐心。",
    "感谢{s}老师的耐心讲解，终于会用手机银行了。",
    "谢谢{s}经理帮我把问题解决了！",
    "我已经跟你们{s}行长反映过这个问题了。",
    "我们支行的{n}经理说可以帮我申请减免。",
    "{n}，您好，您申请的分期已经审核通过。",
    "{n}您好，我是您的专属客户经理。",
    "您好：\n我的卡被冻结了，麻烦尽快处理。\n此致\n敬礼\n{n}",
    "你们的服务太差了，我要投诉！\n谢谢！\n{n}",
    "希望尽快给我答复。\n期待您的回复。\n{n}",
    "转账一直没有到账，请核实。此致 敬礼 {n}",
    "手续费收得不合理，希望退还。—— {n}",
    "麻烦帮我查一下这笔扣费。谢谢！\n——{n}",
    "客户{n}来电反映信用卡被盗刷，要求冻结。",
    "持卡人{n}于昨日在境外消费三笔，已电话核实。",
    "我叫{n}，想咨询一下房贷提前还款。",
    "本人{n}，身份证丢了，想挂失。",
    "我是{n}，上周来过你们网点。",
    "户名：{n}，账号尾号3321，请核实。",
    "姓名：{n}\n问题：手机银行无法登录",
    "联系人{n}，请回电。",
    "您好，我是{n}的家属，他住院了没法来办。",
    "麻烦转告{n}先生，他的卡已经补办好了。",
]

# Texts with no person name at all: banking language full of surname-initial words.
NEGATIVE = [
    "王府井支行的客户经理说高利率的产品风险大。",
    "黄金积存金额不能低于一克，周末也可以买。",
    "请把公告张贴在营业厅门口，方便客户查看。",
    "我的白金卡年费怎么扣了？余额一直不对。",
    "我常用的那张卡被锁了，明天能去网点解锁吗？",
    "于是我又打了一遍客服电话，还是没人接。",
    "很多客户都反映这个问题，向您反馈一下。",
    "我在李宁牌专卖店刷卡，显示交易失败。",
    "江苏分行的理财经理推荐了一款基金。",
    "请问您是本人吗？需要本人持身份证办理。",
    "请问您是要办理挂失吗？",
    "请问您是房主吗？房贷需要房主签字。",
    "您是第一次在我行开户吗？",
    "您是江苏人吗？异地开户需要工作证明。",
    "您是车主吗？车贷还款日是每月五号。",
    "这位先生，请您到三号窗口办理。",
    "各位女士先生，营业厅即将关门。",
    "原经理已经调走了，现在由新经理负责。",
    "前台主管说要等明天才能处理。",
    "我先生的卡也有同样的问题。",
    "找你们大堂经理，我要当面说清楚！",
    "总经理信箱在哪里？我要反映情况。",
    "班主任让我帮孩子交学费，结果转账失败。",
    "感谢客服的耐心解答，问题已经解决了。",
    "你好，请问信用卡怎么提额？谢谢",
    "客服您好，我想查一下积分。",
    "您好，请问有什么可以帮您？",
    "你们的服务太差了，我要投诉！\n谢谢",
    "麻烦尽快处理。\n祝好",
    "周末能不能办理大额取现？\n明天见",
    "此致\n敬礼",
    "—— 来自我的手机",
    "金额显示不对，常用地址也变了，方便的话回个电话。",
    "余额宝转到银行卡要多久？周末到账吗？",
    "高端客户专属理财经理服务很周到。",
    "这个理财是高风险的吗？收益是多少？",
    "我是白金卡客户，为什么还要收年费？",
    "我是江苏的，在这边出差，卡被吞了。",
    "本人常用这张卡，突然被冻结很着急。",
    "客户方面反映手机银行经常闪退。",
    "客户余额不足，扣款失败了。",
    "客户于是去了另一家银行。",
    "客户向银行提出了书面投诉。",
    "我是来咨询贷款的，请问需要什么材料？",
    "我是华为手机，打不开你们的App。",
    "请提供姓名和联系方式，我们会尽快回电。",
    "按姓名查找收款人的功能在哪里？",
    "联系人项目中可以添加邮箱吗？",
    "谢谢您好，我还想问一下汇率。",
    "明天您好像说过会回电的。",
    "请问是黄金积存业务吗？",
    "请问您是在网点办理的吗？",
    "出租车师傅说只收现金，我的卡刷不了。",
    "保洁阿姨捡到了我的银行卡交给了柜台。",
    "快递师傅说卡片需要本人签收。",
    "您是持卡人本人吗？还是代办？",
    "需要申请人本人到场签字。",
    "谢谢经理帮忙，问题解决了。",
    "我们单位的会计小姐姐帮我操作的。",
]


# Generated hard negatives: name-like frames filled with words that are not names.
# Many start with a surname character (高, 黄, 金, 方, 明, 常 …).
HARD_WORDS = (
    "高利率 黄金 张贴 白金卡 金额 周末 常用 余额 方便 于是 很多 江苏 明天 安全 全部 成功 时间 万一 马上 严重 强烈 "
    "简单 保险 华为 关于 高端 房贷 车贷 花呗 沙发 温馨 程序 计划 解决 连续 商户 游戏 宁可 应该 原来 任何"
).split()
FRAMES = [
    "我想问一下{w}的问题。",
    "这个{w}怎么回事？",
    "请问是{w}吗？",
    "您是{w}吗？",
    "本人{w}，请尽快处理。",
    "我是{w}的，想咨询一下。",
    "客户{w}，已经反映过了。",
    "{w}，您好像没听明白。",
    "麻烦帮我看一下。\n{w}",
    "还是不行。—— {w}",
    "{w}经理说要等审批。",
]
ROLE_WORDS = "客户 理财 大堂 值班 产品 部门 前台 高级 专属 信贷 营业部 网点 这位 那位 各位 每位 我 她 老".split()
ROLE_FRAMES = ["请找我们{w}经理。", "{w}先生请到三号窗口。", "{w}女士您好，请出示证件。", "我帮您转给{w}主管。",
               "{w}师傅说要明天才能修好。"]


def hard_negatives() -> list[str]:
    return ([f.format(w=w) for f in FRAMES for w in HARD_WORDS]
            + [f.format(w=w) for f in ROLE_FRAMES for w in ROLE_WORDS] + NEGATIVE)


def _positives(rng: random.Random, per_template: int = 12):
    for tpl in POSITIVE:
        for _ in range(per_template):
            if "{s}" in tpl:
                name = rng.choice(COMPOUND) if rng.random() < 0.05 else rng.choice(SINGLE)
                yield tpl.replace("{s}", name), name
            else:
                name = _full(rng)
                yield tpl.replace("{n}", name), name


def _masked_names(text: str) -> list[str]:
    return [text[s.start : s.end] for s in mask_pii(text).spans if s.type == "person_name"]


def name_scores(seed: int = 11) -> dict[str, float]:
    """Recall on generated positives, false-positive rate on the negatives (text level)."""
    rng = random.Random(seed)
    pos = list(_positives(rng))
    hits = sum(name in _masked_names(text) for text, name in pos)
    over = sum(any(n != name for n in _masked_names(text)) for text, name in pos)
    neg = hard_negatives()
    fp = sum(bool(_masked_names(t)) for t in neg)
    return {"recall": hits / len(pos), "over_masked": over / len(pos), "fp_rate": fp / len(neg),
            "n_pos": len(pos), "n_neg": len(neg)}


def test_generated_name_recall_and_false_positive_rate():
    s = name_scores()
    assert s["n_pos"] >= 400 and s["n_neg"] >= 500
    assert s["recall"] >= 0.95, s
    assert s["over_masked"] <= 0.02, s
    assert s["fp_rate"] <= 0.04, s


@pytest.mark.parametrize("text", NEGATIVE)
def test_hard_negatives_mask_no_name(text):
    assert _masked_names(text) == []


@pytest.mark.parametrize(
    "text, name",
    [
        ("请问您是张婷本人吗", "张婷"),
        ("张先生您好", "张"),
        ("是李秀英女士吗", "李秀英"),
        ("王经理，我的卡又被锁了", "王"),
        ("我帮您转给刘主管", "刘"),
        ("此致\n敬礼\n陈伟", "陈伟"),
        ("此致 敬礼 陈伟", "陈伟"),
        ("情况就是这样。—— 赵敏", "赵敏"),
        ("欧阳娜娜女士您好", "欧阳娜娜"),
        ("高先生说利率太高了", "高"),
        ("谢谢王经理", "王"),
        ("向王经理反映过", "王"),
        ("这位高先生要办理挂失", "高"),
        ("请问您是張婷本人嗎", "張婷"),  # traditional characters
    ],
)
def test_contexts_from_agent_checks_and_signatures(text, name):
    assert name in _masked_names(text)


def test_mask_keeps_the_type_and_the_title():
    assert mask_pii("请问是王先生吗？").text == "请问是〔姓名〕先生吗？"
    assert mask_pii("您好：\n卡被锁了。\n此致\n敬礼\n李秀英").text.endswith("\n〔姓名〕")


@pytest.mark.parametrize(
    "text",
    [
        "坐席：您好，请问有什么可以帮您？\n客户：我想问一下客户经理的电话。\n坐席：好的，请稍等。",
        "理财经理推荐的基金亏了，大堂经理也说不清楚，姓名不对的话怎么改？",
        "您好，我的卡被锁了，请问怎么解锁？谢谢",
    ],
)
def test_the_cheap_gate_lets_ordinary_service_text_through_untouched(text):
    """mask_pii runs on every text: without a name context it must stop at the gate."""
    from xinsheng.voc.masking import _PRECHECK
    from xinsheng.voc.names import TAIL, gate_search

    assert not gate_search(_PRECHECK, text) and not TAIL.search(text, len(text) - 16)
