"""Lexicon rules shared by the sentiment and emotion stages, in one pass over the text.

A sentiment word's weight is modified by what precedes it in the same clause:
negators flip it (不满意 is listed whole; 不太满意 = 不太 + 满意), degree adverbs scale it
(非常, 有点), a contrast (虽然…但是…) discounts what comes before the turn and stresses
what comes after, and a sarcasm marker (呵呵, 真是服了) turns praise into blame. Emotion
words are scaled by degree and exclamation marks and cancelled by negation (不生气).
"""
from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import NamedTuple

from xinsheng.voc.lexicon import Lexicon, load_yaml, weighted_words

log = logging.getLogger(__name__)

__all__ = ["LangResources", "Cues", "get_resources", "cues", "rule_sentiment", "emotion_scores", "EMOTIONS"]

EMOTIONS = ("anger", "anxiety", "sadness", "gratitude", "joy", "surprise")
_SENT_SPLIT = {
    "zh": re.compile(r"[^。!?;~\n]+[。!?;~\n]*"),
    "en": re.compile(r"[^.!?;\n]+(?:[.!?;\n]+|$)"),
}
_WINDOW = {"zh": 3, "en": 12}  # largest gap (characters) between a modifier and its word
_NO_EMOTION: dict[str, float] = dict.fromkeys(EMOTIONS, 0.0)


class Entry(NamedTuple):
    """What one lexicon word means: polarity, modifier roles and emotions."""

    polar: float | None
    negator: bool
    degree: float | None
    contrast: bool
    sarcasm: bool
    emotions: tuple[tuple[str, float], ...]


@dataclass
class LangResources:
    """The compiled lexicons of one language."""

    lang: str
    cue: Lexicon  # sentiment + emotion words and their modifiers, one trie
    entries: dict[str, Entry]
    flags: Lexicon
    stopwords: frozenset[str]


class Cues(NamedTuple):
    """The lexical reading of one text: rule polarity, number of polar cues, per-sentence emotions."""

    polarity: float
    n_polar: int
    sentences: list[tuple[tuple[int, int], dict[str, float]]]


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


def _entries(data: dict, lang: str) -> dict[str, Entry]:
    polar = dict(_vader_words()) if lang == "en" else {}
    polar.update(weighted_words(data.get("positive", {})) + weighted_words(data.get("negative", {})))
    polar = {str(w).lower(): v for w, v in polar.items()}
    neg = {str(w).lower() for w in data.get("negators", [])}
    deg = {str(w).lower(): v for w, v in weighted_words(data.get("degree", {}))}
    contrast = {str(w).lower() for w in data.get("contrast_after", []) + data.get("concession", [])}
    turn = {str(w).lower() for w in data.get("contrast_after", [])}
    sarcasm = {str(w).lower() for w in data.get("sarcasm", [])}
    neutral = {str(w).lower() for w in data.get("neutral", [])}
    emo: dict[str, list[tuple[str, float]]] = {}
    for name, words in (data.get("emotions") or {}).items():
        for w, v in weighted_words(words):
            emo.setdefault(str(w).lower(), []).append((name, v))
    words = set(polar) | neg | set(deg) | contrast | sarcasm | neutral | set(emo)
    out = {}
    for w in words:
        p = polar.get(w)
        if p is None and w not in neutral and w not in neg:
            p = _inherit(w, polar)
        e = emo.get(w)
        if e is None and not any(w.startswith(n) for n in neg):
            e = _inherit(w, emo)
        out[w] = Entry(p, w in neg, deg.get(w), w in turn, w in sarcasm, tuple(e or ()))
    return out


def _inherit(word: str, table: dict):
    """The value of the longest listed word inside ``word`` (so 我要投诉 keeps 投诉's polarity)."""
    best = None
    for n in range(len(word) - 1, 1, -1):
        for i in range(len(word) - n + 1):
            if word[i : i + n] in table:
                return table[word[i : i + n]]
    return best


