"""The worker invites by itself: after new contacts a worker round invites each event once;
a restart (another round, another worker) invites nobody again; a step killed half-way
stores nothing and the next round invites every event once."""
from __future__ import annotations

import threading
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select

from tests.cases.builders import add_contact, add_customer, add_private_client
from tests.surveys.builders import rows
from xinsheng.cases.worker import run_worker
from xinsheng.db import session_scope
from xinsheng.notify.models import Notification
from xinsheng.surveys.models import SurveyInvitation

CONFIG_TEXT = """
surveys:
  nps: {metric: nps, question: {zh: 推荐吗, en: Recommend}, low: {zh: 不会, en: unlikely}, high: {zh: 会, en: likely}}
triggers:
  - {code: calls, after: contact, channels: [phone], survey: nps, sampling: 1.0}
fatigue: {days_between: 30, quiet_hours: "", expires_days: 7, max_delay_hours: 48}
"""
NOW = datetime(2026, 10, 6, 3, 0, tzinfo=timezone.utc)  # 11:00 Beijing, outside the outbox's quiet hours


@pytest.fixture
def world(engine, tmp_path, monkeypatch):
    path = tmp_path / "surveys.yaml"
    path.write_text(CONFIG_TEXT, "utf-8")
    monkeypatch.setenv("XINSHENG_SURVEYS_FILE", str(path))
    add_customer(engine)
    add_private_client(engine)
    add_contact(engine, "call-wang", customer_ref="C-WANG", started_at=NOW - timedelta(hours=2))
    add_contact(engine, "call-li", customer_ref="C-LI", started_at=NOW - timedelta(hours=3))
    add_contact(engine, "call-old", customer_ref="C-LI", started_at=NOW - timedelta(days=5))  # too old
    return engine


def _round(engine):
    return run_worker(engine, threading.Event(), sweep_seconds=60, poll_seconds=60, clock=lambda: NOW,
                      max_rounds=1)


def _invited(engine) -> list[str]:
    return sorted(i.source_key for i in rows(engine, SurveyInvitation))


def _messages(engine) -> int:
    with session_scope(engine) as s:
        return s.scalar(select(func.count()).select_from(Notification).where(Notification.purpose == "survey_invitation"))


def test_a_worker_round_invites_and_a_restart_invites_nobody_again(world):
    stats = _round(world)
    assert stats.failures == 0
    keys = _invited(world)
    assert len(keys) == 2 and all(k.startswith("contact:") for k in keys)
    assert _messages(world) == 2
    _round(world)  # the worker restarted: the same contacts are still recent
    _round(world)
    assert _invited(world) == keys and _messages(world) == 2


def test_a_step_killed_half_way_stores_nothing_and_the_next_round_invites_each_once(world, monkeypatch):
    from xinsheng.surveys import invite

    real, calls = invite.do_invite, []

    def dies_after_one(*args, **kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise KeyboardInterrupt  # stands for the process being killed mid-way
        return real(*args, **kwargs)

    monkeypatch.setattr(invite, "do_invite", dies_after_one)
    from xinsheng.surveys.scheduled import invite_step

    with pytest.raises(KeyboardInterrupt):
        invite_step(world, NOW)
    assert _invited(world) == [] and _messages(world) == 0, "the half-done step left nothing"
    monkeypatch.setattr(invite, "do_invite", real)
    assert _round(world).failures == 0
    assert len(_invited(world)) == 2 and _messages(world) == 2


def test_two_workers_at_once_invite_each_event_once(world, db_url):
    from xinsheng.surveys.scheduled import invite_step

    results, start = [], threading.Barrier(2)

    def go():
        start.wait()
        try:
            results.append(invite_step(world, NOW))
        except Exception as exc:  # SQLite: the second writer may find the database busy
            results.append(type(exc).__name__)

    threads = [threading.Thread(target=go) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    if db_url.startswith("postgresql"):
        assert any(r is None for r in results) or sum(r["invite"] for r in results if r) == 2
    assert len(_invited(world)) == 2 and _messages(world) == 2
    invite_step(world, NOW)
    assert len(_invited(world)) == 2 and _messages(world) == 2
