"""Trigger and fatigue rules on hand-built timelines (no database)."""
from __future__ import annotations

import hashlib
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from xinsheng.errors import InvalidInput
from xinsheng.surveys.definitions import load_config, parse_config
from xinsheng.surveys.selection import CustomerState, SurveyEvent, decide, quiet_until, sample_value

SH = ZoneInfo("Asia/Shanghai")
CONFIG = parse_config("""
surveys:
  csat: {metric: csat, question: {zh: 满意吗, en: Satisfied}, low: {zh: 低, en: low}, high: {zh: 高, en: high}}
  ces: {metric: ces, question: {zh: 费力吗, en: Effort}, low: {zh: 低, en: low}, high: {zh: 高, en: high}}
triggers:
  - {code: closed, after: case_closed, survey: csat, sampling: 1.0}
  - {code: calls, after: contact, channels: [phone], events: [call], survey: csat, sampling: 1.0}
  - {code: app, after: contact, channels: [app], outcomes: [failed], survey: ces, sampling: 1.0}
  - {code: half, after: contact, channels: [branch], survey: csat, sampling: 0.5}
fatigue: {days_between: 30, quiet_hours: "21:00-08:00", expires_days: 7, max_delay_hours: 48}
""")


def at(day: int, hh: int, mm: int = 0) -> datetime:
    """A Shanghai time in October 2026."""
    return datetime(2026, 10, day, hh, mm, tzinfo=SH)


def call(when: datetime, customer: int | None = 1, key: str = "contact:1", **kw) -> SurveyEvent:
    fields = {"channel": "phone", "event": "call"} | kw
    return SurveyEvent(key=key, after="contact", at=when, customer_id=customer, **fields)


def run(ev: SurveyEvent, now: datetime, **state):
    return decide(ev, CustomerState(**state), CONFIG, now=now, tz=SH)


def test_a_plain_call_in_the_afternoon_invites_to_csat():
    d = run(call(at(5, 14)), at(5, 14, 5))
    assert (d.invite, d.reason, d.survey, d.trigger) == (True, "invite", "csat", "calls")


def test_triggers_match_channel_event_and_outcome():
    assert run(call(at(5, 14), channel="app", event="transfer", outcome="failed"), at(5, 15)).survey == "ces"
    assert run(call(at(5, 14), channel="app", event="transfer", outcome="ok"), at(5, 15)).reason == "no_trigger"
    assert run(call(at(5, 14), event="ivr_menu"), at(5, 15)).reason == "no_trigger"
    assert run(call(at(5, 14), channel="email", event="call"), at(5, 15)).reason == "no_trigger"


def test_anonymous_contacts_are_not_surveyed():
    assert run(call(at(5, 14), customer=None), at(5, 15)).reason == "no_customer"


@pytest.mark.parametrize("now, quiet, retry", [
    (at(5, 20, 59), False, None),
    (at(5, 21, 0), True, at(6, 8)),
    (at(5, 23, 30), True, at(6, 8)),
    (at(6, 0, 10), True, at(6, 8)),
    (at(6, 7, 59), True, at(6, 8)),
    (at(6, 8, 0), False, None),
])
def test_quiet_hours_defer_until_their_end(now, quiet, retry):
    d = run(call(at(5, 20, 30)), now)
    assert d.invite is not quiet
    assert d.reason == ("quiet_hours" if quiet else "invite")
    assert d.retry_at == retry


def test_quiet_hours_are_local_time_whatever_zone_now_is_in():
    # 13:30 UTC is 21:30 in Shanghai: quiet, until 08:00 Shanghai = 00:00 UTC
    now = datetime(2026, 10, 5, 13, 30, tzinfo=timezone.utc)
    assert quiet_until(now, CONFIG.fatigue, SH) == datetime(2026, 10, 6, 0, 0, tzinfo=timezone.utc)


