"""Writes to the knowledge base: articles and their workflow, feedback, imports.

Workflow (审批流程): draft → pending (submit) → approved (approve) → retired (retire);
pending → draft (reject). Every edit is a new version and a draft; the approved version
stays live until the new one is approved. Every write bumps ``kb_state.revision`` in
the same transaction, which is how every process's index learns of it.
"""
from __future__ import annotations

import logging
import uuid
from collections.abc import Iterable

from pydantic import ValidationError
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from xinsheng.db import dialect_insert, utcnow
from xinsheng.errors import InvalidInput, XinshengError
from xinsheng.knowledge.models import AnswerFeedback, Article, ArticleVersion, KnowledgeState
from xinsheng.knowledge.schemas import ArticleCreate, ArticleUpdate, FeedbackCreate
from xinsheng.knowledge.service import get_article, get_article_by_ref

log = logging.getLogger(__name__)

CONTENT = ("title", "body", "question", "paraphrases", "category", "products", "channels",
           "valid_from", "valid_to", "owner")
#: action -> (statuses it may start from, status it leads to)
TRANSITIONS = {
    "submit": (("draft",), "pending"),
    "approve": (("pending",), "approved"),
    "reject": (("pending",), "draft"),
    "retire": (("draft", "pending", "approved"), "retired"),
}


class WorkflowError(XinshengError):
    """The article is not in a status that allows this step."""

    code = "invalid_transition"
    status = 409


def bump_revision(session: Session) -> int:
    """Increment the knowledge base's change counter; returns the new revision.

    On PostgreSQL the row lock serialises writers, so revisions commit in order and a
    reader that has seen revision R has seen every change up to R.
    """
    session.execute(
        dialect_insert(session, KnowledgeState)
        .values(id=1, generation=uuid.uuid4().hex, revision=0, updated_at=utcnow())
        .on_conflict_do_nothing(index_elements=["id"])
    )
    return session.execute(
        update(KnowledgeState).where(KnowledgeState.id == 1)
        .values(revision=KnowledgeState.revision + 1, updated_at=utcnow())
        .returning(KnowledgeState.revision)
    ).scalar_one()


def _snapshot(session: Session, article: Article, actor: str | None, note: str | None) -> None:
    session.add(ArticleVersion(
        article_id=article.id, version=article.version, status=article.status,
        changed_by=actor, note=note, created_at=utcnow(),
        **{f: getattr(article, f) for f in CONTENT},
    ))


def _version_row(session: Session, article: Article) -> ArticleVersion:
    return session.scalars(select(ArticleVersion).where(
        ArticleVersion.article_id == article.id, ArticleVersion.version == article.version)).one()


def do_create_article(session: Session, data: ArticleCreate, actor: str | None = None) -> Article:
    """A new article at version 1 (``status`` draft unless the caller, e.g. an import, says)."""
    if data.ref and session.scalar(select(Article.id).where(Article.ref == data.ref)) is not None:
        raise XinshengError(f"article {data.ref!r} exists already", data={"ref": data.ref})
    now = utcnow()
    article = Article(
        ref=data.ref or f"KB-{uuid.uuid4().hex[:8].upper()}", status=data.status, version=1,
        live_version=1 if data.status == "approved" else None, index_rev=bump_revision(session),
        created_at=now, updated_at=now, **{f: getattr(data, f) for f in CONTENT},
    )
    if article.owner is None:
        article.owner = actor
    session.add(article)
    session.flush()
    _snapshot(session, article, actor, data.note or "created")
    log.debug("knowledge article %s created by %s", article.ref, actor)
    return article


