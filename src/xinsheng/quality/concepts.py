"""Finding a concept's meaning in a turn: clause by clause, with negation.

A match counts unless a negation cue stands before it in the same clause, within the rule
file's window ("不能保证收益" is no promise; "没有风险" is no disclosure of risk). A cue that is
part of the match itself ("不保本", "肯定不会亏") does not cancel it.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Sequence

from xinsheng.quality.rules import Concept, RuleSet
from xinsheng.quality.transcript import Turn

__all__ = ["Hit", "Located", "find", "find_all", "locate", "clauses"]

_CLAUSE = re.compile(r"[^，,。.!！?？；;…\n]+")


@dataclass(frozen=True)
class Hit:
    """Where a concept was found: the clause that carries it (the quoted evidence), its
    character span in the turn's text, and the words that matched."""

    start: int
    end: int
    text: str
    match: str = ""


def clauses(text: str) -> list[tuple[int, str]]:
    """(offset, clause) pairs: the text split at Chinese and Western punctuation."""
    return [(m.start(), m.group()) for m in _CLAUSE.finditer(text)]


def _negated(rules: RuleSet, clause: str, at: int) -> bool:
    prefix = clause[max(0, at - rules.negation_window):at]
    return bool(prefix) and rules.negation.search(prefix) is not None


def _match_clause(rules: RuleSet, parts: list[re.Pattern[str]], clause: str) -> tuple[int, int] | None:
    spans = []
    for part in parts:
        found = None
        for m in part.finditer(clause):
            if not _negated(rules, clause, m.start()):
                found = m.span()
                break
        if found is None:
            return None
        spans.append(found)
    return min(s for s, _ in spans), max(e for _, e in spans)


def find(rules: RuleSet, concept: Concept, text: str) -> Hit | None:
    """The first un-negated occurrence of ``concept`` in ``text``, or None."""
    best: Hit | None = None
    for offset, clause in clauses(text):
        for parts in concept.patterns:
            span = _match_clause(rules, parts, clause)
            if span is not None:
                hit = Hit(offset, offset + len(clause), clause.strip(), clause[span[0]:span[1]])
                if best is None or hit.start < best.start:
                    best = hit
        if best is not None:
            return best
    return None


@dataclass(frozen=True)
class Located:
    """A concept found in a turn: the turn's index and the span in its text."""

    index: int
    turn: Turn
    hit: Hit

    @property
    def time(self) -> float:
        return self.turn.time_at(self.hit.start)


def _speaks(turn: Turn, speaker: str) -> bool:
    return speaker == "any" or turn.speaker == speaker


def locate(rules: RuleSet, turns: Sequence[Turn], concept: str, speaker: str = "any",
           start_index: int = 0) -> Located | None:
    """The first turn (from ``start_index``) by ``speaker`` that carries ``concept``."""
    c = rules.concepts[concept]
    for i in range(start_index, len(turns)):
        t = turns[i]
        if _speaks(t, speaker):
            hit = find(rules, c, t.text)
            if hit is not None:
                return Located(i, t, hit)
    return None


def find_all(rules: RuleSet, concept: Concept, text: str) -> list[Hit]:
    """Every un-negated match of a concept's one-part patterns (for counting terms)."""
    hits = []
    for offset, clause in clauses(text):
        for parts in concept.patterns:
            if len(parts) != 1:
                continue
            hits.extend(Hit(offset + m.start(), offset + m.end(), m.group(), m.group()) for m in parts[0].finditer(clause)
                        if not _negated(rules, clause, m.start()))
    return hits
