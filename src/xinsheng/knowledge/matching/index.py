"""The in-memory answer index: retrieve with BM25, re-rank with the pair scorer.

Every question of an article (the standard question, its paraphrases, the title, and
customer questions agents marked "used") is one entry. A query is scored against all
entries with BM25 over words and over character bigrams; the best candidates are
re-ranked by the pair scorer (the probability that the two questions ask the same
thing), agents' feedback is applied, and the best entry of each article wins.

Articles are added and removed one at a time; the matrices are rebuilt from cached,
already-analysed entries on the next query (no re-segmentation), so an edit is
searchable at once. The index holds no database session: ``knowledge.live`` feeds it.
"""
from __future__ import annotations

import math
import threading
from dataclasses import dataclass, field
from datetime import datetime

import numpy as np

from xinsheng.knowledge.matching.analyzer import Analyzed, Analyzer, get_analyzer
from xinsheng.knowledge.matching.bm25 import BM25, Vocabulary
from xinsheng.knowledge.matching.features import IdfTable, explain_overlap
from xinsheng.knowledge.matching.scorer import PairModel, PairScorer
from xinsheng.knowledge.matching.seed import default_model

CANDIDATES = 48
#: Share of the retrieval score (BM25 words + bigrams, 0–2) in the ranking; the confidence
#: shown is the pair scorer's alone.
RETRIEVAL_WEIGHT = 0.1
UNCOVERED_PENALTY = 4.0
_NEVER, _ALWAYS = -math.inf, math.inf


@dataclass
class ArticleDoc:
    """What the index needs of one answerable article version."""

    id: int
    ref: str
    title: str
    question: str
    paraphrases: list[str] = field(default_factory=list)
    body: str = ""
    category: str | None = None
    products: list[str] = field(default_factory=list)
    channels: list[str] = field(default_factory=list)
    valid_from: datetime | None = None
    valid_to: datetime | None = None
    version: int = 1
    learned: list[str] = field(default_factory=list)  # queries agents marked "used"

    def questions(self) -> list[tuple[str, str]]:
        out = [(self.question, "question")] + [(p, "paraphrase") for p in self.paraphrases]
        out += [(self.title, "title")] + [(q, "learned") for q in self.learned]
        seen: set[str] = set()
        return [(q, k) for q, k in out if q and q.strip() and not (q in seen or seen.add(q))]


@dataclass
class Entry:
    article_id: int
    text: str
    kind: str
    analyzed: Analyzed
    term_ids: np.ndarray
    gram_ids: np.ndarray


@dataclass
class Match:
    """One article found for a query, with the reasons."""

    article: ArticleDoc
    confidence: float
    matched_question: str
    matched_kind: str
    retrieval: float
    why: dict


@dataclass
class _Snapshot:
    entries: list[Entry]
    words: BM25
    grams: BM25
    idf: IdfTable
    valid_from: np.ndarray
    valid_to: np.ndarray


class Feedback:
    """Agents' verdicts: per article, and per (question, article)."""

    def __init__(self) -> None:
        self.by_article: dict[int, list[int]] = {}
        self.by_query: dict[tuple[str, int], int] = {}

    def add(self, query_canon: str, article_id: int, used: bool) -> None:
        counts = self.by_article.setdefault(article_id, [0, 0])
        counts[0 if used else 1] += 1
        key = (query_canon, article_id)
        self.by_query[key] = self.by_query.get(key, 0) + (1 if used else -1)

    def adjust(self, query_canon: str, article_id: int, confidence: float) -> tuple[float, int]:
        """Confidence after feedback (in log-odds), and the net vote on this very question."""
        used, rejected = self.by_article.get(article_id, (0, 0))
        net = self.by_query.get((query_canon, article_id), 0)
        if not used and not rejected:
            return confidence, 0
        c = min(max(confidence, 1e-4), 1 - 1e-4)
        logit = math.log(c / (1 - c)) + 0.25 * math.log((used + 1) / (rejected + 1))
        logit += 3.0 * max(-2, min(2, net))
        return 1 / (1 + math.exp(-logit)), net


