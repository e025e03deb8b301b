"""Lexicon rules shared by the sentiment and emotion stages.

A sentiment word's weight is modified by what precedes it in the same clause:
negators flip it (不满意 is listed whole; 不太满意 = 不太 + 满意), degree adverbs scale it
(非常, 有点), a contrast (虽然…但是…) discounts what comes before the turn and stresses
what comes after, and a sarcasm marker (呵呵, 真是服了) turns praise into blame.
"""
from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Sequence

from xinsheng.voc.lexicon import Hit, Lexicon, load_yaml, weighted_words

log = logging.getLogger(__name__)

__all__ = ["LangResources", "get_resources", "sentence_spans", "rule_sentiment", "emotion_scores", "EMOTIONS"]

EMOTIONS = ("anger", "anxiety", "sadness", "gratitude", "joy", "surprise")
_SENT_SPLIT = {
    "zh": re.compile(r"[^。!?;~\n]+[。!?;~\n]*"),
    "en": re.compile(r"[^.!?;\n]+(?:[.!?;\n]+|$)"),
}
# Largest gap (characters) between a modifier and the word it modifies.
_WINDOW = {"zh": 3, "en": 12}


@dataclass
class LangResources:
    """The lexicons of one language, compiled."""

    lang: str
    sentiment: Lexicon
    emotions: Lexicon
    flags: Lexicon
    stopwords: frozenset[str]


def _modifiers(lex: Lexicon, data: dict) -> None:
    lex.add_words(data.get("negators", []), "negator")
    for w, m in weighted_words(data.get("degree", {})):
        lex.add(w, "degree", m)


def _vader_words() -> list[tuple[str, float]]:
    """The VADER lexicon (MIT) shipped in the vaderSentiment package, if installed."""
    try:
        raw = resources.files("vaderSentiment").joinpath("vader_lexicon.txt").read_text("utf-8")
    except (ModuleNotFoundError, FileNotFoundError):
        log.info("vaderSentiment not installed: English sentiment uses the xinsheng lexicon only")
        return []
    out = []
    for line in raw.splitlines():
        parts = line.split("\t")
        if len(parts) >= 2 and re.fullmatch(r"[a-z][a-z'\-]+", parts[0]):
            out.append((parts[0], float(parts[1]) * 0.7))
    return out


@lru_cache(maxsize=4)
def get_resources(lang: str) -> LangResources:
    data = load_yaml(f"lexicon_{lang}.yaml")
    wb = lang == "en"
    sent = Lexicon(word_boundary=wb)
    if lang == "en":
        for w, v in _vader_words():
            sent.add(w, "polar", v)
    for w, v in weighted_words(data.get("positive", {})) + weighted_words(data.get("negative", {})):
        sent.entries.pop(w, None)
        sent.add(w, "polar", v)
    _modifiers(sent, data)
    sent.add_words(data.get("contrast_after", []), "contrast")
    sent.add_words(data.get("concession", []), "concession")
    sent.add_words(data.get("sarcasm", []), "sarcasm")
    sent.add_words(data.get("neutral", []), "neutral")
    emo = Lexicon(word_boundary=wb)
    for name, words in (data.get("emotions") or {}).items():
        for w, v in weighted_words(words):
            emo.add(w, name, v)
    _modifiers(emo, data)
    flags = Lexicon(word_boundary=wb)
    for name, words in (data.get("flags") or {}).items():
        flags.add_words(words, name)
    stop = frozenset(str(w).lower() for w in data.get("stopwords", []))
    return LangResources(lang, sent.compile(), emo.compile(), flags.compile(), stop)


def sentence_spans(text: str, lang: str) -> list[tuple[int, int]]:
    spans = [(m.start(), m.end()) for m in _SENT_SPLIT[lang].finditer(text) if m.group().strip()]
    return spans or [(0, len(text))]


def _tag(hit: Hit, name: str) -> float | None:
    for t, v in hit.tags:
        if t == name:
            return v
    return None


def _modify(hits: Sequence[Hit], i: int, window: int) -> tuple[bool, float]:
    """Negation parity and degree multiplier from the modifiers right before ``hits[i]``."""
    negated, mult, edge = False, 1.0, hits[i].start
    j = i - 1
    while j >= 0 and edge - hits[j].end <= window:
        h = hits[j]
        deg = _tag(h, "degree")
        if _tag(h, "negator") is not None:
            negated = not negated
        elif deg is not None:
            mult *= deg
        else:
            break
        edge, j = h.start, j - 1
    return negated, mult


def _sentence_polarity(hits: list[Hit], lang: str, exclaim: int) -> tuple[float, int]:
    window = _WINDOW[lang]
    sarcastic = any(_tag(h, "sarcasm") is not None for h in hits)
    turn = next((h.start for h in hits if _tag(h, "contrast") is not None), None)
    total, n = 0.0, 0
    for i, h in enumerate(hits):
        w = _tag(h, "polar")
        if w is None:
            continue
        negated, mult = _modify(hits, i, window)
        if negated:
            w = -w * (0.8 if w > 0 else 0.5)
        w *= mult
        if sarcastic and w > 0:
            w = -w
        if turn is not None:
            w *= 0.5 if h.start < turn else 1.5
        total += w
        n += 1
    if sarcastic:
        total -= 1.5
        n += 1
    if total < 0 and exclaim:
        total *= 1 + 0.15 * min(exclaim, 3)
    return total, n


def rule_sentiment(text: str, res: LangResources) -> tuple[float, int]:
    """(summed rule polarity, number of polar cues) of normalised ``text``."""
    hits = res.sentiment.find(text)
    if not hits:
        return 0.0, 0
    total, n = 0.0, 0
    k = 0
    for s, e in sentence_spans(text, res.lang):
        part = []
        while k < len(hits) and hits[k].start < e:
            if hits[k].start >= s:
                part.append(hits[k])
            k += 1
        if part:
            t, c = _sentence_polarity(part, res.lang, text.count("!", s, e))
            total, n = total + t, n + c
    return total, n


def _sentence_emotions(hits: list[Hit], lang: str, exclaim: int) -> dict[str, float]:
    window = _WINDOW[lang]
    keep = {e: 1.0 for e in EMOTIONS}
    boost = 1 + 0.15 * min(exclaim, 3)
    for i, h in enumerate(hits):
        for tag, v in h.tags:
            if tag not in keep:
                continue
            negated, mult = _modify(hits, i, window)
            if negated:
                continue
            x = min(1.0, v * min(mult, 1.6) * boost)
            keep[tag] *= 1 - x
    return {e: round(1 - keep[e], 3) for e in EMOTIONS}


def emotion_scores(text: str, res: LangResources) -> list[tuple[tuple[int, int], dict[str, float]]]:
    """Per sentence: (span, {emotion: intensity in [0, 1]})."""
    hits = res.emotions.find(text)
    out = []
    k = 0
    for s, e in sentence_spans(text, res.lang):
        part = []
        while k < len(hits) and hits[k].start < e:
            if hits[k].start >= s:
                part.append(hits[k])
            k += 1
        if part:
            out.append(((s, e), _sentence_emotions(part, res.lang, text.count("!", s, e))))
        else:
            out.append(((s, e), dict.fromkeys(EMOTIONS, 0.0)))
    return out
