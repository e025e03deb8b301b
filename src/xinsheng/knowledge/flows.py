"""Answering across domains: agents' search and suggestions, the self-service bot.

These read customers and interactions (for the latest message and the hand-off
context), so they live here rather than in ``service.py``.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime

from sqlalchemy.orm import Session

from xinsheng.db import utcnow
from xinsheng.knowledge import policy
from xinsheng.knowledge.live import live_index
from xinsheng.knowledge.matching.index import Match
from xinsheng.knowledge.schemas import (
    AnswerBody, AssistAnswer, AssistQuestion, Choice, Handoff, SearchResult, Suggestion, Why,
)
from xinsheng.knowledge.service import latest_customer_message


def find_matches(session: Session, query: str, *, k: int = 5, channel: str | None = None,
                 category: str | None = None, now: datetime | None = None) -> list[Match]:
    """Approved, currently valid articles for ``query``, best first."""
    index = live_index(session)
    return index.search(query, k=k, now=now or utcnow(), channel=channel, category=category)


def _suggestion(m: Match) -> Suggestion:
    a = m.article
    return Suggestion(
        article_id=a.id, ref=a.ref, title=a.title, question=a.question, body=a.body,
        category=a.category, version=a.version, confidence=round(m.confidence, 4),
        matched_question=m.matched_question, matched_kind=m.matched_kind, why=Why(**m.why),
    )


def search_articles(session: Session, query: str, *, k: int = 10, channel: str | None = None,
                    category: str | None = None) -> SearchResult:
    """An agent's search: the best articles with why each matched."""
    matches = find_matches(session, query, k=k, channel=channel, category=category)
    return SearchResult(query=query, items=[_suggestion(m) for m in matches])


def suggestions_for_customer(session: Session, customer_ref: str, k: int = 3) -> SearchResult:
    """Suggested answers for the customer's latest message (empty query when there is none)."""
    text = latest_customer_message(session, customer_ref) or ""
    if not text.strip():
        return SearchResult(query="", items=[])
    return search_articles(session, text, k=k)


def _choice(m: Match) -> Choice:
    a = m.article
    return Choice(article_id=a.id, ref=a.ref, title=a.title, question=a.question,
                  confidence=round(m.confidence, 4))


def customer_context(session: Session, customer_ref: str | None) -> dict | None:
    """What the agent taking over should know; no names or notes (the bot's client may not
    see personal data: the agent's own screen shows them)."""
    if not customer_ref:
        return None
    from xinsheng.customers.service import get_customer, get_profile
    from xinsheng.errors import NotFound
    from xinsheng.interactions.service import list_timeline

    try:
        profile = get_profile(session, customer_ref)
    except NotFound:
        return {"customer_ref": customer_ref, "known": False}
    recent = list_timeline(session, get_customer(session, customer_ref).id, limit=3).items
    return {
        "customer_ref": customer_ref, "known": True, "segment": profile.segment,
        "age": profile.age, "elderly": bool(profile.age and profile.age >= 65),
        "preferred_channel": profile.preferred_channel,
        "open_cases": [{"case_ref": c.case_ref, "title": c.title, "status": c.status}
                       for c in profile.open_cases],
        "recent_contacts": [{"channel": i.channel, "started_at": i.started_at.isoformat(),
                             "event": i.event, "outcome": i.outcome} for i in recent],
    }


# "我的投诉到哪一步了": answered from the customer's open cases. Cases is a higher domain than
# knowledge, so it registers its answer here (app wiring) instead of being imported.
#: ``provider(session, customer_ref, lang) -> str | None``: the status text, None when it has none
StatusProvider = Callable[[Session, str, str], "str | None"]
_STATUS_PROVIDERS: list[StatusProvider] = []
_STATUS_QUESTION = re.compile(
    r"(?:投诉|工单|申诉|诉求|案件|反映的问题|问题处理|处理结果).{0,8}?(?:进度|进展|到哪|哪一步|怎么样|结果|处理得|处理好|多久|有没有消息)"
    r"|(?:进度|进展).{0,4}(?:投诉|工单)|处理到哪"
    r"|\b(?:status|progress|update)\b.{0,30}\b(?:complaint|case|ticket)s?\b"
    r"|\b(?:complaint|case|ticket)s?\b.{0,30}\b(?:status|progress|update|going)\b",
    re.IGNORECASE,
)


def register_status_provider(fn: StatusProvider) -> None:
    """Let the bot answer case-status questions with ``fn`` (registered once)."""
    if fn not in _STATUS_PROVIDERS:
        _STATUS_PROVIDERS.append(fn)


def asks_case_status(text: str) -> bool:
    """Whether ``text`` asks how far a complaint or case has got (投诉进度, 工单到哪一步了 …)."""
    return bool(_STATUS_QUESTION.search(text or ""))


def _case_status_reply(session: Session, q: AssistQuestion) -> AssistAnswer | None:
    if not (q.customer_ref and _STATUS_PROVIDERS and asks_case_status(q.question)) \
            or policy.asks_for_person(q.question):
        return None
    lang = "zh" if re.search(r"[\u4e00-\u9fff]", q.question) else "en"
    for provider in _STATUS_PROVIDERS:
        text = provider(session, q.customer_ref, lang)
        if text:
            return AssistAnswer(decision="answer", reason="case_status", message=text)
    return None


def ensure_known_customer(session: Session, customer_ref: str | None) -> None:
    """A ``customer_ref`` that names no customer is a 404 naming it, never silently ignored."""
    if not customer_ref:
        return
    from sqlalchemy import select

    from xinsheng.customers.models import Customer
    from xinsheng.errors import NotFound

    if session.scalar(select(Customer.id).where(Customer.customer_ref == customer_ref)) is None:
        raise NotFound(f"customer_ref: no customer {customer_ref!r}",
                       data={"field": "customer_ref", "customer_ref": customer_ref})


def answer_question(session: Session, q: AssistQuestion,
                    thresholds: policy.Thresholds = policy.Thresholds()) -> AssistAnswer:
    """The self-service bot: answer, clarify, or hand over with the whole context."""
    ensure_known_customer(session, q.customer_ref)
    status = _case_status_reply(session, q)
    if status is not None:
        return status
    matches = find_matches(session, q.question, k=5, channel=q.channel)
    d = policy.decide(q.question, matches, thresholds)
    out = AssistAnswer(decision=d.decision, reason=d.reason, message=policy.MESSAGES[d.reason])
    if d.decision == "answer":
        m = d.chosen[0]
        a = m.article
        out.answer = AnswerBody(article_id=a.id, ref=a.ref, title=a.title, body=a.body,
                                question=a.question, version=a.version,
                                confidence=round(m.confidence, 4))
    elif d.decision == "clarify":
        out.choices = [_choice(m) for m in d.chosen]
    else:
        out.handoff = Handoff(question=q.question, candidates=[_choice(m) for m in d.chosen],
                              customer=customer_context(session, q.customer_ref))
    return out
