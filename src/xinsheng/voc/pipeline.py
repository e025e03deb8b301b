"""The VOC pipeline: mask → normalise → segment → sentiment → emotions → topics → flags → keywords.

In a labelled transcript, sentiment, emotions and flags read the customer's turns only
(``voc/speakers.py``); topics and keywords read the whole text.

``get_analyzer()`` gives the cached default ``Analyzer``; ``Analyzer.analyze`` returns the
CONTRACT.md ``voc analyze`` object (without ``id``). Stages are passed in, so a caller can
swap one (a bank's taxonomy, its trained models) without touching the others. No stage
touches a database.
"""
from __future__ import annotations

import gc
import logging
import threading
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Iterator, Sequence

from xinsheng.config import get_settings
from xinsheng.voc.emotion import EmotionStage
from xinsheng.voc.features import Doc
from xinsheng.voc.flags import FlagStage
from xinsheng.voc.keywords import KeywordStage
from xinsheng.voc.linear import LinearModel
from xinsheng.voc.masking import MaskResult, mask_pii
from xinsheng.voc.rules import batch_cues
from xinsheng.voc.sentiment import SentimentStage
from xinsheng.voc.speakers import voice_docs
from xinsheng.voc.text import add_words, banking_words, detect_langs, normalize_many, segment_many
from xinsheng.voc.topics import ModelTopics, RuleTopics, Taxonomy, TopicStage

log = logging.getLogger(__name__)

__all__ = ["Analyzer", "get_analyzer", "build_analyzer", "LANGS"]

LANGS = ("auto", "zh", "en")
_lock = threading.Lock()


@dataclass
class Prepared:
    masked: list[MaskResult]
    docs: list[Doc]
    langs: list[str]


@dataclass
class Analyzer:
    """Analyses texts; every stage is replaceable."""

    sentiment: SentimentStage
    topics: TopicStage
    emotions: EmotionStage = field(default_factory=EmotionStage)
    flags: FlagStage = field(default_factory=FlagStage)
    keywords: KeywordStage = field(default_factory=KeywordStage)
    batch_size: int = 512
    batch_chars: int = 131_072  # a batch ends at this many characters too: long texts in smaller batches
    version: str = "builtin"  # stored with every analysis: which models produced it

    def prepare(self, texts: Sequence[str | None], lang: str = "auto") -> Prepared:
        if lang not in LANGS:
            raise ValueError(f"lang must be one of {', '.join(LANGS)}")
        masked = [mask_pii(t or "") for t in texts]
        norms = normalize_many([m.text for m in masked])
        langs = detect_langs(norms) if lang == "auto" else [lang] * len(norms)
        return Prepared(masked, list(zip(norms, segment_many(norms))), langs)

    def analyze(self, text: str | None, lang: str = "auto") -> dict:
        return self.analyze_many([text], lang)[0]

    def analyze_many(self, texts: Sequence[str | None], lang: str = "auto") -> list[dict]:
        return list(self.iter_analyze(texts, lang))

    def iter_analyze(self, texts: Iterable[str | None], lang: str = "auto") -> Iterator[dict]:
        """Streams results for an iterable of any length, batch by batch."""
        buf: list[str | None] = []
        size = 0
        for t in texts:
            buf.append(t)
            size += len(t) if t else 0
            if len(buf) >= self.batch_size or size >= self.batch_chars:
                yield from self._batch(buf, lang)
                buf, size = [], 0
        if buf:
            yield from self._batch(buf, lang)

    def _batch(self, texts: Sequence[str | None], lang: str) -> list[dict]:
        with _cycle_collector_paused():
            return self._analyse(texts, lang)

    def _analyse(self, texts: Sequence[str | None], lang: str) -> list[dict]:
        p = self.prepare(texts, lang)
        voice = voice_docs(p.docs, segment_many)  # a transcript's customer turns (voc/speakers.py)
        lexical = batch_cues([d[0] for d in voice], p.langs)
        sent = self.sentiment.transform(voice, p.langs, lexical)
        scores = [s["score"] for s in sent]
        emos = self.emotions.transform(voice, p.langs, scores, lexical)
        topics = self.topics.transform(p.docs, p.langs)
        flags = self.flags.transform(voice, p.langs, scores, emos)
        kws = self.keywords.transform(p.docs, p.langs)
        return [
            {
                "text_masked": m.text,
                "lang": lg,
                "sentiment": s,
                "emotions": e,
                "topics": t,
                "flags": f,
                "keywords": k,
                "pii": [{"type": sp.type, "start": sp.start, "end": sp.end} for sp in m.spans],
            }
            for m, lg, s, e, t, f, k in zip(p.masked, p.langs, sent, emos, topics, flags, kws)
        ]

    def sentences(self, text: str, lang: str = "auto") -> list[dict]:
        """Per-sentence emotions of ``text`` (masked and normalised first)."""
        p = self.prepare([text], lang)
        if not p.docs[0][0].strip():
            return []
        return self.emotions.sentences(p.docs[0][0], p.langs[0])


@contextmanager
def _cycle_collector_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector for one batch.

    A batch allocates tens of thousands of small dicts and lists (no reference cycles:
    reference counting frees them), which would trigger collections that rescan every
    live object, results included: about a quarter of the time on short texts."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def _keyword_stage(builtin: LinearModel | None, taxonomy: Taxonomy) -> KeywordStage:
    idf: dict[str, float] = {}
    if builtin is not None:
        vec = builtin.featurizer.idf
        idf = {w: float(vec[i]) for w, i in builtin.featurizer.word_vocab.items()}
    default = max(idf.values()) if idf else 8.0
    return KeywordStage(idf=idf, default_idf=default, boost=frozenset(banking_words() + taxonomy.words()))


def build_analyzer(
    model_dir: str | Path | None = None,
    taxonomy: Taxonomy | str | Path | None = None,
    builtin: LinearModel | None | bool = True,
) -> Analyzer:
    """A new Analyzer. ``builtin=False`` skips the corpus model (rules only, e.g. for tests)."""
    from xinsheng.voc.registry import builtin_sentiment, load_model_dir

    trained = load_model_dir(str(Path(model_dir).resolve())) if model_dir else {}
    base = builtin_sentiment() if builtin is True else (builtin or None)
    if taxonomy is None:
        taxonomy = get_settings().voc_taxonomy
    tax = taxonomy if isinstance(taxonomy, Taxonomy) else Taxonomy.load(taxonomy)
    add_words(tax.words())
    topic_model = ModelTopics(trained["topic"]) if "topic" in trained else None
    version = "builtin"
    if trained:
        stamps = sorted(str(m.meta.get("created_at", "")) for m in trained.values())
        version = f"{Path(model_dir).name}:{'+'.join(sorted(trained))}:{stamps[-1]}"[:64]
    return Analyzer(
        version=version,
        sentiment=SentimentStage(builtin=base, trained=trained.get("sentiment")),
        topics=TopicStage(RuleTopics(tax), topic_model),
        keywords=_keyword_stage(base, tax),
    )


@lru_cache(maxsize=8)
def _cached(model_dir: str | None, taxonomy: str | None) -> Analyzer:
    with _lock:
        return build_analyzer(model_dir, taxonomy)


def get_analyzer(model_dir: str | None = None) -> Analyzer:
    """The process-wide Analyzer for ``model_dir`` (None: built-in models) and the configured
    taxonomy (``XINSHENG_VOC_TAXONOMY``, else the shipped one), built on first use."""
    tax = get_settings().voc_taxonomy
    return _cached(str(Path(model_dir).resolve()) if model_dir else None, str(Path(tax).resolve()) if tax else None)
