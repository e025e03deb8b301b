"""Fixtures of the notify tests: settings, customers, a webhook receiver."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from tests.notify.receiver import Receiver
from xinsheng.config import get_settings

CST = timezone(timedelta(hours=8))
#: a Monday, 10:00 in Beijing: outside quiet hours
T = datetime(2026, 10, 5, 10, 0, tzinfo=CST)
SECRET = "test-secret-不要外传"


@pytest.fixture
def notify_env(monkeypatch, tmp_path, db_url):
    """Settings for the outbox: this backend, a home of the test's own, quick retries."""
    values = {"XINSHENG_DATABASE_URL": db_url, "XINSHENG_HOME": str(tmp_path / "home"),
              "XINSHENG_NOTIFY_WEBHOOK_SECRET": SECRET, "XINSHENG_NOTIFY_WEBHOOK_TIMEOUT_SECONDS": "0.5"}

    def set_(**more: str) -> None:
        for k, v in {**values, **more}.items():
            monkeypatch.setenv(k, v)
        get_settings.cache_clear()

    set_()
    yield set_
    get_settings.cache_clear()


@pytest.fixture
def receiver():
    """``receiver(behaviour=..., on_request=...)``: a started receiver, stopped after the test."""
    made = []

    def make(**kw) -> Receiver:
        r = Receiver(SECRET, **kw).__enter__()
        made.append(r)
        return r

    yield make
    for r in made:
        r.__exit__()


@pytest.fixture
def make_customer(engine):
    """``make_customer("C1", preferred_channel="app")`` → the customer's id."""
    from xinsheng.customers.actions import bulk_upsert_customers
    from xinsheng.customers.service import get_customer
    from xinsheng.db import session_scope

    def make(ref: str, **fields) -> int:
        with session_scope(engine) as session:
            bulk_upsert_customers(session, [{"customer_ref": ref, **fields}])
        with session_scope(engine) as session:
            return get_customer(session, ref).id

    return make


def enqueue(engine, customer_id: int, key: str, *, purpose: str = "case_accepted", now: datetime = T,
            **kw):
    """One notification in its own transaction; returns the stored row (or None)."""
    from xinsheng.db import session_scope
    from xinsheng.notify.actions import do_enqueue

    context = kw.pop("context", None) or {"case_ref": key.split(":")[1] if ":" in key else key,
                                          "kind": "complaint", "due_date": now + timedelta(days=15)}
    with session_scope(engine) as session:
        return do_enqueue(session, customer_id=customer_id, purpose=purpose, key=key, context=context,
                          now=now, **kw)


def rows(engine) -> list:
    from sqlalchemy import select

    from xinsheng.db import session_scope
    from xinsheng.notify.models import Notification

    with session_scope(engine) as session:
        return list(session.scalars(select(Notification).order_by(Notification.id)))
