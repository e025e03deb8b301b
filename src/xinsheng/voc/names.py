"""Person names in text: a surname-aware heuristic that only looks in name-like contexts.

A bare name in running text is not looked for (without a context, any surname
heuristic has a high false-positive rate on ordinary words: 高利率, 黄金, 方便 …).
The contexts, from most to least explicit:

* triggers before a name: 我叫…, 姓名：…, 户名…, 持卡人…, 本人…, 我是…, 客户…, 尊敬的…;
* a title after it: 张先生, 李秀英女士, 王经理, 刘主管 (the surname alone is a name here);
* identity checks: 请问您是张婷本人吗, 是张婷吗, 张婷本人;
* a vocative before 您好 at the start of a line: 张伟，您好;
* a signature closing a text: …此致 敬礼 陈伟, …—— 赵敏, a last line with only a name.

The weaker the context, the stricter the test of the given name: after an explicit
trigger any character that is not a function word will do; elsewhere every
character must be a common given-name character. Common words that start with a
surname character (明天, 方便, 金额 …) are never names.

Text is expected simplified and half-width: ``T2S`` maps the traditional forms of the
characters used here 1:1 (offsets are kept), for ``str.translate``.
"""
from __future__ import annotations

import re

from xinsheng.voc.name_words import is_word as _is_word

__all__ = ["find_names", "gate_pattern", "gate_search", "TAIL", "SURNAMES", "COMPOUND_SURNAMES", "T2S"]

COMPOUND_SURNAMES = (
    "欧阳 司马 诸葛 上官 东方 皇甫 尉迟 公孙 慕容 长孙 宇文 司徒 夏侯 令狐 端木 西门 南宫 "
    "独孤 轩辕 呼延 澹台 公冶 太史 申屠 赫连 闻人 万俟 拓跋 百里 东郭 钟离 宗政 濮阳 淳于 "
    "单于 仲孙 乐正 漆雕 壤驷 公良 梁丘 左丘 司空 司寇 亓官 巫马 羊舌 微生 谷梁"
).split()

# Common single-character surnames (the top ~300 cover > 95 % of the population).
SURNAMES = frozenset(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程"
    "苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝"
    "龚邵万钱严覃武戴莫孔汤庞樊兰殷施洪翟安颜倪牛芦季俞章鲁葛伍申尤毕聂丛焦向柳邢路岳"
    "齐沿梅庄辛管祝左涂谷祁时舒耿牟卜詹关苗凌费纪靳盛童欧甄项曲成游阳裴席卫查屈鲍位霍"
    "翁隋植甘景薄单包司柏宁柯阮桂闵解强柴华车冉房边辜吉饶刁瞿戚丘古米池滕晋苑邬臧畅宫来苟全"
    "褚廉简娄盖符奚木穆党燕郎邸冀谈姬屠连郜晏栾郁商蒙计喻揭窦迟宇敖糜鄢冷卓花仇艾蓝都巩稽井练"
    "仲乐虞卞封竺冼原官衣楚佟栗匡宗应台巫鞠桑荆谌银扬明沙伏岑习胥保和蔺"
    "傅阎康乔赖麦蒲骆萧荣温文"  # common surnames the list first missed
)
_COMPOUND_SET = frozenset(COMPOUND_SURNAMES)

# Top surnames that are (almost) never part of a given name: in 向王经理 / 华夏王经理
# the name is 王, not 向王 / 华夏王.
_SURNAME_ONLY = frozenset(
    "王李张刘陈杨赵吴周徐孙朱胡郭何罗郑谢宋唐许韩冯邓曹彭曾肖董袁潘蒋蔡杜魏吕沈姚卢崔谭陆汪范廖贾"
    "邹孟熊秦邱尹薛闫段侯史陶贺顾郝龚邵钱戴孔"
)
# Rare surnames that are everyday function words (和配送师傅, 来快递师傅, 原经理 = the former
# manager): a name only right after an explicit trigger (我叫…, 姓名：…).
_FUNCTION = frozenset("原全来和都时应位连常计解查")
# Common surnames that are also prepositions or verbs (于, 向, 谢, 成): their given name
# must be made of common name characters.
_WORDY = frozenset("于向谢成任温文")
# The most common surnames, enough on their own before an informal title (王阿姨, 李师傅).
_COMMON = frozenset(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程"
    "苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝"
)

