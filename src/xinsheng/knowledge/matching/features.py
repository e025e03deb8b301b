"""Features of a question pair: how much of each question the other one covers.

Every feature is symmetric and corpus-independent up to the idf table (term weights from
whatever corpus is at hand: the knowledge base, or the questions of an evaluation file).
The names are part of a trained model's file, so add new ones at the end.
"""
from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable
from difflib import SequenceMatcher

import numpy as np

from xinsheng.knowledge.matching.analyzer import LIGHT_TERMS, Analyzed

FEATURES = (
    "word_jaccard", "word_weighted_jaccard", "word_cosine", "unmatched_max_idf",
    "unmatched_idf_big", "unmatched_idf_small", "char_jaccard", "gram_jaccard",
    "gram_containment", "sequence_ratio", "longest_common", "length_ratio", "length_diff",
    "polarity_conflict", "negation_asymmetry", "number_mismatch", "qtype_mismatch",
    "qtype_jaccard", "identical", "coverage_max", "coverage_min",
)
#: +1: more means more alike; -1: more means less alike. The shipped model keeps these signs.
SIGNS = {name: -1 for name in (
    "unmatched_max_idf", "unmatched_idf_big", "unmatched_idf_small", "length_diff",
    "polarity_conflict", "negation_asymmetry", "number_mismatch", "qtype_mismatch")}
SIGNS.update({name: 1 for name in FEATURES if name not in SIGNS})
#: Opposites that are not written with a negator: 失败 is "not 成功", 未到账 is "not 到账".
_OPPOSITE = {"失败": "成功", "未到账": "到账", "解冻": "冻结", "解绑": "绑卡", "关闭": "开通",
             "取消": "开通", "销户": "开户", "赎回": "申购", "降额": "提额"}


class IdfTable:
    """Term weights in [0, 1] from document frequencies: 1 for a term never seen."""

    def __init__(self, df: dict[str, int] | None = None, n_docs: int = 0) -> None:
        self.df = df or {}
        self.n_docs = n_docs
        self._top = math.log((n_docs + 1) / 0.5)

    @classmethod
    def from_texts(cls, analyzed: Iterable[Analyzed]) -> IdfTable:
        df: Counter[str] = Counter()
        n = 0
        for a in analyzed:
            df.update(set(a.terms))
            n += 1
        return cls(dict(df), n)

    def weight(self, term: str) -> float:
        if term in LIGHT_TERMS:
            return 0.1
        df = self.df.get(term, 0)
        if not df or self.n_docs == 0:
            return 1.0
        return max(0.0, math.log((self.n_docs + 1) / (df + 0.5)) / self._top)


def _jaccard(a: set, b: set) -> float:
    if not a and not b:
        return 1.0
    return len(a & b) / len(a | b)


def _polarity(terms: Iterable[str]) -> dict[str, int]:
    signs: dict[str, int] = {}
    for t in terms:
        if t.startswith("!") and len(t) > 1:
            signs[t[1:]] = -1
        elif t in _OPPOSITE:
            signs[_OPPOSITE[t]] = -1
        elif t.endswith("失败") and len(t) > 2:
            signs["成功"] = -1
            signs.setdefault(t[:-2], 1)
        else:
            signs.setdefault(t, 1)
    return signs


def _polarity_conflict(a: list[str], b: list[str]) -> int:
    pa, pb = _polarity(a), _polarity(b)
    return sum(1 for k, s in pa.items() if k in pb and pb[k] != s)


def _has_negative(terms: list[str]) -> bool:
    return any(t.startswith("!") or t in _OPPOSITE or t.endswith("失败") for t in terms)


