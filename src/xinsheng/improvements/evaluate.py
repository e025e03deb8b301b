"""The measured effect of a shipped action: its metric in the N days before the ship date
against the N days after (full local days only, so "after" grows until it has N days).

* topic: the topic's daily counts of customer texts (``topic_daily``, a parent code sums its
  children) over the bank's customers: contacts per 10,000 customers per day;
* touchpoint ``channel[/event]``: CSAT or CES of the survey answers about that channel (the
  daily sums ``survey_daily``), or about that event (its answers joined to the surveyed contacts),
  by the local day they were answered;
* journey step: no automatic metric (the verdict says so).
"""
from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import case as when, func, or_, select
from sqlalchemy.orm import Session

from xinsheng.config import get_settings
from xinsheng.customers.models import Customer
from xinsheng.improvements import effect, wording
from xinsheng.improvements.models import ImprovementAction
from xinsheng.improvements.problems import split_touchpoint
from xinsheng.interactions.models import ALL_TEXTS, Interaction, TopicDaily
from xinsheng.surveys.models import SurveyDaily, SurveyResponse as R


def _tz() -> ZoneInfo:
    return ZoneInfo(get_settings().display_timezone)


def _utc(day: date, tz: ZoneInfo) -> datetime:
    return datetime.combine(day, time.min, tzinfo=tz)


def topic_filter(code: str):
    return or_(TopicDaily.topic_code == code, TopicDaily.topic_code.like(code.replace("_", r"\_") + ".%", escape="\\"))


def topic_daily(session: Session, code: str, start: date, end: date) -> dict[date, int]:
    rows = session.execute(select(TopicDaily.day, func.sum(TopicDaily.texts)).where(
        topic_filter(code), TopicDaily.day >= start, TopicDaily.day < end).group_by(TopicDaily.day)).all()
    return {d: int(n or 0) for d, n in rows}


def _daily_sums(session: Session, metric: str, channel: str, start: date, end: date) -> tuple:
    """(n, satisfied, total, total_sq) from the daily satisfaction sums of whole local days."""
    n, sat, total, sq = session.execute(select(
        func.sum(SurveyDaily.n), func.sum(SurveyDaily.satisfied), func.sum(SurveyDaily.total),
        func.sum(SurveyDaily.total_sq)).where(SurveyDaily.metric == metric, SurveyDaily.channel == channel,
                                              SurveyDaily.day >= start, SurveyDaily.day < end)).one()
    return int(n or 0), int(sat or 0), float(total or 0), float(sq or 0)


def _answers(session: Session, metric: str, touchpoint: str, start: date, end: date, tz: ZoneInfo) -> tuple:
    """A channel's sums come from ``survey_daily``; a channel/event's from its answers joined to
    the surveyed contacts (the daily sums do not know the event)."""
    channel, event = split_touchpoint(touchpoint)
    if not event:
        return _daily_sums(session, metric, channel, start, end)
    start, end = _utc(start, tz), _utc(end, tz)
    stmt = select(func.count(), func.sum(when((R.score >= 4, 1), else_=0)), func.sum(R.score),
                  func.sum(R.score * R.score)).where(
        R.metric == metric, R.channel == channel, R.answered_at >= start, R.answered_at < end)
    if event:
        stmt = stmt.join(Interaction, Interaction.id == R.interaction_id).where(Interaction.event == event)
    n, sat, total, sq = session.execute(stmt).one()
    return int(n or 0), int(sat or 0), float(total or 0), float(sq or 0)


def evaluate(session: Session, action: ImprovementAction, *, now: datetime, days: int | None = None) -> dict:
    """The before/after of ``action`` as of ``now`` (``days``: the window, default the action's)."""
    days = days or action.window_days
    tz = _tz()
    out = {"ref": action.ref, "metric": action.metric, "window_days": days,
           "shipped_on": action.shipped_on.isoformat() if action.shipped_on else None,
           "before": None, "after": None, "diff": None, "ci95": None, "significant": False, "daily": []}
    if action.metric == "none":
        return _finish(out, None, "no_metric", action.metric, days)
    today = now.astimezone(tz).date()
    if action.shipped_on is None or action.shipped_on >= today:
        return _finish(out, None, "too_early", action.metric, days)
    ship = action.shipped_on
    b0, a1 = ship - timedelta(days=days), min(ship + timedelta(days=days), today)
    out["windows"] = {"before": [b0.isoformat(), ship.isoformat()], "after": [ship.isoformat(), a1.isoformat()]}
    after_days = (a1 - ship).days
    if action.metric == "topic_rate":
        first = session.scalar(select(func.min(TopicDaily.day)).where(TopicDaily.topic_code == ALL_TEXTS))
        b0 = max(b0, first) if first is not None and first < ship else b0  # no counts before the data began
        out["windows"]["before"][0] = b0.isoformat()
        counts = topic_daily(session, action.problem_ref, b0, a1)
        customers = session.scalar(select(func.count()).select_from(Customer)) or 0
        k0 = sum(n for d, n in counts.items() if d < ship)
        k1 = sum(n for d, n in counts.items() if d >= ship)
        change = effect.topic_rate_change(k0, customers * (ship - b0).days, k1, customers * after_days)
        out["customers"] = customers
        out["daily"] = [((b0 + timedelta(days=i)).isoformat(),
                         round(effect.PER * counts.get(b0 + timedelta(days=i), 0) / customers, 3) if customers else None)
                        for i in range((a1 - b0).days)]
    else:
        n0, s0, t0, q0 = _answers(session, action.metric, action.problem_ref, b0, ship, tz)
        n1, s1, t1, q1 = _answers(session, action.metric, action.problem_ref, ship, a1, tz)
        change = (effect.csat_change(s0, n0, s1, n1) if action.metric == "csat"
                  else effect.ces_change(t0, q0, n0, t1, q1, n1))
    out["after_days"] = after_days
    return _finish(out, change, change.verdict, action.metric, days)


def _finish(out: dict, change: effect.Change | None, verdict: str, metric: str, days: int) -> dict:
    if change is not None:
        d = change.to_dict()
        out.update(before=d["before"], after=d["after"], diff=d["diff"], ci95=d["ci95"], significant=d["significant"])
    out["verdict"] = verdict
    out["verdict_zh"] = wording.sentence(metric, change, verdict, "zh", days)
    out["verdict_en"] = wording.sentence(metric, change, verdict, "en", days)
    return out
