"""Text normalisation (规范化) and word segmentation (分词), shared by VOC and the knowledge base.

``normalize`` turns raw customer text into one canonical form: traditional → simplified
Chinese (OpenCC ``t2s``), full-width → half-width, ASR fillers (嗯, 呃, 那个…) removed,
runs of a repeated character capped at two, whitespace collapsed, ASCII lower-cased.

``segment`` cuts normalised text into words with rjieba (a Rust port of jieba, ~35×
faster than jieba on the same dictionary) plus the banking user dictionary shipped in
``voc/data/banking_dict.txt``. English words come out as words too.
"""
from __future__ import annotations

import re
import threading
from functools import lru_cache
from importlib import resources
from itertools import compress
from typing import Iterable, Sequence

import numpy as np

from xinsheng.voc import tokens

__all__ = ["normalize", "normalize_many", "segment", "segment_many", "detect_lang", "detect_langs", "to_half_width", "banking_words", "t2s"]

_HALF = {c: c - 0xFEE0 for c in range(0xFF01, 0xFF5F)}
_HALF[0x3000] = 0x20
_HALF_TABLE = str.maketrans({chr(k): chr(v) for k, v in _HALF.items()})

# Filler syllables of spoken Chinese (ASR transcripts). 额/啊 only when they stand
# alone before a pause, so that 额度 and 好啊 survive.
# The leading lookahead lets the regex engine skip to candidate characters at C speed.
_FILLERS = re.compile(
    r"(?=[嗯呃额啊哦那这就然])(?:"
    r"[嗯呃]+[,.!? ]*"
    r"|(?<![^,.!?;: \x00])(?:额|啊|哦|那个|就是说|然后)+[,.!? ]+"
    r"|(?:那个|这个|就是|然后){2,})"
)
_REPEAT = re.compile(r"([^0-9\x00])\1{2,}")
_ANY_REPEAT = re.compile(r"(.)\1\1")  # a cheap first check: most texts repeat nothing
_FULL_WIDTH = re.compile("[\uff01-\uff5e\u3000]")
_SPACES = re.compile(r"\s+")
_SURROGATE = re.compile("[\ud800-\udfff]")  # a lone surrogate (never valid text): the segmenter cannot take it
_NOT_CJK = re.compile(r"[^\u4e00-\u9fff]+")
_LETTERS = bytes(range(65, 91)) + bytes(range(97, 123))  # A-Z a-z
_LATIN = re.compile(r"[A-Za-z]")

_lock = threading.Lock()


@lru_cache(maxsize=1)
def _converter():
    import opencc

    return opencc.OpenCC("tw2sp")  # traditional → simplified, with phrases (軟體 → 软件)


@lru_cache(maxsize=1)
def _traditional_chars() -> str:
    """The characters OpenCC would change (found once, ~50 ms)."""
    import opencc

    char = opencc.OpenCC("t2s").convert
    return "".join(c for c in map(chr, range(0x3400, 0xA000)) if char(c) != c) + "著"


@lru_cache(maxsize=1)
def _traditional() -> re.Pattern[str]:
    """A character class of ``_traditional_chars``."""
    return re.compile("[" + _traditional_chars() + "]")


@lru_cache(maxsize=1)
def _traditional_table() -> np.ndarray:
    """``_traditional_chars`` as a boolean table over the code points below 0x10000."""
    table = np.zeros(0x10000, dtype=bool)
    table[[ord(c) for c in _traditional_chars()]] = True
    return table


