"""Question analysis: the terms the index and the pair scorer compare.

normalise (繁→简, 全角→半角, fillers; ``xinsheng.voc.text.normalize``) → banking synonyms
(钱转不出去 → 转账失败) → segmentation with the banking dictionary → negation marking
(转账不成功 → 转账 失败, 不能登录 → 登录失败, otherwise 不 X → ``!X``) → stop words out.
Character bigrams of the rewritten text give tolerance to typos (信用咔 still shares 信用).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from xinsheng.knowledge.matching.synonyms import Rewrite, Synonyms, load_synonyms
from xinsheng.voc.text import add_words, normalize, segment

#: Words that say what kind of question it is, not what it is about: light whatever the corpus.
LIGHT_TERMS = frozenset(
    "怎么 怎么办 什么 为什么 如何 多少 能否 哪里 什么时候 办理 需要 问题 一下 现在 还 吗 呢 "
    "请 帮 帮忙 我 你们 银行 知道 告诉 有 没 是不是 不 了 好 时候 今天 昨天 已经 一直 总是".split())
NEGATORS = frozenset({"不", "没", "没有", "未", "无法", "不能", "不会", "不可以", "别", "无", "非", "不要", "不再", "不用"})
# Words between a negator and what it negates (不太会, 没能, 不是很).
_SKIP = frozenset({"太", "很", "能", "会", "再", "是", "可以", "要", "想", "怎么", "都", "也", "就"})
STOPWORDS = frozenset(
    "的 了 吗 呢 吧 啊 呀 哦 哈 么 嘛 哇 啦 我 你 他 她 它 我们 你们 他们 您 是 在 和 与 及 或 "
    "就 都 也 还 又 把 被 给 让 这 那 这个 那个 一个 一下 请问 问下 问一下 想问 想 要 能 会 "
    "可以 需要 一些 有点 什么样 ? ! , . ~".split()
)
QUESTION_TYPES = {
    "how": ("怎么", "怎么办", "步骤", "流程", "方法", "办理"),
    "why": ("为什么",),
    "when": ("什么时候", "多长时间", "几天", "多久"),
    "where": ("哪里", "哪些", "哪个"),
    "amount": ("多少", "多少钱", "几", "额度", "限额"),
    "whether": ("能否", "是否", "有没有", "是不是", "会不会", "吗"),
    "what": ("什么", "哪种", "区别"),
}
QUESTION_WORDS = frozenset(c for cues in QUESTION_TYPES.values() for c in cues) | {
    "怎么办", "能否", "为什么", "什么时候", "哪里", "什么", "多少钱", "失败"}
_NUM = re.compile(r"\d+(?:\.\d+)?")
_NONWORD = re.compile(r"[\s\W_]+")


@dataclass(slots=True)
class Analyzed:
    """A question ready for matching."""

    text: str  # normalised
    canon: str  # synonyms rewritten
    terms: list[str]  # content words; negated words as "!word"
    grams: list[str]  # character bigrams (unigram for one-character text)
    rewrites: list[Rewrite] = field(default_factory=list)
    numbers: frozenset[str] = frozenset()
    qtypes: frozenset[str] = frozenset()
    negated: int = 0  # how many words are negated

    @property
    def chars(self) -> str:
        return _NONWORD.sub("", self.canon)


def mark_negation(words: list[str]) -> tuple[list[str], int]:
    """Attach a negator to the word it negates: [不, 成功] → [!成功]."""
    out: list[str] = []
    pending = False
    negated = 0
    for w in words:
        if w in NEGATORS:
            pending = not pending  # 不是不 → double negation
            continue
        if pending and w in _SKIP:
            continue
        if pending:
            out.append("!" + w)
            negated += 1
            pending = False
        else:
            out.append(w)
    if pending:  # a trailing 不/没 ("转了没") asks a question, it negates nothing
        out.append("不")
    return out, negated


def char_grams(chars: str) -> list[str]:
    if len(chars) < 2:
        return [chars] if chars else []
    return [chars[i:i + 2] for i in range(len(chars) - 1)]


def question_types(words: list[str], text: str) -> frozenset[str]:
    found = set()
    for kind, cues in QUESTION_TYPES.items():
        if any(c in words for c in cues) or (kind == "whether" and text.endswith(("吗", "吗?"))):
            found.add(kind)
    return frozenset(found)


class Analyzer:
    """Turns questions into :class:`Analyzed`; one per synonym list (cached)."""

    def __init__(self, synonyms: Synonyms) -> None:
        self.synonyms = synonyms
        add_words(t for t in synonyms.canonical_terms if " " not in t)
        #: banking words (dictionary and synonym list): what a question is about
        self.domain_terms = frozenset(synonyms.canonical_terms) - LIGHT_TERMS - QUESTION_WORDS

    def analyze(self, text: str) -> Analyzed:
        norm = normalize(text or "")
        canon, rewrites = self.synonyms.rewrite(norm)
        words = segment(canon)
        marked, negated = mark_negation(words)
        terms = [w for w in marked if w not in STOPWORDS]
        chars = _NONWORD.sub("", canon)
        return Analyzed(
            text=norm, canon=canon, terms=terms, grams=char_grams(chars), rewrites=rewrites,
            numbers=frozenset(_NUM.findall(norm)), qtypes=question_types(words, norm),
            negated=negated,
        )


@lru_cache(maxsize=4)
def get_analyzer(extra_synonyms: Path | None = None) -> Analyzer:
    """The analyzer with the shipped synonyms (plus a bank's file, when given)."""
    return Analyzer(load_synonyms(extra_synonyms))
