"""Topic stage: the editable two-level banking taxonomy (rules) plus an optional trained classifier.

Both are explainable: a rule topic returns the keywords or pattern text that triggered it,
a trained topic returns the features that pushed the classifier towards it.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator, Sequence

import numpy as np
import yaml

from xinsheng.voc.batch import Joined
from xinsheng.voc.features import Doc
from xinsheng.voc.lexicon import Lexicon, load_yaml, weighted_words
from xinsheng.voc.linear import LinearModel

__all__ = ["Taxonomy", "TaxonomyError", "TopicLeaf", "RuleTopics", "ModelTopics", "TopicStage"]

SEP = " › "


@dataclass(frozen=True)
class TopicLeaf:
    code: str
    label: str
    label_en: str
    keywords: tuple[tuple[str, float], ...]
    keywords_en: tuple[tuple[str, float], ...]
    patterns: tuple[str, ...]
    subjects: tuple[str, ...] = ()
    states: tuple[str, ...] = ()


@dataclass
class Taxonomy:
    """Leaves of the two-level taxonomy; codes are ``parent.child``."""

    leaves: list[TopicLeaf]

    @classmethod
    def load(cls, path: str | Path | None = None) -> Taxonomy:
        """The taxonomy in the YAML file ``path`` (the shipped one when None); a file that is
        not a valid taxonomy raises ``TaxonomyError`` naming the file and the problem."""
        if not path:
            return cls.from_dict(load_yaml("taxonomy.yaml"))
        try:
            data = yaml.safe_load(Path(path).read_text("utf-8"))
        except OSError as exc:
            raise TaxonomyError(f"taxonomy {path}: cannot read it ({exc.strerror or exc})") from None
        except yaml.YAMLError as exc:
            where = getattr(exc, "problem_mark", None)
            at = f" at line {where.line + 1}" if where else ""
            raise TaxonomyError(f"taxonomy {path}: not valid YAML{at}") from None
        try:
            return cls.from_dict(data)
        except TaxonomyError as exc:
            raise TaxonomyError(f"taxonomy {path}: {exc}") from None

    @classmethod
    def from_dict(cls, data: Any) -> Taxonomy:
        if not isinstance(data, dict) or not isinstance(data.get("topics"), list) or not data["topics"]:
            raise TaxonomyError("needs a non-empty list under 'topics'")
        leaves = []
        for n, parent in enumerate(data["topics"], 1):
            _check_node(parent, f"topic {n}")
            children = parent.get("children") or [parent]
            for k, child in enumerate(children, 1):
                if child is not parent:
                    _check_node(child, f"topic {n} ({parent['code']}) child {k}")
                leaves.append(_leaf(parent, child))
        codes = [leaf.code for leaf in leaves]
        if len(set(codes)) != len(codes):
            raise TaxonomyError(f"topic codes repeat: {sorted({c for c in codes if codes.count(c) > 1})}")
        return cls(leaves)

    def words(self) -> list[str]:
        return [w for leaf in self.leaves for w, _ in leaf.keywords]


class TaxonomyError(ValueError):
    """A taxonomy file that cannot be used; the message names the file and the problem."""


def _check_node(node: Any, where: str) -> None:
    if not isinstance(node, dict) or not str(node.get("code") or "").strip() or not str(node.get("label") or "").strip():
        raise TaxonomyError(f"{where} needs a 'code' and a 'label'")
    for key in ("keywords", "keywords_en", "patterns", "children"):
        if node.get(key) is not None and not isinstance(node[key], list):
            raise TaxonomyError(f"{where} ({node['code']}): '{key}' must be a list")
    pairs = node.get("pairs")
    if pairs is not None and (not isinstance(pairs, dict) or not all(isinstance(pairs.get(k), list) and pairs[k]
                                                                      for k in ("subjects", "states"))):
        raise TaxonomyError(f"{where} ({node['code']}): 'pairs' needs non-empty lists 'subjects' and 'states'")
    for p in node.get("patterns") or []:
        try:
            re.compile(str(p))
        except re.error as exc:
            raise TaxonomyError(f"{where} ({node['code']}): pattern {p!r} is not a valid regular expression ({exc})") from None


def _leaf(parent: dict, child: dict) -> TopicLeaf:
    own = child is parent
    pen, cen = parent.get("label_en", parent["code"]), child.get("label_en", child["code"])
    return TopicLeaf(
        code=parent["code"] if own else f"{parent['code']}.{child['code']}",
        label=parent["label"] if own else parent["label"] + SEP + child["label"],
        label_en=pen if own else pen + SEP + cen,
        keywords=tuple(weighted_words(child.get("keywords", []))),
        keywords_en=tuple(weighted_words(child.get("keywords_en", []))),
        patterns=tuple(str(p) for p in child.get("patterns", []) or []),
        subjects=tuple(str(w).lower() for w in (child.get("pairs") or {}).get("subjects", []) or []),
        states=tuple(str(w).lower() for w in (child.get("pairs") or {}).get("states", []) or []),
    )


def _topic(code: str, label: str, score: float, triggers: list[str]) -> dict:
    return {"code": code, "label": label, "score": round(float(score), 4), "triggers": triggers}


@dataclass
class RuleTopics:
    """Taxonomy keywords (one automaton scan per batch) and patterns (one pass each per batch)."""

    taxonomy: Taxonomy
    hit_strength: float = 0.6
    _lex: dict[str, Lexicon] = field(default_factory=dict, init=False, repr=False)
    _patterns: list[tuple[str, re.Pattern[str]]] = field(default_factory=list, init=False, repr=False)
    _labels: dict[str, dict[str, str]] = field(default_factory=dict, init=False, repr=False)
    _codes: list[str] = field(default_factory=list, init=False, repr=False)
    _code_index: dict[str, int] = field(default_factory=dict, init=False, repr=False)
    _tags: dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]] = field(default_factory=dict, init=False, repr=False)
    _gapped: _Gapped | None = field(default=None, init=False, repr=False)

    def __post_init__(self) -> None:
        zh, en = Lexicon(), Lexicon(word_boundary=True)
        for leaf in self.taxonomy.leaves:
            for w, v in leaf.keywords:
                zh.add(w, leaf.code, v)
            for w, v in leaf.keywords_en:
                en.add(w, leaf.code, v)
            self._patterns += [(leaf.code, re.compile(p)) for p in leaf.patterns]
        self._lex = {"zh": zh.compile(), "en": en.compile()}
        self._codes = [leaf.code for leaf in self.taxonomy.leaves]
        self._code_index = {c: i for i, c in enumerate(self._codes)}
        self._tags = {k: self._tag_arrays(lex) for k, lex in self._lex.items()}
        self._gapped = _Gapped.build(self.taxonomy.leaves, self._code_index)
        self._labels = {
            "zh": {leaf.code: leaf.label for leaf in self.taxonomy.leaves},
            "en": {leaf.code: leaf.label_en for leaf in self.taxonomy.leaves},
        }

    def _tag_arrays(self, lex: Lexicon) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Per word id, its (topic index, weight) pairs as CSR-style arrays."""
        tags = [lex.tags(w) for w in lex.words]
        ptr = np.r_[0, np.cumsum([len(t) for t in tags])].astype(np.int64)
        code = np.array([self._code_index[c] for t in tags for c, _ in t], dtype=np.int64)
        weight = np.array([w for t in tags for _, w in t], dtype=float)
        return ptr, code, weight

    def find(self, text: str, lang: str) -> list[dict]:
        return self.find_many([text], [lang])[0]

    def find_many(self, texts: Sequence[str], langs: Sequence[str]) -> list[list[dict]]:
        """Rule topics of each normalised text (strongest first): one lexicon scan and one
        pass per pattern over each language's texts joined together."""
        out: list[list[dict]] = [[] for _ in texts]
        for lang in sorted(set(langs)):
            key = "en" if lang == "en" else "zh"
            idx = [i for i, lg in enumerate(langs) if lg == lang]
            j = Joined.of([texts[i] for i in idx])
            hits = _Hits(self._codes, self._lex[key].words)
            self._keyword_hits(j, key, hits)
            if key == "zh" and self._gapped is not None:
                self._gapped_hits(j, hits)
            if self._patterns and key == "zh":
                self._pattern_hits(j, hits)
            labels = self._labels[key]
            for d, topic in hits.topics(self.hit_strength, labels):
                out[idx[d]].append(topic)
        return out

    def _keyword_hits(self, j: Joined, key: str, hits: _Hits) -> None:
        lex = self._lex[key]
        starts, _, ids = lex.scan(j.text, j.codes if lex.word_boundary else None)
        ptr, code, weight = self._tags[key]
        n = ptr[ids + 1] - ptr[ids]
        row = np.repeat(np.arange(len(ids)), n)
        pos = ptr[ids][row] + np.arange(len(row)) - np.repeat(np.cumsum(n) - n, n)
        hits.add(j.doc_of(starts)[row], code[pos], ids[row], weight[pos])

    def _gapped_hits(self, j: Joined, hits: _Hits) -> None:
        """Keywords split by a few characters and subject-state pairs (see ``_Gapped``);
        the trigger is the text found (转账一直失败)."""
        s, e, code, weight = self._gapped.find(j)  # type: ignore[union-attr]
        if len(s):
            found = map(j.text.__getitem__, map(slice, s.tolist(), e.tolist()))
            words = np.fromiter(map(hits.ids.__getitem__, found), np.int64, len(s))
            hits.add(j.doc_of(s), code, words, weight)

    def _pattern_hits(self, j: Joined, hits: _Hits) -> None:
        """Each pattern on its own (a literal start lets the regex engine skip ahead fast)."""
        for code, rx in self._patterns:
            found = [(m.start(), m.group()) for m in rx.finditer(j.text)]
            if found:
                docs = j.doc_of(np.fromiter((h[0] for h in found), np.int64, len(found)))
                words = np.fromiter(map(hits.ids.__getitem__, (h[1] for h in found)), np.int64, len(found))
                hits.add(docs, np.full(len(found), self._code_index[code]), words, np.ones(len(found)))


