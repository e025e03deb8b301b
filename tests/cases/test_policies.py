"""SLA policies: matching, clocks across weekends, holidays, 调休 and evenings, extensions.

Expected moments are worked out by hand from the calendar (comments show how).
"""
from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from xinsheng.cases.calendar import load_calendar
from xinsheng.cases.configfiles import ConfigFileError
from xinsheng.cases.policies import (clocks_after_extensions, compute_clocks, default_policies, extended_due,
                                     load_policies, next_progress_at, sla_state)
from xinsheng.errors import Conflict, Forbidden

SH = ZoneInfo("Asia/Shanghai")


def at(y: int, m: int, d: int, hh: int = 10, mm: int = 0) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=SH)


@pytest.fixture(scope="module")
def cal():
    return load_calendar(timezone_name="Asia/Shanghai")


@pytest.fixture(scope="module")
def shipped():
    return load_policies()


@pytest.mark.parametrize("case, code", [
    (dict(kind="complaint"), "complaint"),
    (dict(kind="complaint", regulator_referred=True), "complaint_regulator_referred"),
    (dict(kind="complaint", segment="private"), "complaint_private_banking"),
    # two conditions each, no topic: the first in the file wins
    (dict(kind="complaint", segment="private", regulator_referred=True), "complaint_regulator_referred"),
    # two conditions each: the longer topic match wins
    (dict(kind="complaint", segment="private", topic="cards.fraud"), "complaint_card_fraud"),
    (dict(kind="complaint", topic="cards"), "complaint"),           # a parent does not match a child's policy
    (dict(kind="complaint", topic="cards.fraudulent"), "complaint"),  # prefixes stop at a dot
    (dict(kind="request", segment="mass"), "request"),
    (dict(kind="request", segment="private"), "request_private_banking"),
    (dict(kind="inquiry", channel="app"), "inquiry"),
    (dict(kind="feedback"), "default"),
])
def test_the_most_specific_shipped_policy_matches(shipped, case, code):
    assert shipped.match(**case).code == code


def test_topic_prefixes_and_lists_in_a_banks_file():
    ps = load_policies("""
policies:
  - {code: wealth, match: {topic: wealth}, decision: 10 calendar_days}
  - {code: redemption, match: {topic: wealth.redemption}, decision: 5 calendar_days}
  - {code: phone_or_app, match: {channel: [phone, app]}, decision: 2 calendar_days}
  - {code: fallback, decision: 15 calendar_days}
""")
    assert ps.match(kind="complaint", topic="wealth.redemption").code == "redemption"
    assert ps.match(kind="complaint", topic="wealth.loss").code == "wealth"
    assert ps.match(kind="request", channel="app").code == "phone_or_app"
    assert ps.match(kind="request", channel="branch").code == "fallback"
    # one condition each, equal topic depth 0 vs 1: the topic match wins over the channel
    assert ps.match(kind="request", channel="app", topic="wealth").code == "wealth"


def test_complaint_clock_is_15_calendar_days_across_national_day(shipped, cal):
    # Fri 2025-09-26 10:00. ack: 1 working day → the 调休 Sunday 9/28 10:00.
    # due: +15 calendar days → 10/11 10:00 (holidays count). warn: +12 days → 10/8 10:00.
    # ack warning: 9 working hours between (Fri 10:00–17:30 = 7.5 h, Sun 08:30–10:00 = 1.5 h),
    # 80 % = 7.2 h → Friday 17:12.
    c = compute_clocks(shipped.get("complaint"), at(2025, 9, 26), cal)
    assert c.ack_due_at == at(2025, 9, 28)
    assert c.due_at == at(2025, 10, 11)
    assert c.warn_at == at(2025, 10, 8)
    assert c.ack_warn_at == at(2025, 9, 26, 17, 12)


def test_complaint_across_the_2026_spring_festival(shipped, cal):
    # Fri 2026-02-13 15:00. ack: → 调休 Saturday 2/14 15:00. due: 2/28 15:00. warn: 2/25 15:00.
    # ack warning: Fri 2.5 h + Sat 6.5 h = 9 h; 7.2 h = Fri 2.5 h + Sat 4.7 h → Sat 08:30 + 4:42 = 13:12.
    c = compute_clocks(shipped.get("complaint"), at(2026, 2, 13, 15), cal)
    assert (c.ack_due_at, c.due_at, c.warn_at) == (at(2026, 2, 14, 15), at(2026, 2, 28, 15), at(2026, 2, 25, 15))
    assert c.ack_warn_at == at(2026, 2, 14, 13, 12)


