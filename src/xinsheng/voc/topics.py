"""Topic stage: the editable two-level banking taxonomy (rules) plus an optional trained classifier.

Both are explainable: a rule topic returns the keywords or pattern text that triggered it,
a trained topic returns the features that pushed the classifier towards it.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Sequence

import numpy as np
import yaml

from xinsheng.voc.batch import Joined
from xinsheng.voc.features import Doc
from xinsheng.voc.lexicon import Lexicon, load_yaml, weighted_words
from xinsheng.voc.linear import LinearModel

__all__ = ["Taxonomy", "TopicLeaf", "RuleTopics", "ModelTopics", "TopicStage"]

SEP = " › "


@dataclass(frozen=True)
class TopicLeaf:
    code: str
    label: str
    label_en: str
    keywords: tuple[tuple[str, float], ...]
    keywords_en: tuple[tuple[str, float], ...]
    patterns: tuple[str, ...]


@dataclass
class Taxonomy:
    """Leaves of the two-level taxonomy; codes are ``parent.child``."""

    leaves: list[TopicLeaf]

    @classmethod
    def load(cls, path: str | Path | None = None) -> Taxonomy:
        data = yaml.safe_load(Path(path).read_text("utf-8")) if path else load_yaml("taxonomy.yaml")
        return cls.from_dict(data)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Taxonomy:
        leaves = []
        for parent in data.get("topics", []):
            for child in parent.get("children", []) or [parent]:
                code = parent["code"] if child is parent else f"{parent['code']}.{child['code']}"
                label = parent["label"] if child is parent else parent["label"] + SEP + child["label"]
                pen, cen = parent.get("label_en", parent["code"]), child.get("label_en", child["code"])
                leaves.append(TopicLeaf(
                    code=code, label=label, label_en=pen if child is parent else pen + SEP + cen,
                    keywords=tuple(weighted_words(child.get("keywords", []))),
                    keywords_en=tuple(weighted_words(child.get("keywords_en", []))),
                    patterns=tuple(child.get("patterns", []) or []),
                ))
        return cls(leaves)

    def words(self) -> list[str]:
        return [w for leaf in self.leaves for w, _ in leaf.keywords]


def _topic(code: str, label: str, score: float, triggers: list[str]) -> dict:
    return {"code": code, "label": label, "score": round(float(score), 4), "triggers": triggers}


@dataclass
class RuleTopics:
    """Keyword and pattern matching against the taxonomy, one regex pass per kind."""

    taxonomy: Taxonomy
    hit_strength: float = 0.6
    _lex: dict[str, Lexicon] = field(default_factory=dict, init=False, repr=False)
    _patterns: list[tuple[str, re.Pattern[str]]] = field(default_factory=list, init=False, repr=False)
    _labels: dict[str, dict[str, str]] = field(default_factory=dict, init=False, repr=False)
    _by_code: dict[str, TopicLeaf] = field(default_factory=dict, init=False, repr=False)

    def __post_init__(self) -> None:
        zh, en = Lexicon(), Lexicon(word_boundary=True)
        for i, leaf in enumerate(self.taxonomy.leaves):
            self._by_code[leaf.code] = leaf
            for w, v in leaf.keywords:
                zh.add(w, leaf.code, v)
            for w, v in leaf.keywords_en:
                en.add(w, leaf.code, v)
            self._patterns += [(leaf.code, re.compile(p)) for p in leaf.patterns]
        self._lex = {"zh": zh.compile(), "en": en.compile()}
        self._labels = {
            "zh": {leaf.code: leaf.label for leaf in self.taxonomy.leaves},
            "en": {leaf.code: leaf.label_en for leaf in self.taxonomy.leaves},
        }

    def find(self, text: str, lang: str) -> list[dict]:
        return self.find_many([text], [lang])[0]

    def find_many(self, texts: Sequence[str], langs: Sequence[str]) -> list[list[dict]]:
        """Rule topics of each normalised text, one lexicon scan and one pattern pass per language."""
        found: list[dict[str, dict[str, float]]] = [{} for _ in texts]
        for lang in sorted(set(langs)):
            key = "en" if lang == "en" else "zh"
            idx = [i for i, lg in enumerate(langs) if lg == lang]
            j = Joined.of([texts[i] for i in idx])
            self._keyword_hits(j, key, [found[i] for i in idx])
            if self._patterns and key == "zh":
                self._pattern_hits(j, [found[i] for i in idx])
        return [self._topics(f, lg) for f, lg in zip(found, langs)]

    def _keyword_hits(self, j: Joined, key: str, found: list[dict[str, dict[str, float]]]) -> None:
        lex = self._lex[key]
        starts, _, ids = lex.scan(j.text, j.codes if lex.word_boundary else None)
        words, tags = lex.words, lex.tags
        for d, i in zip(j.doc_of(starts).tolist(), ids.tolist()):
            word = words[i]
            for code, w in tags(word):
                found[d].setdefault(code, {})[word] = w

    def _pattern_hits(self, j: Joined, found: list[dict[str, dict[str, float]]]) -> None:
        """Each pattern on its own (a literal start lets the regex engine skip ahead fast)."""
        for code, rx in self._patterns:
            hits = [(m.start(), m.group()) for m in rx.finditer(j.text)]
            if not hits:
                continue
            docs = j.doc_of(np.fromiter((h[0] for h in hits), np.int64, len(hits))).tolist()
            for d, (_, text) in zip(docs, hits):
                found[d].setdefault(code, {}).setdefault(text, 1.0)

    def _topics(self, found: dict[str, dict[str, float]], lang: str) -> list[dict]:
        labels = self._labels["en" if lang == "en" else "zh"]
        strength = self.hit_strength
        out = []
        for code, trig in found.items():
            miss = 1.0
            for w in trig.values():
                miss *= 1 - min(1.0, strength * w)
            out.append({"code": code, "label": labels[code], "score": round(1 - miss, 4), "triggers": list(trig)[:5]})
        return out


@dataclass
class ModelTopics:
    """A trained topic classifier (any label set); multi-label by probability threshold."""

    model: LinearModel
    threshold: float = 0.35
    top_k: int = 3

    def transform(self, docs: Sequence[Doc]) -> list[list[dict]]:
        if not docs:
            return []
        X = self.model.transform(docs)
        P = self.model.predict_proba(X)
        out = []
        for r in range(P.shape[0]):
            order = np.argsort(-P[r])[: self.top_k]
            row = X.getrow(r)
            picks = [j for n, j in enumerate(order) if P[r, j] >= self.threshold or (n == 0 and P[r, j] >= 0.2)]
            out.append([_topic(self.model.classes[j], self.model.classes[j], P[r, j],
                               self.model.explain(row, int(j))) for j in picks])
        return out


@dataclass
class TopicStage:
    rules: RuleTopics | None
    model: ModelTopics | None = None
    max_topics: int = 5

    def transform(self, docs: Sequence[Doc], langs: Sequence[str]) -> list[list[dict]]:
        trained = self.model.transform(docs) if self.model else [[] for _ in docs]
        rules = self.rules.find_many([d[0] for d in docs], langs) if self.rules else [[] for _ in docs]
        out = []
        for tt, rt in zip(trained, rules):
            seen = {t["code"] for t in tt}
            merged = tt + sorted((t for t in rt if t["code"] not in seen), key=lambda t: -t["score"])
            out.append(merged[: self.max_topics])
        return out