def _word_features(a: Analyzed, b: Analyzed, idf: IdfTable) -> list[float]:
    sa, sb = set(a.terms), set(b.terms)
    w = {t: idf.weight(t) for t in sa | sb}
    shared = sa & sb
    union_w = sum(w.values()) or 1.0
    ca, cb = Counter(a.terms), Counter(b.terms)
    dot = sum(ca[t] * cb[t] * w[t] ** 2 for t in shared)
    na = math.sqrt(sum((ca[t] * w[t]) ** 2 for t in ca)) or 1.0
    nb = math.sqrt(sum((cb[t] * w[t]) ** 2 for t in cb)) or 1.0
    only_a = sum(w[t] for t in sa - sb)
    only_b = sum(w[t] for t in sb - sa)
    unmatched = [w[t] for t in sa ^ sb]
    mass_a, mass_b = sum(w[t] for t in sa) or 1.0, sum(w[t] for t in sb) or 1.0
    shared_w = sum(w[t] for t in shared)
    cover = (shared_w / mass_a, shared_w / mass_b)  # how much of each question the other has
    return [
        _jaccard(sa, sb), sum(w[t] for t in shared) / union_w, dot / (na * nb),
        max(unmatched, default=0.0), max(only_a, only_b), min(only_a, only_b),
    ], cover


def _char_features(a: Analyzed, b: Analyzed) -> list[float]:
    ca, cb = a.chars, b.chars
    ga, gb = set(a.grams), set(b.grams)
    shortest = min(len(ga), len(gb)) or 1
    if ca and cb:
        matcher = SequenceMatcher(None, ca, cb, autojunk=False)
        ratio = matcher.ratio()
        longest = matcher.find_longest_match(0, len(ca), 0, len(cb)).size / min(len(ca), len(cb))
    else:
        ratio = longest = float(ca == cb)
    la, lb = len(ca), len(cb)
    return [
        _jaccard(set(ca), set(cb)), _jaccard(ga, gb), len(ga & gb) / shortest, ratio, longest,
        min(la, lb) / max(la, lb, 1), min(abs(la - lb), 20) / 20,
    ]


def _logic_features(a: Analyzed, b: Analyzed) -> list[float]:
    numbers = 0.0
    if a.numbers and b.numbers:
        numbers = float(a.numbers != b.numbers)
    elif a.numbers or b.numbers:
        numbers = 0.5
    qtype_mismatch = float(bool(a.qtypes) and bool(b.qtypes) and not (a.qtypes & b.qtypes))
    return [
        float(_polarity_conflict(a.terms, b.terms)),
        float(_has_negative(a.terms) != _has_negative(b.terms)),
        numbers, qtype_mismatch, _jaccard(set(a.qtypes), set(b.qtypes)),
        float(a.chars == b.chars),
    ]


def pair_features(a: Analyzed, b: Analyzed, idf: IdfTable) -> list[float]:
    """The feature vector of one pair, in the order of :data:`FEATURES`."""
    words, cover = _word_features(a, b, idf)
    return words + _char_features(a, b) + _logic_features(a, b) + [max(cover), min(cover)]


def feature_matrix(pairs: Iterable[tuple[Analyzed, Analyzed]], idf: IdfTable) -> np.ndarray:
    rows = [pair_features(a, b, idf) for a, b in pairs]
    return np.asarray(rows, dtype=np.float64).reshape(len(rows), len(FEATURES))


def pair_tokens(a: Analyzed, b: Analyzed) -> list[str]:
    """Words the two questions differ in (``d:``) or share (``s:``), and characters they
    differ in (``c:``): the inputs of a trained model's lexical part."""
    sa, sb = set(a.terms), set(b.terms)
    ca, cb = set(a.chars), set(b.chars)
    return ([f"d:{t}" for t in sa ^ sb] + [f"s:{t}" for t in sa & sb] + [f"c:{c}" for c in ca ^ cb])


def explain_overlap(query: Analyzed, question: Analyzed) -> dict[str, list[str]]:
    """Why a question matched: shared words, and the synonyms that made them shared."""
    shared = [t for t in dict.fromkeys(query.terms) if t in set(question.terms)]
    synonyms = [f"{r.surface}→{r.canonical}" for r in query.rewrites if r.canonical in shared]
    synonyms += [f"{r.surface}→{r.canonical}" for r in question.rewrites
                 if r.canonical in shared and f"{r.surface}→{r.canonical}" not in synonyms]
    return {"terms": [t.lstrip("!") if not t.startswith("!") else "不" + t[1:] for t in shared],
            "synonyms": synonyms}