_CLAUSE_BREAK = "，。！？；：,.!?;:、\n ~…"


@dataclass
class _Gapped:
    """Topic evidence from two words in one clause with a few characters between them.

    Two sources: a keyword that the general dictionary cuts into two words of two or more
    characters (转账|失败, 人脸识别|失败), found with up to 4 characters between them in
    order (转账一直失败); and a leaf's ``pairs`` (a subject word and a state word, e.g.
    转账 … 没成功), found in either order with up to 6 characters between them. Each at
    0.8 of the weight of a contiguous keyword. One automaton scan per batch; pairs are
    checked with numpy."""

    parts: Lexicon
    keys: np.ndarray  # sorted head_id * n_parts + tail_id
    code: np.ndarray  # topic index of each key
    weight: np.ndarray
    max_gap: np.ndarray

    @classmethod
    def build(cls, leaves: Sequence[TopicLeaf], code_index: dict[str, int]) -> _Gapped | None:
        import rjieba

        seg = rjieba.Jieba()  # the general dictionary only: how ordinary text is cut
        rows: dict[tuple[str, str], tuple[int, float, int]] = {}
        for leaf in leaves:
            c = code_index[leaf.code]
            for h in leaf.subjects:
                for t in leaf.states:
                    rows.setdefault((h, t), (c, 0.8, 6))
                    rows.setdefault((t, h), (c, 0.8, 6))
            for w, v in leaf.keywords:
                cut = seg.cut(w, False)
                if len(cut) == 2 and min(map(len, cut)) >= 2 and not any(x.isascii() for x in cut):
                    rows.setdefault((cut[0], cut[1]), (c, 0.8 * v, 4))
        if not rows:
            return None
        parts = Lexicon()
        for h, t in rows:
            parts.add(h, "part")
            parts.add(t, "part")
        parts.compile()
        index = {w: i for i, w in enumerate(parts.words)}
        n = len(index)
        keys = np.array([index[h.lower()] * n + index[t.lower()] for h, t in rows], dtype=np.int64)
        vals = np.array(list(rows.values()), dtype=float).reshape(-1, 3)
        order = np.argsort(keys, kind="stable")
        return cls(parts, keys[order], vals[order, 0].astype(np.int64), vals[order, 1], vals[order, 2].astype(np.int64))

    def find(self, j: Joined) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """(starts, ends, topic indices, weights) of the pairs found (adjacent words too: a
        contiguous keyword gives the same trigger as the keyword scan, so it counts once)."""
        starts, ends, ids = self.parts.scan_all(j.text)
        found: list[tuple[np.ndarray, ...]] = []
        brk = np.zeros(0x10000, dtype=bool)
        brk[[ord(c) for c in _CLAUSE_BREAK]] = True
        codes = j.codes
        breaks = np.cumsum(np.where(codes < 0x10000, brk[np.minimum(codes, 0xFFFF)], False))
        n = len(self.parts.words)
        for d in (1, 2, 3, 4):
            if len(ids) <= d:
                break
            a, b = np.arange(len(ids) - d), np.arange(d, len(ids))
            gap = starts[b] - ends[a]
            ok = (gap >= 0) & (breaks[starts[b] - 1] == breaks[ends[a] - 1])
            a, b, gap = a[ok], b[ok], gap[ok]
            key = ids[a] * n + ids[b]
            at = np.minimum(np.searchsorted(self.keys, key), len(self.keys) - 1)
            hit = (self.keys[at] == key) & (gap <= self.max_gap[at])
            found.append((starts[a][hit], ends[b][hit], self.code[at[hit]], self.weight[at[hit]]))
        if not found:
            z = np.zeros(0, np.int64)
            return z, z, z, np.zeros(0)
        return tuple(np.concatenate(x) for x in zip(*found))  # type: ignore[return-value]


