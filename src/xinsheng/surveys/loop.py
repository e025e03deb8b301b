"""Closing the loop: when the follow-up case of a bad score closes, the customer is told what
was done (the case's resolution) through the notify outbox.

The cases domain runs :func:`on_case_closed` (registered when ``xinsheng.surveys`` is
imported) in the closing transaction, after its own ``case_closed``
message. For a case that follows up a survey answer (``attributes.survey_response``):

* a customer who opted out of surveys (``surveys_opt_out``) is not told (nothing queued);
* otherwise one ``survey_followup_closed`` message is queued with the idempotency key
  ``survey:<response id>:told``: the outbox's quiet hours and weekly limit apply (it waits,
  never dropped), and closing, reopening (核实) and closing again tells the customer once,
  with the first closing's resolution (the case's own ``case_closed`` messages say it closed
  again). The resolution is the case's decision text, masked and cut to ``MAX_RESOLUTION``
  characters; a request closed without a decision says the bank followed it up;
* a bank's templates file without the purpose tells nothing (logged), never fails the close.

The answer's follow-up state (:func:`followup_states`): ``open`` (case not closed),
``closed_told`` (closed, message queued or sent), ``closed_not_told`` (closed: opted out, or
the message was cancelled or could not be delivered).
"""
from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from xinsheng.cases.models import Case
from xinsheng.customers.models import Customer
from xinsheng.notify.models import Notification
from xinsheng.surveys.models import SurveyResponse

log = logging.getLogger(__name__)

PURPOSE = "survey_followup_closed"
MAX_RESOLUTION = 200
#: the ``resolution`` value whose label (notify templates) says the bank followed it up
NO_RESOLUTION = "-"
TOLD = ("pending", "sending", "sent")


def told_key(response_id: int) -> str:
    return f"survey:{response_id}:told"


def _resolution(case: Case) -> str:
    text = (case.resolution or "").strip()
    if not text:
        return NO_RESOLUTION
    return text if len(text) <= MAX_RESOLUTION else text[:MAX_RESOLUTION - 1] + "…"


def on_case_closed(session: Session, case: Case, now: datetime) -> bool:
    """Tell the customer of a survey follow-up what was done; True when a message was queued."""
    from xinsheng.notify.actions import do_enqueue
    from xinsheng.notify.templates import load_templates
    from xinsheng.surveys.invite import opted_out

    if not (case.attributes or {}).get("survey_response") or case.customer_id is None:
        return False
    row = session.scalar(select(SurveyResponse).where(SurveyResponse.followup_case_ref == case.case_ref))
    customer = session.get(Customer, case.customer_id)
    if row is None or customer is None or opted_out(customer.attributes):
        return False
    if PURPOSE not in load_templates().purposes:
        log.warning("notify templates have no %r: the customer of case %s is not told", PURPOSE, case.case_ref)
        return False
    note = do_enqueue(session, customer_id=customer.id, purpose=PURPOSE, key=told_key(row.id), now=now,
                      context={"case_ref": case.case_ref, "resolution": _resolution(case)},
                      subject_ref=case.case_ref)
    return note is not None


def followup_states(session: Session, rows: list[SurveyResponse]) -> dict[int, str | None]:
    """Response id -> ``open`` | ``closed_told`` | ``closed_not_told`` | None (no follow-up)."""
    refs = {r.followup_case_ref for r in rows if r.followup_case_ref}
    if not refs:
        return {r.id: None for r in rows}
    status = dict(session.execute(select(Case.case_ref, Case.status).where(Case.case_ref.in_(refs))).all())
    told = dict(session.execute(select(Notification.idempotency_key, Notification.status).where(
        Notification.idempotency_key.in_([told_key(r.id) for r in rows if r.followup_case_ref]))).all())
    out: dict[int, str | None] = {}
    for r in rows:
        if not r.followup_case_ref:
            out[r.id] = None
        elif status.get(r.followup_case_ref) != "closed":
            out[r.id] = "open"
        else:
            out[r.id] = "closed_told" if told.get(told_key(r.id)) in TOLD else "closed_not_told"
    return out