# Characters common in given names. Outside explicit triggers every given-name
# character must be one of these.
_GIVEN = frozenset(
    "伟刚勇毅俊峰强军平保东文辉力明永健世广志义兴良海山仁波宁贵福生龙元全国胜学祥才发武新利清飞彬富"
    "顺信子杰涛昌成康星光天达安岩茂进林坚彪博诚先敬震振壮思群豪心邦承乐绍功松善厚庆磊民友裕"
    "河哲江超浩亮政谦亨奇固朗伯宏言若鸣朋斌梁栋维启克伦翔旭鹏泽晨辰士建致树炎德泰盛雄琛钧冠"
    "策腾楠榕风航弘秀娟英华慧巧美娜静淑惠珠翠雅芝玉萍红娥玲芬芳燕彩春菊兰凤洁梅琳素云莲真环雪荣爱妹"
    "霞香月莺媛艳瑞凡佳嘉琼勤珍贞莉桂娣叶璐娅琦晶妍茜秋珊莎锦黛青倩婷姣婉娴瑾颖露瑶怡婵雁蓓仪荷丹蓉"
    "眉君琴蕊薇菁梦岚苑婕馨琰韵融园艺咏卿聪澜纯毓悦昭冰爽琬茗羽希欣飘育滢馥筠柔竹凝晓欢霄枫芸菲寒伊"
    "亚宜可舒影荔阳妮宝贝初程恒鸿桦骅剑娇纪宽灵琪晴容睿烁唯威韦雯苇萱彦宇雨洋忠宗曼紫逸贤蝶菡蓝儿"
    "梓涵轩一熙远彤诺曦沐奕铭宸煜皓昕钰芮依琛瀚霖钦铮锋坤鑫淼焱晟昊旻暄珂璇瑜琳琦婧嫣姝婕菀茹蕾莹"
    "璟珏玥瑄瑛琨骏驰翼鹤鹰凯奎勋彰耀炜烨煊焕灿炳培基垚城坚堃岚峻崇嵩巍川州洲涌湘沛滨潇澄清浚润汉"
    "桐柏松杉楷森栋梧桥槐棠樱梵颜韬毅斐靖竣翊翰艺芃芊芝苗茂荣莲萌蔚薪蕴藻虹蓓娉婷雯霏震露霆霁"
    "卫国华庆红军民东方伟兵正永立新春秋冬夏晖明亮光辉辰星月日朝阳升敏丽小佑然诗语长雷帆凯帅硕智钢铁"
    "禄寿喜财旺隆越跃卓书画棋礼孝姿虎豹珮冉玮璋金家"
)

# Characters that end a name, or show that what follows a trigger is not a name.
_STOP = frozenset(
    "的了是在我你他她它们想要说办来去打卡和跟今昨刚先现已请问号身手电银住这那有没不也就都还从给"
    "对把被让到用能会可需因所但而又再才很非之于以及与或啊呀呢吧吗嘛哦哈呃嗯额么着过得地为"
    "姓名字叫，。、；：！？,.;:!?()（）“”\"' \t\n0123456789"
)
# Characters seldom seen in given names (they mark 高级会员, 王府井支行, 车主 … as non-names).
_NOT_GIVEN = _STOP | _SURNAME_ONLY | frozenset(
    "区市县省镇村路街行级元年月日次个位些点分钟期部门网店厅所局司款费额户员业务人主客者产贷率牌总类型"
    "式面便候量度价钱币息税险证照件码机站账单笔户某些种样处内外上下中心老牛"
)

