"""Read-only aggregates for the complaint monitor (投诉监控): each one GROUP BY in SQL.

* the pyramid: open cases per authority level and service tier;
* SLA state of open cases (on track, warning, breached) as of ``now``: the stored state,
  raised by the clocks themselves (a case past its ``warn_at`` or ``due_at`` counts as
  warning or breached even before the next sweep has marked it);
* ageing: open cases by working days since acceptance, in buckets. A case's age is the
  number of working days after the day it was accepted, up to and including today (in
  the business calendar's time zone): accepted today, or on the weekend before a Monday
  that is today, is 0. The bucket edges are computed from the calendar and the count is
  one ``CASE`` over ``accepted_at``;
* escalations by rule and day over the last ``days`` days (days in the calendar's zone);
* root causes of complaints closed in the last ``days`` days.

No personal data: counts only. Every function takes ``now`` so a page and a test agree.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone

from sqlalchemy import case, func, literal, or_, select
from sqlalchemy.orm import Session

from xinsheng.cases.models import OPEN_STATUSES, SLA_STATES, Case, CaseEscalation

#: ageing buckets: (first, last) working days; ``None`` is open-ended
AGE_BUCKETS: tuple[tuple[int, int | None], ...] = ((0, 1), (2, 3), (4, 5), (6, 10), (11, None))
_OPEN = Case.status.in_(OPEN_STATUSES)


@dataclass
class MonitorReport:
    as_of: datetime
    days: int
    #: (authority level, tier) -> open cases
    pyramid: dict[tuple[int, int], int] = field(default_factory=dict)
    sla: dict[str, int] = field(default_factory=dict)
    #: ((first, last), open cases) per bucket, youngest first
    ageing: list[tuple[tuple[int, int | None], int]] = field(default_factory=list)
    #: (day, rule) -> escalations
    escalations: dict[tuple[date, str], int] = field(default_factory=dict)
    root_causes: dict[str, int] = field(default_factory=dict)
    day_list: list[date] = field(default_factory=list)

    @property
    def open_total(self) -> int:
        return sum(self.pyramid.values())


def pyramid(session: Session) -> dict[tuple[int, int], int]:
    """Open cases per (authority level, tier)."""
    stmt = (select(Case.authority_level, Case.tier, func.count()).where(_OPEN)
            .group_by(Case.authority_level, Case.tier))
    return {(int(level), int(tier)): n for level, tier, n in session.execute(stmt)}


def _state(now: datetime):
    return case(
        (or_(Case.sla_state == "breached", Case.due_at <= now), literal("breached")),
        (or_(Case.sla_state == "warning", Case.warn_at <= now), literal("warning")),
        else_=literal("on_track"),
    )


def sla_counts(session: Session, now: datetime) -> dict[str, int]:
    """Open cases per SLA state as of ``now`` (every state present, 0 when none)."""
    state = _state(now)
    counts = dict.fromkeys(SLA_STATES, 0)
    for s, n in session.execute(select(state, func.count()).where(_OPEN).group_by(state)):
        counts[s] = n
    return counts


def working_day_edges(calendar, now: datetime, thresholds: list[int]) -> list[datetime]:
    """For each ``k`` in ``thresholds``: the instant before which a case accepted has an age
    of ``k`` working days or more (local midnight of the k-th working day back from today,
    today included when it is a working day)."""
    today = calendar.local(now).date()
    edges, seen, d = [], 0, today
    for k in sorted(thresholds):
        while seen < k:
            if calendar.is_working_day(d):
                seen += 1
                day = d
            d -= timedelta(days=1)
        edges.append(datetime.combine(day, time(0), tzinfo=calendar.tz).astimezone(timezone.utc))
    return edges


def _bucket(calendar, now: datetime):
    """The ageing bucket's index (``AGE_BUCKETS``); -1 for a case without acceptance time."""
    starts = [first for first, _ in AGE_BUCKETS[1:]]
    edges = working_day_edges(calendar, now, starts)
    # oldest bucket first: accepted before the edge of k working days -> age >= k
    whens = [(Case.accepted_at < edge, literal(i + 1)) for i, edge in reversed(list(enumerate(edges)))]
    return case((Case.accepted_at.is_(None), literal(-1)), *whens, else_=literal(0))


