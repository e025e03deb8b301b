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
    topics: dict[str, dict]  # each with "rx": its terms and pieces as one pattern, "mask": its false friends
    conditions: dict[str, dict]
    attitudes: dict[str, list[str]]
    negators: tuple[str, ...]
    window: int
    normal: tuple[str, ...]
    breaks: re.Pattern
    cues: tuple[tuple[re.Pattern, str], ...]  # (cue, attitude): pieces first, then words longest first
    masks: tuple[str, ...] = ()
    carry_over: bool = False
    negated_body_part: bool = False


def _load(name: str) -> dict:
    return yaml.safe_load(resources.files("xinsheng.nba").joinpath(f"data/{name}").read_text("utf-8"))


def _merge(raw: dict, gen: dict) -> None:
    """Add the generalisation layer's pieces (data/morphemes.yaml) to the concepts."""
    for kind in ("topics", "conditions"):
        for name, spec in gen[kind].items():
            into = raw[kind].setdefault(name, {"terms": [], **{k: v for k, v in spec.items()
                                                               if k not in ("pieces", "not")}})
            into["pieces"] = list(spec.get("pieces", []))
            into["not"] = list(into.get("not", [])) + list(spec.get("not", []))
    raw["pieces"] = gen["attitudes"]


def _pattern(spec: dict) -> re.Pattern:
    alts = sorted(map(re.escape, spec.get("terms", [])), key=len, reverse=True) + list(spec.get("pieces", []))
    return re.compile("|".join(alts) or "(?!)")


@lru_cache(maxsize=2)
def lexicon(general: bool = True) -> Lexicon:
    """The concepts; with ``general`` (the default) extended by the morpheme layer."""
    raw = _load("concepts.yaml")
    gen = _load("morphemes.yaml") if general else None
    if gen:
        _merge(raw, gen)
    for spec in (*raw["topics"].values(), *raw["conditions"].values()):
        spec["rx"] = _pattern(spec)
    words = "|".join(map(re.escape, raw["clause_words"]))
    chars = re.escape(raw["clause_breaks"])
    literal = sorted(((c, kind) for kind, cs in raw["attitudes"].items() if kind != "like_not" for c in cs),
                     key=lambda ck: len(ck[0]), reverse=True)
    pieces = [(c, kind) for kind, cs in raw.get("pieces", {}).items() if kind != "masks" for c in cs]
    cues = [(re.compile(c), k) for c, k in pieces] + [(re.compile(re.escape(c)), k) for c, k in literal]
    return Lexicon(topics=raw["topics"], conditions=raw["conditions"], attitudes=raw["attitudes"],
                   negators=tuple(raw["negators"]), window=int(raw["negation_window"]),
                   normal=tuple(raw["normal"]), breaks=re.compile(f"[{chars}]|{words}"), cues=tuple(cues),
                   masks=tuple(raw.get("pieces", {}).get("masks", [])), carry_over=bool(gen and gen["carry_over"]),
                   negated_body_part=bool(gen and gen["negated_body_part_impaired"]))


def _mask(text: str, words: list[str]) -> str:
    for w in sorted(words, key=len, reverse=True):
        text = text.replace(w, "□" * len(w))
    return text


def _attitudes(clause: str, lex: Lexicon) -> tuple[set[str], str]:
    """The attitudes present (cues matched pieces first, then longest first, negation applied)
    and the clause with the cues and the negators they consumed masked."""
    text = _mask(clause, [*lex.attitudes.get("like_not", []), *lex.masks])
    found: set[str] = set()
    for cue, kind in lex.cues:
        for m in list(cue.finditer(text)):
            if "□" in m.group(0):
                continue
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
            text = text[:m.start()] + "□" * (m.end() - m.start()) + text[m.end():]
    return found, text


def _topics(clause: str, masked: str, lex: Lexicon) -> tuple[set[str], set[str]]:
    """The topics present, and those right after a negator no cue took (不看电影: avoided)."""
    out, negated = set(), set()
    for name, t in lex.topics.items():
        text = _mask(clause, t.get("not", []))  # masking keeps positions: same length
        for m in t["rx"].finditer(text):
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


def _conditions(clause: str, note: str, lex: Lexicon, reading: Reading) -> bool:
    """Conditions in the clause (unless it says they are normal); whether any was found."""
    if any(n in clause for n in lex.normal):
        return False
    found = False
    for cond in lex.conditions.values():
        if cond["rx"].search(_mask(clause, cond.get("not", []))):
            found = True
            reading._add(reading.avoided, cond["avoid"], note)
            if cond.get("health"):
                reading._add(reading.liked, ["health_concern"], note)
    return found


def _stance(name: str, attitudes: set[str], negated: set[str], lex: Lexicon, note: str, reading: Reading) -> None:
    spec = lex.topics[name]
    target = spec.get("body_part")
    if target:  # a body part (牙) or capacity (酒量): impaired, it rules out what it serves
        if "impaired" in attitudes or (lex.negated_body_part and name in negated):
            reading._add(reading.avoided, [target], note)
    elif spec.get("implicit_avoid") or name in negated or attitudes & set(NEGATIVE):
        reading._add(reading.avoided, [name], note)
    elif "like" in attitudes:
        reading._add(reading.liked, [name], note)


def _read_clause(clause: str, note: str, lex: Lexicon, reading: Reading, before: set[str]) -> set[str]:
    """Read one clause; answers its topics. A clause with a stance and no topic of its own
    (从来不去) speaks of the clause before's topics (``before``) when the layer is on."""
    attitudes, masked = _attitudes(clause, lex)
    topics, negated = _topics(clause, masked, lex)
    had_condition = _conditions(clause, note, lex, reading)
    if not topics and not had_condition and lex.carry_over and attitudes:
        topics = {t for t in before if not lex.topics[t].get("body_part")}
    specific = {t for t in topics if not lex.topics[t].get("vehicle")}
    for name in topics:
        if lex.topics[name].get("vehicle") and specific:
            continue  # the stance is about what is given, not about gifts
        _stance(name, attitudes, negated, lex, note, reading)
    return topics


def read_notes(notes: list[str], *, general: bool = True) -> Reading:
    """Read every note; the first note that states a stance is the one given as reason.
    ``general=False`` reads with the concept lexicon alone (the benchmark's baseline).
    (Readings are cached by the notes' texts: the same notes recur across customers.)"""
    return _read(tuple(notes), general)


@lru_cache(maxsize=4096)
def _read(notes: tuple[str, ...], general: bool = True) -> Reading:
    lex = lexicon(general)
    reading = Reading()
    for note in notes:
        topics: set[str] = set()
        for clause in lex.breaks.split(note):
            if clause.strip():
                topics = _read_clause(clause.strip(), note, lex, reading, topics)
    return reading