_TITLES = (
    "副总经理 总经理 副行长 董事长 先生 女士 小姐 老师 经理 主管 主任 行长 总监 律师 医生 警官 "
    "科长 处长 局长 部长 院长 校长 同志"
).split()
_INFORMAL = "阿姨 师傅 大夫 大爷 大妈 大姐 大哥".split()
_GENERIC = frozenset(_TITLES + _INFORMAL)  # a given name never starts with a title (王先生 is 王 + 先生)

# Traditional forms of the characters used here → simplified, one character each.
T2S = str.maketrans(
    "萬與業叢東兩嚴個爲麗麼義樂習書於雲亞產親從儀們價會偉倫體餘兒黨蘭關興內軍馮決幾鳳凱劃劉剛劍辦務勳區醫華單"
    "盧衛廳縣發臺葉號後呂嗎啓吳唄員詠園國堅壯處復獎媽婁婭嬌娛嫺嬋孫學寧寶宮寬對壽盡層屬嵐巖嶽峯鞏幣帥師廣莊慶"
    "應龐開張強當彥總恆悅願戲戶揚護時顯晉曉暉機條來楊傑楓櫃棟樹樣欒橋樺夢櫻歡歐畢氣漢湯沒澤潔塗湧濤潤溫遊瀅濱"
    "瀟瀾靈燦煒點爍燁煥愛爺獨瑋環現瓊瑤電畫暢監蓋碼碩確禮祿離種稅竇筆簡類紅級紀純練細終紹經給績續維網羅羣聶聯"
    "聰肅勝騰豔藝蘆葦蘇範荊榮蓮瑩鶯蔣藍藺蘊裝見規計讓許證識訴詩誠該語說請諸諾課談諶諧謝謙謹譚貝貞財賢賬貼貴貸"
    "費賀賈資趙躍車軒轉較輝轅邊達過還這進遠連遲遞鄧鄔鄒鬱鄭釋裏鍾鋼欽鈞鈺錢鐵銘錚銀鋒錦鎮鏢長門閆閉問間閔聞陽"
    "陸陳險霽靜韋韓韜韻項順顧領穎顏額風飄飛饒馬馳駟驊駿魯鮑鳴鴻鵬鶴鷹黃齊龍龔閻喬賴麥駱蕭",
    "万与业丛东两严个为丽么义乐习书于云亚产亲从仪们价会伟伦体余儿党兰关兴内军冯决几凤凯划刘刚剑办务勋区医华单"
    "卢卫厅县发台叶号后吕吗启吴呗员咏园国坚壮处复奖妈娄娅娇娱娴婵孙学宁宝宫宽对寿尽层属岚岩岳峰巩币帅师广庄庆"
    "应庞开张强当彦总恒悦愿戏户扬护时显晋晓晖机条来杨杰枫柜栋树样栾桥桦梦樱欢欧毕气汉汤没泽洁涂涌涛润温游滢滨"
    "潇澜灵灿炜点烁烨焕爱爷独玮环现琼瑶电画畅监盖码硕确礼禄离种税窦笔简类红级纪纯练细终绍经给绩续维网罗群聂联"
    "聪肃胜腾艳艺芦苇苏范荆荣莲莹莺蒋蓝蔺蕴装见规计让许证识诉诗诚该语说请诸诺课谈谌谐谢谦谨谭贝贞财贤账贴贵贷"
    "费贺贾资赵跃车轩转较辉辕边达过还这进远连迟递邓邬邹郁郑释里钟钢钦钧钰钱铁铭铮银锋锦镇镖长门闫闭问间闵闻阳"
    "陆陈险霁静韦韩韬韵项顺顾领颖颜额风飘飞饶马驰驷骅骏鲁鲍鸣鸿鹏鹤鹰黄齐龙龚阎乔赖麦骆萧",
)

_CJK = re.compile(r"[\u4e00-\u9fff]")
_NAME_END = "，。、；：！？,.;:!? \t\n"


