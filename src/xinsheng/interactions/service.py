"""Reads of interactions: the customer timeline and channel statistics."""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from xinsheng.interactions.models import ChannelDaily, Interaction, InteractionAnalysis
from xinsheng.interactions.schemas import AnalysisRead, TimelineItem, TimelinePage

MAX_PAGE = 200


def _analysis(row: InteractionAnalysis | None) -> AnalysisRead | None:
    if row is None:
        return None
    return AnalysisRead(
        lang=row.lang,
        sentiment={"label": row.sentiment_label, "score": row.sentiment_score}
        if row.sentiment_label else None,
        emotions=row.emotions or {}, topics=row.topics or [], flags=row.flags or [],
        keywords=row.keywords or [],
    )


def list_timeline(
    session: Session, customer_id: int, *, limit: int = 50, before: datetime | None = None
) -> TimelinePage:
    """A customer's contacts on every channel, newest first, ``limit`` at a time.

    A page never splits contacts that share a timestamp, so following
    ``next_before`` visits every contact exactly once.
    """
    limit = max(1, min(limit, MAX_PAGE))
    stmt = (
        select(Interaction, InteractionAnalysis)
        .outerjoin(InteractionAnalysis, InteractionAnalysis.interaction_id == Interaction.id)
        .where(Interaction.customer_id == customer_id)
        .order_by(Interaction.started_at.desc(), Interaction.id.desc())
    )
    if before is not None:
        stmt = stmt.where(Interaction.started_at < before)
    rows = session.execute(stmt.limit(limit + 1)).all()
    more = len(rows) > limit
    page = rows[:limit]
    if more and rows[limit][0].started_at == page[-1][0].started_at:
        page += _same_instant(session, customer_id, page[-1][0], {r[0].id for r in page})
    items = [
        TimelineItem.model_validate(inter).model_copy(update={"analysis": _analysis(ana)})
        for inter, ana in page
    ]
    return TimelinePage(items=items, next_before=page[-1][0].started_at if more else None)


def _same_instant(session: Session, customer_id: int, last: Interaction, seen: set[int]) -> list:
    stmt = (
        select(Interaction, InteractionAnalysis)
        .outerjoin(InteractionAnalysis, InteractionAnalysis.interaction_id == Interaction.id)
        .where(Interaction.customer_id == customer_id, Interaction.started_at == last.started_at)
        .order_by(Interaction.id.desc())
    )
    return [row for row in session.execute(stmt).all() if row[0].id not in seen]


def channel_counts(session: Session, customer_id: int | None = None) -> dict[str, int]:
    stmt = select(Interaction.channel, func.count()).group_by(Interaction.channel)
    if customer_id is not None:
        stmt = stmt.where(Interaction.customer_id == customer_id)
    return dict(session.execute(stmt).all())


def daily_channel_volume(session: Session, days: int = 90) -> list[tuple[str, str, int]]:
    """(day, channel, contacts) for the last ``days`` days up to the newest day with data,
    oldest first; days in the display time zone. Reads the daily counts (``ChannelDaily``),
    not the contacts."""
    latest = session.scalar(select(func.max(ChannelDaily.day)))
    if latest is None:
        return []
    since = latest - timedelta(days=days - 1)
    stmt = (select(ChannelDaily.day, ChannelDaily.channel, ChannelDaily.contacts)
            .where(ChannelDaily.day >= since).order_by(ChannelDaily.day, ChannelDaily.channel))
    return [(d.isoformat(), ch, n) for d, ch, n in session.execute(stmt).all()]


def total_interactions(session: Session) -> int:
    """Every stored contact, summed from the daily counts (not a count of the table)."""
    return int(session.scalar(select(func.sum(ChannelDaily.contacts))) or 0)


def latest_contact_at(session: Session) -> datetime | None:
    return session.scalar(select(func.max(Interaction.started_at))) or None


def contacts_in_week_before(session: Session, latest: datetime | None) -> int:
    """Contacts in the 7 days up to ``latest`` (the newest contact), 0 without data."""
    if latest is None:
        return 0
    return session.scalar(
        select(func.count()).select_from(Interaction)
        .where(Interaction.started_at > latest - timedelta(days=7))
    ) or 0




def ivr_menu_choices(session: Session, latest: datetime | None, days: int = 7) -> list[tuple[str, int, int, int]]:
    """IVR menu choices (``menu_selected`` events) in the ``days`` up to ``latest``:
    (option, choices, transferred to an agent, abandoned), most chosen first."""
    if latest is None:
        return []
    option = Interaction.attributes["menu_option"].as_string()
    transferred = func.sum(case((Interaction.outcome == "transferred", 1), else_=0))
    abandoned = func.sum(case((Interaction.outcome == "abandoned", 1), else_=0))
    stmt = (
        select(option, func.count(), transferred, abandoned)
        .where(Interaction.channel == "ivr", Interaction.event == "menu_selected",
               Interaction.started_at > latest - timedelta(days=days))
        .group_by(option).order_by(func.count().desc(), option)
    )
    return [(o or "", n, int(tr or 0), int(ab or 0)) for o, n, tr, ab in session.execute(stmt).all()]
