"""``run_sweep`` and ``xinsheng cases sweep``: warnings, breaches with their escalation,
acknowledgement deadlines and progress messages, each once, as of a given moment.

One complaint accepted on Monday 2026-10-19 10:00 Beijing (no holiday near), by hand:
acknowledgement due Tue 2026-10-20 10:00 (1 working day); decision due Tue 2026-11-03 10:00
(15 calendar days); warning at 80 % of that, 12 days: Sat 2026-10-31 10:00; progress
messages every 3 calendar days: 10-22, 10-25, 10-28, 10-31, 11-03 10:00.
"""
from __future__ import annotations

import json
import subprocess
import sys
from datetime import datetime

import pytest
from sqlalchemy import func, select

from tests.cases.builders import add_customer, open_case
from tests.cases.flow_builders import MON, count, young_customer
from xinsheng.cases.models import Case, CaseEscalation, CaseEvent
from xinsheng.cases.sweep import run_sweep
from xinsheng.db import session_scope
from xinsheng.notify.models import Notification


def at(text: str) -> datetime:
    return datetime.fromisoformat(text + "+08:00")


@pytest.fixture
def case_ref(engine):
    add_customer(engine, young_customer())
    return open_case(engine, "C-ZHAO", accepted_at=MON, now=MON)


def _row(engine, ref: str) -> Case:
    with session_scope(engine) as s:
        return s.scalar(select(Case).where(Case.case_ref == ref))


def _events(engine, ref: str) -> list[str]:
    with session_scope(engine) as s:
        return list(s.scalars(select(CaseEvent.action).join(Case, Case.id == CaseEvent.case_id)
                              .where(Case.case_ref == ref).order_by(CaseEvent.id)))


def _counts(report) -> tuple:
    return report.warned, report.breached, report.escalated, report.queued_notifications


def test_nothing_is_due_before_the_first_clock(engine, case_ref):
    report = run_sweep(engine, at("2026-10-20T09:59"))
    assert report.checked == 1 and _counts(report) == (0, 0, 0, 0) and report.ack_breached == 0
    assert _events(engine, case_ref) == ["open"]


def test_an_unacknowledged_case_gets_its_acknowledgement_breach_once(engine, case_ref):
    report = run_sweep(engine, at("2026-10-20T10:00"))
    assert report.ack_breached == 1 and _counts(report) == (0, 0, 0, 0)
    assert _row(engine, case_ref).ack_breached_at == at("2026-10-20T10:00")
    assert run_sweep(engine, at("2026-10-20T10:00")).ack_breached == 0
    assert _events(engine, case_ref) == ["open", "ack_breach"]


def test_progress_messages_on_the_cadence_one_per_slot(engine, case_ref):
    report = run_sweep(engine, at("2026-10-22T10:00"))
    assert report.queued_notifications == 1
    assert _row(engine, case_ref).next_progress_at == at("2026-10-25T10:00")
    assert run_sweep(engine, at("2026-10-22T10:00")).queued_notifications == 0
    # the worker was down for a week: one message, and the next slot after now
    assert run_sweep(engine, at("2026-10-30T12:00")).queued_notifications == 1
    assert _row(engine, case_ref).next_progress_at == at("2026-10-31T10:00")
    with session_scope(engine) as s:
        keys = list(s.scalars(select(Notification.idempotency_key).where(Notification.purpose == "case_progress")
                              .order_by(Notification.id)))
    assert len(keys) == 2 and len(set(keys)) == 2


def test_warning_then_breach_with_one_automatic_escalation(engine, case_ref):
    assert run_sweep(engine, at("2026-10-31T09:59")).warned == 0
    report = run_sweep(engine, at("2026-10-31T10:00"))
    assert report.warned == 1 and _row(engine, case_ref).sla_state == "warning"
    assert run_sweep(engine, at("2026-11-03T09:59")).breached == 0
    report = run_sweep(engine, at("2026-11-03T10:00"))
    assert (report.breached, report.escalated) == (1, 1)
    case = _row(engine, case_ref)
    assert case.sla_state == "breached" and case.authority_level == 2  # one level up (level_up: 1)
    with session_scope(engine) as s:
        firings = list(s.execute(select(CaseEscalation.rule, CaseEscalation.cause)).all())
        escalated = s.scalar(select(Notification.id).where(Notification.purpose == "case_escalated"))
    assert firings == [("sla_breach", "due:2026-11-03T02:00Z")] and escalated is not None
    with session_scope(engine) as s:  # the sweep's SQL spells the cause as the rule does: nothing left to escalate
        from xinsheng.cases.sweep_items import unescalated

        left = s.scalar(select(func.count()).select_from(Case).where(*unescalated(s.get_bind().dialect.name,
                                                                                  at("2026-11-03T10:00"))))
    assert left == 0
    # the breach escalation's message and the 11-03 progress message
    assert report.queued_notifications == 2
    assert _events(engine, case_ref)[-3:] == ["sla_breach", "escalate", "notify"]


