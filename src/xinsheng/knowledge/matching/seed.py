"""The shipped pair model, trained at first use on the seed questions shipped with xinsheng.

``data/seed_questions.txt`` holds banking question groups written for xinsheng (no
research data): paraphrases within a line are the same intent, lines of one topic are
different intents that share words. Pairs are also wrapped in chatter ("你好，我想问一下
……谢谢") so that a long message is not taken for a different question. The fit keeps
every feature's sign (:func:`scorer.fit_monotone`), because a few hundred pairs cannot
teach more than "more overlap, more alike; contradictions, less alike".
"""
from __future__ import annotations

import random
from functools import lru_cache
from importlib import resources
from itertools import combinations

import numpy as np

from xinsheng.knowledge.matching.analyzer import get_analyzer
from xinsheng.knowledge.matching.features import IdfTable, feature_matrix
from xinsheng.knowledge.matching.model import PairModel, calibrate, fit_monotone


def seed_groups(name: str = "seed_questions.txt") -> list[tuple[str, list[str]]]:
    """(topic, paraphrases) of a shipped question-group file (the seed file by default)."""
    raw = resources.files("xinsheng.knowledge.matching").joinpath(f"data/{name}")
    groups = []
    for line in raw.read_text("utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            topic, _, rest = line.partition(":")
            groups.append((topic.strip(), [q.strip() for q in rest.split("|") if q.strip()]))
    return groups


#: Words that change the intent when swapped for another of their row (信用卡 ≠ 借记卡).
CONTRASTS = [
    ["信用卡", "借记卡", "储蓄卡", "社保卡"], ["房贷", "车贷", "消费贷", "经营贷"],
    ["提额", "降额"], ["还款", "分期", "激活", "注销", "挂失", "补办"],
    ["冻结", "解冻"], ["开通", "取消", "关闭"], ["绑定", "解绑"], ["赎回", "申购", "购买"],
    ["手机银行", "网上银行", "微信", "网点"], ["成功", "失败"], ["到账", "退回"],
    ["美元", "欧元", "日元", "港币"], ["一年", "三年", "五年"], ["多少", "几天"],
    ["理财", "基金", "大额存单", "定期存款"], ["境外", "跨行"], ["登录密码", "支付密码", "取款密码"],
]


def contrast_pairs(questions: list[str], rng: random.Random) -> list[tuple[str, str, int]]:
    """Near-copies of seed questions with one key word swapped: different intents (0)."""
    pairs = []
    for q in questions:
        for row in CONTRASTS:
            hit = next((w for w in row if w in q), None)
            if hit is not None:
                other = rng.choice([w for w in row if w != hit])
                pairs.append((q, q.replace(hit, other, 1), 0))
                break
    return pairs


#: What customers wrap their question in ("你好，我想问一下……谢谢").
CHATTER = (
    ("你好，我想问一下，", ""), ("您好，", "，谢谢"), ("请问", "？"), ("", "，急！"),
    ("我试了好几次了，", ""), ("早上在手机上弄的，", "，怎么回事"), ("麻烦问下", "，在线等"),
    ("客服你好，", "，帮我看看"), ("", "，我该找谁"), ("昨天开始的，", ""),
)


def chatter_pairs(pairs: list[tuple[str, str, int]], rng: random.Random) -> list[tuple[str, str, int]]:
    """The same pairs with one side wrapped in chatter: it changes nothing about the intent."""
    out = []
    for a, b, label in pairs:
        if rng.random() < 0.35:
            pre, post = rng.choice(CHATTER)
            out.append((a, f"{pre}{b}{post}", label))
    return out


def seed_pairs(seed: int = 7, contrasts: bool = False) -> list[tuple[str, str, int]]:
    """Labelled pairs from the seed groups: paraphrases (1); same-topic other intents and
    one-word contrasts (0)."""
    rng = random.Random(seed)
    groups = seed_groups()
    pairs = [(a, b, 1) for _, qs in groups for a, b in combinations(qs, 2)]
    if contrasts:
        pairs += contrast_pairs([q for _, qs in groups for q in qs], rng)
    pairs += chatter_pairs(pairs, rng)
    for (t1, g1), (t2, g2) in combinations(groups, 2):
        if t1 == t2:
            pairs += [(rng.choice(g1), rng.choice(g2), 0) for _ in range(2)]
        elif rng.random() < 0.08:
            pairs.append((rng.choice(g1), rng.choice(g2), 0))
    return pairs


def general_pairs() -> list[tuple[str, str, int]]:
    """Labelled everyday (non-banking) pairs from ``data/general_pairs.txt``: the paraphrases
    of a line (1), and for every two lines of a topic the two cross pairs that share the most
    characters (0): different questions worded alike (红烧肉怎么做 / 红烧鱼怎么做)."""
    groups = seed_groups("general_pairs.txt")
    pairs = [(a, b, 1) for _, qs in groups for a, b in combinations(qs, 2)]

    def shared(ab: tuple[str, str]) -> float:
        a, b = set(ab[0]), set(ab[1])
        return len(a & b) / len(a | b)

    for (t1, g1), (t2, g2) in combinations(groups, 2):
        if t1 == t2:
            close = sorted(((a, b) for a in g1 for b in g2), key=lambda ab: (-shared(ab), ab))[:2]
            pairs += [(a, b, 0) for a, b in close]
    return pairs


def _features(pairs: list[tuple[str, str, int]]) -> tuple[np.ndarray, np.ndarray]:
    analyzer = get_analyzer()
    analyzed = [(analyzer.analyze(a), analyzer.analyze(b)) for a, b, _ in pairs]
    idf = IdfTable.from_texts({x.text: x for p in analyzed for x in p}.values())
    return feature_matrix(analyzed, idf), np.array([label for *_, label in pairs])


@lru_cache(maxsize=1)
def default_model() -> PairModel:
    """The shipped model (deterministic, ~100 ms): weights fitted on the seed pairs (banking),
    then its probabilities calibrated on the general pairs (everyday questions: close and
    loose paraphrases, and different questions worded alike), so that its threshold 0.5 is
    right on questions beyond banking too (:func:`scorer.calibrate`)."""
    model = fit_monotone(*_features(seed_pairs()), trained_on="xinsheng seed questions (shipped), "
                                                             "calibrated on xinsheng general pairs")
    return calibrate(model, *_features(general_pairs()))
