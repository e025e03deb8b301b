"""The background worker: sweeps and outbox rounds until stopped; ``xinsheng worker`` stops
cleanly on SIGTERM and SIGINT; ``xinsheng serve`` runs it unless XINSHENG_WORKER=off."""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from datetime import datetime, timedelta, timezone

import httpx
import pytest
from sqlalchemy import select

from tests.cases.builders import add_customer, open_case
from tests.cases.flow_builders import MON, young_customer
from xinsheng.cases.models import Case
from xinsheng.cases.worker import run_worker, start_background
from xinsheng.config import get_settings
from xinsheng.db import session_scope
from xinsheng.notify.models import Notification

#: Tuesday 2026-11-03 10:00 Beijing: the case accepted MON is due (15 days), outside quiet hours
DUE = MON + timedelta(days=15)


@pytest.fixture
def due_case(engine):
    add_customer(engine, young_customer())
    return open_case(engine, "C-ZHAO", accepted_at=MON, now=MON)


def _state(engine, ref: str) -> str:
    with session_scope(engine) as s:
        return s.scalar(select(Case.sla_state).where(Case.case_ref == ref))


def _fired(engine, ref: str) -> bool:
    from xinsheng.cases.models import CaseEscalation

    with session_scope(engine) as s:
        return s.scalar(select(CaseEscalation.id).join(Case, Case.id == CaseEscalation.case_id)
                        .where(Case.case_ref == ref, CaseEscalation.rule == "sla_breach")) is not None


def _statuses(engine) -> list[str]:
    with session_scope(engine) as s:
        return sorted(s.scalars(select(Notification.status)))


def test_one_round_sweeps_and_delivers(engine, due_case, settings_env):
    stats = run_worker(engine, threading.Event(), sweep_seconds=60, poll_seconds=60, clock=lambda: DUE,
                       max_rounds=1)
    assert (stats.sweeps, stats.deliveries, stats.failures) == (1, 1, 0)
    assert _state(engine, due_case) == "breached"
    assert stats.last_sweep["escalated"] == 1
    # accepted, escalated and the progress message were all sent by the file adapter
    assert _statuses(engine) == ["sent", "sent", "sent"]
    lines = (get_settings().home / "notify" / "outbox.jsonl").read_text("utf-8").splitlines()
    assert len(lines) == 3


def test_a_failing_round_is_logged_and_the_loop_goes_on(engine, due_case, settings_env, monkeypatch, caplog):
    from xinsheng.cases import sweep

    real, calls = sweep.run_sweep, []

    def flaky(eng, now=None, **kw):
        calls.append(now)
        if len(calls) == 1:
            raise RuntimeError("database went away")
        return real(eng, now, **kw)

    monkeypatch.setattr(sweep, "run_sweep", flaky)
    stats = run_worker(engine, threading.Event(), sweep_seconds=0, poll_seconds=0, clock=lambda: DUE, max_rounds=3)
    assert stats.failures == 1 and stats.sweeps == 2
    assert _state(engine, due_case) == "breached"
    assert "worker sweep round failed" in caplog.text


def test_the_stop_event_ends_the_loop(engine, settings_env):
    stop = threading.Event()
    done = []
    thread = threading.Thread(target=lambda: done.append(run_worker(engine, stop, sweep_seconds=0.05,
                                                                    poll_seconds=0.05)))
    thread.start()
    while not done and thread.is_alive() and not stop.is_set():
        time.sleep(0.1)
        stop.set()
    thread.join(timeout=60)
    assert not thread.is_alive() and done and done[0].sweeps >= 1


def test_serve_starts_it_unless_switched_off(engine, settings_env, monkeypatch):
    monkeypatch.setenv("XINSHENG_WORKER", "off")
    get_settings.cache_clear()
    assert start_background(engine) is None
    monkeypatch.setenv("XINSHENG_WORKER", "on")
    monkeypatch.setenv("XINSHENG_WORKER_SWEEP_SECONDS", "3600")
    get_settings.cache_clear()
    thread, stop = start_background(engine)
    assert thread.is_alive() and thread.daemon
    stop.set()
    thread.join(timeout=60)
    assert not thread.is_alive()


def _env(settings_env: dict, **more: str) -> dict:
    return {**settings_env, "XINSHENG_WORKER_SWEEP_SECONDS": "0.2", "XINSHENG_WORKER_POLL_SECONDS": "0.2",
            "XINSHENG_LOG_LEVEL": "INFO", **more}


def _wait_for(predicate, what: str, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while not predicate():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out waiting for {what}")
        time.sleep(0.2)


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_the_worker_command_stops_cleanly_on_a_signal(engine, settings_env, tmp_path, signum):
    """The real clock: a case accepted 20 days ago is escalated by the first sweep."""
    add_customer(engine, young_customer())
    ref = open_case(engine, "C-ZHAO", accepted_at=datetime.now(timezone.utc) - timedelta(days=20),
                    now=datetime.now(timezone.utc))
    log = (tmp_path / "worker.log").open("w+")
    proc = subprocess.Popen([sys.executable, "-m", "xinsheng", "worker"], env=_env(settings_env),
                            stdout=subprocess.DEVNULL, stderr=log)
    try:
        _wait_for(lambda: _fired(engine, ref), "the worker's first sweep")
        proc.send_signal(signum)
        assert proc.wait(timeout=120) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
    log.seek(0)
    text = log.read()
    assert "worker started" in text and f"{signal.Signals(signum).name} received" in text
    assert "worker stopped" in text


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.parametrize("worker", ["on", "off"])
def test_serve_runs_the_worker_unless_off(engine, settings_env, worker, tmp_path):
    add_customer(engine, young_customer())
    ref = open_case(engine, "C-ZHAO", accepted_at=datetime.now(timezone.utc) - timedelta(days=20),
                    now=datetime.now(timezone.utc))
    port = _free_port()
    log = (tmp_path / "serve.log").open("w+")
    proc = subprocess.Popen([sys.executable, "-m", "xinsheng", "serve", "--port", str(port)],
                            env=_env(settings_env, XINSHENG_WORKER=worker), stdout=subprocess.DEVNULL, stderr=log)

    def up() -> bool:
        try:
            return httpx.get(f"http://127.0.0.1:{port}/api/v1/health", timeout=2).status_code == 200
        except httpx.HTTPError:
            return False

    try:
        _wait_for(up, "the server")
        if worker == "on":
            _wait_for(lambda: _fired(engine, ref), "the background sweep")
        else:
            time.sleep(2)  # ten sweep intervals of a worker that should not exist
            assert not _fired(engine, ref)
        proc.send_signal(signal.SIGTERM)
        # uvicorn shuts the app down, then ends by the signal it caught
        assert proc.wait(timeout=120) in (0, -signal.SIGTERM)
    finally:
        if proc.poll() is None:
            os.kill(proc.pid, signal.SIGKILL)
    log.seek(0)
    text = log.read()
    if worker == "on":  # the loop finished its round and said so before the process ended
        assert "background worker started" in text and "worker stopped" in text
    else:
        assert "background worker off" in text and "worker stopped" not in text
