"""Training and evaluation of VOC models on labelled texts (``voc train`` / ``voc eval``)."""
from __future__ import annotations

import logging
from collections import Counter
from pathlib import Path
from typing import Callable, Sequence

import numpy as np

from xinsheng.voc.base import Base, BaseFeaturizer
from xinsheng.voc.features import Doc, Featurizer
from xinsheng.voc.linear import LinearModel, PairFeaturizer, fit_linear
from xinsheng.voc.rules import EMOTIONS
from xinsheng.voc.sentiment import NEUTRAL_BAND, canonical_sentiment
from xinsheng.voc.text import detect_lang, normalize, segment

log = logging.getLogger(__name__)

__all__ = ["prepare_docs", "train_model", "evaluate", "metrics", "EMOTION_ALIASES", "EVAL_TASKS"]

EVAL_TASKS = ("sentiment", "topic", "emotion")
# Word-pair features pay off on short utterances (intents, chat questions), not long narratives.
SHORT_TEXT_WORDS = 40
Progress = Callable[[int], None]
#: Weight of a base's text vectors beside the (unit-norm) TF-IDF features.
BASE_WEIGHT = 0.5

# Common emotion label sets mapped to the pipeline's names (SMP2020-EWECT, NLPCC, English).
EMOTION_ALIASES = {
    "angry": "anger", "anger": "anger", "愤怒": "anger", "怒": "anger",
    "fear": "anxiety", "anxiety": "anxiety", "恐惧": "anxiety", "焦虑": "anxiety", "惧": "anxiety",
    "sad": "sadness", "sadness": "sadness", "悲伤": "sadness", "哀": "sadness",
    "happy": "joy", "joy": "joy", "高兴": "joy", "乐": "joy", "喜悦": "joy",
    "surprise": "surprise", "惊讶": "surprise", "惊": "surprise",
    "gratitude": "gratitude", "感谢": "gratitude",
    "neutral": "neutral", "neural": "neutral", "none": "neutral", "无": "neutral",
}


def prepare_docs(texts: Sequence[str], progress: Progress | None = None) -> tuple[list[Doc], str]:
    """Normalised, segmented documents and the majority language of ``texts``."""
    docs: list[Doc] = []
    langs: Counter[str] = Counter()
    for i, t in enumerate(texts):
        n = normalize(t or "")
        langs[detect_lang(n)] += 1
        docs.append((n, segment(n)))
        if progress and i % 1000 == 999:
            progress(1000)
    if progress:
        progress(len(texts) % 1000)
    return docs, (langs.most_common(1)[0][0] if langs else "zh")


def featurizer_for(lang: str, pairs: bool = False) -> Featurizer | PairFeaturizer:
    """English: words 1–3 + characters 2–3 (+ stemmed word pairs when ``pairs``).

    Chinese: words 1–2 + characters 1–3.
    """
    if lang == "en":
        base = Featurizer(word_range=(1, 3), char_range=(2, 3), min_df=2, strip_spaces=False)
        return PairFeaturizer.new(base) if pairs else base
    return Featurizer(word_range=(1, 2), char_range=(1, 3), min_df=2)


def _short_texts(docs: Sequence[Doc]) -> bool:
    return bool(docs) and float(np.median([len(words) for _, words in docs])) <= SHORT_TEXT_WORDS


def train_model(task: str, texts: Sequence[str], labels: Sequence[str],
                progress: Progress | None = None, base: Base | None = None) -> LinearModel:
    """A sentiment or topic model trained on ``texts`` with any label set (topics); with a
    ``base`` (``voc learn``) its text vectors are features beside the TF-IDF ones."""
    if task not in ("sentiment", "topic"):
        raise ValueError("task must be sentiment or topic")
    if len(texts) != len(labels) or not texts:
        raise ValueError("no labelled rows to train on")
    y = canonical_sentiment(labels) if task == "sentiment" else [str(x).strip() for x in labels]
    docs, lang = prepare_docs(texts, progress)
    many = len(set(y)) > 8
    pairs = task == "topic" and _short_texts(docs)
    meta = {"task": task, "lang": lang, "n_train": len(texts)}
    featurizer = featurizer_for(lang, pairs)
    if base is not None:
        featurizer = BaseFeaturizer(featurizer, base, BASE_WEIGHT)
        meta["base"] = {k: base.info.get(k) for k in ("folder", "sha256")}
    return fit_linear(docs, y, featurizer, C=1.0 if many else 4.0,
                      estimator="svm" if many else "ensemble", meta=meta)