def _trie(words: dict[str, str]) -> str:
    """One regex for ``words`` (word → regex that must follow it), factored as a trie.

    Every alternative starts with a literal, so sre computes the set of first
    characters, skips all other positions in C, and rejects a branch with one compare.
    """
    tree: dict = {}
    for w, tail in words.items():
        node = tree
        for ch in w:
            node = node.setdefault(ch, {})
        node.setdefault("", []).append(tail)

    def walk(node: dict) -> str:
        alts = [re.escape(ch) + walk(child) for ch, child in sorted(node.items()) if ch]
        ends = node.get("", [])
        alts += ["(?:" + "|".join(ends) + ")" if len(ends) > 1 else ends[0]] if ends else []
        return alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"

    return walk(tree)


# Explicit triggers: whatever follows is a name if it looks like one at all.
_EXPLICIT = ("我叫 我的名字是 我的名字叫 名字是 名字叫 姓名 姓名是 姓名为 户名 账户名 持卡人 收款人 付款人 联系人 "
             "开户人 经办人 收件人").split()
_SEPARATED = frozenset(w for w in _EXPLICIT if w[-1] in "叫是为")  # the trigger itself ends in a separator
# Weaker triggers: the name must be followed by a pause (本人张伟，…; 我是张伟的…).
_WEAK = "本人 本人叫 本人是 我是 我就是 尊敬的 亲爱的".split()
_ASKS = "您是 你是 问是 是否是 是否为".split()  # 您是张婷吗, 请问是张婷本人吗, 是否为李秀英本人
_TRIGGER = re.compile(_trie(dict.fromkeys(_EXPLICIT + _WEAK + _ASKS + ["客户"], "")))
# A name ends right before a title, 本人 or a greeting.
_SUFFIX = re.compile(_trie({
    **dict.fromkeys(_TITLES, "(?!活|产|效)"),  # not 原先生活, 优先生产
    **dict.fromkeys(_INFORMAL + ["本人", "您好", "你好"], ""),
}))
# A signature: the last words of a text, after a line break, a dash or a closing formula.
_SIGNATURE = re.compile(
    r"(?:\n|——|—|--|－|敬礼|谢谢|盼复|回复|祝好)[ \t:：，,。.!！—\-]*"
    r"([\u4e00-\u9fff]{2,4}?)(?:敬上|谨上|敬启)?[ \t。.!！]*$"
)
_ASK_END = re.compile("(?:本人)?[吗嘛么？?]")
_BEFORE_ID = frozenset("是为由需要请让叫找与跟及和")
_BEFORE_VOCATIVE = frozenset("：:，,。！!？? \t\n的")
_WEAK_AFTER = frozenset(_NAME_END) | frozenset("的想要在来今昨刚现已先女啊呀呢吧吗嘛么本")


def _surname_len(text: str, i: int, explicit: bool = False) -> int:
    """Length (0–2) of the surname at ``i``; function-word surnames only when ``explicit``."""
    if text[i : i + 2] in _COMPOUND_SET:
        return 2
    c = text[i : i + 1]
    return 1 if c in SURNAMES and (explicit or c not in _FUNCTION) else 0


def _given_ok(given: str, strict: bool) -> bool:
    """Whether ``given`` can be a given name.

    ``strict``: every character a common name character; otherwise a common name
    character or at least not one seldom seen in names.
    """
    if given[:2] in _GENERIC:
        return False
    for c in given:
        if c in _SURNAME_ONLY or not ("\u4e00" <= c <= "\u9fff"):
            return False
        if c not in _GIVEN and (strict or c in _NOT_GIVEN):
            return False
    return True


def _plausible(text: str, i: int, s: int, end: int, strict: bool) -> bool:
    """Surname text[i:i+s] and given name text[i+s:end] make a plausible name."""
    strict = strict or (s == 1 and text[i] in _WORDY)
    return _given_ok(text[i + s : end], strict) and not _is_word(text, i, end)


