"""Reads of the knowledge base: articles, versions, feedback, what the index must load."""
from __future__ import annotations

from collections.abc import Iterator

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from xinsheng.errors import NotFound
from xinsheng.knowledge.matching.index import ArticleDoc
from xinsheng.knowledge.models import AnswerFeedback, Article, ArticleVersion, KnowledgeState
from xinsheng.knowledge.schemas import ArticlePage, ArticleRead, VersionRead


def get_article(session: Session, article_id: int) -> Article:
    article = session.get(Article, article_id)
    if article is None:
        raise NotFound(f"no knowledge article {article_id}", data={"article_id": article_id})
    return article


def get_article_by_ref(session: Session, ref: str) -> Article | None:
    return session.scalar(select(Article).where(Article.ref == ref))


def list_articles(session: Session, *, status: str | None = None, category: str | None = None,
                  q: str | None = None, limit: int = 50, offset: int = 0) -> ArticlePage:
    """Articles newest-changed first, filtered by status, category and a title/question text."""
    conds = []
    if status:
        conds.append(Article.status == status)
    if category:
        conds.append(Article.category == category)
    if q and q.strip():
        like = f"%{q.strip()}%"
        conds.append(or_(Article.title.like(like), Article.question.like(like), Article.ref == q.strip()))
    where = and_(*conds) if conds else True
    total = session.scalar(select(func.count()).select_from(Article).where(where)) or 0
    rows = session.scalars(
        select(Article).where(where).order_by(Article.updated_at.desc(), Article.id.desc())
        .limit(max(1, min(limit, 500))).offset(max(0, offset))
    )
    return ArticlePage(items=[ArticleRead.model_validate(a) for a in rows], total=total)


def count_by_status(session: Session) -> dict[str, int]:
    return dict(session.execute(select(Article.status, func.count()).group_by(Article.status)).all())


def list_versions(session: Session, article_id: int) -> list[VersionRead]:
    """The article's version history, newest first."""
    get_article(session, article_id)
    rows = session.scalars(select(ArticleVersion).where(ArticleVersion.article_id == article_id)
                           .order_by(ArticleVersion.version.desc()))
    return [VersionRead.model_validate(v) for v in rows]


def index_state(session: Session) -> tuple[str, int]:
    """(generation, revision) of the knowledge base; ("", 0) before the first write."""
    row = session.execute(select(KnowledgeState.generation, KnowledgeState.revision)
                          .where(KnowledgeState.id == 1)).first()
    return (row[0], int(row[1])) if row else ("", 0)


def changed_articles(session: Session, since_rev: int) -> list[tuple[int, ArticleDoc | None]]:
    """Articles written after ``since_rev``: (id, the live version as an ArticleDoc, or None
    when nothing of it may be answered)."""
    rows = session.execute(
        select(Article.id, Article.ref, ArticleVersion)
        .outerjoin(ArticleVersion, and_(ArticleVersion.article_id == Article.id,
                                        ArticleVersion.version == Article.live_version))
        .where(Article.index_rev > since_rev)
    ).all()
    return [(aid, _doc(aid, ref, v) if v is not None else None) for aid, ref, v in rows]


def _doc(article_id: int, ref: str, v: ArticleVersion) -> ArticleDoc:
    return ArticleDoc(
        id=article_id, ref=ref, title=v.title, question=v.question, paraphrases=list(v.paraphrases or []),
        body=v.body, category=v.category, products=list(v.products or []),
        channels=list(v.channels or []), valid_from=v.valid_from, valid_to=v.valid_to, version=v.version,
    )


def feedback_since(session: Session, last_id: int) -> list[AnswerFeedback]:
    return list(session.scalars(select(AnswerFeedback).where(AnswerFeedback.id > last_id)
                                .order_by(AnswerFeedback.id)))


def feedback_pairs(session: Session) -> list[tuple[str, str, int]]:
    """Agents' verdicts as labelled question pairs: (the question asked, the article's
    standard question, 1 used / 0 not relevant) — training data the bank already has."""
    rows = session.execute(
        select(AnswerFeedback.query, Article.question, AnswerFeedback.verdict)
        .join(Article, Article.id == AnswerFeedback.article_id).order_by(AnswerFeedback.id)
    ).all()
    return [(q, question, int(verdict == "used")) for q, question, verdict in rows]


def list_feedback(session: Session, article_id: int, limit: int = 20) -> list[AnswerFeedback]:
    return list(session.scalars(select(AnswerFeedback).where(AnswerFeedback.article_id == article_id)
                                .order_by(AnswerFeedback.id.desc()).limit(limit)))


def iter_articles(session: Session, status: str | None = None) -> Iterator[Article]:
    """Every article (for export), oldest first, streamed."""
    stmt = select(Article).order_by(Article.id)
    if status:
        stmt = stmt.where(Article.status == status)
    yield from session.scalars(stmt.execution_options(yield_per=500))


def latest_customer_message(session: Session, customer_ref: str) -> str | None:
    """The text of the customer's newest inbound contact that has text, if any."""
    from xinsheng.customers.service import get_customer
    from xinsheng.interactions.models import Interaction

    customer = get_customer(session, customer_ref)
    return session.scalar(
        select(Interaction.text)
        .where(Interaction.customer_id == customer.id, Interaction.direction == "inbound",
               Interaction.text.is_not(None), Interaction.text != "")
        .order_by(Interaction.started_at.desc(), Interaction.id.desc()).limit(1)
    )


def export_rows(session: Session, status: str | None = None) -> Iterator[dict]:
    """Every article as a dict of the file fields (``files.FIELDS``) plus its versions."""
    from xinsheng.knowledge.files import FIELDS

    for a in iter_articles(session, status):
        yield {**{f: getattr(a, f) for f in FIELDS}, "version": a.version, "live_version": a.live_version}
