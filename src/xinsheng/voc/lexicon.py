"""Fast multi-word lookup: a lexicon compiled into one trie-shaped regular expression.

An alternation of a thousand literal words makes Python's ``re`` try each of them at
every position; the same words factored into a trie (``手机(?:银行|号)``) are matched
in one left-to-right pass at C speed, longest match first.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Any, Iterable

import yaml

__all__ = ["trie_regex", "Lexicon", "load_yaml", "Hit"]


def trie_regex(words: Iterable[str], word_boundary: bool = False) -> re.Pattern[str] | None:
    """One regex matching any of ``words`` (longest first at each position); None if empty.

    ``word_boundary`` anchors matches at word edges (for English: ``fee`` not in ``feel``).
    """
    trie: dict[str, Any] = {}
    for w in words:
        if not w:
            continue
        node = trie
        for ch in w:
            node = node.setdefault(ch, {})
        node[""] = True
    if not trie:
        return None
    body = _pattern(trie)
    return re.compile(rf"(?<![\w'])(?:{body})(?![\w'])" if word_boundary else body)


def _pattern(node: dict[str, Any]) -> str:
    ends = "" in node
    branches = [re.escape(ch) + _pattern(child) for ch, child in sorted(node.items()) if ch]
    if not branches:
        return ""
    if len(branches) == 1 and len(branches[0]) <= 2 and not ends:
        body = branches[0]
    else:
        body = "(?:" + "|".join(branches) + ")"
    return body + "?" if ends else body


@dataclass(frozen=True)
class Hit:
    word: str
    start: int
    end: int
    tags: tuple[tuple[str, float], ...]


@dataclass
class Lexicon:
    """Words mapped to (tag, weight) pairs, e.g. ``未到账 → [("neg", 2.0), ("anxiety", 0.4)]``."""

    entries: dict[str, list[tuple[str, float]]] = field(default_factory=dict)
    word_boundary: bool = False
    _rx: re.Pattern[str] | None = field(default=None, init=False, repr=False)
    _frozen: dict[str, tuple[tuple[str, float], ...]] = field(default_factory=dict, init=False, repr=False)

    def add(self, word: str, tag: str, weight: float = 1.0) -> None:
        word = str(word).strip().lower()
        if word:
            self.entries.setdefault(word, []).append((tag, float(weight)))
            self._rx = None

    def add_words(self, words: Iterable[str], tag: str, weight: float = 1.0) -> None:
        for w in words:
            self.add(w, tag, weight)

    def compile(self) -> Lexicon:
        self._frozen = {w: tuple(t) for w, t in self.entries.items()}
        self._rx = trie_regex(self.entries, self.word_boundary)
        return self

    def find(self, text: str) -> list[Hit]:
        """Non-overlapping hits in ``text``, leftmost-longest."""
        if self._rx is None:
            self.compile()
        if self._rx is None:
            return []
        get = self._frozen.__getitem__
        return [Hit(m.group(), m.start(), m.end(), get(m.group())) for m in self._rx.finditer(text)]

    def tags(self, word: str) -> tuple[tuple[str, float], ...]:
        return self._frozen[word]

    def spans(self, text: str) -> list[tuple[int, int, str]]:
        """Like ``find`` but as bare ``(start, end, word)`` tuples (the hot path)."""
        if self._rx is None:
            self.compile()
        if self._rx is None:
            return []
        return [(*m.span(), m.group()) for m in self._rx.finditer(text)]

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