class KnowledgeIndex:
    """Answerable articles, searchable by customer questions."""

    def __init__(self, analyzer: Analyzer | None = None, model: PairModel | None = None) -> None:
        self.analyzer = analyzer or get_analyzer()
        self.model = model or default_model()
        self.articles: dict[int, ArticleDoc] = {}
        self.feedback = Feedback()
        self._entries: dict[int, list[Entry]] = {}
        self._terms: dict[int, frozenset[str]] = {}  # every term of an article's questions
        self._words, self._grams = Vocabulary(), Vocabulary()
        self._lock = threading.RLock()
        self._snapshot: _Snapshot | None = None

    def __len__(self) -> int:
        return len(self.articles)

    @property
    def n_questions(self) -> int:
        return sum(len(e) for e in self._entries.values())

    def upsert(self, doc: ArticleDoc) -> None:
        """Add or replace an article (analysing only its questions)."""
        entries = []
        for text, kind in doc.questions():
            a = self.analyzer.analyze(text)
            if kind == "title" and a.terms == self._first_terms(entries):
                continue
            entries.append(Entry(doc.id, text, kind, a, self._words.encode(a.terms),
                                 self._grams.encode(a.grams)))
        terms = frozenset(t.lstrip("!") for e in entries for t in e.analyzed.terms)
        with self._lock:
            self.articles[doc.id] = doc
            self._entries[doc.id] = entries
            self._terms[doc.id] = terms
            self._snapshot = None

    @staticmethod
    def _first_terms(entries: list[Entry]) -> list[str] | None:
        return entries[0].analyzed.terms if entries else None

    def remove(self, article_id: int) -> None:
        with self._lock:
            if self.articles.pop(article_id, None) is not None:
                self._entries.pop(article_id, None)
                self._terms.pop(article_id, None)
                self._snapshot = None

    def clear(self) -> None:
        with self._lock:
            self.articles.clear()
            self._entries.clear()
            self._terms.clear()
            self.feedback = Feedback()
            self._snapshot = None

    def _build(self) -> _Snapshot:
        with self._lock:
            snap = self._snapshot
            if snap is not None:
                return snap
            entries = [e for es in self._entries.values() for e in es]
            words = BM25().fit([e.term_ids for e in entries], len(self._words))
            grams = BM25().fit([e.gram_ids for e in entries], len(self._grams))
            terms = list(self._words.ids)
            idf = IdfTable({terms[i]: int(d) for i, d in enumerate(words.df) if d}, len(entries))
            vf = np.array([_ts(self.articles[e.article_id].valid_from, _NEVER) for e in entries])
            vt = np.array([_ts(self.articles[e.article_id].valid_to, _ALWAYS) for e in entries])
            self._snapshot = _Snapshot(entries, words, grams, idf, vf, vt)
            return self._snapshot

    def search(self, query: str, *, k: int = 5, now: datetime | None = None,
               channel: str | None = None, category: str | None = None) -> list[Match]:
        """The ``k`` best currently valid articles for ``query``, best first."""
        snap = self._build()
        q = self.analyzer.analyze(query)
        if not snap.entries or not (q.terms or q.grams):
            return []
        retrieval = self._retrieve(snap, q, now)
        order = _top(retrieval, CANDIDATES)
        cands = [i for i in order if self._eligible(snap.entries[i], channel, category)]
        if not cands:
            return []
        scorer = PairScorer(self.model, self.analyzer, snap.idf)
        probs = scorer.score_analyzed([(q, snap.entries[i].analyzed) for i in cands])
        best: dict[int, Match] = {}
        for i, p in zip(cands, probs):
            entry = snap.entries[i]
            uncovered = self._uncovered(q, entry.article_id)
            conf, net = self.feedback.adjust(q.canon, entry.article_id, _penalise(float(p), len(uncovered)))
            prev = best.get(entry.article_id)
            if prev is None or conf > prev.confidence:
                why = explain_overlap(q, entry.analyzed)
                why.update(feedback=net, uncovered=uncovered)
                best[entry.article_id] = Match(self.articles[entry.article_id], conf, entry.text,
                                               entry.kind, float(retrieval[i]), why)
        ranked = sorted(best.values(), key=_rank)
        return ranked[:k]

    def _uncovered(self, q: Analyzed, article_id: int) -> list[str]:
        """Banking words of the question that the article never mentions (房贷 asked,
        大额存单 answered): the bot does not answer such a match outright."""
        terms = self._terms.get(article_id, frozenset())
        domain = self.analyzer.domain_terms
        return [t for t in dict.fromkeys(x.lstrip("!") for x in q.terms) if t in domain and t not in terms]

    def _retrieve(self, snap: _Snapshot, q: Analyzed, now: datetime | None) -> np.ndarray:
        ws = snap.words.scores(self._words.lookup(q.terms))
        gs = snap.grams.scores(self._grams.lookup(q.grams))
        score = ws / (ws.max() or 1.0) + gs / (gs.max() or 1.0)
        if now is not None:
            t = now.timestamp()
            score[(snap.valid_from > t) | (snap.valid_to <= t)] = 0.0
        return score

    def _eligible(self, entry: Entry, channel: str | None, category: str | None) -> bool:
        doc = self.articles.get(entry.article_id)
        if doc is None:
            return False
        if channel and doc.channels and channel not in doc.channels:
            return False
        return not (category and doc.category != category)


def _penalise(p: float, uncovered: int) -> float:
    """Odds divided by :data:`UNCOVERED_PENALTY` per banking word the article never mentions."""
    if not uncovered:
        return p
    odds = p / max(1 - p, 1e-9) / UNCOVERED_PENALTY ** uncovered
    return odds / (1 + odds)


def _rank(m: Match) -> tuple[float, int]:
    """Confidence, then a little retrieval score; agents' votes on this very question first."""
    return -(m.confidence + RETRIEVAL_WEIGHT * m.retrieval + 0.5 * m.why.get("feedback", 0)), m.article.id


def _ts(value: datetime | None, default: float) -> float:
    return value.timestamp() if value is not None else default


def _top(scores: np.ndarray, n: int) -> list[int]:
    """Indices of the ``n`` highest positive scores, best first."""
    positive = np.flatnonzero(scores > 0)
    if len(positive) > n:
        part = np.argpartition(-scores[positive], n - 1)[:n]
        positive = positive[part]
    return positive[np.argsort(-scores[positive], kind="stable")].tolist()
