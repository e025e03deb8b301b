"""Helpers of ``bench_voc.py --ab``: the mixed check texts, the comparison of two codes'
outputs, and an exact leftmost-longest matcher for code that still used pyahocorasick."""
from __future__ import annotations

import random
from collections import Counter

EXTRAS = [
    "，我的手机13812345678", "，身份证11010519491231002X", "，卡号6222020200112233445", "，电话(0755) 83221234",
    "，我叫王芳", "[怒]", "[泪]", "[哈哈]", "[抓狂]", "呵呵", "尼玛", "醉了", "可不", "我不生气", "给我滚", "！！！",
    " my card was charged twice and the app keeps crashing", "，張先生您好，您的帳戶", "嗯嗯那个那个",
]


def check_texts(n: int, real: list[str], synth) -> list[str]:
    """``n`` mixed texts: dense synthetic ones of 50, 200 and 2,000 characters, real ones
    when given, each with up to three pieces of PII, emoticons, slang or English put in."""
    rng = random.Random(7)
    base = synth(n // 3, 50, 11) + synth(n // 3, 200, 12) + synth(max(1, n // 30), 2000, 13)
    base += rng.sample(real, min(len(real), n - len(base))) if real else synth(n - len(base), 120, 14)
    out = []
    for t in base[:n]:
        for _ in range(rng.randint(0, 3)):
            at = rng.randint(0, len(t))
            t = t[:at] + rng.choice(EXTRAS) + t[at:]
        out.append(t)
    out += ["", "   ", "English only: I am very angry, you keep charging me fees!", "12378"]
    return out


def compare(old: list[dict], new: list[dict]) -> str:
    """How many texts differ, and in which fields (e.g. ``3 (topics 2, flags 1)``)."""
    fields: Counter[str] = Counter()
    differ = 0
    for a, b in zip(old, new, strict=True):
        if a != b:
            differ += 1
            fields.update(k for k in a if a[k] != b.get(k))
    return f"{differ}" + (f" ({', '.join(f'{k} {v}' for k, v in fields.most_common())})" if differ else "")


class _ExactLongest:
    """Wraps a pyahocorasick automaton: ``iter_long`` answers exact leftmost-longest
    matches, picked from every (overlapping) match ``iter`` finds."""

    def __init__(self, auto, lengths) -> None:
        self.auto, self.lengths = auto, lengths

    def iter_long(self, text: str):
        found = sorted((end + 1 - int(self.lengths[i]), -(end + 1), i) for end, i in self.auto.iter(text))
        pos = 0
        for start, neg_end, i in found:
            if start >= pos:  # the first match starting here is the longest one
                yield -neg_end - 1, i
                pos = -neg_end

    def __getattr__(self, name):
        return getattr(self.auto, name)


def fix_matcher() -> None:
    """Make an older xinsheng's ``Lexicon`` (pyahocorasick ``iter_long``) exactly leftmost-longest."""
    from xinsheng.voc import lexicon

    compile_ = lexicon.Lexicon.compile
    if not hasattr(lexicon, "ahocorasick"):
        return  # already exact

    def compile(self):
        compile_(self)
        if self._auto is not None and self._words:
            self._auto = _ExactLongest(self._auto, self._lengths)
        return self

    lexicon.Lexicon.compile = compile