def do_update_article(session: Session, article_id: int, data: ArticleUpdate,
                      actor: str | None = None) -> Article:
    """A new version with the given changes; it is a draft until approved."""
    article = get_article(session, article_id)
    changes = data.model_dump(exclude_unset=True, exclude={"note"})
    merged = {f: changes.get(f, getattr(article, f)) for f in CONTENT}
    try:
        ArticleCreate(**merged)
    except ValidationError as exc:
        err = exc.errors()[0]
        field = ".".join(str(p) for p in err["loc"]) or "article"
        raise InvalidInput(f"{field}: {err['msg']}", data={"field": field}) from None
    if all(merged[f] == getattr(article, f) for f in CONTENT):
        return article
    for field, value in merged.items():
        setattr(article, field, value)
    article.version += 1
    article.status = "draft"
    article.updated_at = utcnow()
    article.index_rev = bump_revision(session)
    session.flush()
    _snapshot(session, article, actor, data.note)
    return article


def do_transition_article(session: Session, article_id: int, action: str,
                          actor: str | None = None, note: str | None = None) -> Article:
    """submit / approve / reject / retire the article's newest version."""
    if action not in TRANSITIONS:
        raise XinshengError(f"unknown action {action!r}; one of {', '.join(TRANSITIONS)}")
    article = get_article(session, article_id)
    sources, target = TRANSITIONS[action]
    if article.status not in sources:
        raise WorkflowError(
            f"cannot {action} article {article.ref}: it is {article.status} "
            f"(allowed from {', '.join(sources)})", data={"status": article.status})
    article.status = target
    if target == "approved":
        article.live_version = article.version
    elif target == "retired":
        article.live_version = None
    article.updated_at = utcnow()
    article.index_rev = bump_revision(session)
    row = _version_row(session, article)
    row.status = target
    if note:
        row.note = f"{row.note}; {note}" if row.note else note
    log.info("knowledge article %s %s by %s", article.ref, target, actor)
    return article


def do_record_feedback(session: Session, data: FeedbackCreate, actor: str | None = None) -> AnswerFeedback:
    """Record an agent's verdict on a suggestion; later rankings take it into account.
    The question is stored with personal data masked (it may be a customer's words)."""
    from xinsheng.voc.masking import mask_pii

    article = get_article(session, data.article_id)
    row = AnswerFeedback(
        article_id=article.id, article_version=article.live_version, query=mask_pii(data.query).text,
        verdict=data.verdict, user=actor, customer_ref=data.customer_ref, channel=data.channel,
        created_at=utcnow(),
    )
    session.add(row)
    bump_revision(session)
    session.flush()
    return row


def do_import_article(session: Session, data: ArticleCreate, actor: str | None = None) -> str:
    """Create or update one article by ``ref``: ``created``, ``updated`` or ``unchanged``."""
    existing = get_article_by_ref(session, data.ref) if data.ref else None
    if existing is None:
        do_create_article(session, data, actor)
        return "created"
    before = existing.version
    update_fields = {f: getattr(data, f) for f in CONTENT}
    do_update_article(session, existing.id, ArticleUpdate(**update_fields, note=data.note or "imported"), actor)
    changed = existing.version != before
    if data.status != existing.status and (changed or data.status != "draft"):
        _force_status(session, existing, data.status)
        changed = True
    return "updated" if changed else "unchanged"


def _force_status(session: Session, article: Article, status: str) -> None:
    """An import states the status outright (it comes from a reviewed source)."""
    article.status = status
    article.live_version = article.version if status == "approved" else (
        None if status == "retired" else article.live_version)
    article.index_rev = bump_revision(session)
    _version_row(session, article).status = status


def bulk_import_articles(session: Session, records: Iterable[tuple[int, dict]],
                         actor: str | None = None) -> dict:
    """Import article records (``files.read_records``): each one in its own savepoint, so a
    bad record is reported and skipped while the rest are stored."""
    from xinsheng.knowledge.files import parse_article

    result = {"created": 0, "updated": 0, "unchanged": 0, "rejected": 0, "errors": []}
    for line, record in records:
        ref = record.get("ref") if isinstance(record.get("ref"), str) else None
        try:
            data = parse_article(record)
            with session.begin_nested():
                outcome = do_import_article(session, data, actor)
        except (ValueError, XinshengError) as exc:
            message = exc.message if isinstance(exc, XinshengError) else str(exc)
            result["rejected"] += 1
            result["errors"].append({"line": line, "ref": ref or None, "error": message})
            continue
        result[outcome] += 1
    return result