def _ageing_list(counts: dict[int, int]) -> list[tuple[tuple[int, int | None], int]]:
    return [(b, counts.get(i, 0)) for i, b in enumerate(AGE_BUCKETS)]


def ageing(session: Session, calendar, now: datetime) -> list[tuple[tuple[int, int | None], int]]:
    """Open cases per ageing bucket (``AGE_BUCKETS``), youngest first."""
    bucket = _bucket(calendar, now)
    return _ageing_list(dict(session.execute(select(bucket, func.count()).where(_OPEN).group_by(bucket)).all()))


def open_summary(session: Session, calendar, now: datetime):
    """(pyramid, SLA states, ageing) of the open cases in one pass: one GROUP BY over
    (level, tier, SLA state, ageing bucket), summed up here (what the monitor page uses)."""
    state, bucket = _state(now), _bucket(calendar, now)
    stmt = (select(Case.authority_level, Case.tier, state, bucket, func.count()).where(_OPEN)
            .group_by(Case.authority_level, Case.tier, state, bucket))
    pyr: dict[tuple[int, int], int] = {}
    sla = dict.fromkeys(SLA_STATES, 0)
    ages: dict[int, int] = {}
    for level, tier, st, b, n in session.execute(stmt):
        key = (int(level), int(tier))
        pyr[key] = pyr.get(key, 0) + n
        sla[st] += n
        ages[b] = ages.get(b, 0) + n
    return pyr, sla, _ageing_list(ages)


def day_starts(calendar, now: datetime, days: int) -> list[tuple[date, datetime]]:
    """The last ``days`` local days up to today, oldest first, with each day's start in UTC."""
    today = calendar.local(now).date()
    out = []
    for back in range(days - 1, -1, -1):
        d = today - timedelta(days=back)
        out.append((d, datetime.combine(d, time(0), tzinfo=calendar.tz).astimezone(timezone.utc)))
    return out


def escalations_by_rule(session: Session, calendar, now: datetime, days: int) -> tuple[list[date], dict]:
    """(days, {(day, rule): escalations}) over the last ``days`` local days up to ``now``."""
    starts = day_starts(calendar, now, days)
    whens = [(CaseEscalation.at >= start, literal(i)) for i, (_, start) in reversed(list(enumerate(starts)))]
    bucket = case(*whens, else_=literal(-1))
    stmt = (select(bucket, CaseEscalation.rule, func.count())
            .where(CaseEscalation.at >= starts[0][1], CaseEscalation.at <= now)
            .group_by(bucket, CaseEscalation.rule))
    day_list = [d for d, _ in starts]
    return day_list, {(day_list[i], rule): n for i, rule, n in session.execute(stmt) if i >= 0}


def root_causes(session: Session, now: datetime, days: int) -> dict[str, int]:
    """Closed complaints of the last ``days`` days per root cause (``None``: not recorded)."""
    since = now - timedelta(days=days)
    stmt = (select(Case.root_cause, func.count())
            .where(Case.kind == "complaint", Case.status == "closed", Case.closed_at >= since,
                   Case.closed_at <= now)
            .group_by(Case.root_cause))
    return {rc or "": n for rc, n in session.execute(stmt)}


def monitor_report(session: Session, calendar, now: datetime, days: int = 30) -> MonitorReport:
    """Everything the monitor page shows, as of ``now``."""
    day_list, escalations = escalations_by_rule(session, calendar, now, days)
    pyr, sla, ages = open_summary(session, calendar, now)
    return MonitorReport(
        as_of=now, days=days, pyramid=pyr, sla=sla, ageing=ages, escalations=escalations,
        root_causes=root_causes(session, now, days), day_list=day_list,
    )
