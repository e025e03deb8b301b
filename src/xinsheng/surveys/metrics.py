"""The satisfaction figures read from stored answers: one aggregate query per grouping.

Every figure comes from SQL sums (count, promoters, detractors, satisfied, sum and sum of
squares of CES scores) over ``ix_survey_responses_metric_answered``, so the query reads the
answers of the period once whatever their number; the statistics are ``stats.py``'s.
"""
from __future__ import annotations

from collections import Counter, defaultdict
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import case as when, func, select
from sqlalchemy.orm import Session

from xinsheng.cases.models import Case
from xinsheng.config import get_settings
from xinsheng.surveys import stats
from xinsheng.surveys.models import SurveyInvitation, SurveyResponse

R = SurveyResponse
GROUP_COLUMNS = {"channel": R.channel, "segment": R.segment, "tier": R.tier}
_SUMS = (
    func.count(),
    func.sum(when((R.score >= 9, 1), else_=0)),  # NPS promoters
    func.sum(when((R.score <= 6, 1), else_=0)),  # NPS detractors
    func.sum(when((R.score >= 4, 1), else_=0)),  # CSAT satisfied
    func.sum(R.score),
    func.sum(R.score * R.score),
)


def _period(stmt, since: datetime | None, until: datetime | None):
    if since is not None:
        stmt = stmt.where(R.answered_at >= since)
    if until is not None:
        stmt = stmt.where(R.answered_at < until)
    return stmt


def figure(metric: str, n: int, prom: int, det: int, sat: int, total: int, total_sq: int,
           min_n: int) -> stats.Figure:
    if metric == "nps":
        return stats.nps(prom, det, n, min_n)
    if metric == "csat":
        return stats.csat(sat, n, min_n)
    return stats.ces(float(total), float(total_sq), n, min_n)


def _figures(rows, min_n: int) -> dict[str, dict]:
    found = {m: (0, 0, 0, 0, 0, 0) for m in ("nps", "csat", "ces")}
    for metric, *sums in rows:
        found[metric] = tuple(int(x or 0) for x in sums)
    return {m: figure(m, *found[m], min_n=min_n).to_dict() for m in found}


def satisfaction_report(session: Session, *, since: datetime | None = None, until: datetime | None = None,
                        by: str | None = None, min_n: int = stats.MIN_N) -> dict:
    """``{"nps": figure, "csat": …, "ces": …, "groups": [{"group", "nps", "csat", "ces"}]}``."""
    overall = session.execute(_period(select(R.metric, *_SUMS), since, until).group_by(R.metric)).all()
    out = {**_figures(overall, min_n), "min_n": min_n, "groups": []}
    if by:
        col = GROUP_COLUMNS[by]
        rows = session.execute(_period(select(col, R.metric, *_SUMS), since, until).group_by(col, R.metric)).all()
        grouped: dict = defaultdict(list)
        for key, *rest in rows:
            grouped[key].append(rest)
        out["groups"] = [{"group": key, **_figures(grouped[key], min_n)}
                         for key in sorted(grouped, key=lambda k: (k is None, str(k)))]
    return out


def weekly(session: Session, *, since: datetime, until: datetime, min_n: int = stats.MIN_N) -> dict:
    """Per metric, [(monday, figure)] of each week (local time), weeks below ``min_n`` left out."""
    tz = ZoneInfo(get_settings().display_timezone)
    start, end = since.astimezone(tz).date(), until.astimezone(tz).date()
    mondays = [start - timedelta(days=start.weekday())]
    while mondays[-1] + timedelta(days=7) <= end:
        mondays.append(mondays[-1] + timedelta(days=7))
    out: dict[str, list] = {"nps": [], "csat": [], "ces": []}
    for monday in mondays:
        lo = datetime.combine(monday, datetime.min.time(), tzinfo=tz)
        rep = satisfaction_report(session, since=max(lo, since), until=min(lo + timedelta(days=7), until),
                                  min_n=min_n)
        for m in out:
            if rep[m]["value"] is not None:
                out[m].append((monday.isoformat(), rep[m]))
    return out


def response_rate(session: Session, *, since: datetime, until: datetime) -> dict:
    invited, answered = session.execute(select(
        func.count(), func.sum(when((SurveyInvitation.answered_at.is_not(None), 1), else_=0))).where(
        SurveyInvitation.invited_at >= since, SurveyInvitation.invited_at < until)).one()
    invited, answered = int(invited or 0), int(answered or 0)
    return {"invited": invited, "answered": answered,
            "rate": round(100 * answered / invited, 1) if invited else None}


def detractor_topics(session: Session, *, since: datetime, until: datetime, limit: int = 5000) -> list:
    """(topic code, stored label, count) of the comments of bad scores, most frequent first."""
    bad = ((R.metric == "nps") & (R.score <= 6)) | ((R.metric == "csat") & (R.score <= 2)) | (
        (R.metric == "ces") & (R.score >= 6))
    counts: Counter = Counter()
    for analysis in session.scalars(select(R.analysis).where(
            bad, R.comment.is_not(None), R.answered_at >= since, R.answered_at < until)
            .order_by(R.answered_at.desc()).limit(limit)):
        for t in (analysis or {}).get("topics", [])[:1]:
            counts[(t["code"], t["label"])] += 1
    return [(code, label, n) for (code, label), n in counts.most_common(10)]


def followups(session: Session, *, since: datetime, until: datetime) -> dict:
    """Follow-up cases of the period's answers: open, closed, and closed with the customer told
    what was done (``loop.PURPOSE`` queued or sent)."""
    from xinsheng.notify.models import Notification
    from xinsheng.surveys.loop import PURPOSE, TOLD

    period = (R.answered_at >= since, R.answered_at < until)
    rows = session.execute(select(Case.status, func.count()).join(R, R.followup_case_ref == Case.case_ref).where(
        *period).group_by(Case.status)).all()
    closed = sum(n for status, n in rows if status == "closed")
    told = session.scalar(select(func.count(func.distinct(R.id))).join(Case, R.followup_case_ref == Case.case_ref)
                          .join(Notification, (Notification.subject_ref == Case.case_ref)
                                & (Notification.purpose == PURPOSE) & Notification.status.in_(TOLD))
                          .where(*period, Case.status == "closed"))
    return {"open": sum(n for _, n in rows) - closed, "closed": closed, "closed_told": int(told or 0)}
