"""Fast multi-word lookup: a lexicon compiled into an Aho-Corasick automaton.

``pyahocorasick`` walks the text once in C and reports the leftmost-longest
non-overlapping matches (满意 inside 不满意 is not reported twice). ``Lexicon.scan``
works on a whole batch joined into one string, so a thousand texts cost one call,
and returns numpy arrays the scoring code can work on without a Python loop.
English lexicons keep only matches at word edges (``fee`` not inside ``feel``).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from itertools import chain
from importlib import resources
from typing import Any, Iterable

import ahocorasick
import numpy as np
import yaml

__all__ = ["Lexicon", "load_yaml", "weighted_words", "word_char_table"]


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
    _words: list[str] = field(default_factory=list, init=False, repr=False)
    _lengths: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64), init=False, repr=False)
    _frozen: dict[str, tuple[tuple[str, float], ...]] = field(default_factory=dict, init=False, repr=False)

    def add(self, word: str, tag: str, weight: float = 1.0) -> None:
        word = str(word).strip().lower()
        if word:
            self.entries.setdefault(word, []).append((tag, float(weight)))
            self._auto = None

    def add_words(self, words: Iterable[str], tag: str, weight: float = 1.0) -> None:
        for w in words:
            self.add(w, tag, weight)

    def compile(self) -> Lexicon:
        self._frozen = {w: tuple(t) for w, t in self.entries.items()}
        self._words = list(self.entries)
        self._lengths = np.asarray([len(w) for w in self._words], dtype=np.int64)
        auto = ahocorasick.Automaton(ahocorasick.STORE_INTS)
        for i, w in enumerate(self._words):
            auto.add_word(w, i)
        if self._words:
            auto.make_automaton()
        self._auto = auto
        return self

    @property
    def words(self) -> list[str]:
        """The words in id order (``scan`` returns ids into this list)."""
        if self._auto is None:
            self.compile()
        return self._words

    def scan(self, text: str, codes: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(starts, ends, word ids) of the leftmost-longest matches in ``text``, in order.

        ``codes`` (the code points of ``text``) is needed only for word-edge checks and is
        computed when not given.
        """
        if self._auto is None:
            self.compile()
        if not self._words or not text:
            empty = np.zeros(0, np.int64)
            return empty, empty, empty
        flat = np.fromiter(chain.from_iterable(self._auto.iter_long(text)), dtype=np.int64)
        ends, ids = flat[0::2] + 1, flat[1::2]
        starts = ends - self._lengths[ids]
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
        if self._auto is None:
            self.compile()
        if not self._words or not text:
            empty = np.zeros(0, np.int64)
            return empty, empty, empty
        flat = np.fromiter(chain.from_iterable(self._auto.iter(text)), dtype=np.int64)
        ends, ids = flat[0::2] + 1, flat[1::2]
        starts = ends - self._lengths[ids]
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
