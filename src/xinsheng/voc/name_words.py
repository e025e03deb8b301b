"""Ordinary words that start with a surname character: where a name cannot start.

Two sources: a short list of common words (``_WORDS``: 金额, 明天, 方便 …, and a surname
glued to the character before it: 感谢, 各位 …), and the general dictionary of the
segmenter (jieba's, through rjieba; no guessing of unknown words), which reads 总台|小姐,
相关|律师 or 凌晨 as words that a surname character is part of.
"""
from __future__ import annotations

__all__ = ["is_word"]

# Common words made of a surname character and a given-name-like one: never a name,
# and a surname glued to the character before it (感谢王…, 各位…, 黄金…) is not one.
_WORDS = frozenset(
    """全国 全部 全额 全新 全家 全力 全体 全程 全面 全款 全球 全天 全年 全都 成功 成为 成本 成都
    成立 成熟 成年 成交 成绩 安全 安心 安排 安装 安卓 安静 安慰 安宁 安好 和平 和谐 和解 高兴
    高中 高端 高级 高新 高利 高铁 高速 高手 高考 高度 高效 高价 高于 高达 高清 高温 高层 高管
    高额 明天 明年 明白 明确 明细 明显 明星 明亮 明日 明早 明晚 时间 时候 时光 时代 时时 时效
    时长 时段 万一 万元 万能 万家 万达 方便 方面 方式 方法 方案 方向 方可 方才 方言 白天 白金
    白色 白银 白条 白领 金额 金卡 金融 金牌 金子 黄金 黄色 王国 王府 王牌 房子 房贷 房租 房东
    房产 房价 车子 车贷 车主 车险 车位 花园 花费 花呗 花钱 关心 关于 关系 关注 关闭 关机 关联
    常用 常见 常规 常年 常客 常识 余额 余下 余生 于是 向您 向你 向他 向她 周末 周一 周二 周三
    周四 周五 周六 周日 周年 周期 周边 周到 周转 江苏 江西 江湖 张贴 马上 马路 强烈 强制 强行
    强大 严重 严格 严肃 宁可 宁愿 温馨 温柔 温度 温和 冷静 简单 简直 简洁 简明 单位 单元 单纯
    单独 单笔 沙发 原来 原因 原先 原有 原文 原价 原本 应该 应有 应用 应当 保安 保全 保证 保险
    保持 保护 保管 保障 来信 来电 来自 来说 都是 谢谢 多谢 感谢 致谢 任何 任务 计划 计算 解决
    解释 连续 连接 商家 商品 商户 商城 游戏 游客 苏宁 尤其 毕业 华为 华夏 华丽 吉利 包括 包含
    祝好 祝安 祝你 祝您 甘心 李宁 对于 由于 等于 属于 在于 终于 至于 基于 处于 位于 各位 这位
    那位 哪位 每位 一位 两位 几位 诸位 前台 平台 柜台 后台 电台 阳台 资金 现金 基金 租金 押金
    奖金 美金 年金 定金 租车 汽车 开车 停车 打车 火车 提高 最高 很高 太高 较高 偏高 中华 繁华
    请问 可以 所以 以及 乐意 快乐 音乐 娱乐 和气 共和 总和 保洁 保姆 保镖 保健 管理 管家 向往
    许多 学习 祝福 启蒙 丁香 表白 尽管 不管 辛苦 蒙牛 项目 舒服 主任 发扬 温州 宁波 江门 武汉
    成就 程序 过程 工程 课程 流程 日程 行程 章程 进程 路程""".split()
)


def is_word(text: str, i: int, end: int) -> bool:
    """A surname glued to the character before it, or a name that starts with a common word."""
    if text[max(0, i - 1) : i + 1] in _WORDS or text[i : min(end, i + 2)] in _WORDS:
        return True
    return _in_dictionary(text, i, end)


# Before these, a surname starts an informal name (小林, 老王) even where the two make a word.
_INFORMAL_PREFIX = frozenset("小老阿")


def _in_dictionary(text: str, i: int, end: int) -> bool:
    """The segmenter's general dictionary (jieba's, no guessing of unknown words) reads the
    surname at ``i`` as part of another word: one that starts before it (总台|小姐,
    客房|经理, 相关|律师, 公司|总经理; not 感谢|王经理, 认为|何先生), or the candidate
    name itself is a word that is not a person's name (凌晨, 华侨, 安徽)."""
    words = _dictionary()
    lo = max(0, i - 4)
    if i > lo and text[i - 1] not in _INFORMAL_PREFIX:
        pos = lo
        for w in words.cut(text[lo:end], False):
            if pos < i < pos + len(w):
                return True
            pos += len(w)
            if pos >= i:
                break
    tags = words.tag(text[i:end], False) if end - i > 1 else []
    return len(tags) == 1 and not tags[0][1].startswith("nr")


def _dictionary():
    from xinsheng.voc.text import _segmenter

    return _segmenter()
