"""Banking synonyms (同义词): colloquial variants rewritten to one canonical term.

"钱转不出去" and "转账不成功" both become 转账失败, 卡被ATM吞了 becomes 吞卡, 网上银行
becomes 网银. The shipped list is ``data/synonyms.txt``; a bank adds groups in the same
format with ``XINSHENG_HOME/knowledge/synonyms.txt``. Matching is on normalised text,
longest variant first at each position, so a protected longer word (every word of the
banking dictionary, and ``=`` lines) is never cut by a shorter variant inside it.
"""
from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

log = logging.getLogger(__name__)

_GAP = r"[^\s,.!?;:，。！？；：]{0,4}?"
_SHIPPED = "data/synonyms.txt"


@dataclass(frozen=True)
class Rewrite:
    """One synonym that fired: the text as written and the canonical term it became."""

    surface: str
    canonical: str


def parse_groups(text: str) -> tuple[dict[str, str], set[str]]:
    """``variant -> canonical`` and the protected words of a synonym file's text."""
    mapping: dict[str, str] = {}
    protected: set[str] = set()
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("="):
            protected.update(w.strip().lower() for w in line[1:].split("|") if w.strip())
            continue
        terms = [w.strip().lower() for w in line.split("|") if w.strip()]
        for term in terms:
            mapping.setdefault(term, terms[0])
    return mapping, protected


def _pattern(variant: str) -> str:
    body = _GAP.join(re.escape(p) for p in variant.split("*"))
    if variant[:1].isascii() and variant[:1].isalnum():
        body = r"(?<![a-z0-9])" + body
    if variant[-1:].isascii() and variant[-1:].isalnum():
        body += r"(?![a-z0-9])"
    return body


class Synonyms:
    """Rewrites text to canonical terms and reports which synonyms fired.

    Plain variants are found by a longest-match dictionary scan (a few microseconds per
    question); the few ``*`` variants by regular expressions first.
    """

    def __init__(self, mapping: dict[str, str], protected: set[str] = frozenset()) -> None:
        self.mapping = dict(mapping)
        for word in protected:
            self.mapping.setdefault(word, word)
        self._exact = {v: c for v, c in self.mapping.items() if "*" not in v}
        self._wild = [(re.compile(_pattern(v)), c) for v, c in self.mapping.items() if "*" in v]
        self._lengths: dict[str, list[int]] = {}  # first character -> variant lengths
        for v in self._exact:
            self._lengths.setdefault(v[0], []).append(len(v))
        for first, lengths in self._lengths.items():
            self._lengths[first] = sorted(set(lengths), reverse=True)

    @property
    def canonical_terms(self) -> set[str]:
        return set(self.mapping.values())

    def rewrite(self, text: str) -> tuple[str, list[Rewrite]]:
        """``text`` with every variant replaced by its canonical term, and the rewrites."""
        if not text:
            return text, []
        fired: list[Rewrite] = []
        for regex, canonical in self._wild:
            if regex.search(text):
                text = regex.sub(lambda m, c=canonical: _mark(fired, m.group(), c), text)
        out: list[str] = []
        i, n = 0, len(text)
        exact, by_first = self._exact, self._lengths
        while i < n:
            for length in by_first.get(text[i], ()):
                piece = text[i:i + length]
                canonical = exact.get(piece) if len(piece) == length else None
                if canonical is not None and _ascii_boundary(text, i, length):
                    out.append(_mark(fired, piece, canonical))
                    i += length
                    break
            else:
                out.append(text[i])
                i += 1
        return " ".join("".join(out).split()), fired


def _mark(fired: list[Rewrite], surface: str, canonical: str) -> str:
    if surface != canonical:
        fired.append(Rewrite(surface, canonical))
    return f" {canonical} "


def _ascii_boundary(text: str, i: int, length: int) -> bool:
    """An ASCII variant (app, atm) must not be part of a longer ASCII word (apple)."""
    first, last = text[i], text[i + length - 1]
    if first.isascii() and first.isalnum() and i > 0 and text[i - 1].isascii() and text[i - 1].isalnum():
        return False
    j = i + length
    return not (last.isascii() and last.isalnum() and j < len(text)
                and text[j].isascii() and text[j].isalnum())


def _read_shipped() -> str:
    return resources.files("xinsheng.knowledge.matching").joinpath(_SHIPPED).read_text("utf-8")


def load_synonyms(extra: Path | None = None) -> Synonyms:
    """The shipped list plus the bank's own file when it exists; banking words protected."""
    from xinsheng.voc.text import banking_words

    mapping, protected = parse_groups(_read_shipped())
    if extra is not None and extra.is_file():
        more, more_protected = parse_groups(extra.read_text("utf-8"))
        mapping.update(more)
        protected |= more_protected
        log.info("loaded %d bank synonyms from %s", len(more), extra)
    protected |= {w.lower() for w in banking_words()}
    return Synonyms(mapping, protected)
