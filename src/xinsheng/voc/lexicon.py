"""Fast multi-word lookup: a lexicon compiled into an Aho-Corasick automaton.

``Lexicon.scan`` reports the leftmost-longest non-overlapping matches (满意 inside 不满意
is not reported twice) of a whole batch joined into one string, so a thousand texts cost
one call, and returns numpy arrays the scoring code can work on without a Python loop.
English lexicons keep only matches at word edges (``fee`` not inside ``feel``).

The automaton is ``ahocorasick_rs`` (Rust's aho-corasick crate, shipped as wheels), which
walks the text and builds the match list in compiled code. Without it the same matches
come from a plain-Python scan (``_py_scan``, slow, for platforms without the wheel);
``XINSHENG_VOC_PURE_PYTHON=1`` forces that path (tests compare the two).
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from itertools import chain
from typing import Any, Iterable

import numpy as np
import yaml

try:  # the compiled matcher; a plain-Python one below when the wheel is missing
    import ahocorasick_rs
except ImportError:  # pragma: no cover - depends on the platform
    ahocorasick_rs = None

__all__ = ["Lexicon", "load_yaml", "weighted_words", "word_char_table", "compiled_matcher"]


def compiled_matcher() -> bool:
    """Whether lexicons are scanned by the compiled automaton (else by ``_py_scan``)."""
    return ahocorasick_rs is not None and os.environ.get("XINSHENG_VOC_PURE_PYTHON", "") in ("", "0")


@lru_cache(maxsize=1)
def word_char_table() -> np.ndarray:
    """A boolean table over the Basic Multilingual Plane: True for word characters (\\w and ')."""
    table = np.array([chr(c).isalnum() or chr(c) == "_" for c in range(0x10000)], dtype=bool)
    table[ord("'")] = True
    return table


def _is_word(codes: np.ndarray) -> np.ndarray:
    table = word_char_table()
    out = np.zeros(len(codes), dtype=bool)
    small = codes < len(table)
    out[small] = table[codes[small]]
    out[~small] = True  # beyond the BMP: CJK extensions and the like are word characters
    return out


@dataclass
class Lexicon:
    """Words mapped to (tag, weight) pairs, e.g. ``未到账 → [("neg", 2.0), ("anxiety", 0.4)]``."""

    entries: dict[str, list[tuple[str, float]]] = field(default_factory=dict)
    word_boundary: bool = False
    _auto: Any = field(default=None, init=False, repr=False)
    _auto_all: Any = field(default=None, init=False, repr=False)
    _compiled: bool = field(default=False, init=False, repr=False)
    _words: list[str] = field(default_factory=list, init=False, repr=False)
    _lengths: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64), init=False, repr=False)
    _frozen: dict[str, tuple[tuple[str, float], ...]] = field(default_factory=dict, init=False, repr=False)
    _ids: dict[str, int] = field(default_factory=dict, init=False, repr=False)
    _by_first: dict[str, tuple[int, ...]] = field(default_factory=dict, init=False, repr=False)

    def add(self, word: str, tag: str, weight: float = 1.0) -> None:
        word = str(word).strip().lower()
        if word:
            self.entries.setdefault(word, []).append((tag, float(weight)))
            self._compiled = False

    def add_words(self, words: Iterable[str], tag: str, weight: float = 1.0) -> None:
        for w in words:
            self.add(w, tag, weight)

    def compile(self) -> Lexicon:
        self._frozen = {w: tuple(t) for w, t in self.entries.items()}
        self._words = list(self.entries)
        self._lengths = np.asarray([len(w) for w in self._words], dtype=np.int64)
        self._ids = {w: i for i, w in enumerate(self._words)}
        lengths: dict[str, set[int]] = {}
        for w in self._words:
            lengths.setdefault(w[0], set()).add(len(w))
        self._by_first = {c: tuple(sorted(ls, reverse=True)) for c, ls in lengths.items()}
        self._auto = self._auto_all = None
        if self._words and compiled_matcher():
            kind = ahocorasick_rs.MatchKind.LeftmostLongest
            self._auto = ahocorasick_rs.AhoCorasick(self._words, matchkind=kind)
        self._compiled = True
        return self

    @property
    def words(self) -> list[str]:
        """The words in id order (``scan`` returns ids into this list)."""
        if not self._compiled:
            self.compile()
        return self._words

    def _matches(self, text: str, overlapping: bool) -> np.ndarray:
        """(word id, start, end) rows of the matches, by the compiled or the plain-Python matcher."""
        if self._auto is not None and compiled_matcher():
            if overlapping:
                if self._auto_all is None:
                    self._auto_all = ahocorasick_rs.AhoCorasick(self._words)
                found = self._auto_all.find_matches_as_indexes(text, overlapping=True)
            else:
                found = self._auto.find_matches_as_indexes(text)
        else:
            found = _py_scan(text, self._ids, self._by_first, overlapping)
        # the (id, start, end) tuples flattened in C: twice as fast as np.array on the list
        return np.fromiter(chain.from_iterable(found), np.int64, 3 * len(found)).reshape(-1, 3)

    def scan(self, text: str, codes: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(starts, ends, word ids) of the leftmost-longest matches in ``text``, in order.

        ``codes`` (the code points of ``text``) is needed only for word-edge checks and is
        computed when not given.
        """
        if not self._compiled:
            self.compile()
        if not self._words or not text:
            empty = np.zeros(0, np.int64)
            return empty, empty, empty
        found = self._matches(text, overlapping=False)
        ids, starts, ends = found[:, 0], found[:, 1], found[:, 2]
        if self.word_boundary and len(ids):
            if codes is None:
                codes = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32).astype(np.int64)
            word = _is_word(codes)
            before = np.where(starts > 0, word[np.maximum(starts - 1, 0)], False)
            after = np.where(ends < len(codes), word[np.minimum(ends, len(codes) - 1)], False)
            keep = ~before & ~after
            starts, ends, ids = starts[keep], ends[keep], ids[keep]
        return starts, ends, ids

    def scan_all(self, text: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(starts, ends, word ids) of every match, overlapping ones too, by start then end
        (no word-edge check: for Chinese lexicons)."""
        if not self._compiled:
            self.compile()
        if not self._words or not text:
            empty = np.zeros(0, np.int64)
            return empty, empty, empty
        found = self._matches(text, overlapping=True)
        ids, starts, ends = found[:, 0], found[:, 1], found[:, 2]
        order = np.lexsort((ends, starts))
        return starts[order], ends[order], ids[order]

    def spans(self, text: str) -> list[tuple[int, int, str]]:
        """``(start, end, word)`` of every match in ``text`` (for one text; ``scan`` for batches)."""
        starts, ends, ids = self.scan(text)
        words = self._words
        return [(s, e, words[i]) for s, e, i in zip(starts.tolist(), ends.tolist(), ids.tolist())]

    def tags(self, word: str) -> tuple[tuple[str, float], ...]:
        return self._frozen[word]

    def __contains__(self, word: str) -> bool:
        return word in self.entries

    def __len__(self) -> int:
        return len(self.entries)


def _py_scan(text: str, ids: dict[str, int], by_first: dict[str, tuple[int, ...]],
             overlapping: bool) -> list[tuple[int, int, int]]:
    """(word id, start, end) of the matches in ``text`` in plain Python: at each position the
    words starting there, longest first; without ``overlapping`` the longest one is taken and
    the scan goes on after it (leftmost-longest, as the compiled matcher does)."""
    out: list[tuple[int, int, int]] = []
    i, n = 0, len(text)
    while i < n:
        lengths = by_first.get(text[i])
        nxt = i + 1
        if lengths:
            here = [(ids[text[i : i + k]], i, i + k) for k in lengths if i + k <= n and text[i : i + k] in ids]
            if here and not overlapping:
                out.append(here[0])
                nxt = here[0][2]
            else:
                out.extend(reversed(here))  # shorter first: the compiled order is by end
        i = nxt
    return out


@lru_cache(maxsize=16)
def load_yaml(name: str) -> Any:
    """A YAML data file shipped in ``xinsheng/voc/data``."""
    raw = resources.files("xinsheng.voc").joinpath("data", name).read_text("utf-8")
    return yaml.safe_load(raw)


def weighted_words(spec: Any, default: float = 1.0) -> list[tuple[str, float]]:
    """Lexicon entries from YAML: a list of words, ``word: weight`` maps, or ``word|weight`` strings."""
    out: list[tuple[str, float]] = []
    if isinstance(spec, dict):
        for w, v in spec.items():
            out.append((str(w), float(v)))
        return out
    for item in spec or []:
        if isinstance(item, dict):
            out.extend((str(w), float(v)) for w, v in item.items())
        elif "|" in str(item):
            w, v = str(item).rsplit("|", 1)
            out.append((w, float(v)))
        else:
            out.append((str(item), default))
    return out
