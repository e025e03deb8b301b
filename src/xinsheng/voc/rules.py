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
from typing import NamedTuple, Sequence

import numpy as np

from xinsheng.voc.batch import Joined
from xinsheng.voc.lexicon import Lexicon, load_yaml, weighted_words

log = logging.getLogger(__name__)

__all__ = ["LangResources", "Cues", "BatchCues", "get_resources", "cues", "batch_cues",
           "rule_sentiment", "emotion_scores", "EMOTIONS"]

EMOTIONS = ("anger", "anxiety", "sadness", "gratitude", "joy", "surprise")
_SENTENCE_END = {"zh": "。!?;~\n", "en": ".!?;\n"}
_CLAUSE_END = ",，:：、"  # with the sentence ends: a negator or degree word does not reach past these
_WINDOW = {"zh": 3, "en": 12}  # largest gap (characters) between a modifier and its word
_NO_EMOTION: dict[str, float] = dict.fromkeys(EMOTIONS, 0.0)
_READS_AS = 0.3  # the level at which voc eval reads an emotion as the text's


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
    cue: Lexicon  # sentiment + emotion words and their modifiers, one automaton
    entries: dict[str, Entry]
    flags: Lexicon
    stopwords: frozenset[str]
    table: CueTable


@dataclass
class CueTable:
    """The entries of ``cue`` as arrays indexed by word id (NaN: not polar / not a degree)."""

    polar: np.ndarray
    negator: np.ndarray
    degree: np.ndarray
    contrast: np.ndarray
    sarcasm: np.ndarray
    emotions: np.ndarray  # (words, len(EMOTIONS))
    sentence_end: np.ndarray  # boolean table over code points < 0x10000
    clause_end: np.ndarray  # sentence ends plus commas and colons
    single: np.ndarray  # one-character Chinese anger/fear words (滚, 怕, 急): only as words of their own

    @classmethod
    def build(cls, words: list[str], entries: dict[str, Entry], lang: str,
              explicit: frozenset[str] | None = None, support: float = 1.0) -> CueTable:
        """``explicit``: the anger words that count in full; every other anger word counts at
        ``support`` of its weight, but still reads as anger (None: all in full)."""
        es = [entries[w] for w in words]
        emo = np.zeros((len(es), len(EMOTIONS)))
        col = {name: k for k, name in enumerate(EMOTIONS)}
        for i, e in enumerate(es):
            for name, v in e.emotions:
                if name in col:
                    emo[i, col[name]] = max(emo[i, col[name]], v)
        if explicit is not None:
            weak = [i for i, w in enumerate(words) if emo[i, 0] > 0 and not _contains_any(w, explicit)]
            emo[weak, 0] = np.minimum(emo[weak, 0], np.maximum(_READS_AS, emo[weak, 0] * support))
        end = np.zeros(0x10000, dtype=bool)
        end[[ord(c) for c in _SENTENCE_END[lang]]] = True
        clause = end.copy()
        clause[[ord(c) for c in _CLAUSE_END]] = True
        return cls(
            polar=np.array([np.nan if e.polar is None else e.polar for e in es]),
            negator=np.array([e.negator for e in es], dtype=bool),
            degree=np.array([np.nan if e.degree is None else e.degree for e in es]),
            contrast=np.array([e.contrast for e in es], dtype=bool),
            sarcasm=np.array([e.sarcasm for e in es], dtype=bool),
            emotions=emo, sentence_end=end, clause_end=clause,
            single=np.array([lang == "zh" and len(w) == 1 for w in words], dtype=bool)
            & (emo[:, [col["anger"], col["anxiety"]]].max(axis=1) > 0),
        )


def _contains_any(word: str, parts: frozenset[str]) -> bool:
    return any(word[i:j] in parts for i in range(len(word)) for j in range(i + 1, len(word) + 1))


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
        if p is None and e and w not in neutral and w not in neg:
            p = _emotion_polarity(e)
        out[w] = Entry(p, w in neg, deg.get(w), w in turn, w in sarcasm, tuple(e or ()))
    return out


_EMOTION_POLARITY = {"anger": -2.0, "sadness": -2.0, "anxiety": -1.2, "joy": 1.6, "gratitude": 1.6}


def _emotion_polarity(emotions) -> float | None:
    """The polarity an emotion word implies when it is not listed as a sentiment word
    (火大 reads as anger, so it is negative too): the strongest emotion's, scaled by intensity."""
    best = max(emotions, key=lambda e: e[1])
    sign = _EMOTION_POLARITY.get(best[0])
    return None if sign is None or best[1] < 0.3 else round(sign * best[1], 3)


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
    cue.compile()
    explicit = data.get("anger_explicit")
    table = CueTable.build(cue.words, entries, lang, None if explicit is None else
                           frozenset(str(w).lower() for w in explicit), float(data.get("anger_support", 1.0)))
    return LangResources(lang, cue, entries, flags.compile(), stop, table)


