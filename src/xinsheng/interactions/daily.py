"""Daily contacts per channel (``ChannelDaily``), kept as contacts are inserted.

The home page's chart reads a few hundred rows (days × channels) from here instead of
grouping every contact of the last 90 days. Counts move in the transaction that inserts
the contacts, only for the rows that were actually inserted (a contact already stored is
skipped by ``ON CONFLICT DO NOTHING`` and not counted again), by
``INSERT … ON CONFLICT DO UPDATE SET contacts = contacts + excluded.contacts`` in key
order, so concurrent writers neither lose nor double-count and a rolled-back batch
leaves no trace. ``recount_channel_days`` counts days afresh from the contacts, for any
code that removes contacts.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from xinsheng.config import get_settings
from xinsheng.db import dialect_insert
from xinsheng.interactions.models import ChannelDaily, Interaction

DayKey = tuple[date, str]


def display_tz() -> ZoneInfo:
    return ZoneInfo(get_settings().display_timezone)


def channel_day_counts(contacts: Iterable[tuple[datetime, str]], tz: ZoneInfo) -> Counter:
    """(day in ``tz``, channel) → contacts, from (started_at, channel) pairs."""
    return Counter((started_at.astimezone(tz).date(), channel) for started_at, channel in contacts)


def add_channel_counts(session: Session, delta: dict[DayKey, int]) -> None:
    """Add ``delta`` to ``ChannelDaily`` (upsert-increment, in key order); days that fall
    to zero contacts are removed."""
    delta = {key: n for key, n in delta.items() if n}
    if not delta:
        return
    table = ChannelDaily.__table__
    stmt = dialect_insert(session, table)
    stmt = stmt.on_conflict_do_update(index_elements=[table.c.day, table.c.channel],
                                      set_={"contacts": table.c.contacts + stmt.excluded.contacts})
    conn = session.connection()
    conn.execute(stmt, [{"day": day, "channel": channel, "contacts": n}
                        for (day, channel), n in sorted(delta.items())])
    if any(n < 0 for n in delta.values()):
        conn.execute(delete(table).where(table.c.day.in_({day for day, _ in delta}), table.c.contacts <= 0))


def count_inserted(session: Session, inserted: list[tuple[datetime, str]]) -> None:
    """Count contacts just inserted: their (started_at, channel) as the insert returned them."""
    if inserted:
        add_channel_counts(session, channel_day_counts(inserted, display_tz()))


def recount_channel_days(session: Session, days: Iterable[date]) -> None:
    """Count ``days`` (display time zone) afresh from the stored contacts."""
    wanted = set(days)
    days = sorted(wanted)
    if not days:
        return
    tz = display_tz()
    first = datetime.combine(days[0], datetime.min.time(), tz)
    last = datetime.combine(days[-1], datetime.max.time(), tz)
    contacts = session.execute(select(Interaction.started_at, Interaction.channel)
                               .where(Interaction.started_at >= first, Interaction.started_at <= last))
    counts = {key: n for key, n in channel_day_counts(contacts, tz).items() if key[0] in wanted}
    table = ChannelDaily.__table__
    session.execute(delete(table).where(table.c.day.in_(days)))
    if counts:
        session.execute(table.insert(), [{"day": d, "channel": c, "contacts": n}
                                         for (d, c), n in sorted(counts.items())])