def _t2s_joined(joined: str) -> str:
    """``t2s`` of each NUL-separated text of ``joined``; the texts holding a character to
    convert are found with numpy, the others are not searched one by one."""
    parts = joined.split("\x00")
    codes = np.frombuffer(joined.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    doc = np.cumsum(codes == 0)
    hit = _traditional_table()[np.minimum(codes, 0xFFFF)] & (codes < 0x10000)
    for i in np.unique(doc[hit]).tolist():
        parts[i] = _converter().convert(parts[i])
    return "\x00".join(parts)


def t2s(text: str) -> str:
    """Traditional → simplified Chinese with OpenCC; simplified text is returned unchanged, fast."""
    if not _traditional().search(text):
        return text
    return _converter().convert(text)


def to_half_width(text: str) -> str:
    """Full-width ASCII and the ideographic space → half-width (same length)."""
    return text.translate(_HALF_TABLE)


def _filler_repl(m: re.Match[str]) -> str:
    s = m.group()
    # Keep one 那个/这个 of a stuttered run: it may be a real determiner.
    if s[:2] in ("那个", "这个", "就是", "然后") and s.count(s[:2]) * 2 == len(s):
        return s[:2]
    return ""


def normalize(text: str) -> str:
    """Canonical form of ``text`` for analysis (not for display)."""
    if not text:
        return ""
    t = text.translate(_HALF_TABLE) if _FULL_WIDTH.search(text) else text
    return _clean(t2s(t)).strip()


def normalize_many(texts: Sequence[str]) -> list[str]:
    """``normalize`` for a batch, with one pass of each step over the texts joined by NUL."""
    if len(texts) < 4:
        return [normalize(t) for t in texts]
    joined = "\x00".join(t.replace("\x00", " ") if "\x00" in t else t for t in texts)
    if _FULL_WIDTH.search(joined):
        codes = np.frombuffer(joined.encode("utf-32-le", "surrogatepass"), dtype=np.uint32).copy()
        codes[(codes >= 0xFF01) & (codes <= 0xFF5E)] -= 0xFEE0
        codes[codes == 0x3000] = 0x20
        joined = codes.tobytes().decode("utf-32-le", "surrogatepass")  # a lone surrogate stays as it is
    if _traditional().search(joined):
        joined = _t2s_joined(joined)
    return [p.strip() for p in _clean(joined).split("\x00")]


def _clean(t: str) -> str:
    """Fillers out, repeats capped, whitespace collapsed, lower case, a lone surrogate → U+FFFD
    (NUL-separated texts stay apart)."""
    if _SURROGATE.search(t):
        t = _SURROGATE.sub("\ufffd", t)
    t = _FILLERS.sub(_filler_repl, t)
    if _ANY_REPEAT.search(t):
        t = _cap_repeats(t)
    return _SPACES.sub(" ", t).lower()


def _cap_repeats(t: str) -> str:
    """``_REPEAT.sub(r"\\1\\1", t)``: every run of three or more of one character (not a
    digit, not NUL) cut to two. On a batch, with numpy over the code points: a character
    equal to the two before it goes (the regex, cheap on one text, tries every position)."""
    if len(t) < 4096:
        return _REPEAT.sub(r"\1\1", t)
    try:
        codes = np.frombuffer(t.encode("utf-32-le"), dtype=np.uint32)
    except UnicodeEncodeError:  # a lone surrogate
        return _REPEAT.sub(r"\1\1", t)
    drop = np.zeros(len(codes), dtype=bool)
    drop[2:] = (codes[2:] == codes[1:-1]) & (codes[1:-1] == codes[:-2])
    drop &= ((codes < 0x30) | (codes > 0x39)) & (codes != 0)
    if not drop.any():
        return t
    return codes[~drop].tobytes().decode("utf-32-le")


def detect_lang(text: str) -> str:
    """``zh`` when the text is mostly Chinese characters (or has no letters), otherwise ``en``."""
    sample = text[:400]
    if not _LATIN.search(sample):
        return "zh"  # Chinese, or no letters at all: the Chinese-first default
    ascii_ = sample.encode("ascii", "ignore")  # counted without a list of one-letter strings
    n_latin = len(ascii_) - len(ascii_.translate(None, _LETTERS))
    n_cjk = len(_NOT_CJK.sub("", sample))
    if not n_cjk:
        return "en" if n_latin else "zh"  # no letters at all: Chinese-first default
    return "zh" if n_cjk * 4 >= n_latin else "en"


def detect_langs(texts: Sequence[str]) -> list[str]:
    """``detect_lang`` of each text, counted for the whole batch with numpy: Latin letters
    and Chinese characters in each text's first 400 characters."""
    if len(texts) < 8:
        return [detect_lang(t) for t in texts]
    heads = [t[:400] for t in texts]
    codes = np.frombuffer("".join(heads).encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    doc = np.repeat(np.arange(len(texts)), np.fromiter(map(len, heads), np.int64, len(heads)))
    latin = ((codes | 0x20) - 0x61) < 26  # a-z, A-Z (unsigned: below 'a' wraps around)
    n_latin = np.bincount(doc[latin], minlength=len(texts))
    n_cjk = np.bincount(doc[(codes >= 0x4E00) & (codes <= 0x9FFF)], minlength=len(texts))
    zh = (n_latin == 0) | ((n_cjk > 0) & (n_cjk * 4 >= n_latin))
    return ["zh" if z else "en" for z in zh.tolist()]


def banking_words() -> list[str]:
    """The words of the shipped banking user dictionary."""
    raw = resources.files("xinsheng.voc").joinpath("data/banking_dict.txt").read_text("utf-8")
    return [ln.split()[0] for ln in raw.splitlines() if ln.strip() and not ln.startswith("#")]


@lru_cache(maxsize=1)
def _segmenter():
    import rjieba

    with _lock:
        seg = rjieba.Jieba()
        for word in banking_words() + _taxonomy_words():
            seg.add_word(word, None, None)
    return seg


def _taxonomy_words() -> list[str]:
    """Chinese keywords of the shipped taxonomy: always in the dictionary, so segmentation
    (and everything derived from it, such as cluster ids) is the same in every process."""
    from xinsheng.voc.lexicon import load_yaml

    words = []
    for parent in load_yaml("taxonomy.yaml").get("topics", []):
        for child in parent.get("children", []):
            words += [str(w).split("|")[0] for w in child.get("keywords", []) if not str(w).isascii()]
    return words


def add_words(words: Iterable[str]) -> None:
    """Teach the segmenter more words (e.g. from a bank's taxonomy)."""
    seg = _segmenter()
    with _lock:
        for w in words:
            if w and not seg.has_word(w):
                seg.add_word(w, None, None)


def _is_word(w: str) -> bool:
    return w.isalnum() or w[0].isalnum() or w[-1].isalnum()


class _KeepTable(dict):
    """token → whether ``segment`` keeps it; filled on first sight, so that a batch's
    tokens are filtered by ``map``/``compress`` in C (bounded: past the limit, misses are
    answered without being stored)."""

    limit = 300_000

    def __missing__(self, w: str) -> bool:
        keep = _is_word(w)
        if len(self) < self.limit:
            self[w] = keep
        return keep


_SEP = "\n"
_KEEP = _KeepTable({_SEP: True})  # the boundary is kept to split on; never a word (``_is_word`` is False)
_KEEP_COLUMN = tokens.Column(lambda words: [_is_word(w) for w in words], bool)  # the same, per token id


def segment(text: str, keep_punct: bool = False) -> list[str]:
    """Words of ``text`` (expected normalised); whitespace and, unless asked, punctuation dropped."""
    if not text:
        return []
    words = _segmenter().cut(text)
    if keep_punct:
        return [w for w in words if not w.isspace()]
    return [w for w in words if _is_word(w)]


def segment_many(texts: Sequence[str]) -> list[list[str]]:
    """``segment`` of each text, with one segmenter call for the batch.

    The texts are cut joined by ``\\n``: the segmenter cuts runs of Chinese characters and
    letters/digits on their own, and a line break is a token of its own, so the cut of the
    joined string is the texts' cuts with ``\\n`` between them. Texts holding a line break
    or a carriage return (which could pair with it) are cut one by one instead. The lists
    are ``tokens.Words``: they carry the words' token ids for the later stages."""
    if len(texts) < 2:
        return [segment(t) for t in texts]
    joined = _SEP.join(texts)
    if "\r" in joined or joined.count(_SEP) != len(texts) - 1:
        return [segment(t) for t in texts]
    words = _segmenter().cut(joined)
    if not tokens.ENABLED:
        return _split_plain(words, len(texts))
    table = tokens.current()
    ids = table.ids(words)
    sep = table[_SEP]
    keep = _KEEP_COLUMN.of(table)[ids] | (ids == sep)
    kept = list(compress(words, keep.tolist()))
    kept_ids = ids[keep]
    ends = np.flatnonzero(kept_ids == sep).tolist() + [len(kept)]
    of, pos, out = tokens.Words.of, 0, []
    for end in ends:
        out.append(of(kept[pos:end], kept_ids[pos:end], table))
        pos = end + 1
    return out


def _split_plain(words: list[str], n: int) -> list[list[str]]:
    """The kept words of a batch's cut, split at the ``n - 1`` boundaries (plain lists)."""
    kept = list(compress(words, map(_KEEP.__getitem__, words)))
    out: list[list[str]] = []
    pos = 0
    index = kept.index
    for _ in range(n - 1):
        nl = index(_SEP, pos)
        out.append(kept[pos:nl])
        pos = nl + 1
    out.append(kept[pos:])
    return out