@dataclass
class BatchCues:
    """The lexical reading of a batch: per text rule polarity, number of polar cues and
    emotion intensities (its strongest sentence's); per sentence its span and emotions."""

    polarity: np.ndarray  # (n,)
    n_polar: np.ndarray  # (n,)
    emotions: np.ndarray  # (n, len(EMOTIONS))
    sent_doc: np.ndarray  # (s,) text of each sentence
    sent_span: np.ndarray  # (s, 2) offsets within its text
    sent_emotions: np.ndarray  # (s, len(EMOTIONS))
    n_flipped: np.ndarray | None = None  # (n,) negated negative words (不生气, 不失望)

    @classmethod
    def empty(cls, n: int) -> BatchCues:
        z = np.zeros((0, len(EMOTIONS)))
        return cls(np.zeros(n), np.zeros(n, np.int64), np.zeros((n, len(EMOTIONS))),
                   np.zeros(0, np.int64), np.zeros((0, 2), np.int64), z, np.zeros(n, np.int64))


def _sentences(j: Joined, table: CueTable) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(sentence id of every character, sentence start offsets, '!' count per sentence).

    A sentence is a run of ordinary characters and the sentence-ending marks after it.
    """
    codes = j.codes
    end = np.where(codes < 0x10000, table.sentence_end[np.minimum(codes, 0xFFFF)], False)
    first = ~end
    first[1:] &= end[:-1]
    sid = np.cumsum(first) - 1
    starts = np.flatnonzero(first)
    bang = np.flatnonzero(codes == 33)
    bang = bang[(sid[bang] >= 0)]
    bang = bang[j.doc_at[bang] == j.doc_at[starts[sid[bang]]]]
    return sid, starts, np.bincount(sid[bang], minlength=len(starts))


def _modifiers(t: CueTable, ids, starts, ends, sid, window: int) -> tuple[np.ndarray, np.ndarray]:
    """Negation parity and degree multiplier from the chain of modifiers right before each hit."""
    n = len(ids)
    negated, mult = np.zeros(n, bool), np.ones(n)
    edge, alive, me = starts.copy(), np.ones(n, bool), np.arange(n)
    is_mod = t.negator | ~np.isnan(t.degree)
    for d in range(1, 5):
        j = np.maximum(me - d, 0)
        jid = ids[j]
        ok = alive & (me - d >= 0) & (sid[j] == sid) & (edge - ends[j] <= window) & is_mod[jid]
        neg = t.negator[jid]
        negated ^= ok & neg
        deg = ok & ~neg
        mult[deg] *= t.degree[jid[deg]]
        edge = np.where(ok, starts[j], edge)
        alive = ok
        if not alive.any():
            break
    return negated, mult


def _polar_weights(t: CueTable, ids, starts, sid, negated, mult, n_sent: int):
    """Each hit's contribution to its sentence's polarity, and the sarcastic sentences."""
    polar = t.polar[ids]
    is_polar = ~np.isnan(polar)
    p = np.nan_to_num(polar)
    w = np.where(negated, -p * np.where(p > 0, 0.8, 0.5), p) * mult
    sarcastic = np.zeros(n_sent, bool)
    sarcastic[sid[t.sarcasm[ids]]] = True
    w = np.where(sarcastic[sid] & (w > 0), -w, w)
    turn = np.full(n_sent, np.iinfo(np.int64).max)
    c = t.contrast[ids]
    np.minimum.at(turn, sid[c], starts[c])
    has_turn = turn[sid] != np.iinfo(np.int64).max
    w = np.where(has_turn, w * np.where(starts < turn[sid], 0.5, 1.5), w)
    return np.where(is_polar, w, 0.0), is_polar, sarcastic


def _emotions(t: CueTable, ids, sid, negated, mult, boost, n_sent: int) -> np.ndarray:
    """Per sentence, a noisy-OR of its emotion words (scaled by degree and '!', negated ones dropped)."""
    use = ~negated & t.emotions[ids].any(axis=1)
    v = t.emotions[ids[use]] * (np.minimum(mult[use], 1.6) * boost[sid[use]])[:, None]
    keep = np.ones((n_sent, len(EMOTIONS)))
    np.multiply.at(keep, sid[use], 1 - np.minimum(v, 1.0))
    return np.round(1 - keep, 3)


def _own_words(text: str, starts, ends, ids, single: np.ndarray):
    """Drops one-character anger and fear words that the segmenter's general dictionary
    (jieba's, no guessing of unknown words) reads as part of a longer word: 滚筒, 翻滚, 早操,
    急诊 carry no emotion, whereas 给我|滚 and 我|怕 keep theirs. (Joy and sadness characters
    mostly keep their emotion inside words: 可爱, 眼泪.)"""
    from xinsheng.voc.text import _segmenter

    at = np.flatnonzero(single[ids])
    if not len(at):
        return starts, ends, ids
    seg = _segmenter()
    keep = np.ones(len(ids), dtype=bool)
    for k in at.tolist():
        s = int(starts[k])
        pos = max(0, s - 3)
        for w in seg.cut(text[pos : s + 4], False):
            if pos + len(w) > s:
                keep[k] = len(w) == 1 or (pos == s and _verb(w))
                break
            pos += len(w)
    return starts[keep], ends[keep], ids[keep]


@lru_cache(maxsize=1024)
def _verb(word: str) -> bool:
    """Whether the general dictionary tags ``word`` as a verb (吓跑, 滚回, 怒斥)."""
    from xinsheng.voc.text import _segmenter

    tags = _segmenter().tag(word, False)
    return len(tags) == 1 and tags[0][1] == "v"


def score_joined(j: Joined, res: LangResources) -> BatchCues:
    """Rule polarity and emotions of every text of ``j`` (normalised texts of one language)."""
    n = len(j)
    starts, ends, ids = res.cue.scan(j.text, j.codes if res.cue.word_boundary else None)
    t = res.table
    if len(ids) and t.single.any():
        starts, ends, ids = _own_words(j.text, starts, ends, ids, t.single)
    if not len(ids):
        return BatchCues.empty(n)
    sid_at, s_start, bangs = _sentences(j, t)
    n_sent = len(s_start)
    sid = np.maximum(sid_at[starts], 0)
    codes = j.codes
    clause = np.cumsum(np.where(codes < 0x10000, t.clause_end[np.minimum(codes, 0xFFFF)], False))
    negated, mult = _modifiers(t, ids, starts, ends, clause[starts], _WINDOW[res.lang])
    w, is_polar, sarcastic = _polar_weights(t, ids, starts, sid, negated, mult, n_sent)
    total = np.bincount(sid, weights=w, minlength=n_sent) - 1.5 * sarcastic
    count = np.bincount(sid, weights=is_polar, minlength=n_sent) + sarcastic
    boost = 1 + 0.15 * np.minimum(bangs, 3)
    total = np.where((total < 0) & (bangs > 0), total * boost, total)
    sent_emo = _emotions(t, ids, sid, negated, mult, boost, n_sent)
    s_doc = j.doc_at[s_start]
    doc_emo = np.zeros((n, len(EMOTIONS)))
    np.maximum.at(doc_emo, s_doc, sent_emo)
    s_end = np.append(s_start[1:], len(j.text))
    s_end = np.minimum(s_end, j.ends[s_doc])
    span = np.column_stack([s_start, s_end]) - j.starts[s_doc][:, None]
    return BatchCues(np.bincount(s_doc, weights=total, minlength=n),
                     np.bincount(s_doc, weights=count, minlength=n).astype(np.int64),
                     doc_emo, s_doc, span, sent_emo,
                     np.bincount(j.doc_at[starts], weights=is_polar & negated & (t.polar[ids] < 0),
                                 minlength=n).astype(np.int64))


def batch_cues(texts: Sequence[str], langs: Sequence[str]) -> BatchCues:
    """``score_joined`` for a batch of any languages; sentence arrays are left empty."""
    n = len(texts)
    out = BatchCues.empty(n)
    for lang in sorted(set(langs)):
        idx = [i for i, lg in enumerate(langs) if lg == lang]
        part = score_joined(Joined.of([texts[i] for i in idx]), get_resources(lang))
        out.polarity[idx], out.n_polar[idx], out.emotions[idx] = part.polarity, part.n_polar, part.emotions
        out.n_flipped[idx] = part.n_flipped  # type: ignore[index]
    return out


def cues(text: str, res: LangResources) -> Cues:
    """Rule polarity and per-sentence emotions of one normalised ``text``."""
    b = score_joined(Joined.of([text]), res)
    sentences = [
        ((int(s), int(e)), dict(zip(EMOTIONS, map(float, emo))))
        for (s, e), emo in zip(b.sent_span, b.sent_emotions) if text[s:e].strip()
    ]
    if not sentences:
        sentences = [((0, len(text)), dict(_NO_EMOTION))]
    return Cues(float(b.polarity[0]), int(b.n_polar[0]), sentences)


def rule_sentiment(text: str, res: LangResources) -> tuple[float, int]:
    """(summed rule polarity, number of polar cues) of normalised ``text``."""
    c = cues(text, res)
    return c.polarity, c.n_polar


def emotion_scores(text: str, res: LangResources) -> list[tuple[tuple[int, int], dict[str, float]]]:
    """Per sentence: (span, {emotion: intensity in [0, 1]})."""
    return cues(text, res).sentences
