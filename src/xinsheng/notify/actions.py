"""Writes to the outbox: enqueue (in the caller's transaction), cancel and requeue.

``do_enqueue`` runs inside the transaction of the event that causes it (a case accepted,
decided …), so the notification is stored exactly when the event is; the delivery worker
sends it after that transaction commits (the transactional-outbox pattern).
"""
from __future__ import annotations

import logging
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from xinsheng.config import get_settings
from xinsheng.customers.models import Customer
from xinsheng.db import dialect_insert
from xinsheng.errors import InvalidInput, NotFound
from xinsheng.notify import schedule, service
from xinsheng.notify.adapters import adapter_for_channel
from xinsheng.notify.models import Notification
from xinsheng.notify.templates import LANGS, load_templates

log = logging.getLogger(__name__)

#: channels a message can reach; a customer who prefers another (phone, branch, IVR …)
#: is notified on XINSHENG_NOTIFY_DEFAULT_CHANNEL
NOTIFIABLE = ("sms", "app", "wechat", "email")
MAX_KEY = 200


def do_enqueue(
    session: Session, *, customer_id: int, purpose: str, key: str, context: dict[str, Any],
    now: datetime, lang: str | None = None, subject_ref: str | None = None, channel: str | None = None,
) -> Notification | None:
    """Store one notification for ``customer_id``; ``None`` when ``key`` is already stored.

    ``key`` names the event ("case:C123:accepted", "case:C123:cadence:2026-10-05"), so
    enqueueing an event again is a no-op. The body is rendered from the purpose's template
    in ``lang`` (default: the customer's ``attributes.lang``, else zh). It is due at ``now``,
    moved out of quiet hours; over the weekly limit it waits for room (``over_limit:
    postpone``) or is stored as cancelled with reason ``weekly_limit`` (``cancel``).
    """
    if not key or len(key) > MAX_KEY:
        raise InvalidInput(f"key: 1 to {MAX_KEY} characters", data={"field": "key"})
    if now.tzinfo is None:
        raise InvalidInput("now: needs a time zone", data={"field": "now"})
    if service.key_exists(session, key):
        return None
    customer = session.get(Customer, customer_id)
    if customer is None:
        raise NotFound(f"customer {customer_id} not found")
    settings = get_settings()
    tz = ZoneInfo(settings.display_timezone)
    lang = lang or (customer.attributes or {}).get("lang") or "zh"
    if lang not in LANGS:
        raise InvalidInput(f"lang: must be one of {', '.join(LANGS)}", data={"field": "lang"})
    templates = load_templates()
    body = templates.render(purpose, lang, context, tz)
    channel = channel or (customer.preferred_channel if customer.preferred_channel in NOTIFIABLE
                          else settings.notify_default_channel)
    status, when, reason = _schedule(session, customer_id, templates.get(purpose).over_limit, now, tz)
    row = {
        "idempotency_key": key, "customer_id": customer_id, "purpose": purpose,
        "subject_ref": subject_ref or _str(context.get("case_ref")), "channel": channel,
        "adapter": adapter_for_channel(channel), "lang": lang, "body": body,
        "payload": _payload(context, tz), "status": status, "attempts": 0, "not_before": when,
        "next_attempt_at": when, "reason": reason, "created_at": now,
    }
    stmt = dialect_insert(session, Notification.__table__).values(row)
    new_id = session.execute(stmt.on_conflict_do_nothing().returning(Notification.id)).scalar()
    if new_id is None:  # another transaction stored the same event first
        return None
    return session.get(Notification, new_id)


def _schedule(session: Session, customer_id: int, over_limit: str, now: datetime,
              tz: ZoneInfo) -> tuple[str, datetime, str | None]:
    """(status, not_before, reason) under quiet hours and the weekly limit."""
    settings = get_settings()
    quiet = schedule.parse_quiet_hours(settings.notify_quiet_hours)
    limit = settings.notify_weekly_limit

    def adjust(t: datetime) -> datetime:
        return schedule.quiet_end(t, quiet, tz)

    first = adjust(now)
    reason = "quiet_hours" if first != now else None
    if limit <= 0:
        return "pending", first, reason
    slots = service.scheduled_slots(session, customer_id, now)
    if schedule.fits(first, slots, limit):
        return "pending", first, reason
    if over_limit == "cancel":
        return "cancelled", first, "weekly_limit"
    return "pending", schedule.earliest_slot(now, slots, limit, adjust), "weekly_limit"


def _str(value: Any) -> str | None:
    return None if value is None else str(value)[:64]


def _payload(context: dict[str, Any], tz: ZoneInfo) -> dict[str, Any]:
    """The event's data for adapters: JSON values, dates as ISO, texts masked."""
    from xinsheng.privacy.display import mask_text

    out: dict[str, Any] = {}
    for k, v in context.items():
        if isinstance(v, datetime):
            out[k] = v.astimezone(tz).isoformat()
        elif isinstance(v, date):
            out[k] = v.isoformat()
        elif isinstance(v, str):
            out[k] = mask_text(v)
        elif v is None or isinstance(v, (bool, int, float)):
            out[k] = v
        else:
            out[k] = mask_text(str(v))
    return out


def do_cancel_pending(session: Session, *, subject_ref: str, reason: str,
                      purposes: tuple[str, ...] | None = None) -> int:
    """Cancel the pending notifications of ``subject_ref`` (e.g. cadence reminders of a case
    that was just decided); returns how many. Rows being sent are left alone."""
    stmt = (update(Notification).where(Notification.subject_ref == subject_ref,
                                       Notification.status == "pending")
            .values(status="cancelled", reason=reason[:200]))
    if purposes:
        stmt = stmt.where(Notification.purpose.in_(purposes))
    return session.execute(stmt).rowcount


def do_requeue(session: Session, *, now: datetime, ids: list[int] | None = None) -> list[int]:
    """Give dead notifications (all, or those of ``ids``) a fresh set of attempts from
    ``now``; returns their ids. An operator does this after fixing the endpoint; the
    receiver still sees the same ``Idempotency-Key``."""
    where = [Notification.status == "dead"]
    if ids is not None:
        where.append(Notification.id.in_(ids))
    found = list(session.scalars(select(Notification.id).where(*where)))
    if found:
        session.execute(update(Notification).where(Notification.id.in_(found)).values(
            status="pending", attempts=0, next_attempt_at=now, claimed_by=None, claimed_until=None))
    return found
