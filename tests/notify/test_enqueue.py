"""Enqueueing: idempotent keys, templates, channel and adapter, quiet hours, the weekly limit."""
from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from tests.notify.conftest import CST, T, enqueue, rows
from xinsheng.db import session_scope
from xinsheng.errors import InvalidInput, NotFound
from xinsheng.notify.service import count_by_status, list_notifications


def test_the_same_event_is_stored_once(engine, notify_env, make_customer):
    cid = make_customer("C-1")
    first = enqueue(engine, cid, "case:K1:accepted")
    assert first is not None and first.status == "pending"
    assert enqueue(engine, cid, "case:K1:accepted") is None
    assert enqueue(engine, cid, "case:K1:accepted", purpose="case_closed") is None
    assert [r.idempotency_key for r in rows(engine)] == ["case:K1:accepted"]


def test_body_is_rendered_in_the_customers_language_without_personal_data(engine, notify_env, make_customer):
    zh = make_customer("C-ZH", preferred_channel="wechat")
    en = make_customer("C-EN", preferred_channel="phone", attributes={"lang": "en"})
    due = datetime(2026, 10, 20, 9, 0, tzinfo=CST)
    a = enqueue(engine, zh, "case:K1:accepted", context={"case_ref": "K1", "kind": "complaint", "due_date": due})
    b = enqueue(engine, en, "case:K2:accepted", context={"case_ref": "K2", "kind": "complaint", "due_date": due})
    assert a.body == "您的投诉（编号 K1）已受理，我们将在 2026-10-20 前给您答复。如需补充情况，请联系我行客服并提供编号。"
    assert b.body.startswith("We have received your complaint (ref. K2) and will reply by 2026-10-20.")
    assert (a.lang, a.channel, a.adapter) == ("zh", "wechat", "file")
    # a customer who prefers the phone is told on the default channel (sms)
    assert (b.lang, b.channel, b.adapter) == ("en", "sms", "file")
    assert a.subject_ref == "K1" and a.payload["due_date"].startswith("2026-10-20T09:00:00+08:00")
    c = enqueue(engine, zh, "case:K3:progress", purpose="case_progress",
                context={"case_ref": "K3 13812345678", "kind": "inquiry", "due_date": due})
    assert "13812345678" not in c.body and "13812345678" not in str(c.payload)
    assert "咨询" in c.body


def test_bad_input_is_refused_naming_the_field(engine, notify_env, make_customer):
    cid = make_customer("C-1")
    with pytest.raises(InvalidInput, match="purpose"):
        enqueue(engine, cid, "k1", purpose="birthday_greeting")
    with pytest.raises(InvalidInput, match="due_date"):
        enqueue(engine, cid, "k2", context={"case_ref": "K", "kind": "complaint"})
    with pytest.raises(InvalidInput, match="lang"):
        enqueue(engine, cid, "k3", lang="fr")
    with pytest.raises(InvalidInput, match="key"):
        enqueue(engine, cid, "x" * 201)
    with pytest.raises(NotFound):
        enqueue(engine, cid + 999, "k4")
    assert rows(engine) == []


def test_channel_adapters_come_from_settings(engine, notify_env, make_customer):
    notify_env(XINSHENG_NOTIFY_CHANNELS='{"app": "webhook"}',
               XINSHENG_NOTIFY_ADAPTERS='{"sms": "tests.notify.plugins:MemoryAdapter"}')
    app = enqueue(engine, make_customer("C-APP", preferred_channel="app"), "a")
    sms = enqueue(engine, make_customer("C-SMS", preferred_channel="sms"), "b")
    mail = enqueue(engine, make_customer("C-MAIL", preferred_channel="email"), "c")
    assert (app.adapter, sms.adapter, mail.adapter) == ("webhook", "sms", "file")


def test_a_late_evening_event_goes_out_at_eight_next_morning(engine, notify_env, make_customer):
    cid = make_customer("C-1")
    n = enqueue(engine, cid, "case:K1:accepted", now=datetime(2026, 10, 5, 22, 30, tzinfo=CST))
    assert n.not_before == n.next_attempt_at == datetime(2026, 10, 6, 8, 0, tzinfo=CST)
    assert (n.status, n.reason) == ("pending", "quiet_hours")
    notify_env(XINSHENG_NOTIFY_QUIET_HOURS="")
    m = enqueue(engine, cid, "case:K2:accepted", now=datetime(2026, 10, 5, 22, 30, tzinfo=CST))
    assert m.not_before == datetime(2026, 10, 5, 22, 30, tzinfo=CST) and m.reason is None