def metrics(task: str, gold: Sequence[str], pred: Sequence[str]) -> dict:
    """The CONTRACT.md ``voc eval`` document."""
    labels = sorted(set(gold) | set(pred))
    per = {}
    f1s = []
    g, p = np.asarray(gold, dtype=object), np.asarray(pred, dtype=object)
    for lab in labels:
        tp = int(np.sum((g == lab) & (p == lab)))
        fp = int(np.sum((g != lab) & (p == lab)))
        fn = int(np.sum((g == lab) & (p != lab)))
        prec = tp / (tp + fp) if tp + fp else 0.0
        rec = tp / (tp + fn) if tp + fn else 0.0
        f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
        support = tp + fn
        if support:
            f1s.append(f1)
        per[lab] = {"precision": round(prec, 4), "recall": round(rec, 4), "f1": round(f1, 4), "support": support}
    n = len(gold)
    acc = float(np.mean(g == p)) if n else 0.0
    return {"task": task, "n": n, "accuracy": round(acc, 4),
            "macro_f1": round(float(np.mean(f1s)) if f1s else 0.0, 4), "per_label": per}


def _predict_sentiment(results: list[dict], gold: list[str]) -> list[str]:
    """The model's decision: binary gold is scored by the sign of the score (no neutral band)."""
    binary = set(gold) <= {"negative", "positive"}
    if binary:
        return ["positive" if r["sentiment"]["score"] > 0 else "negative" for r in results]
    return [r["sentiment"]["label"] for r in results]


def _analyzed_sentiment(results: list[dict]) -> list[str]:
    """What ``voc analyze`` outputs: positive, neutral (|score| < the neutral band) or negative."""
    return [r["sentiment"]["label"] for r in results]


def _predict_topic(results: list[dict]) -> list[str]:
    """What ``voc analyze`` outputs: its first topic (thresholded, rules merged), or none."""
    return [r["topics"][0]["code"] if r["topics"] else "none" for r in results]


def _predict_emotion(results: list[dict], threshold: float) -> list[str]:
    out = []
    for r in results:
        name, v = max(((k, r["emotions"].get(k, 0.0)) for k in EMOTIONS), key=lambda kv: kv[1])
        out.append(name if v >= threshold else "neutral")
    return out


def evaluate(task: str, texts: Sequence[str], labels: Sequence[str], model_dir: str | Path | None = None,
             progress: Progress | None = None, emotion_threshold: float = 0.3) -> dict:
    """Scores the built-in or a trained model on labelled texts."""
    from xinsheng.voc.pipeline import get_analyzer

    if task not in EVAL_TASKS:
        raise ValueError(f"task must be one of {', '.join(EVAL_TASKS)}")
    if task == "sentiment":
        gold = canonical_sentiment(labels)
    elif task == "emotion":
        gold = [EMOTION_ALIASES.get(str(x).strip().lower(), str(x).strip().lower()) for x in labels]
    else:
        gold = [str(x).strip() for x in labels]
    analyzer = get_analyzer(str(model_dir) if model_dir else None)
    results: list[dict] = []
    step = analyzer.batch_size
    for i in range(0, len(texts), step):
        results.extend(analyzer.analyze_many(list(texts[i : i + step])))
        if progress:
            progress(min(step, len(texts) - i))
    if task == "sentiment":
        pred, analyzed = _predict_sentiment(results, gold), _analyzed_sentiment(results)
    elif task == "topic" and analyzer.topics.model is not None:
        model = analyzer.topics.model.model
        docs = analyzer.prepare(texts).docs
        pred = [model.classes[int(j)] for j in np.asarray(model.decision(model.transform(docs))).argmax(axis=1)]
        analyzed = _predict_topic(results)
    elif task == "topic":
        pred = analyzed = _predict_topic(results)
    else:
        pred = analyzed = _predict_emotion(results, emotion_threshold)
    return {**metrics(task, gold, pred), "scored_as": _SCORED_AS[task](analyzer, gold),
            "as_analyzed": as_analyzed(task, gold, analyzed)}


def as_analyzed(task: str, gold: Sequence[str], pred: Sequence[str]) -> dict:
    """The ``as_analyzed`` block: the same metrics on exactly what ``voc analyze`` outputs,
    with how many texts it left without a label (neutral sentiment, no topic)."""
    m = metrics(task, gold, pred)
    unlabelled = {"sentiment": "neutral", "topic": "none", "emotion": "neutral"}[task]
    return {"accuracy": m["accuracy"], "macro_f1": m["macro_f1"], "per_label": m["per_label"],
            "unlabelled": sum(1 for p in pred if p == unlabelled),
            "rule": _ANALYZED_RULE[task]}


_ANALYZED_RULE = {
    "sentiment": f"sentiment.label of voc analyze: positive / neutral (|score| < {NEUTRAL_BAND}) / negative",
    "topic": "the first of the topics voc analyze returns (model above its threshold, rules merged), or none",
    "emotion": "the strongest emotion of voc analyze if >= 0.3, else neutral",
}
_SCORED_AS = {
    "sentiment": lambda analyzer, gold: ("sign of the sentiment score (binary labels, no neutral band)"
                                         if set(gold) <= {"negative", "positive"} else "sentiment.label"),
    "topic": lambda analyzer, gold: ("the model's top label (argmax, no threshold, no rules)"
                                     if analyzer.topics.model is not None else "first topic of voc analyze, or none"),
    "emotion": lambda analyzer, gold: "the strongest emotion if >= 0.3, else neutral",
}