def test_an_open_complaint_blocks_every_survey_but_its_own_closing_one():
    assert run(call(at(5, 14)), at(5, 15), open_complaints=["CS1"]).reason == "open_complaint"
    closing = SurveyEvent(key="case:CS1", after="case_closed", at=at(5, 14), customer_id=1, kind="complaint",
                          case_ref="CS1")
    assert run(closing, at(5, 15), open_complaints=["CS1"]).invite  # its own closing survey
    assert run(closing, at(5, 15), open_complaints=["CS1", "CS2"]).reason == "open_complaint"  # another still open
    assert run(closing, at(5, 15)).invite


def test_an_opted_out_customer_is_never_invited():
    assert run(call(at(5, 14)), at(5, 15), opted_out=True).reason == "opted_out"
    closing = SurveyEvent(key="case:CS1", after="case_closed", at=at(5, 14), customer_id=1, kind="complaint",
                          case_ref="CS1")
    assert run(closing, at(5, 15), opted_out=True).reason == "opted_out"


def test_one_invitation_per_customer_per_n_days():
    invited = [at(1, 10)]  # 1 October 10:00
    # 30 days later minus a minute: still refused; exactly 30 days later: allowed
    assert run(call(at(31, 9, 59) - timedelta(days=0), key="contact:9"), at(31, 9, 59),
               invited_at=invited).reason == "recent_invitation"
    assert run(call(at(31, 9, 0), key="contact:9"), at(31, 10), invited_at=invited).invite
    assert run(call(at(20, 9, 0), key="contact:9"), at(20, 10), invited_at=invited).reason == "recent_invitation"


def test_a_contact_older_than_the_delay_is_not_surveyed():
    assert run(call(at(3, 14)), at(5, 14)).invite  # exactly 48 hours
    assert run(call(at(3, 14)), at(5, 14, 1)).reason == "too_old"


def test_sampling_is_a_stable_hash_of_the_key():
    for key in ("contact:1", "contact:2", "case:CS9"):
        expected = int(hashlib.sha256(key.encode()).hexdigest()[:16], 16) / 2**64
        assert sample_value(key) == expected
    keys = [f"contact:{i}" for i in range(400)]
    chosen = [k for k in keys if run(call(at(5, 14), channel="branch", event="visit", key=k), at(5, 15)).invite]
    expected = [k for k in keys if int(hashlib.sha256(k.encode()).hexdigest()[:16], 16) / 2**64 < 0.5]
    assert chosen == expected and 150 < len(chosen) < 250


def test_the_shipped_file_loads_with_the_three_standard_surveys():
    cfg = load_config()
    assert {s.metric: s.scale for s in cfg.surveys.values()} == {"csat": (1, 5), "nps": (0, 10), "ces": (1, 7)}
    assert cfg.by_metric("ces").question["zh"].startswith("办理这件事费力吗")


@pytest.mark.parametrize("text, field", [
    ("surveys: {x: {metric: stars}}", "surveys.x.metric"),
    ("surveys: {x: {metric: csat, question: {zh: 好}}}", "surveys.x.question"),
    ("surveys: {x: {metric: csat, question: {zh: a, en: b}, low: {zh: a, en: b}, high: {zh: a, en: b}}}\n"
     "triggers: [{after: contact, survey: y}]", "triggers[0].survey"),
    ("surveys: {x: {metric: csat, question: {zh: a, en: b}, low: {zh: a, en: b}, high: {zh: a, en: b}}}\n"
     "triggers: [{after: contact, survey: x, sampling: 2}]", "triggers[0].sampling"),
    ("surveys: {x: {metric: csat, question: {zh: a, en: b}, low: {zh: a, en: b}, high: {zh: a, en: b}}}\n"
     "fatigue: {quiet_hours: late}", "fatigue.quiet_hours"),
])
def test_a_broken_file_names_the_place(text, field):
    with pytest.raises(InvalidInput) as exc:
        parse_config(text)
    assert exc.value.data["field"] == field