def test_working_hour_deadlines_across_an_evening(shipped, cal):
    # Regulator-referred, Mon 2025-03-10 16:00. ack 4 working hours: 1.5 h Mon + Tue 08:30 + 2.5 h = 11:00.
    # ack warning 3.2 h: 1.5 h Mon + 1.7 h Tue → 10:12. decision 10 calendar days → 3/20 16:00; warn 8 days.
    c = compute_clocks(shipped.get("complaint_regulator_referred"), at(2025, 3, 10, 16), cal)
    assert c.ack_due_at == at(2025, 3, 11, 11)
    assert c.ack_warn_at == at(2025, 3, 11, 10, 12)
    assert (c.due_at, c.warn_at) == (at(2025, 3, 20, 16), at(2025, 3, 18, 16))


def test_working_hours_into_a_tiaoxiu_saturday(shipped, cal):
    # Private inquiry, 8 working hours from Fri 2025-10-10 14:00: 3.5 h Fri, then the working
    # Saturday 10/11: 08:30 + 4.5 h = 13:00. warn 6.4 h: 3.5 h Fri + 2.9 h → Sat 11:24.
    c = compute_clocks(shipped.get("inquiry_private_banking"), at(2025, 10, 10, 14), cal)
    assert (c.due_at, c.warn_at) == (at(2025, 10, 11, 13), at(2025, 10, 11, 11, 24))


def test_working_days_across_a_holiday_and_a_tiaoxiu_saturday(shipped, cal):
    # Request, 5 working days from Tue 2025-09-30 10:00: 10/9, 10/10, 10/11 (Sat, 调休), 10/13, 10/14.
    # warn = 80 % of 45 working hours = 36 h = 4 working days → Mon 10/13 10:00.
    c = compute_clocks(shipped.get("request"), at(2025, 9, 30), cal)
    assert (c.due_at, c.warn_at) == (at(2025, 10, 14), at(2025, 10, 13))
    assert c.ack_due_at == at(2025, 10, 9)


def test_complaint_extensions_first_second_and_no_third(shipped, cal):
    p, accepted = shipped.get("complaint"), at(2025, 9, 26)
    # first: to 30 days from acceptance at any level → 10/26 10:00
    assert extended_due(p, accepted, 0, 1, cal) == at(2025, 10, 26)
    # second: 30 more days, needs level 3
    with pytest.raises(Forbidden) as err:
        extended_due(p, accepted, 1, 2, cal)
    assert err.value.data == {"required_level": 3}
    assert "level 3 (complaint centre)" in err.value.message and "second extension" in err.value.message
    assert extended_due(p, accepted, 1, 3, cal) == at(2025, 11, 25)  # 10/26 + 30 days
    # no third, whatever the level
    with pytest.raises(Conflict, match="no extension left"):
        extended_due(p, accepted, 2, 4, cal)
    # the warning after the first extension: 80 % of 30 days = 24 days → 10/20
    assert clocks_after_extensions(p, accepted, 1, cal).warn_at == at(2025, 10, 20)


def test_request_extension_needs_a_team_lead(shipped, cal):
    p, accepted = shipped.get("request"), at(2025, 9, 30)
    with pytest.raises(Forbidden) as err:
        extended_due(p, accepted, 0, 1, cal)
    assert err.value.data["required_level"] == 2
    # 10/14 + 5 working days: 10/15, 10/16, 10/17, 10/20, 10/21
    assert extended_due(p, accepted, 0, 2, cal) == at(2025, 10, 21)
    with pytest.raises(Conflict):
        extended_due(shipped.get("inquiry"), accepted, 0, 4, cal)


def test_extension_level_comes_from_the_authority_file_when_the_policy_is_silent(cal):
    from xinsheng.cases.authority import load_authority

    ps = load_policies("policies:\n  - {code: d, decision: 1 calendar_day, extensions: [{add: 1 calendar_day}]}\n")
    strict = load_authority("levels:\n  - {level: 1, label: a, compensation_limit_cny: 0}\n"
                            "  - {level: 2, label: b, compensation_limit_cny: 10, extensions: 1}\n")
    with pytest.raises(Forbidden) as err:
        extended_due(ps.get("d"), at(2025, 3, 3), 0, 1, cal, authority=strict)
    assert err.value.data == {"required_level": 2}
    assert extended_due(ps.get("d"), at(2025, 3, 3), 0, 2, cal, authority=strict) == at(2025, 3, 5)


