"""Delivery: claim due notifications, send them outside any transaction, record the outcome.

Guarantee: **at-least-once, with a stable idempotency key.** A row is claimed (status
``sending``, a lease until ``claimed_until``) and committed before it is sent; the outcome
is written after. A worker that dies between sending and marking leaves the row
``sending``; once the lease has expired another run claims it and sends it again with the
same ``Idempotency-Key``, so a receiver that de-duplicates on that key sees each
notification exactly once, and none is lost.

Claiming is one ``UPDATE … WHERE id IN (SELECT … LIMIT n [FOR UPDATE SKIP LOCKED]) RETURNING``:
on PostgreSQL concurrent workers skip each other's rows; SQLite has one writer and the
statement is atomic. Each message is sent and marked on its own (a pool of
``XINSHENG_NOTIFY_CONCURRENCY`` threads), so a failing or slow endpoint costs its own rows
their timeout and nothing else; after three slow failures in a row of one adapter in a run
(each took at least half of ``XINSHENG_NOTIFY_WEBHOOK_TIMEOUT_SECONDS``: a hanging endpoint),
the rest of that adapter's rows are handed back untried (their attempt not counted). Fast
failures (a 500, a refused connection) block nobody and never trip it.
"""
from __future__ import annotations

import logging
import math
import os
import socket
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import and_, or_, select, update
from sqlalchemy.engine import Engine

from xinsheng.config import get_settings
from xinsheng.customers.models import Customer
from xinsheng.db import utcnow
from xinsheng.notify.adapters import DeliveryError, OutboundMessage, get_adapter
from xinsheng.notify.models import Notification as N
from xinsheng.notify.schedule import in_quiet_hours, parse_quiet_hours, quiet_end
from xinsheng.notify.schemas import DeliveryReport

log = logging.getLogger(__name__)

BREAKER_FAILURES = 3
MAX_DELAY = timedelta(days=1)


def default_worker_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


@dataclass
class _Claimed:
    id: int
    adapter: str
    attempts: int
    message: OutboundMessage