def _forward(text: str, i: int, strict: bool, explicit: bool) -> tuple[int, int] | None:
    """The name starting at ``i``, longest first, ending at a pause or before a title.

    ``explicit`` (after 我叫, 姓名： …): if no candidate ends at a pause, any plausible
    one will do (我叫王芳我要投诉).
    """
    s = _surname_len(text, i, explicit)
    if not s:
        return None
    fallback = None
    for g in (2, 1):
        end = i + s + g
        if end > len(text) or not _plausible(text, i, s, end, strict):
            continue
        nxt = text[end : end + 1]
        if not nxt or nxt in _WEAK_AFTER or not _CJK.match(nxt) or text[end : end + 2] in _GENERIC:
            return i, end
        if explicit and fallback is None and all(c not in _NOT_GIVEN for c in text[i + s : end]):
            fallback = (i, end)
    return fallback


def _backward(text: str, end: int, strict: bool, alone: frozenset[str] | None) -> tuple[int, int] | None:
    """The name ending at ``end``, longest first; ``alone``: surnames that are a name by themselves."""
    if alone and text[end - 2 : end] not in _COMPOUND_SET and text[end - 1 : end] in _SURNAME_ONLY:
        return (end - 1, end) if not _is_word(text, end - 1, end) else None
    for g in (2, 1, 0) if alone else (2, 1):
        for s in (2, 1):
            i = end - g - s
            if i < 0 or _surname_len(text, i) != s or (g == 0 and s == 1 and text[i] not in alone):
                continue
            if _plausible(text, i, s, end, strict):
                return i, end
    return None


def _triggered(text: str) -> list[tuple[int, int]]:
    spans = []
    for m in _TRIGGER.finditer(text):
        word, i = m.group(), m.end()
        while i < len(text) and text[i] in ":： " and word != "客户":  # 客户： is a speaker label
            i += 1
        if word in _ASKS:
            span = _forward(text, i, strict=True, explicit=False)
            span = span if span and _ASK_END.match(text, span[1]) else None
        else:
            explicit = word in _EXPLICIT
            separated = i > m.end() or word in _SEPARATED
            span = _forward(text, i, strict=not (explicit and separated), explicit=explicit)
        if span:
            spans.append(span)
    return spans


def _suffixed(text: str) -> list[tuple[int, int]]:
    spans = []
    for m in _SUFFIX.finditer(text):
        word, end = m.group(), m.start()
        if word in _GENERIC:
            spans.append(_backward(text, end, strict=False, alone=_COMMON if word in _INFORMAL else SURNAMES))
            continue
        if word != "本人" and text[end - 1 : end] in "，, ":
            end -= 1  # 张伟，您好
        span = _backward(text, end, strict=True, alone=None)
        allowed = _BEFORE_ID if word == "本人" else _BEFORE_VOCATIVE
        if span and span[0] > 0 and text[span[0] - 1] not in allowed and _CJK.match(text[span[0] - 1]):
            span = None
        spans.append(span)
    return [s for s in spans if s]


def _signature(text: str) -> tuple[int, int] | None:
    m = _SIGNATURE.search(text, max(0, len(text) - 24))
    if not m:
        return None
    i, end = m.start(1), m.end(1)
    s = _surname_len(text, i)
    if s and end - i - s in (1, 2) and _plausible(text, i, s, end, strict=True):
        return i, end
    return None


def find_names(text: str) -> list[tuple[int, int]]:
    """Sorted, non-overlapping [start, end) spans of person names in ``text`` (simplified, half-width)."""
    spans = _triggered(text) + _suffixed(text)
    sig = _signature(text)
    if sig:
        spans.append(sig)
    out: list[tuple[int, int]] = []
    for s, e in sorted(set(spans), key=lambda p: (p[0], -p[1])):
        if not out or s >= out[-1][1]:
            out.append((s, e))
    return out


_BACK = {v: k for k, v in T2S.items()}  # simplified → traditional


def _raw(chars: frozenset[str] | set[str]) -> frozenset[str]:
    """``chars`` and their traditional forms (the gate reads raw text)."""
    return frozenset(chars) | {chr(_BACK[ord(c)]) for c in chars if ord(c) in _BACK}


