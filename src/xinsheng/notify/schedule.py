"""When a notification may go out: quiet hours and the per-customer weekly limit.

Pure functions over times, so the rules are tested without a database:

* quiet hours ``21:00-08:00`` (local, ``XINSHENG_DISPLAY_TIMEZONE``): a time inside them
  moves to their end — 22:30 becomes 08:00 the next morning, 07:00 becomes 08:00 the same
  day; a notification is postponed, never dropped;
* the weekly limit: at most ``limit`` notifications of a customer are scheduled in any
  7-day window [a, a + 7 days). A notification at ``t`` takes up room until ``t + 7 days``.
"""
from __future__ import annotations

import bisect
from collections.abc import Callable, Sequence
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from xinsheng.errors import InvalidInput

WEEK = timedelta(days=7)


def parse_quiet_hours(value: str) -> tuple[time, time] | None:
    """``"21:00-08:00"`` → (21:00, 08:00); empty → None; anything else names the setting."""
    value = (value or "").strip()
    if not value:
        return None
    try:
        start, end = (time.fromisoformat(part.strip()) for part in value.split("-"))
    except ValueError:
        raise InvalidInput(
            f"XINSHENG_NOTIFY_QUIET_HOURS: {value!r} is not HH:MM-HH:MM (e.g. 21:00-08:00)",
            data={"field": "notify_quiet_hours"},
        ) from None
    return None if start == end else (start, end)


def in_quiet_hours(t: datetime, quiet: tuple[time, time] | None, tz: ZoneInfo) -> bool:
    return quiet_end(t, quiet, tz) != t


def quiet_end(t: datetime, quiet: tuple[time, time] | None, tz: ZoneInfo) -> datetime:
    """``t`` itself outside quiet hours, else the end of the quiet hours it falls in."""
    if quiet is None:
        return t
    start, end = quiet
    local = t.astimezone(tz)
    now = local.time().replace(tzinfo=None)
    wraps = start > end  # 21:00-08:00 spans midnight
    inside = (now >= start or now < end) if wraps else (start <= now < end)
    if not inside:
        return t
    day = local.date() + timedelta(days=1) if wraps and now >= start else local.date()
    return datetime.combine(day, end, tzinfo=tz).astimezone(t.tzinfo)


def fits(t: datetime, slots: Sequence[datetime], limit: int) -> bool:
    """Whether one more notification at ``t`` keeps every 7-day window at ``limit`` or fewer.

    ``slots`` are the customer's scheduled times, sorted. Only windows [a, a + 7 days) with
    ``a`` in (t - 7 days, t] contain ``t``; the fullest of them starts at ``t`` or at a slot.
    """
    lo, hi = bisect.bisect_right(slots, t - WEEK), bisect.bisect_right(slots, t)
    return all(_in_window(slots, a) + 1 <= limit for a in (*slots[lo:hi], t))


def _in_window(slots: Sequence[datetime], a: datetime) -> int:
    """Slots in [a, a + 7 days)."""
    return bisect.bisect_left(slots, a + WEEK) - bisect.bisect_left(slots, a)


def earliest_slot(
    t0: datetime, slots: Sequence[datetime], limit: int, adjust: Callable[[datetime], datetime]
) -> datetime:
    """The first time ≥ ``t0`` that is outside quiet hours (``adjust``) and within the limit.

    Room can only appear when a slot leaves the trailing window, at ``slot + 7 days``, so
    those are the candidates after ``t0``; each is moved out of quiet hours and checked.
    """
    slots = sorted(slots)
    t = adjust(t0)
    if limit <= 0 or fits(t, slots, limit):
        return t
    for s in slots:
        candidate = s + WEEK
        if candidate <= t:
            continue
        t = adjust(candidate)
        if fits(t, slots, limit):
            return t
    return t  # past every slot's window: fits by construction