@lru_cache(maxsize=4)
def get_resources(lang: str) -> LangResources:
    data = load_yaml(f"lexicon_{lang}.yaml")
    wb = lang == "en"
    entries = _entries(data, lang)
    cue = Lexicon(word_boundary=wb)
    cue.add_words(entries, "cue")
    flags = Lexicon(word_boundary=wb)
    for name, words in (data.get("flags") or {}).items():
        flags.add_words(words, name)
    stop = frozenset(str(w).lower() for w in data.get("stopwords", []))
    return LangResources(lang, cue.compile(), entries, flags.compile(), stop)


def _modify(hits: list[tuple[int, int, Entry]], i: int, window: int) -> tuple[bool, float]:
    """Negation parity and degree multiplier from the modifiers right before ``hits[i]``."""
    negated, mult, edge = False, 1.0, hits[i][0]
    j = i - 1
    while j >= 0 and edge - hits[j][1] <= window:
        e = hits[j][2]
        if e.negator:
            negated = not negated
        elif e.degree is not None:
            mult *= e.degree
        else:
            break
        edge, j = hits[j][0], j - 1
    return negated, mult


def _sentence(hits: list[tuple[int, int, Entry]], window: int, exclaim: int) -> tuple[float, int, dict[str, float]]:
    sarcastic = any(h[2].sarcasm for h in hits)
    turn = next((h[0] for h in hits if h[2].contrast), None)
    total, n = 0.0, 0
    keep: dict[str, float] = {}
    boost = 1 + 0.15 * min(exclaim, 3)
    for i, (start, _, e) in enumerate(hits):
        if e.polar is None and not e.emotions:
            continue
        negated, mult = _modify(hits, i, window)
        if e.polar is not None:
            w = -e.polar * (0.8 if e.polar > 0 else 0.5) if negated else e.polar
            w *= mult
            if sarcastic and w > 0:
                w = -w
            if turn is not None:
                w *= 0.5 if start < turn else 1.5
            total += w
            n += 1
        if not negated:
            for name, v in e.emotions:
                keep[name] = keep.get(name, 1.0) * (1 - min(1.0, v * min(mult, 1.6) * boost))
    if sarcastic:
        total, n = total - 1.5, n + 1
    if total < 0 and exclaim:
        total *= boost
    emotions = dict(_NO_EMOTION)
    for name, miss in keep.items():
        emotions[name] = round(1 - miss, 3)
    return total, n, emotions


def cues(text: str, res: LangResources) -> Cues:
    """Rule polarity and per-sentence emotions of normalised ``text`` (one lexicon pass)."""
    get = res.entries.__getitem__
    hits = [(s, e, get(w)) for s, e, w in res.cue.spans(text)]
    window = _WINDOW[res.lang]
    if not hits:
        return Cues(0.0, 0, [((0, len(text)), dict(_NO_EMOTION))])
    total, n, out, k = 0.0, 0, [], 0
    for m in _SENT_SPLIT[res.lang].finditer(text):
        s, e = m.span()
        part = []
        while k < len(hits) and hits[k][0] < e:
            part.append(hits[k])
            k += 1
        if part:
            t, c, emo = _sentence(part, window, text.count("!", s, e))
            total, n = total + t, n + c
            out.append(((s, e), emo))
        elif m.group().strip():
            out.append(((s, e), dict(_NO_EMOTION)))
    return Cues(total, n, out or [((0, len(text)), dict(_NO_EMOTION))])


def rule_sentiment(text: str, res: LangResources) -> tuple[float, int]:
    """(summed rule polarity, number of polar cues) of normalised ``text``."""
    c = cues(text, res)
    return c.polarity, c.n_polar


def emotion_scores(text: str, res: LangResources) -> list[tuple[tuple[int, int], dict[str, float]]]:
    """Per sentence: (span, {emotion: intensity in [0, 1]})."""
    return cues(text, res).sentences
