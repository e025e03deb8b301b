"""The complaint monitor's aggregates (cases/monitor.py) on both backends.

Cases are set up row by row with known levels, tiers, clocks and dates; every expected
count below is worked out by hand (the comments show how), not by the code under test.
"""
from __future__ import annotations

import itertools
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from xinsheng.cases.calendar import load_calendar
from xinsheng.cases.models import Case, CaseEscalation
from xinsheng.cases.monitor import (ageing, escalations_by_rule, monitor_report, open_summary, pyramid, root_causes,
                                   sla_counts)
from xinsheng.db import session_scope

SH = ZoneInfo("Asia/Shanghai")
_n = itertools.count(1)


def local(y, m, d, hh=10, mm=0) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=SH)


def add_case(session, *, level=1, tier=1, status="open", kind="complaint", accepted=None, warn=None,
             due=None, sla="on_track", root=None, closed=None) -> Case:
    accepted = accepted or local(2025, 10, 10, 9)
    c = Case(case_ref=f"K-{next(_n)}", title="t", kind=kind, status=status, tier=tier, authority_level=level,
             accepted_at=accepted, opened_at=accepted, warn_at=warn, due_at=due or accepted + timedelta(days=15),
             sla_state=sla, root_cause=root, closed_at=closed)
    session.add(c)
    session.flush()
    return c


@pytest.fixture(scope="module")
def cal():
    return load_calendar(timezone_name="Asia/Shanghai")


def test_pyramid_counts_open_cases_per_level_and_tier(engine, cal):
    with session_scope(engine) as s:
        for level, tier, status, n in [(1, 1, "open", 5), (1, 1, "in_progress", 2), (1, 2, "open", 1),
                                       (2, 2, "pending_customer", 3), (3, 3, "open", 1), (4, 3, "open", 2),
                                       (1, 1, "closed", 4), (2, 2, "decided", 6)]:
            for _ in range(n):
                add_case(s, level=level, tier=tier, status=status)
    with session_scope(engine) as s:
        # open statuses only: closed (4) and decided (6) are not counted
        expected = {(1, 1): 7, (1, 2): 1, (2, 2): 3, (3, 3): 1, (4, 3): 2}
        assert pyramid(s) == expected
        assert open_summary(s, cal, local(2025, 10, 10, 12))[0] == expected


def test_sla_state_counts_use_the_clocks_as_of_now(engine, cal):
    now = local(2025, 10, 10, 12)
    with session_scope(engine) as s:
        add_case(s, due=now + timedelta(days=3), warn=now + timedelta(days=1))  # on track
        add_case(s, due=now + timedelta(days=3), warn=now - timedelta(hours=1))  # warning by the clock
        add_case(s, due=now + timedelta(days=3), warn=now + timedelta(days=1), sla="warning")  # stored warning
        add_case(s, due=now - timedelta(minutes=1), warn=now - timedelta(days=2))  # breached by the clock
        add_case(s, due=now + timedelta(days=3), warn=now + timedelta(days=1), sla="breached")  # stored
        add_case(s, due=now - timedelta(days=1), status="closed", sla="breached")  # closed: not counted
    with session_scope(engine) as s:
        expected = {"on_track": 1, "warning": 2, "breached": 2}
        assert sla_counts(s, now) == expected
        assert open_summary(s, cal, now)[1] == expected


def test_ageing_counts_working_days_across_national_day_and_its_tiaoxiu_sunday(engine, cal):
    # Today Friday 2025-10-10. National Day holidays 10-01..10-08; Sunday 09-28 is worked (调休).
    # Working days back from today: 10-10, 10-09, 09-30, 09-29, 09-28, 09-26, 09-25, 09-24, 09-23, 09-22, 09-19.
    now = local(2025, 10, 10, 15)
    accepted = {  # accepted on -> its age in working days (days worked after it, up to today)
        local(2025, 10, 10, 8): 0, local(2025, 10, 9): 1,          # bucket 0-1: 2 cases
        local(2025, 10, 5): 2, local(2025, 9, 29): 3,              # 2-3 (10-05 holiday: 10-09, 10-10)
        local(2025, 9, 28): 4, local(2025, 9, 27): 5,              # 4-5 (09-27 Sat: 09-28 … 10-10 = 5)
        local(2025, 9, 25): 6, local(2025, 9, 19, 23): 10,         # 6-10 (09-25: 09-26, 09-28 … 10-10 = 6)
        local(2025, 9, 18): 11,                                    # 11+
    }
    with session_scope(engine) as s:
        for when in accepted:
            add_case(s, accepted=when)
        add_case(s, accepted=local(2025, 9, 26))  # 09-26 Fri: 5, like the Saturday after it -> 4-5
        add_case(s, accepted=local(2025, 9, 1), status="closed")  # closed: not counted
    with session_scope(engine) as s:
        expected = [((0, 1), 2), ((2, 3), 2), ((4, 5), 3), ((6, 10), 2), ((11, None), 1)]
        assert ageing(s, cal, now) == expected
        assert open_summary(s, cal, now)[2] == expected


def test_escalations_by_rule_per_local_day(engine, cal):
    now = local(2025, 10, 10, 12)
    with session_scope(engine) as s:
        c = add_case(s)
        firings = [("repeat_contact", local(2025, 10, 10, 0, 30)),   # 10-10 local (10-09 16:30 UTC)
                   ("repeat_contact", local(2025, 10, 9, 23, 59)),   # 10-09
                   ("sla_breach", local(2025, 10, 9, 8)),            # 10-09
                   ("vip", local(2025, 10, 8, 9)),                   # 10-08
                   ("vip", local(2025, 10, 7, 23)),                  # before the 3-day window
                   ("vip", local(2025, 10, 10, 13))]                 # after now
        for i, (rule, at) in enumerate(firings):
            s.add(CaseEscalation(case_id=c.id, rule=rule, cause=f"c{i}", reason="r", at=at))
    with session_scope(engine) as s:
        days, counts = escalations_by_rule(s, cal, now, 3)
    assert [d.isoformat() for d in days] == ["2025-10-08", "2025-10-09", "2025-10-10"]
    assert {(d.isoformat(), r): n for (d, r), n in counts.items()} == {
        ("2025-10-10", "repeat_contact"): 1, ("2025-10-09", "repeat_contact"): 1,
        ("2025-10-09", "sla_breach"): 1, ("2025-10-08", "vip"): 1}


def test_root_causes_of_complaints_closed_in_the_window(engine, cal):
    now = local(2025, 10, 10, 12)
    with session_scope(engine) as s:
        for root, n in [("process", 3), ("system_fault", 2)]:
            for _ in range(n):
                add_case(s, status="closed", root=root, closed=now - timedelta(days=2))
        add_case(s, status="closed", root="process", closed=now - timedelta(days=40))  # outside 30 days
        add_case(s, status="closed", root="process", kind="request", closed=now - timedelta(days=1))  # not a complaint
        add_case(s, status="decided", root="other", closed=None)  # not closed
    with session_scope(engine) as s:
        assert root_causes(s, now, 30) == {"process": 3, "system_fault": 2}
        report = monitor_report(s, cal, now, days=30)
    assert report.root_causes == {"process": 3, "system_fault": 2}
    assert report.open_total == 0 and report.sla == {"on_track": 0, "warning": 0, "breached": 0}
    assert len(report.day_list) == 30 and report.day_list[-1].isoformat() == "2025-10-10"
    assert report.as_of.astimezone(timezone.utc) == now.astimezone(timezone.utc)
