"""Person names that a text states (我叫…, 姓名：…, 本人…, 户名…): a surname-aware heuristic.

Only names introduced by a trigger are found; a bare name in running text is not,
since without a trigger the false-positive rate of any surname heuristic is high.
"""
from __future__ import annotations

import re

__all__ = ["find_names", "SURNAMES", "COMPOUND_SURNAMES"]

COMPOUND_SURNAMES = (
    "欧阳 司马 诸葛 上官 东方 皇甫 尉迟 公孙 慕容 长孙 宇文 司徒 夏侯 令狐 端木 西门 南宫 "
    "独孤 轩辕 呼延 澹台 公冶 太史 申屠 赫连 闻人 万俟 拓跋 百里 东郭 钟离 宗政 濮阳 淳于 "
    "单于 仲孙 乐正 漆雕 壤驷 公良 梁丘 左丘 第五 司空 司寇 亓官 巫马 羊舌 微生 谷梁"
).split()

# Common single-character surnames (the top ~300 cover > 95 % of the population).
SURNAMES = frozenset(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程"
    "苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝"
    "龚邵万钱严覃武戴莫孔汤庞樊兰殷施陶洪翟安颜倪严牛温芦季俞章鲁葛伍韦申尤毕聂丛焦向柳邢路岳"
    "齐沿梅莫庄辛管祝左涂谷祁时舒耿牟卜路詹关苗凌费纪靳盛童欧甄项曲成游阳裴席卫查屈鲍位覃霍"
    "翁隋植甘景薄单包司柏宁柯阮桂闵解强柴华车冉房边辜吉饶刁瞿戚丘古米池滕晋苑邬臧畅宫来嵺苟全"
    "褚廉简娄盖符奚木穆党燕郎邸冀谈姬屠连郜晏栾郁商蒙计喻揭窦迟宇敖糜鄢冷卓花仇艾蓝都巩稽井练"
    "仲乐虞卞封竺冼原官衣楚佟栗匡宗应台巫鞠僧桑荆谌银扬明沙薄伏岑习胥保和蔺"
)

# Characters that end a name (or show that what follows a trigger is not a name).
_STOP = frozenset(
    "的了是在我你他她它们想要说办来去打卡和跟今昨刚先现已请问号身手电银住这那有没不也就都还从给"
    "对把被让到用能会可需因所但而又再才很非之于以及与或啊呀呢吧吗嘛哦哈呃嗯额么着过得地"
    "姓名字叫，。、；：！？,.;:!?()（）“”\"' \t\n0123456789"
)
# Characters seldom seen in given names (they mark 高级会员, 王府井支行 … as non-names).
_NOT_GIVEN = _STOP | frozenset("区市县省镇村路街行级元年月日次个位些点分钟期部门网店厅所局司款费卡额户员业务")
# What may follow a name introduced by a weak trigger (本人…, 我是…).
_WEAK_AFTER = frozenset("，。、；：！？,.;:!? 的想要在来今昨刚现已先女啊呀呢吧") | {""}

_STRONG = r"我叫|我的名字(?:是|叫)|名字(?:是|叫)|姓名(?:是|为)?|户名|持卡人|收款人|付款人|联系人|开户人"
_WEAK = r"本人(?:叫|是)?|我是"
_TRIGGER = re.compile(f"(?:({_STRONG})|({_WEAK}))[:： ]*(?=[\u4e00-\u9fff])")
_CJK = re.compile(r"[\u4e00-\u9fff]")


def _surname_len(text: str, i: int) -> int:
    if text[i : i + 2] in _COMPOUND_SET:
        return 2
    return 1 if text[i : i + 1] in SURNAMES else 0


_COMPOUND_SET = frozenset(COMPOUND_SURNAMES)


_HONORIFICS = frozenset("先生 女士 小姐 老师 经理 同志 师傅 阿姨 大爷 大妈 总监 主任 行长".split())


def _given_len(text: str, i: int, strong: bool) -> int:
    """Length (1 or 2) of the given name starting at ``i``, or 0 if none is plausible."""
    if text[i : i + 2] in _HONORIFICS:
        return 0
    for n in (2, 1):
        given = text[i : i + n]
        if len(given) < n or not all(_CJK.match(c) and c not in _NOT_GIVEN for c in given):
            continue
        after = text[i + n : i + n + 1]
        if strong or after in _WEAK_AFTER or not _CJK.match(after):
            return n
    return 0


def find_names(text: str) -> list[tuple[int, int]]:
    """[start, end) spans of names introduced by a trigger in ``text``."""
    spans: list[tuple[int, int]] = []
    for m in _TRIGGER.finditer(text):
        i = m.end()
        s = _surname_len(text, i)
        if not s:
            continue
        g = _given_len(text, i + s, strong=m.group(1) is not None)
        if g:
            spans.append((i, i + s + g))
    return spans