class _WordIds(dict):
    """text → id: the lexicon's words first (built on first use), other texts appended to
    ``words`` as they come; a dict, so that ``map(ids.__getitem__, …)`` runs in C."""

    def __init__(self, words: list[str]) -> None:
        super().__init__()
        self.words = words
        self.n_lexicon = len(words)

    def __missing__(self, text: str) -> int:
        if len(self) < self.n_lexicon:  # first look: the lexicon's own words
            self.update((w, i) for i, w in enumerate(self.words[: self.n_lexicon]) if w not in self)
            if text in self:
                return dict.__getitem__(self, text)
        self[text] = len(self.words)
        self.words.append(text)
        return self[text]


class _Hits:
    """Topic evidence of a batch, (text, topic, trigger word, weight) in the order found."""

    def __init__(self, codes: list[str], words: list[str]) -> None:
        self.codes, self.words = codes, list(words)
        self.ids = _WordIds(self.words)  # ids[text]: a lexicon word's own id, else a new one
        self.parts: list[tuple[np.ndarray, ...]] = []

    def word_id(self, text: str) -> int:
        """The id of a pattern's matched text (a lexicon word's own id when it is one)."""
        return self.ids[text]

    def add(self, doc: np.ndarray, code: np.ndarray, word: np.ndarray, weight: np.ndarray) -> None:
        self.parts.append((doc, code, word, weight))

    def topics(self, strength: float, labels: dict[str, str]) -> Iterator[tuple[int, dict]]:
        """(text index, topic) pairs, each text's topics by falling score then first mention.

        A topic's score is the noisy-OR of its distinct trigger words; its triggers are the
        first five in the order they occur."""
        if not self.parts:
            return
        doc, code, word, weight = (np.concatenate(c) for c in zip(*self.parts))
        n_code, n_word = len(self.codes), len(self.words)
        _, first = np.unique((doc * n_code + code) * n_word + word, return_index=True)
        first.sort()  # one entry per (text, topic, word), in the order found
        doc, code, word, weight = doc[first], code[first], word[first], weight[first]
        group, g_first, g_of = np.unique(doc * n_code + code, return_index=True, return_inverse=True)
        miss = np.ones(len(group))
        np.multiply.at(miss, g_of, 1 - np.minimum(1.0, strength * weight))
        score = np.round(1 - miss, 4)
        by_group = np.argsort(g_of, kind="stable")
        bounds = np.r_[0, np.cumsum(np.bincount(g_of, minlength=len(group)))].tolist()
        words, codes, trig = self.words, self.codes, word[by_group].tolist()
        g_doc, g_code, g_score = (group // n_code).tolist(), (group % n_code).tolist(), score.tolist()
        for g in np.lexsort((g_first, -score, group // n_code)).tolist():
            c = codes[g_code[g]]
            yield g_doc[g], {"code": c, "label": labels[c], "score": g_score[g],
                             "triggers": [words[w] for w in trig[bounds[g] : min(bounds[g] + 5, bounds[g + 1])]]}


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
            merged = tt + [t for t in rt if t["code"] not in seen]  # rule topics come strongest first
            out.append(merged[: self.max_topics])
        return out
