"""Who is invited to which survey: a pure function of one event (a contact, or a case that
closed), the customer's state (opted out, recent invitations, open complaints) and the
configuration. No database here, so a timeline can be tested by hand.

Rules, in the order they are checked (the first that refuses gives the reason):

1. ``no_customer``: an anonymous contact is never surveyed;
2. ``no_trigger``: no trigger covers the event (after, channel, event, outcome, case kind);
3. ``too_old``: the event is older than ``max_delay_hours`` when selection runs;
4. ``opted_out``: the customer opted out of surveys (never invited);
5. ``open_complaint``: a complaint of theirs is open (the closing survey of a complaint is
   allowed: the complaint that just closed is not open any more, others still block);
6. ``recent_invitation``: they were invited less than ``days_between`` days ago;
7. ``not_sampled``: the trigger's sampling rate left the event out. Sampling is a stable
   hash of the event's key, so running selection twice decides the same;
8. ``quiet_hours``: ``now`` is inside the quiet hours (local time): not now, ``retry_at`` says
   when (the end of the quiet hours); selection run then invites.
"""
from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta, tzinfo

from xinsheng.surveys.definitions import Fatigue, SurveyConfig, Trigger


@dataclass(frozen=True)
class SurveyEvent:
    """A contact (``after="contact"``) or a closed case (``after="case_closed"``)."""

    key: str  # "contact:<interaction id>" or "case:<case_ref>": one invitation per key
    after: str
    at: datetime
    customer_id: int | None
    channel: str | None = None
    event: str | None = None
    outcome: str | None = None
    kind: str | None = None  # the case's kind
    case_ref: str | None = None  # the case that closed
    interaction_id: int | None = None


@dataclass(frozen=True)
class CustomerState:
    opted_out: bool = False
    invited_at: Sequence[datetime] = ()  # their earlier invitations
    open_complaints: Sequence[str] = ()  # case_refs of their complaints not closed


@dataclass(frozen=True)
class Decision:
    invite: bool
    reason: str  # "invite" or why not
    survey: str | None = None
    trigger: str | None = None
    retry_at: datetime | None = None
    extra: dict = field(default_factory=dict)


def sample_value(key: str) -> float:
    """A number in [0, 1) fixed by ``key`` (SHA-256), so sampling is repeatable."""
    return int.from_bytes(hashlib.sha256(key.encode("utf-8")).digest()[:8], "big") / 2**64


def quiet_until(now: datetime, fatigue: Fatigue, tz: tzinfo) -> datetime | None:
    """The end of the quiet hours if ``now`` is inside them (local time), else None."""
    start, end = fatigue.quiet_start, fatigue.quiet_end
    if start is None or end is None or start == end:
        return None
    local = now.astimezone(tz)
    t = local.time().replace(tzinfo=None)
    inside = (start <= t or t < end) if start > end else (start <= t < end)
    if not inside:
        return None
    day = local.date() if t < end else local.date() + timedelta(days=1)
    return datetime.combine(day, end, tzinfo=tz)


def trigger_for(config: SurveyConfig, ev: SurveyEvent) -> Trigger | None:
    return next((t for t in config.triggers if t.matches(
        ev.after, channel=ev.channel, event=ev.event, outcome=ev.outcome, kind=ev.kind)), None)


def decide(ev: SurveyEvent, state: CustomerState, config: SurveyConfig, *, now: datetime,
           tz: tzinfo) -> Decision:
    """Whether ``ev`` invites its customer to a survey now, and which; else why not."""
    if ev.customer_id is None:
        return Decision(False, "no_customer")
    trig = trigger_for(config, ev)
    if trig is None:
        return Decision(False, "no_trigger")
    fat = config.fatigue
    found = {"survey": trig.survey, "trigger": trig.code}
    if now - ev.at > timedelta(hours=fat.max_delay_hours):
        return Decision(False, "too_old", **found)
    if state.opted_out:
        return Decision(False, "opted_out", **found)
    if any(ref != ev.case_ref for ref in state.open_complaints):
        return Decision(False, "open_complaint", **found)
    limit = timedelta(days=fat.days_between)
    if any(now - at < limit for at in state.invited_at):
        return Decision(False, "recent_invitation", **found)
    if sample_value(ev.key) >= trig.sampling:
        return Decision(False, "not_sampled", **found)
    wait = quiet_until(now, fat, tz)
    if wait is not None:
        return Decision(False, "quiet_hours", retry_at=wait, **found)
    return Decision(True, "invite", **found)
