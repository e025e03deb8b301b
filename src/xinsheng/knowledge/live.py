"""The process's answer index, kept in step with the database.

Every query first reads ``kb_state`` (one primary-key row). When its revision moved,
only the articles written since (``index_rev``) and the feedback recorded since are
loaded, so an approved article is answerable on the next query in every process that
serves this database, however many there are. A new ``generation`` (the table was
emptied or restored) reloads everything.
"""
from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from xinsheng.knowledge import service
from xinsheng.knowledge.matching.index import KnowledgeIndex

log = logging.getLogger(__name__)


def bank_index() -> KnowledgeIndex:
    """An index with the bank's own synonyms and trained pair model when it has them
    (``XINSHENG_HOME/knowledge/synonyms.txt`` and ``pair_model.json``), else the shipped ones."""
    from xinsheng.config import get_settings
    from xinsheng.knowledge.matching.analyzer import get_analyzer
    from xinsheng.knowledge.matching.scorer import MODEL_FILE, PairModel

    folder = get_settings().home / "knowledge"
    synonyms = folder / "synonyms.txt"
    model = PairModel.load(folder) if (folder / MODEL_FILE).is_file() else None
    return KnowledgeIndex(get_analyzer(synonyms if synonyms.is_file() else None), model)


@dataclass
class LiveIndex:
    index: KnowledgeIndex = field(default_factory=bank_index)
    generation: str = ""
    revision: int = -1
    last_feedback_id: int = 0
    learned: dict[int, list[str]] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def refresh(self, session: Session) -> KnowledgeIndex:
        """Bring the index up to date with the database; returns it."""
        generation, revision = service.index_state(session)
        if generation == self.generation and revision == self.revision:
            return self.index
        with self.lock:
            if generation == self.generation and revision <= self.revision:
                return self.index  # another thread got there first
            if generation != self.generation:
                self.index.clear()
                self.learned.clear()
                self.revision, self.last_feedback_id = 0, 0
            if revision != self.revision:
                self._apply(session, revision)
            self.generation = generation
        return self.index

    def _apply(self, session: Session, revision: int) -> None:
        touched = self._load_feedback(session)
        changed = service.changed_articles(session, self.revision)
        docs = dict(changed)
        for article_id in touched - docs.keys():
            doc = self.index.articles.get(article_id)
            if doc is not None:
                docs[article_id] = doc
        for article_id, doc in docs.items():
            if doc is None:
                self.index.remove(article_id)
            else:
                doc.learned = self.learned.get(article_id, [])
                self.index.upsert(doc)
        log.debug("knowledge index: revision %s, %d articles reloaded", revision, len(docs))
        self.revision = revision

    def _load_feedback(self, session: Session) -> set[int]:
        """Feed new verdicts to the index; returns articles that learned a question."""
        touched: set[int] = set()
        analyze = self.index.analyzer.analyze
        for fb in service.feedback_since(session, self.last_feedback_id):
            self.index.feedback.add(analyze(fb.query).canon, fb.article_id, fb.verdict == "used")
            if fb.verdict == "used":
                learned = self.learned.setdefault(fb.article_id, [])
                if fb.query not in learned:
                    learned.append(fb.query)
                    touched.add(fb.article_id)
            self.last_feedback_id = fb.id
        return touched


_registry: dict[str, LiveIndex] = {}
_registry_lock = threading.Lock()


def live_index(session: Session) -> KnowledgeIndex:
    """The up-to-date index of the database this session is bound to."""
    key = session.get_bind().url.render_as_string(hide_password=False)
    with _registry_lock:
        live = _registry.get(key)
        if live is None:
            live = _registry[key] = LiveIndex()
    return live.refresh(session)
