"""Every bad score is followed up: a detractor (NPS ≤ 6), CSAT ≤ 2 or high effort (CES ≥ 6)
from a known customer opens a case through the cases domain, in the answer's transaction.

The case is a ``complaint`` when the VOC engine flags the comment as one, else a
``request`` (CONTRACT.md "Surveys"). It carries the answer (score, comment, the comment's
topics) in its text and ``attributes.survey_response``, and the contact that triggered the
survey as its source contact (so the case page shows the customer's timeline around it).
The cases domain tells the customer it was accepted, and, when it closes, that it is closed
(outbox purposes ``case_accepted`` and ``case_closed``): that closes the loop.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from xinsheng.customers.models import CHANNELS, Customer
from xinsheng.interactions.models import Interaction
from xinsheng.surveys.models import SurveyResponse

#: metric -> test of a bad score (the contract's thresholds)
BAD = {"nps": lambda s: s <= 6, "csat": lambda s: s <= 2, "ces": lambda s: s >= 6}
ACTOR = "system:surveys"
_NAMES = {"nps": "NPS", "csat": "CSAT", "ces": "CES"}


def is_bad(metric: str, score: int) -> bool:
    return BAD[metric](score)


def case_text(row: SurveyResponse) -> tuple[str, str]:
    """The case's title and text (Chinese, like the bank's case titles; the comment as given)."""
    name = _NAMES[row.metric]
    title = f"满意度回访：{name} {row.score} 分"
    topics = "、".join(t["label"] for t in (row.analysis or {}).get("topics", []))
    text = f"客户在{name}调查中打了 {row.score} 分。"
    if row.comment:
        text += f"客户留言：{row.comment}"
    if topics:
        text += f"（话题：{topics}）"
    return title, text


def follow_up(session: Session, row: SurveyResponse, customer: Customer | None, contact: Interaction | None,
              *, now: datetime) -> str | None:
    """Open the follow-up case of a bad score from a known customer; its case_ref, else None."""
    from xinsheng.cases.actions import do_open_case
    from xinsheng.cases.schemas import CaseCreate

    if customer is None or not is_bad(row.metric, row.score):
        return None
    if contact is not None and contact.customer_id != customer.id:
        contact = None
    flags = (row.analysis or {}).get("flags", [])
    title, text = case_text(row)
    channel = row.channel if row.channel in CHANNELS else (
        customer.preferred_channel if customer.preferred_channel in CHANNELS else "phone")
    body = CaseCreate(customer_ref=customer.customer_ref, kind="complaint" if "complaint" in flags else "request",
                      title=title, text=text, channel=channel, accepted_at=now)
    case = do_open_case(session, body, actor=ACTOR, now=now, customer=customer, interaction=contact)
    case.attributes = {**(case.attributes or {}), "survey_response": {
        "id": row.id, "survey": row.survey, "metric": row.metric, "score": row.score, "comment": row.comment,
        "topics": (row.analysis or {}).get("topics", []),
        "contact": contact.external_id if contact is not None else None}}
    row.followup_case_ref = case.case_ref
    return case.case_ref
