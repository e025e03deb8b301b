"""Understanding free-text preference and taboo notes (偏好与禁忌) as concepts.

A note is cut into clauses; in each clause the lexicon (data/concepts.yaml) finds
*topics* (alcohol, flying, films …), *conditions* that imply topics to avoid (痛风 →
seafood and alcohol) and *attitudes* (fear, avoid, dislike, impaired, like), with
negation ("不怕坐飞机" cancels the fear; "不爱打高尔夫" turns a liking into a dislike).
A clause's topics are avoided when any negative attitude is present, liked otherwise
when a liking is. Avoidance wins over liking: an offer is never made on a doubt.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Protocol

import yaml

NEGATIVE = ("fear", "avoid", "dislike")


class Offer(Protocol):
    avoid: tuple[str, ...]
    likes: tuple[str, ...]


@dataclass(frozen=True)
class Lexicon:
    topics: dict[str, dict]
    conditions: dict[str, dict]
    attitudes: dict[str, list[str]]
    negators: tuple[str, ...]
    window: int
    normal: tuple[str, ...]
    breaks: re.Pattern
    cues: tuple[tuple[str, str], ...]  # (cue, attitude), longest first


@lru_cache(maxsize=1)
def lexicon() -> Lexicon:
    raw = yaml.safe_load(resources.files("xinsheng.nba").joinpath("data/concepts.yaml").read_text("utf-8"))
    words = "|".join(map(re.escape, raw["clause_words"]))
    chars = re.escape(raw["clause_breaks"])
    cues = sorted(((c, kind) for kind, cs in raw["attitudes"].items() if kind != "like_not" for c in cs),
                  key=lambda ck: len(ck[0]), reverse=True)
    return Lexicon(topics=raw["topics"], conditions=raw["conditions"], attitudes=raw["attitudes"],
                   negators=tuple(raw["negators"]), window=int(raw["negation_window"]),
                   normal=tuple(raw["normal"]), breaks=re.compile(f"[{chars}]|{words}"), cues=tuple(cues))


def _mask(text: str, words: list[str]) -> str:
    for w in sorted(words, key=len, reverse=True):
        text = text.replace(w, "□" * len(w))
    return text


def _attitudes(clause: str, lex: Lexicon) -> tuple[set[str], str]:
    """The attitudes present (cues matched longest first, negation applied) and the clause
    with the cues and the negators they consumed masked."""
    text = _mask(clause, lex.attitudes.get("like_not", []))
    found: set[str] = set()
    for cue, kind in lex.cues:
        if cue not in text:
            continue
        for m in re.finditer(re.escape(cue), text):
            before = text[max(0, m.start() - lex.window):m.start()]
            negated = any(n in before for n in lex.negators)
            if negated:
                start = m.start() - len(before)
                text = text[:start] + "".join("□" if ch in lex.negators else ch for ch in before) + text[m.start():]
            if negated and kind in ("fear", "dislike"):
                pass  # 不怕 / 不讨厌: no stance
            elif negated and kind == "like":
                found.add("dislike")
            else:
                found.add(kind)
        text = text.replace(cue, "□" * len(cue))
    return found, text


def _topics(clause: str, masked: str, lex: Lexicon) -> tuple[set[str], set[str]]:
    """The topics present, and those right after a negator no cue took (不看电影: avoided)."""
    out, negated = set(), set()
    for name, t in lex.topics.items():
        text = _mask(clause, t.get("not", []))  # masking keeps positions: same length
        for term in t["terms"]:
            for m in re.finditer(re.escape(term), text):
                out.add(name)
                if any(n in masked[max(0, m.start() - lex.window):m.start()] for n in lex.negators):
                    negated.add(name)
    return out, negated


@dataclass
class Reading:
    """What a customer's notes say: topics avoided or liked, each with the note that says so."""

    avoided: dict[str, str] = field(default_factory=dict)
    liked: dict[str, str] = field(default_factory=dict)

    def _add(self, into: dict[str, str], topics, note: str) -> None:
        for t in topics:
            into.setdefault(t, note)

    def reason_against(self, offer: Offer) -> str | None:
        """The note that rules ``offer`` out, or None."""
        return next((self.avoided[t] for t in offer.avoid if t in self.avoided), None)

    def rules_out(self, offer: Offer) -> bool:
        return self.reason_against(offer) is not None

    def reasons_for(self, offer: Offer) -> list[str]:
        """The notes that raise ``offer`` (a liking of one of its topics)."""
        return list(dict.fromkeys(self.liked[t] for t in offer.likes if t in self.liked))

    def raises(self, offer: Offer) -> bool:
        return bool(self.reasons_for(offer)) and not self.rules_out(offer)


def _read_clause(clause: str, note: str, lex: Lexicon, reading: Reading) -> None:
    attitudes, masked = _attitudes(clause, lex)
    topics, negated = _topics(clause, masked, lex)
    if not any(n in clause for n in lex.normal):
        for cond in lex.conditions.values():
            if any(term in clause for term in cond["terms"]):
                reading._add(reading.avoided, cond["avoid"], note)
                if cond.get("health"):
                    reading._add(reading.liked, ["health_concern"], note)
    specific = {t for t in topics if not lex.topics[t].get("vehicle")}
    for name in topics:
        spec = lex.topics[name]
        if spec.get("vehicle") and specific:
            continue  # the stance is about what is given, not about gifts
        target = spec.get("body_part")
        if target:
            if "impaired" in attitudes:
                reading._add(reading.avoided, [target], note)
            continue
        if spec.get("implicit_avoid") or name in negated or attitudes & set(NEGATIVE):
            reading._add(reading.avoided, [name], note)
        elif "like" in attitudes:
            reading._add(reading.liked, [name], note)


def read_notes(notes: list[str]) -> Reading:
    """Read every note; the first note that states a stance is the one given as reason.
    (Readings are cached by the notes' texts: the same notes recur across customers.)"""
    return _read(tuple(notes))


@lru_cache(maxsize=4096)
def _read(notes: tuple[str, ...]) -> Reading:
    lex = lexicon()
    reading = Reading()
    for note in notes:
        for clause in lex.breaks.split(note):
            if clause.strip():
                _read_clause(clause.strip(), note, lex, reading)
    return reading