def _variants(word: str) -> list[str]:
    """``word`` and its traditional spelling."""
    trad = "".join(chr(_BACK.get(ord(c), ord(c))) for c in word)
    return [word] if trad == word else [word, trad]


_GATE_SUR = _raw(SURNAMES | {w[0] for w in COMPOUND_SURNAMES})  # where a name can start
_GATE_TITLES = frozenset(v for w in _TITLES + _INFORMAL for v in _variants(w))
# Triggers common in ordinary text carry their surname test in the gate regex; the
# others match bare and ``gate_search`` tests what follows them.
_FREQUENT = frozenset("我是 我就是 本人 本人是 您是 你是 问是 是否是 是否为".split())
_GREETINGS = ("您好", "你好")
_GATE_RARE = frozenset(v for w in _EXPLICIT + _WEAK + _ASKS if w not in _FREQUENT for v in _variants(w))


def gate_pattern(extra: dict[str, str]) -> str:
    """A cheap regex that matches wherever ``find_names`` could find a name (a superset).

    ``extra`` adds other literal-first branches (word → what must follow). A frequent
    trigger must be followed by a surname character (or 本人 preceded by a name).
    Titles, greetings and rare triggers match bare (every copy of the surname class
    costs ~1 ms to compile) and ``gate_search`` tests them. Signatures: ``TAIL``.
    """
    sur = "[" + "".join(sorted(_GATE_SUR)) + "]"
    plain = "[" + "".join(sorted(_GATE_SUR - _FUNCTION)) + "]"  # 客户来电 is no name
    follow = f"[:：\u3000 ]*[是为為叫]?{sur}"
    named = "(?:" + "|".join(f"(?<={sur}.{{{k}}}..)" for k in range(1, 4)) + ")"  # 张婷本人
    words = dict(extra)
    for w in _FREQUENT:
        words.update(dict.fromkeys(_variants(w), follow))
    words.update(dict.fromkeys(_variants("客户"), plain))
    words.update(dict.fromkeys(_GATE_TITLES | _GATE_RARE | set(_GREETINGS), ""))
    words["本人"] = f"(?:{follow}|{named})"
    return _trie(words)


_VOCATIVE_GATE = re.compile("[" + "".join(sorted(_GATE_SUR)) + "][\u4e00-\u9fff]{1,3}[，, ]?$")


def gate_search(rx: re.Pattern[str], text: str) -> bool:
    """Whether ``rx`` (from ``gate_pattern``) matches ``text``: a bare title only with a
    surname character at most four characters before it (张先生, not 客户经理), a bare
    trigger only with one right after it (姓名：张三, not 姓名不对)."""
    m = rx.search(text)
    while m is not None:
        word, s, e = m.group(), m.start(), m.end()
        if word in _GATE_TITLES:
            if not _GATE_SUR.isdisjoint(text[max(0, s - 4) : s]):
                return True
        elif word in _GREETINGS:  # 张伟，您好 (not 坐席：您好)
            if _VOCATIVE_GATE.search(text, max(0, s - 5), s):
                return True
        elif word in _GATE_RARE:
            while text[e : e + 1] in (":", "：", " ", "\u3000"):
                e += 1
            if text[e : e + 1] in _GATE_SUR or (text[e : e + 1] in "是为為叫" and text[e + 1 : e + 2] in _GATE_SUR):
                return True
        else:
            return True
        m = rx.search(text, m.end())
    return False


def _tail_pattern() -> str:
    sur = "".join(sorted(_raw(SURNAMES | set("".join(COMPOUND_SURNAMES)))))
    return (r"(?:\n|——|—|--|－|敬礼|敬禮|谢谢|謝謝|盼复|盼復|回复|回復|祝好)[ \t:：，,。.!！—\-]*"
            f"[{sur}][\u4e00-\u9fff]{{1,3}}[ \t。.!！]*$")


# A possible signature at the end of a text (search it from 16 characters before the end).
TAIL = re.compile(_tail_pattern())
