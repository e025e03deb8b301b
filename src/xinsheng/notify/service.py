"""Reads of the outbox: lists and counts for the cases pages, an admin and the CLI."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from xinsheng.customers.models import Customer
from xinsheng.errors import InvalidInput, NotFound
from xinsheng.notify.models import COUNTED, STATUSES, Notification
from xinsheng.notify.schemas import NotificationRead
from xinsheng.notify.schedule import WEEK


def _filters(customer_id: int | None, subject_ref: str | None, status: str | None) -> list:
    if status is not None and status not in STATUSES:
        raise InvalidInput(f"status: must be one of {', '.join(STATUSES)}", data={"field": "status"})
    where = []
    if customer_id is not None:
        where.append(Notification.customer_id == customer_id)
    if subject_ref is not None:
        where.append(Notification.subject_ref == subject_ref)
    if status is not None:
        where.append(Notification.status == status)
    return where


def list_notifications(
    session: Session, *, customer_id: int | None = None, subject_ref: str | None = None,
    status: str | None = None, limit: int = 100, before_id: int | None = None,
) -> list[NotificationRead]:
    """Notifications, newest first, filtered by customer, subject (a case) and status;
    page with ``before_id`` (the last id of the previous page)."""
    stmt = (select(Notification, Customer.customer_ref)
            .join(Customer, Customer.id == Notification.customer_id)
            .where(*_filters(customer_id, subject_ref, status))
            .order_by(Notification.id.desc()).limit(max(1, min(limit, 1000))))
    if before_id is not None:
        stmt = stmt.where(Notification.id < before_id)
    return [NotificationRead.of(n, ref) for n, ref in session.execute(stmt)]


def count_by_status(
    session: Session, *, customer_id: int | None = None, subject_ref: str | None = None
) -> dict[str, int]:
    """``{"pending": n, "sending": n, "sent": n, "dead": n, "cancelled": n}`` (zeros included)."""
    rows = session.execute(
        select(Notification.status, func.count()).where(*_filters(customer_id, subject_ref, None))
        .group_by(Notification.status))
    counts = dict.fromkeys(STATUSES, 0)
    counts.update({status: n for status, n in rows})
    return counts


def get_notification(session: Session, notification_id: int) -> NotificationRead:
    row = session.execute(
        select(Notification, Customer.customer_ref).join(Customer, Customer.id == Notification.customer_id)
        .where(Notification.id == notification_id)).first()
    if row is None:
        raise NotFound(f"notification {notification_id} not found")
    return NotificationRead.of(*row)


def key_exists(session: Session, key: str) -> bool:
    return session.scalar(select(Notification.id).where(Notification.idempotency_key == key)) is not None


def scheduled_slots(session: Session, customer_id: int, now: datetime) -> list[datetime]:
    """The times of the customer's notifications that count against the weekly limit from
    ``now`` on (pending, sending or sent, scheduled after ``now`` − 7 days), sorted."""
    return sorted(session.scalars(
        select(Notification.not_before).where(
            Notification.customer_id == customer_id, Notification.status.in_(COUNTED),
            Notification.not_before > now - WEEK)))
