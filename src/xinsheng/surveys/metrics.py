"""The satisfaction figures: sums of the stored answers, read from the daily sums.

Every figure comes from sums (count, promoters, detractors, satisfied, sum and sum of
squares of the scores); the statistics are ``stats.py``'s. The whole local days of a period
are read from ``survey_daily`` (``daily.py``, kept as answers are stored), the pieces of a
day at either end from the answers themselves (``ix_survey_responses_metric_answered``), so
a period of any length reads a few hundred aggregate rows plus at most two partial days,
and the result is the same as summing every answer.
"""
from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import case as when, func, select
from sqlalchemy.orm import Session

from xinsheng.cases.models import Case
from xinsheng.config import get_settings
from xinsheng.surveys import stats
from xinsheng.surveys.daily import day_start
from xinsheng.surveys.models import SurveyDaily, SurveyInvitation, SurveyResponse

R = SurveyResponse
D = SurveyDaily
METRICS = ("nps", "csat", "ces")
GROUP_COLUMNS = {"channel": R.channel, "segment": R.segment, "tier": R.tier}
_SUMS = (
    func.count(),
    func.sum(when((R.score >= 9, 1), else_=0)),  # NPS promoters
    func.sum(when((R.score <= 6, 1), else_=0)),  # NPS detractors
    func.sum(when((R.score >= 4, 1), else_=0)),  # CSAT satisfied
    func.sum(R.score),
    func.sum(R.score * R.score),
)
_DAILY = tuple(func.sum(c) for c in (D.n, D.promoters, D.detractors, D.satisfied, D.total, D.total_sq))


def _period(stmt, since: datetime | None, until: datetime | None):
    if since is not None:
        stmt = stmt.where(R.answered_at >= since)
    if until is not None:
        stmt = stmt.where(R.answered_at < until)
    return stmt


def split_period(since: datetime | None, until: datetime | None, tz: ZoneInfo
                 ) -> tuple[list[tuple[datetime | None, datetime | None]], tuple[date | None, date | None] | None]:
    """([since, until) pieces read from the answers], (first, end) whole days read from the sums)."""
    first = end = None
    if since is not None:
        local = since.astimezone(tz)
        first = local.date() + timedelta(days=0 if day_start(local.date(), tz) == local else 1)
    if until is not None:
        end = until.astimezone(tz).date()
    if first is not None and end is not None and first >= end:
        return [(since, until)], None
    pieces = []
    if first is not None and day_start(first, tz) > since:
        pieces.append((since, day_start(first, tz)))
    if end is not None and day_start(end, tz) < until:
        pieces.append((day_start(end, tz), until))
    return pieces, (first, end)


def period_sums(session: Session, since: datetime | None, until: datetime | None,
                by: str | None = None) -> dict[tuple, list[int]]:
    """(group value or None, metric) -> [n, promoters, detractors, satisfied, total, total_sq]."""
    pieces, days = split_period(since, until, ZoneInfo(get_settings().display_timezone))
    out: dict[tuple, list[int]] = defaultdict(lambda: [0, 0, 0, 0, 0, 0])

    def add(key, sums) -> None:
        acc = out[key]
        for i, x in enumerate(sums):
            acc[i] += int(x or 0)

    raw_col = GROUP_COLUMNS[by] if by else None
    for lo, hi in pieces:  # metric IN (…): the range is read from ix_survey_responses_metric_answered
        cols = (raw_col, R.metric) if by else (R.metric,)
        stmt = _period(select(*cols, *_SUMS).where(R.metric.in_(METRICS)), lo, hi)
        for row in session.execute(stmt.group_by(*cols)):
            add((row[0] if by else None, row[-7]), row[-6:])
    if days is not None:
        col = getattr(D, by) if by else None
        cols = (col, D.metric) if by else (D.metric,)
        stmt = select(*cols, *_DAILY).group_by(*cols)
        if days[0] is not None:
            stmt = stmt.where(D.day >= days[0])
        if days[1] is not None:
            stmt = stmt.where(D.day < days[1])
        for row in session.execute(stmt):
            group = (row[0] or None) if by else None  # "" and tier 0 stand for unknown
            add((group, row[-7]), row[-6:])
    return out


def figure(metric: str, n: int, prom: int, det: int, sat: int, total: int, total_sq: int,
           min_n: int) -> stats.Figure:
    if metric == "nps":
        return stats.nps(prom, det, n, min_n)
    if metric == "csat":
        return stats.csat(sat, n, min_n)
    return stats.ces(float(total), float(total_sq), n, min_n)


def _figures(found: dict[str, list[int]], min_n: int) -> dict[str, dict]:
    return {m: figure(m, *found.get(m, (0, 0, 0, 0, 0, 0)), min_n=min_n).to_dict() for m in ("nps", "csat", "ces")}


def satisfaction_report(session: Session, *, since: datetime | None = None, until: datetime | None = None,
                        by: str | None = None, min_n: int = stats.MIN_N) -> dict:
    """``{"nps": figure, "csat": …, "ces": …, "groups": [{"group", "nps", "csat", "ces"}]}``."""
    overall = {metric: sums for (_, metric), sums in period_sums(session, since, until).items()}
    out = {**_figures(overall, min_n), "min_n": min_n, "groups": []}
    if by:
        grouped: dict = defaultdict(dict)
        for (key, metric), sums in period_sums(session, since, until, by).items():
            grouped[key][metric] = sums
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
    # a CASE, not an OR of metrics: the commented answers are read from their partial index
    bad = when((R.metric == "nps", R.score <= 6), (R.metric == "csat", R.score <= 2), (R.metric == "ces", R.score >= 6),
               else_=False).is_(True)
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

    period = (R.answered_at >= since, R.answered_at < until, R.followup_case_ref.is_not(None))  # partial index
    rows = session.execute(select(Case.status, func.count()).join(R, R.followup_case_ref == Case.case_ref).where(
        *period).group_by(Case.status)).all()
    closed = sum(n for status, n in rows if status == "closed")
    told = session.scalar(select(func.count(func.distinct(R.id))).join(Case, R.followup_case_ref == Case.case_ref)
                          .join(Notification, (Notification.subject_ref == Case.case_ref)
                                & (Notification.purpose == PURPOSE) & Notification.status.in_(TOLD))
                          .where(*period, Case.status == "closed"))
    return {"open": sum(n for _, n in rows) - closed, "closed": closed, "closed_told": int(told or 0)}