@pytest.mark.parametrize("now, state", [
    (at(2025, 10, 7, 23, 59), "on_track"),
    (at(2025, 10, 8), "warning"),
    (at(2025, 10, 11, 9, 59), "warning"),
    (at(2025, 10, 11), "breached"),
])
def test_sla_state(now, state):
    assert sla_state(now, due_at=at(2025, 10, 11), warn_at=at(2025, 10, 8)) == state


def test_defaults_and_cadence(shipped):
    p = shipped.get("complaint")
    assert p.warn_fraction == 0.8 and str(p.progress_every) == "3 calendar_days" and str(p.ack) == "1 working_days"
    off = load_policies("policies:\n  - {code: d, decision: 2 hours, progress_every: null, warn_fraction: 0.5}\n")
    assert off.get("d").progress_every is None and off.get("d").warn_fraction == 0.5


def test_progress_cadence_is_calendar_days(shipped, cal):
    # every 3 calendar days, holidays included: Tue 9/30 10:00 → Fri 10/3 10:00
    assert next_progress_at(shipped.get("complaint"), at(2025, 9, 30), cal) == at(2025, 10, 3)
    none = load_policies("policies:\n  - {code: d, decision: 2 hours, progress_every: null}\n")
    assert next_progress_at(none.get("d"), at(2025, 9, 30), cal) is None


def test_hours_are_elapsed_time(cal):
    ps = load_policies("policies:\n  - {code: d, ack: 1.5 hours, decision: 48 hours}\n")
    c = compute_clocks(ps.get("d"), at(2025, 3, 8, 23), cal)  # Saturday night
    assert (c.ack_due_at, c.due_at) == (at(2025, 3, 9, 0, 30), at(2025, 3, 10, 23))
    assert c.warn_at == at(2025, 3, 10, 13, 24)  # 38.4 h after acceptance


def test_default_policies_follow_the_setting(tmp_path, monkeypatch):
    from xinsheng.config import get_settings

    own = tmp_path / "p.yaml"
    own.write_text("policies:\n  - {code: all, decision: 7 calendar_days}\n", "utf-8")
    monkeypatch.setenv("XINSHENG_CASES_POLICIES", str(own))
    get_settings.cache_clear()
    try:
        assert default_policies().match(kind="complaint").code == "all"
    finally:
        monkeypatch.delenv("XINSHENG_CASES_POLICIES")
        get_settings.cache_clear()
    assert default_policies().match(kind="complaint").code == "complaint"


BROKEN = [
    ("policies:\n  - code: a\n    decision: 15 days\n", 3, "is not a duration like '15 calendar_days'"),
    ("policies:\n  - code: a\n    decision: 1.5 working_days\n", 3, "whole days"),
    ("policies:\n  - code: a\n    match: {kind: complaint}\n    decision: 1 hours\n", 1, "needs a fallback policy"),
    ("policies:\n  - code: a\n    match: {kinds: complaint}\n    decision: 1 hours\n", 3, "unknown key 'kinds'"),
    ("policies:\n  - code: a\n    match: {kind: complain}\n    decision: 1 hours\n", 3, "unknown 'complain'"),
    ("policies:\n  - {code: a, decision: 1 hours}\n  - {code: a, decision: 2 hours}\n", 3, "used twice (first at line 2)"),
    ("policies:\n  - code: a\n    decision: 1 hours\n    extensions:\n      - {total: 2 hours, add: 1 hours}\n",
     5, "either 'total'"),
    ("policies:\n  - code: a\n    decision: 1 hours\n    warn_fraction: 1.5\n", 4, "number from 0.0 to 1.0"),
    ("policies:\n  - code: a\n", 2, "policy 1 needs 'decision'"),
    ("policies:\n  - code: a\n    decision: [1 hours\n", 4, "not valid YAML"),
    ("defaults:\n  ack: soon\npolicies:\n  - {code: a, decision: 1 hours}\n", 2, "'ack': 'soon' is not a duration"),
    ("policies:\n  - {code: A B, decision: 1 hours}\n", 2, "code 'A B' must be"),
]


@pytest.mark.parametrize("text, line, problem", BROKEN)
def test_a_broken_policy_file_is_refused_with_line_and_problem(text, line, problem):
    with pytest.raises(ConfigFileError) as err:
        load_policies(text, source="bank_sla.yaml")
    assert err.value.message.startswith(f"bank_sla.yaml, line {line}: "), err.value.message
    assert problem in err.value.message
