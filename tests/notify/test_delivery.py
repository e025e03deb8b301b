"""Delivery through the webhook: signature, headers, outcomes by answer, back-off, dead letters,
endpoints that fail or hang without holding up the others."""
from __future__ import annotations

from datetime import timedelta

import pytest

from tests.notify import plugins
from tests.notify.conftest import SECRET, T, enqueue, rows
from xinsheng.notify.delivery import deliver_due, run_outbox_once


def _hook(notify_env, url: str, **more: str) -> None:
    notify_env(XINSHENG_NOTIFY_DEFAULT_ADAPTER="webhook", XINSHENG_NOTIFY_WEBHOOK_URL=url, **more)


def test_webhook_posts_a_signed_message_with_its_idempotency_key(engine, notify_env, make_customer, receiver):
    r = receiver()
    _hook(notify_env, r.url)
    n = enqueue(engine, make_customer("C-1"), "case:K1:accepted")
    report = deliver_due(engine, now=T, worker_id="w1")
    assert (report.claimed, report.sent) == (1, 1)
    [got] = r.received
    assert got.signature_ok and got.headers["X-Xinsheng-Signature"].startswith("sha256=")
    assert got.key == "case:K1:accepted"
    assert got.body["customer_ref"] == "C-1" and got.body["body"] == n.body and got.body["attempt"] == 1
    [row] = rows(engine)
    assert (row.status, row.sent_at, row.attempts, row.claimed_by) == ("sent", T, 1, None)
    assert deliver_due(engine, now=T + timedelta(days=1), worker_id="w1").claimed == 0


def test_a_wrong_secret_is_refused_by_the_receiver_and_dead_lettered(engine, notify_env, make_customer, receiver):
    r = receiver()
    _hook(notify_env, r.url, XINSHENG_NOTIFY_WEBHOOK_SECRET="not-" + SECRET)
    enqueue(engine, make_customer("C-1"), "k")
    assert deliver_due(engine, now=T, worker_id="w1").dead == 1
    assert not r.received[0].signature_ok
    [row] = rows(engine)
    assert (row.status, row.last_error) == ("dead", "attempt 1: webhook answered 401")


ANSWERS = {200: "sent", 201: "sent", 204: "sent", 302: "dead", 400: "dead", 404: "dead", 410: "dead",
           408: "pending", 429: "pending", 500: "pending", 502: "pending", 503: "pending",
           "drop": "pending", "hang": "pending"}


def test_each_answer_has_its_outcome(engine, notify_env, make_customer, receiver):
    r = receiver(behaviour=lambda key, n: int(key) if key.isdigit() else key)
    _hook(notify_env, r.url, XINSHENG_NOTIFY_WEEKLY_LIMIT="0")
    cid = make_customer("C-1")
    for answer in ANSWERS:
        enqueue(engine, cid, str(answer))
    deliver_due(engine, now=T, worker_id="w1")
    assert {row.idempotency_key: row.status for row in rows(engine)} == {str(k): v for k, v in ANSWERS.items()}


def test_retries_back_off_then_dead_letter_with_the_last_error(engine, notify_env, make_customer, receiver):
    r = receiver(behaviour=lambda key, n: 500)
    _hook(notify_env, r.url, XINSHENG_NOTIFY_MAX_ATTEMPTS="4", XINSHENG_NOTIFY_RETRY_BASE_SECONDS="60")
    enqueue(engine, make_customer("C-1"), "case:K1:accepted")
    due = T
    for attempt, wait in enumerate([60, 120, 240], start=1):  # base, 2 × base, 4 × base
        assert deliver_due(engine, now=due - timedelta(seconds=1), worker_id="w").claimed == 0
        assert deliver_due(engine, now=due, worker_id="w").retried == 1
        [row] = rows(engine)
        due = due + timedelta(seconds=wait)
        assert (row.status, row.attempts, row.next_attempt_at) == ("pending", attempt, due)
        assert row.last_error == f"attempt {attempt}: webhook answered 500"
    assert deliver_due(engine, now=due, worker_id="w").dead == 1
    [row] = rows(engine)
    assert (row.status, row.attempts, row.last_error) == ("dead", 4, "attempt 4: webhook answered 500")
    assert r.keys() == {"case:K1:accepted": 4}
    assert all(x.signature_ok for x in r.received)


def test_a_retry_never_lands_in_quiet_hours(engine, notify_env, make_customer, receiver):
    r = receiver(behaviour=lambda key, n: 503)
    _hook(notify_env, r.url, XINSHENG_NOTIFY_RETRY_BASE_SECONDS="600")
    enqueue(engine, make_customer("C-1"), "k", now=T.replace(hour=20, minute=55))
    deliver_due(engine, now=T.replace(hour=20, minute=55), worker_id="w")
    [row] = rows(engine)  # 21:05 would be quiet: 08:00 the next morning
    assert row.next_attempt_at == (T + timedelta(days=1)).replace(hour=8, minute=0)
    report = deliver_due(engine, now=T.replace(hour=23), worker_id="w")
    assert report.quiet_hours and report.claimed == 0