def test_a_second_sweep_at_the_same_moment_changes_nothing(engine, case_ref):
    first = run_sweep(engine, at("2026-11-03T10:00"))
    assert (first.breached, first.escalated) == (1, 1)
    tables = (CaseEvent, CaseEscalation, Notification)
    before = [count(engine, t) for t in tables]
    again = run_sweep(engine, at("2026-11-03T10:00"))
    assert _counts(again) == (0, 0, 0, 0) and again.ack_breached == 0
    assert [count(engine, t) for t in tables] == before


def test_a_decided_case_is_not_swept(engine, case_ref):
    from tests.cases.builders import set_case

    set_case(engine, case_ref, status="decided", next_progress_at=None)
    report = run_sweep(engine, at("2026-11-04T10:00"))
    assert report.checked == 0 and _counts(report) == (0, 0, 0, 0) and report.ack_breached == 0


def test_the_command_prints_the_contract_json(engine, case_ref, settings_env):
    def sweep(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "xinsheng", "cases", "sweep", *args], env=settings_env,
                              capture_output=True, text=True, timeout=300)

    res = sweep("--now", "2026-11-03T10:00:00+08:00", "--json")
    assert res.returncode == 0, res.stderr
    assert json.loads(res.stdout) == {"checked": 1, "warned": 0, "breached": 1, "escalated": 1,
                                      "queued_notifications": 2}
    bad = sweep("--now", "2026-11-03T10:00")
    assert bad.returncode == 2 and "--now" in bad.stderr and "offset" in bad.stderr


def test_a_case_opened_past_its_deadline_is_escalated_by_the_next_sweep(engine):
    add_customer(engine, young_customer())
    # accepted 2026-10-19 10:00, entered on 2026-11-05: already past its 2026-11-03 10:00 deadline
    ref = open_case(engine, "C-ZHAO", accepted_at=MON, now=at("2026-11-05T09:00"))
    assert _row(engine, ref).sla_state == "breached"
    report = run_sweep(engine, at("2026-11-05T09:05"))
    assert (report.breached, report.escalated) == (0, 1)
    assert run_sweep(engine, at("2026-11-05T09:10")).escalated == 0


def test_a_case_that_fails_is_left_whole_for_the_next_sweep_and_the_others_go_on(engine, monkeypatch):
    from xinsheng.notify import actions as notify_actions

    add_customer(engine, young_customer())
    refs = [open_case(engine, "C-ZHAO", accepted_at=MON, now=MON, title=f"第{i}件") for i in range(3)]
    real = notify_actions.do_enqueue

    def broken_for_the_second(session, **kw):
        if kw.get("subject_ref") == refs[1] and kw["purpose"] == "case_progress":
            raise RuntimeError("template broken")
        return real(session, **kw)

    monkeypatch.setattr(notify_actions, "do_enqueue", broken_for_the_second)
    report = run_sweep(engine, at("2026-10-22T10:00"))  # each case's first progress moment
    assert report.queued_notifications == 2
    assert [_row(engine, r).next_progress_at for r in refs] == [at("2026-10-25T10:00"), at("2026-10-22T10:00"),
                                                                 at("2026-10-25T10:00")]
    assert "notify" not in _events(engine, refs[1])  # nothing half-written for the failing case
    monkeypatch.setattr(notify_actions, "do_enqueue", real)
    assert run_sweep(engine, at("2026-10-22T10:05")).queued_notifications == 1
    assert _row(engine, refs[1]).next_progress_at == at("2026-10-25T10:00")
