"""Daily satisfaction sums (``SurveyDaily``), kept as answers are stored, so the satisfaction
figures read a few hundred rows (days × metrics × groups) instead of every answer.

Per local day (``XINSHENG_DISPLAY_TIMEZONE``), metric, channel, segment and tier: the
number of answers, NPS promoters (9–10) and detractors (0–6), CSAT satisfied (4–5), and the
sum and sum of squares of the scores (the CES mean and standard deviation), exactly the
sums ``metrics`` computed from the answers. Counts move in the transaction that stores the
answers, by ``INSERT … ON CONFLICT DO UPDATE SET n = n + excluded.n …`` in key order, so
concurrent writers neither lose nor double-count and a rolled-back answer leaves no trace.
An unknown channel or segment is stored as "" and an unknown tier as 0 (a key is never NULL).
:func:`recount_days` sums days afresh from the answers (for code that removes answers).
"""
from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from xinsheng.config import get_settings
from xinsheng.db import dialect_insert
from xinsheng.surveys.models import SurveyDaily, SurveyResponse

SUMS = ("n", "promoters", "detractors", "satisfied", "total", "total_sq")
Key = tuple[date, str, str, str, int]


def display_tz() -> ZoneInfo:
    return ZoneInfo(get_settings().display_timezone)


def day_start(day: date, tz: ZoneInfo) -> datetime:
    return datetime.combine(day, time(0), tzinfo=tz)


def sums_of(answers: Iterable[tuple[datetime, str, int, str | None, str | None, int | None]],
            tz: ZoneInfo) -> dict[Key, list[int]]:
    """Key -> [n, promoters, detractors, satisfied, total, total_sq] from (answered_at, metric,
    score, channel, segment, tier)."""
    out: dict[Key, list[int]] = {}
    for at, metric, score, channel, segment, tier in answers:
        key = (at.astimezone(tz).date(), metric, channel or "", segment or "", tier or 0)
        s = out.setdefault(key, [0, 0, 0, 0, 0, 0])
        s[0] += 1
        s[1] += score >= 9
        s[2] += score <= 6
        s[3] += score >= 4
        s[4] += score
        s[5] += score * score
    return out


def add_sums(session: Session, delta: dict[Key, list[int]]) -> None:
    """Add ``delta`` to ``SurveyDaily`` (upsert-increment, in key order)."""
    if not delta:
        return
    table = SurveyDaily.__table__
    stmt = dialect_insert(session, table)
    pk = [table.c.day, table.c.metric, table.c.channel, table.c.segment, table.c.tier]
    stmt = stmt.on_conflict_do_update(index_elements=pk,
                                      set_={k: table.c[k] + stmt.excluded[k] for k in SUMS})
    session.connection().execute(stmt, [
        {"day": k[0], "metric": k[1], "channel": k[2], "segment": k[3], "tier": k[4], **dict(zip(SUMS, v))}
        for k, v in sorted(delta.items())])


def count_answers(session: Session, rows: Iterable[SurveyResponse]) -> None:
    """Count answers just stored."""
    add_sums(session, sums_of(((r.answered_at, r.metric, r.score, r.channel, r.segment, r.tier) for r in rows),
                              display_tz()))


def recount_days(session: Session, days: Iterable[date]) -> None:
    """Sum ``days`` (display time zone) afresh from the stored answers."""
    wanted = sorted(set(days))
    if not wanted:
        return
    tz = display_tz()
    R = SurveyResponse
    found = session.execute(select(R.answered_at, R.metric, R.score, R.channel, R.segment, R.tier).where(
        R.answered_at >= day_start(wanted[0], tz), R.answered_at < day_start(wanted[-1] + timedelta(days=1), tz)))
    sums = {k: v for k, v in sums_of(found, tz).items() if k[0] in set(wanted)}
    session.execute(delete(SurveyDaily).where(SurveyDaily.day.in_(wanted)))
    add_sums(session, sums)