def test_failing_and_hanging_endpoints_do_not_hold_up_the_others(engine, notify_env, make_customer, receiver):
    behaviour = {"hang-1": "hang", "hang-2": "hang", "err-1": 500, "drop-1": "drop"}
    r = receiver(behaviour=lambda key, n: behaviour.get(key, 200))
    _hook(notify_env, r.url, XINSHENG_NOTIFY_MAX_ATTEMPTS="2", XINSHENG_NOTIFY_WEEKLY_LIMIT="0",
          XINSHENG_NOTIFY_CHANNELS='{"email": "file"}')
    cid, mail = make_customer("C-1"), make_customer("C-M", preferred_channel="email")
    for key in ("hang-1", "ok-1", "err-1", "hang-2", "ok-2", "drop-1", "ok-3"):
        enqueue(engine, cid, key)
    enqueue(engine, mail, "mail-1")
    first = deliver_due(engine, now=T, worker_id="w")
    assert (first.claimed, first.sent, first.retried) == (8, 4, 4)
    assert deliver_due(engine, now=T + timedelta(minutes=1), worker_id="w").dead == 4
    status = {row.idempotency_key: (row.status, row.attempts) for row in rows(engine)}
    assert status == {"ok-1": ("sent", 1), "ok-2": ("sent", 1), "ok-3": ("sent", 1), "mail-1": ("sent", 1),
                      "hang-1": ("dead", 2), "hang-2": ("dead", 2), "err-1": ("dead", 2), "drop-1": ("dead", 2)}
    errors = {row.idempotency_key: row.last_error for row in rows(engine) if row.status == "dead"}
    assert "timed out" in errors["hang-1"] and errors["err-1"] == "attempt 2: webhook answered 500"


def test_fast_failures_do_not_trip_the_breaker(engine, notify_env, make_customer, receiver):
    r = receiver(behaviour=lambda key, n: 503)
    _hook(notify_env, r.url, XINSHENG_NOTIFY_CONCURRENCY="1", XINSHENG_NOTIFY_WEEKLY_LIMIT="0")
    cid = make_customer("C-1")
    for i in range(5):
        enqueue(engine, cid, f"w{i}")
    report = deliver_due(engine, now=T, worker_id="w")
    assert (report.retried, report.released) == (5, 0) and len(r.received) == 5


def test_after_three_timeouts_in_a_row_the_adapters_rest_is_handed_back(engine, notify_env, make_customer,
                                                                        receiver):
    r = receiver(behaviour=lambda key, n: "hang")
    _hook(notify_env, r.url, XINSHENG_NOTIFY_CONCURRENCY="1", XINSHENG_NOTIFY_WEEKLY_LIMIT="0",
          XINSHENG_NOTIFY_CHANNELS='{"email": "file"}')
    cid = make_customer("C-1")
    for i in range(5):
        enqueue(engine, cid, f"w{i}")
    enqueue(engine, make_customer("C-M", preferred_channel="email"), "mail")
    report = deliver_due(engine, now=T, worker_id="w")
    assert (report.retried, report.released, report.sent) == (3, 2, 1)
    assert len(r.received) == 3
    by_key = {row.idempotency_key: row for row in rows(engine)}
    assert [by_key[f"w{i}"].attempts for i in range(5)] == [1, 1, 1, 0, 0]
    assert by_key["w4"].status == "pending" and by_key["w4"].last_error.startswith("not tried")


def test_plugin_adapter_by_dotted_path(engine, notify_env, make_customer):
    notify_env(XINSHENG_NOTIFY_ADAPTERS='{"sms": "tests.notify.plugins:MemoryAdapter"}',
               XINSHENG_NOTIFY_WEEKLY_LIMIT="0")
    plugins.SENT.clear()
    cid = make_customer("C-1", preferred_channel="sms")
    for key in ("ok", "refuse", "boom"):
        enqueue(engine, cid, key)
    report = run_outbox_once(engine, T, worker_id="w")
    assert (report.sent, report.dead, report.retried) == (1, 1, 1)
    assert [m.idempotency_key for m in plugins.SENT] == ["ok"]
    errors = {row.idempotency_key: row.last_error for row in rows(engine)}
    assert errors == {"ok": None, "refuse": "attempt 1: number barred", "boom": "attempt 1: plug-in bug"}


def test_an_unconfigured_adapter_is_retried_with_the_reason(engine, notify_env, make_customer):
    notify_env(XINSHENG_NOTIFY_DEFAULT_ADAPTER="pigeon")
    enqueue(engine, make_customer("C-1"), "k")
    assert deliver_due(engine, now=T, worker_id="w").retried == 1
    assert "pigeon" in rows(engine)[0].last_error


def test_file_adapter_is_the_default_and_writes_json_lines(engine, notify_env, make_customer, tmp_path):
    import json

    cid = make_customer("C-1")
    enqueue(engine, cid, "case:K1:accepted")
    enqueue(engine, cid, "case:K1:closed", purpose="case_closed")
    assert run_outbox_once(engine, T).sent == 2
    lines = (tmp_path / "home" / "notify" / "outbox.jsonl").read_text("utf-8").splitlines()
    assert sorted(json.loads(x)["idempotency_key"] for x in lines) == ["case:K1:accepted", "case:K1:closed"]


@pytest.mark.parametrize("url", ["", "ftp://127.0.0.1/x"])
def test_webhook_without_a_usable_url_is_retried(engine, notify_env, make_customer, url):
    _hook(notify_env, url)
    enqueue(engine, make_customer("C-1"), "k")
    assert deliver_due(engine, now=T, worker_id="w").retried == 1
    assert "XINSHENG_NOTIFY_WEBHOOK_URL" in rows(engine)[0].last_error
