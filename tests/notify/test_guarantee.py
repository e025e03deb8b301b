"""The delivery guarantee: at-least-once with a stable Idempotency-Key.

A real worker process is killed (SIGKILL) after the receiver got its request and before it
could mark the row; a later run sends it again with the same key; de-duplicated by key,
the receiver has every notification exactly once. Two workers at once never send one
notification twice.
"""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
from datetime import timedelta
from pathlib import Path

from tests.notify.conftest import T, enqueue, rows
from xinsheng.db import create_db_engine
from xinsheng.notify.delivery import run_outbox_once

ROOT = Path(__file__).resolve().parents[2]
N = 12
LEASE = timedelta(seconds=300)  # XINSHENG_NOTIFY_LEASE_SECONDS' default, longer than a batch of timeouts


def _fill(engine, make_customer, n: int) -> None:
    for i in range(n):
        enqueue(engine, make_customer(f"C-{i:04d}"), f"case:K{i}:accepted")


def test_a_worker_killed_between_send_and_mark_loses_nothing(engine, notify_env, make_customer, receiver):
    worker: dict = {}

    def kill_on_receipt(_rec) -> None:  # before answering: the worker cannot have marked it
        proc = worker["proc"]
        if proc.poll() is None:
            os.kill(proc.pid, signal.SIGKILL)
        proc.wait()

    r = receiver(on_request=kill_on_receipt)
    notify_env(XINSHENG_NOTIFY_DEFAULT_ADAPTER="webhook", XINSHENG_NOTIFY_WEBHOOK_URL=r.url)
    _fill(engine, make_customer, N)
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    worker["proc"] = subprocess.Popen(
        [sys.executable, "-m", "xinsheng", "notify", "deliver", "--now", T.isoformat(), "--json"],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    worker["proc"].wait(timeout=120)
    assert worker["proc"].returncode == -signal.SIGKILL
    first = set(r.keys())
    assert first and all(x.signature_ok for x in r.received)
    assert {row.status for row in rows(engine)} == {"sending"}  # claimed, none marked

    # while the lease runs, nobody else sends them
    assert run_outbox_once(engine, T + LEASE - timedelta(seconds=1), worker_id="w2").claimed == 0
    r.on_request = None
    report = run_outbox_once(engine, T + LEASE, worker_id="w2")
    assert (report.claimed, report.sent) == (N, N)
    keys = r.keys()
    assert len(keys) == N  # de-duplicated by Idempotency-Key: every notification, once
    assert all(keys[k] == 2 for k in first) and all(keys[k] == 1 for k in keys if k not in first)
    assert {(row.status, row.attempts) for row in rows(engine)} == {("sent", 2)}


def test_two_workers_never_send_one_notification_twice(engine, notify_env, make_customer, receiver, db_url):
    total = 240
    r = receiver(delay=0.005)
    notify_env(XINSHENG_NOTIFY_DEFAULT_ADAPTER="webhook", XINSHENG_NOTIFY_WEBHOOK_URL=r.url,
               XINSHENG_NOTIFY_WEEKLY_LIMIT="0")
    cid = make_customer("C-1")
    for i in range(total):
        enqueue(engine, cid, f"n{i}")
    barrier, reports = threading.Barrier(2), {}

    def work(name: str) -> None:
        own = create_db_engine(db_url)  # a connection pool of its own, like another process
        barrier.wait()
        reports[name] = run_outbox_once(own, T, worker_id=name, batch=10)
        own.dispose()

    threads = [threading.Thread(target=work, args=(f"w{i}",)) for i in (1, 2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    keys = r.keys()
    print(reports, [(x.status, x.last_error) for x in rows(engine) if x.status != "sent"])
    assert len(keys) == total and max(keys.values()) == 1  # 0 double sends
    assert reports["w1"].sent + reports["w2"].sent == total
    assert reports["w1"].claimed > 0 and reports["w2"].claimed > 0  # both took part
    assert {row.status for row in rows(engine)} == {"sent"}


def test_cli_lists_dead_notifications_and_requeues_them(engine, notify_env, make_customer, receiver):
    r = receiver(behaviour=lambda key, n: 404 if n == 1 else 200)
    notify_env(XINSHENG_NOTIFY_DEFAULT_ADAPTER="webhook", XINSHENG_NOTIFY_WEBHOOK_URL=r.url)
    enqueue(engine, make_customer("C-1"), "case:K1:accepted")
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}

    def cli(*args: str) -> dict:
        out = subprocess.run([sys.executable, "-m", "xinsheng", "notify", *args, "--json"], env=env,
                             capture_output=True, text=True, timeout=120)
        assert out.returncode == 0, out.stderr
        return json.loads(out.stdout)

    assert cli("deliver", "--now", T.isoformat())["dead"] == 1
    listed = cli("list", "--status", "dead")
    assert [i["idempotency_key"] for i in listed["items"]] == ["case:K1:accepted"]
    assert listed["counts"]["dead"] == 1 and listed["items"][0]["last_error"] == "attempt 1: webhook answered 404"
    assert cli("requeue", "--now", T.isoformat())["requeued"] == 1
    assert cli("deliver", "--now", (T + timedelta(minutes=1)).isoformat())["sent"] == 1
    assert r.keys() == {"case:K1:accepted": 2}
    bad = subprocess.run([sys.executable, "-m", "xinsheng", "notify", "deliver", "--now", "tomorrow"],
                         env=env, capture_output=True, text=True, timeout=120)
    assert bad.returncode == 2 and "--now" in bad.stderr
