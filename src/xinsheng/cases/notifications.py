"""What the customer hears at a case's events, through the notify outbox.

Each event is enqueued in the transaction of the action that causes it (stored exactly when
the action is) with the idempotency key ``case:<ref>:<event>:<event id>``, so one event is
one message even if an action is retried, and a reopened case's second decision is a second
message. Wording is the notify templates' (zh/en, neutral; the decision and closing replies
name the remedies: verification 核实 by a higher level, mediation 调解, arbitration 仲裁,
lawsuit 诉讼).

    accepted   case_accepted   opened, or reopened for verification (with the deadline)
    extended   case_progress   the deadline was extended (with the new deadline)
    escalated  case_escalated  moved to a higher tier or level
    decided    case_decided    decided (pending progress reminders are cancelled)
    closed     case_closed     closed
"""
from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sqlalchemy.orm import Session

from xinsheng.cases.models import Case

PURPOSES = {
    "accepted": "case_accepted",
    "extended": "case_progress",
    "escalated": "case_escalated",
    "decided": "case_decided",
    "closed": "case_closed",
}


#: name -> fn(session, case, now), run in the closing transaction after the case's own message
#: (domains above cases, e.g. surveys telling a follow-up's customer what was done)
_closed_hooks: dict[str, Callable[[Session, Case, datetime], None]] = {}


def register_closed_hook(name: str, fn: Callable[[Session, Case, datetime], None]) -> None:
    """Run ``fn`` whenever a case closes; registering a name again replaces it."""
    _closed_hooks[name] = fn


def notification_key(case_ref: str, event: str, n: int) -> str:
    return f"case:{case_ref}:{event}:{n}"


def notify_case_event(session: Session, case: Case, event: str, *, n: int, now: datetime) -> bool:
    """Queue the customer's message for ``event`` of ``case``; False when the case has no
    customer or the same event was queued before."""
    from xinsheng.notify.actions import do_cancel_pending, do_enqueue

    if case.customer_id is None:
        return False
    if event in ("decided", "closed"):  # no more "still working on it" reminders
        do_cancel_pending(session, subject_ref=case.case_ref, reason=f"case {event}", purposes=("case_progress",))
    context = {"case_ref": case.case_ref, "kind": case.kind, "due_date": case.due_at}
    row = do_enqueue(session, customer_id=case.customer_id, purpose=PURPOSES[event],
                     key=notification_key(case.case_ref, event, n), context=context, now=now,
                     subject_ref=case.case_ref)
    if event == "closed":
        for hook in list(_closed_hooks.values()):
            hook(session, case, now)
    return row is not None