class _Breaker:
    """Counts each adapter's slow failures in a row within one run."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._failures: dict[str, int] = {}

    def open(self, adapter: str) -> bool:
        with self._lock:
            return self._failures.get(adapter, 0) >= BREAKER_FAILURES

    def record(self, adapter: str, ok: bool) -> None:
        with self._lock:
            self._failures[adapter] = 0 if ok else self._failures.get(adapter, 0) + 1


def retry_delay(attempts: int) -> timedelta:
    """The wait after failed attempt number ``attempts``: base, 2 × base, 4 × base … (≤ 1 day)."""
    base = get_settings().notify_retry_base_seconds
    return min(timedelta(seconds=base * 2 ** min(attempts - 1, 30)), MAX_DELAY)


def deliver_due(engine: Engine, *, now: datetime | None = None, worker_id: str,
                batch: int = 100) -> DeliveryReport:
    """Claim up to ``batch`` due notifications and deliver them; one run, no loop.

    ``now`` fixes the clock (tests, ``--now``); by default each outcome is stamped with the
    time it happened. Nothing is sent while ``now`` is within quiet hours.
    """
    settings = get_settings()
    start = now or utcnow()
    tz = ZoneInfo(settings.display_timezone)
    if in_quiet_hours(start, parse_quiet_hours(settings.notify_quiet_hours), tz):
        return DeliveryReport(quiet_hours=True)
    claimed = _claim(engine, start, worker_id, batch)
    report = DeliveryReport(claimed=len(claimed))
    if not claimed:
        return report
    breaker = _Breaker()

    def one(c: _Claimed) -> str:
        return _deliver_one(engine, c, now, worker_id, breaker)

    with ThreadPoolExecutor(max_workers=min(settings.notify_concurrency, len(claimed)),
                            thread_name_prefix="notify") as pool:
        for outcome in pool.map(one, claimed):
            setattr(report, outcome, getattr(report, outcome) + 1)
    return report


def run_outbox_once(engine: Engine, now: datetime | None = None, *, worker_id: str | None = None,
                    batch: int = 100, max_batches: int = 1000) -> DeliveryReport:
    """Deliver everything due at ``now``, batch after batch (what the worker loop calls)."""
    worker_id = worker_id or default_worker_id()
    total = DeliveryReport()
    for _ in range(max_batches):
        report = deliver_due(engine, now=now, worker_id=worker_id, batch=batch)
        total.add(report)
        if report.claimed < batch:
            break
    return total


def _lease(batch: int) -> timedelta:
    """Long enough for the whole batch to time out wave after wave, and never shorter than
    XINSHENG_NOTIFY_LEASE_SECONDS."""
    s = get_settings()
    waves = math.ceil(batch / s.notify_concurrency)
    return timedelta(seconds=max(s.notify_lease_seconds, waves * s.notify_webhook_timeout_seconds + 60))


def _claim(engine: Engine, now: datetime, worker_id: str, batch: int) -> list[_Claimed]:
    due = or_(and_(N.status == "pending", N.next_attempt_at <= now),
              and_(N.status == "sending", N.claimed_until <= now))
    pick = select(N.id).where(due).order_by(N.next_attempt_at, N.id).limit(batch)
    if engine.dialect.name == "postgresql":
        pick = pick.with_for_update(skip_locked=True)
    with engine.begin() as conn:
        ids = list(conn.scalars(
            update(N).where(N.id.in_(pick.scalar_subquery()))
            .values(status="sending", claimed_by=worker_id, claimed_until=now + _lease(batch),
                    attempts=N.attempts + 1)
            .returning(N.id)))
        if not ids:
            return []
        rows = conn.execute(
            select(N.id, N.idempotency_key, N.channel, N.purpose, N.lang, N.body, N.subject_ref,
                   N.payload, N.attempts, N.adapter, Customer.customer_ref)
            .join(Customer, Customer.id == N.customer_id).where(N.id.in_(ids)).order_by(N.id)).all()
    return [_Claimed(r.id, r.adapter, r.attempts, OutboundMessage(
        idempotency_key=r.idempotency_key, customer_ref=r.customer_ref, channel=r.channel,
        purpose=r.purpose, lang=r.lang, body=r.body, subject_ref=r.subject_ref,
        payload=r.payload or {}, attempt=r.attempts)) for r in rows]


def _deliver_one(engine: Engine, c: _Claimed, now: datetime | None, worker_id: str,
                 breaker: _Breaker) -> str:
    """Send one claimed message and record what happened; returns the report field."""
    if breaker.open(c.adapter):
        return _mark(engine, c, worker_id, status="pending", at=now or utcnow(), attempts=c.attempts - 1,
                     error=f"not tried: adapter {c.adapter} timed out {BREAKER_FAILURES} times in a row",
                     outcome="released")
    started = time.monotonic()
    try:
        get_adapter(c.adapter).send(c.message)
    except Exception as exc:  # noqa: BLE001 - a plug-in's unknown error is retried, not fatal
        retryable = getattr(exc, "retryable", True) if isinstance(exc, DeliveryError) else True
        slow = time.monotonic() - started >= get_settings().notify_webhook_timeout_seconds / 2
        breaker.record(c.adapter, ok=not (retryable and slow))
        return _failed(engine, c, worker_id, now or utcnow(), exc, retryable)
    breaker.record(c.adapter, ok=True)
    at = now or utcnow()
    return _mark(engine, c, worker_id, status="sent", at=at, sent_at=at, error=None, outcome="sent")


def _failed(engine: Engine, c: _Claimed, worker_id: str, at: datetime, exc: Exception,
            retryable: bool) -> str:
    error = f"attempt {c.attempts}: {exc or type(exc).__name__}"[:2000]
    if not retryable or c.attempts >= get_settings().notify_max_attempts:
        log.warning("notification %s is dead: %s", c.message.idempotency_key, error)
        return _mark(engine, c, worker_id, status="dead", at=at, error=error, outcome="dead")
    return _mark(engine, c, worker_id, status="pending", at=at, error=error, outcome="retried")


def _mark(engine: Engine, c: _Claimed, worker_id: str, *, status: str, at: datetime,
          error: str | None, outcome: str, **extra: Any) -> str:
    values: dict[str, Any] = {"status": status, "claimed_by": None, "claimed_until": None,
                              "last_error": error, **extra}
    if status == "pending":
        settings = get_settings()
        wait = retry_delay(c.attempts) if outcome == "retried" else retry_delay(1)
        values["next_attempt_at"] = quiet_end(at + wait, parse_quiet_hours(settings.notify_quiet_hours),
                                              ZoneInfo(settings.display_timezone))
    with engine.begin() as conn:
        done = conn.execute(update(N).where(N.id == c.id, N.status == "sending", N.claimed_by == worker_id)
                            .values(**values)).rowcount
    if not done:  # the lease ran out and another worker took the row over: it sends again
        log.warning("notification %s: lease lost before it was marked %s", c.message.idempotency_key, status)
        return "lost_lease"
    return outcome
