"""Storing an answer: from the public page (a token), the API (a token or an invitation id,
or none: keypad, app, another survey tool) or a file.

Refusals name the field (422): an unknown survey, a score outside its scale, a comment
over ``MAX_COMMENT``. An invitation that does not exist answers 404; one answered before or
expired answers 409 with the same words either way, so the answer says nothing about
which. An invitation is used once: the UPDATE that marks it answered only succeeds while
it is unanswered and unexpired, so two answers racing store one.
"""
from __future__ import annotations

import hashlib
import json
from datetime import datetime, timezone

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from xinsheng.cases.models import Case
from xinsheng.customers.models import Customer
from xinsheng.errors import Conflict, InvalidInput, NotFound
from xinsheng.interactions.models import Interaction
from xinsheng.surveys.definitions import Survey, SurveyConfig, load_config
from xinsheng.surveys.models import SurveyInvitation, SurveyResponse
from xinsheng.surveys.schemas import ResponseCreate
from xinsheng.surveys.tokens import token_hash, well_formed

GONE = "invitation: this link has already been used or has expired"


def find_survey(config: SurveyConfig, code: str) -> Survey:
    survey = config.survey(code) or config.by_metric(code)
    if survey is None:
        raise InvalidInput(f"survey: unknown survey {code!r}; expected one of {', '.join(config.surveys)}",
                           data={"field": "survey"})
    return survey


def check_score(survey: Survey, score: int) -> None:
    lo, hi = survey.scale
    if not lo <= score <= hi:
        raise InvalidInput(f"score: {survey.metric} scores run from {lo} to {hi}", data={"field": "score"})


def find_invitation(session: Session, ref: str, *, by_id: bool = True) -> SurveyInvitation:
    """By token (32 letters) or, for API callers, by the invitation's id; 404 otherwise."""
    inv = None
    if well_formed(ref):
        inv = session.scalar(select(SurveyInvitation).where(SurveyInvitation.token_hash == token_hash(ref)))
    elif by_id and ref.isdigit() and len(ref) < 19:
        inv = session.get(SurveyInvitation, int(ref))
    if inv is None:
        raise NotFound("invitation: no such invitation", data={"field": "invitation"})
    return inv


def usable(inv: SurveyInvitation, now: datetime) -> bool:
    return inv.answered_at is None and inv.expires_at > now


def _claim(session: Session, inv: SurveyInvitation, now: datetime) -> None:
    done = session.execute(update(SurveyInvitation).where(
        SurveyInvitation.id == inv.id, SurveyInvitation.answered_at.is_(None), SurveyInvitation.expires_at > now)
        .values(answered_at=now).execution_options(synchronize_session=False)).rowcount
    if done != 1:
        raise Conflict(GONE, data={"field": "invitation"})
    inv.answered_at = now


def dedup_key(body: ResponseCreate, inv: SurveyInvitation | None) -> str:
    if inv is not None:
        raw = f"invitation:{inv.id}"
    else:
        raw = json.dumps([body.survey, body.score, body.comment, body.customer_ref, body.channel,
                          body.answered_at.isoformat() if body.answered_at else None,
                          body.interaction_external_id], ensure_ascii=False)
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def analyse_comment(text: str | None) -> tuple[str | None, dict]:
    """The comment masked, and its VOC analysis (topics, flags, sentiment)."""
    if not text:
        return None, {}
    from xinsheng.config import get_settings
    from xinsheng.voc.masking import mask_pii
    from xinsheng.voc.pipeline import get_analyzer

    masked = mask_pii(text).text
    model = get_settings().voc_model
    found = get_analyzer(str(model) if model else None).analyze(masked)
    return masked, {"topics": [{"code": t["code"], "label": t["label"]} for t in found.get("topics", [])],
                    "flags": list(found.get("flags", [])), "sentiment": found.get("sentiment", {}).get("label")}


def _who(session: Session, body: ResponseCreate, inv: SurveyInvitation | None
         ) -> tuple[Customer | None, Interaction | None]:
    customer = session.get(Customer, inv.customer_id) if inv else None
    if customer is None and body.customer_ref:
        customer = session.scalar(select(Customer).where(Customer.customer_ref == body.customer_ref))
        if customer is None:
            raise NotFound(f"customer_ref: no customer {body.customer_ref!r}", data={"field": "customer_ref"})
    contact = session.get(Interaction, inv.interaction_id) if inv and inv.interaction_id else None
    if contact is None and body.interaction_external_id:
        stmt = select(Interaction).where(Interaction.external_id == body.interaction_external_id)
        if customer is not None:
            stmt = stmt.where(Interaction.customer_id == customer.id)
        contact = session.scalars(stmt.limit(1)).first()
        if contact is None:
            raise NotFound(f"interaction_external_id: no contact {body.interaction_external_id!r}",
                           data={"field": "interaction_external_id"})
    return customer, contact


def do_answer(session: Session, body: ResponseCreate, *, via: str, now: datetime,
              config: SurveyConfig | None = None, by_id: bool = True) -> tuple[SurveyResponse, bool]:
    """Store one answer (and open its follow-up case if the score is bad); (response, duplicate)."""
    from xinsheng.surveys.daily import count_answers
    from xinsheng.surveys.followup import follow_up
    from xinsheng.surveys.points import do_award_points

    config = config or load_config()
    survey = find_survey(config, body.survey)
    check_score(survey, body.score)
    inv = find_invitation(session, body.invitation, by_id=by_id) if body.invitation else None
    if inv is not None and find_survey(config, inv.survey).metric != survey.metric:
        raise InvalidInput(f"survey: this invitation is for {inv.survey!r}", data={"field": "survey"})
    key = dedup_key(body, inv)
    old = session.scalar(select(SurveyResponse).where(SurveyResponse.dedup_key == key))
    if old is not None and inv is None:
        return old, True
    if inv is not None:
        _claim(session, inv, now)
    customer, contact = _who(session, body, inv)
    tier = session.scalar(select(Case.tier).where(Case.case_ref == inv.case_ref)) if inv and inv.case_ref else None
    comment, analysis = analyse_comment(body.comment)
    answered = (body.answered_at or now).astimezone(timezone.utc)
    row = SurveyResponse(
        dedup_key=key, invitation_id=inv.id if inv else None, survey=survey.code, metric=survey.metric,
        score=body.score, comment=comment, customer_id=customer.id if customer else None,
        interaction_id=contact.id if contact else None,
        channel=(inv.channel if inv else None) or body.channel or (contact.channel if contact else None),
        via=via, segment=customer.segment if customer else None, tier=tier, answered_at=answered,
        analysis=analysis)
    session.add(row)
    session.flush()
    count_answers(session, [row])
    if inv is not None:
        do_award_points(session, inv, row, find_survey(config, inv.survey).points, now=now)
    follow_up(session, row, customer, contact, now=now)
    return row, False