def test_weekly_limit_postpones_case_events_and_cancels_reminders(engine, notify_env, make_customer):
    cid = make_customer("C-1")
    day = datetime(2026, 10, 5, 9, 0, tzinfo=CST)  # Monday 09:00
    for h in range(5):  # 09:00 … 13:00: the limit of 5 is reached
        assert enqueue(engine, cid, f"case:E{h}:accepted", now=day + timedelta(hours=h)).not_before == \
            day + timedelta(hours=h)
    decided = enqueue(engine, cid, "case:E0:decided", purpose="case_decided", now=day + timedelta(hours=5))
    # room again when the 09:00 one is a week old
    assert decided.not_before == datetime(2026, 10, 12, 9, 0, tzinfo=CST)
    assert (decided.status, decided.reason) == ("pending", "weekly_limit")
    reminder = enqueue(engine, cid, "case:E1:cadence:2026-10-05", purpose="case_progress",
                       now=day + timedelta(hours=6))
    assert (reminder.status, reminder.reason) == ("cancelled", "weekly_limit")
    closed = enqueue(engine, cid, "case:E0:closed", purpose="case_closed", now=day + timedelta(hours=7))
    # the 10:00 one frees the next room (the 12 Oct 09:00 one still counts)
    assert closed.not_before == datetime(2026, 10, 12, 10, 0, tzinfo=CST)
    # another customer is not affected
    other = enqueue(engine, make_customer("C-2"), "case:F1:accepted", now=day + timedelta(hours=7))
    assert other.not_before == day + timedelta(hours=7)
    with session_scope(engine) as session:
        assert count_by_status(session, customer_id=cid) == {
            "pending": 7, "sending": 0, "sent": 0, "dead": 0, "cancelled": 1}


def test_cancelled_and_dead_notifications_do_not_use_up_the_week(engine, notify_env, make_customer):
    notify_env(XINSHENG_NOTIFY_WEEKLY_LIMIT="1")
    cid = make_customer("C-1")
    enqueue(engine, cid, "a", purpose="case_progress")
    assert enqueue(engine, cid, "b", purpose="case_progress").status == "cancelled"
    assert enqueue(engine, cid, "c", purpose="case_progress", now=T + timedelta(days=7)).status == "pending"
    notify_env(XINSHENG_NOTIFY_WEEKLY_LIMIT="0")  # no limit
    assert all(enqueue(engine, cid, f"d{i}", purpose="case_progress").status == "pending" for i in range(8))


def test_lists_filter_by_customer_subject_and_status(engine, notify_env, make_customer):
    a, b = make_customer("C-A"), make_customer("C-B")
    enqueue(engine, a, "case:K1:accepted")
    enqueue(engine, a, "case:K1:escalated", purpose="case_escalated")
    enqueue(engine, b, "case:K2:accepted")
    with session_scope(engine) as session:
        assert [n.idempotency_key for n in list_notifications(session, subject_ref="K1")] == \
            ["case:K1:escalated", "case:K1:accepted"]
        assert [n.customer_ref for n in list_notifications(session, customer_id=b)] == ["C-B"]
        assert list_notifications(session, status="dead") == []
        page = list_notifications(session, limit=2)
        assert [n.idempotency_key for n in list_notifications(session, before_id=page[-1].id)] == \
            ["case:K1:accepted"]
        with pytest.raises(InvalidInput, match="status"):
            list_notifications(session, status="lost")


def test_the_same_event_from_two_transactions_at_once_is_stored_once(engine, notify_env, make_customer, db_url):
    if not db_url.startswith("postgresql"):
        pytest.skip("SQLite has one writer: two enqueueing transactions cannot overlap")
    import threading

    from sqlalchemy.orm import Session

    from xinsheng.notify.actions import do_enqueue

    cid = make_customer("C-1")
    ctx = {"case_ref": "K1", "kind": "complaint", "due_date": T}
    results = {}
    with Session(engine) as first:
        results["first"] = do_enqueue(first, customer_id=cid, purpose="case_accepted", key="case:K1:accepted",
                                      context=ctx, now=T)

        def second() -> None:  # sees no row yet, inserts, waits on the unique key, then does nothing
            with Session(engine) as other:
                results["second"] = do_enqueue(other, customer_id=cid, purpose="case_accepted",
                                               key="case:K1:accepted", context=ctx, now=T)
                other.commit()

        t = threading.Thread(target=second)
        t.start()
        t.join(0.5)
        assert t.is_alive()  # blocked on the first transaction's row
        first.commit()
    t.join(30)
    assert results["first"] is not None and results["second"] is None
    assert len(rows(engine)) == 1
