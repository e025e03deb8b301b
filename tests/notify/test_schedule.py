"""Quiet hours and the weekly limit as pure rules, against hand-computed times and brute force."""
from __future__ import annotations

import random
from datetime import datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from xinsheng.errors import InvalidInput
from xinsheng.notify.schedule import earliest_slot, fits, parse_quiet_hours, quiet_end

SH = ZoneInfo("Asia/Shanghai")
CST = timezone(timedelta(hours=8))
QUIET = (time(21, 0), time(8, 0))


@pytest.mark.parametrize("local, expected", [
    (datetime(2026, 10, 5, 22, 30, tzinfo=CST), datetime(2026, 10, 6, 8, 0, tzinfo=CST)),
    (datetime(2026, 10, 5, 21, 0, tzinfo=CST), datetime(2026, 10, 6, 8, 0, tzinfo=CST)),
    (datetime(2026, 10, 6, 0, 15, tzinfo=CST), datetime(2026, 10, 6, 8, 0, tzinfo=CST)),
    (datetime(2026, 10, 6, 7, 59, tzinfo=CST), datetime(2026, 10, 6, 8, 0, tzinfo=CST)),
    (datetime(2026, 10, 6, 8, 0, tzinfo=CST), datetime(2026, 10, 6, 8, 0, tzinfo=CST)),
    (datetime(2026, 10, 6, 20, 59, tzinfo=CST), datetime(2026, 10, 6, 20, 59, tzinfo=CST)),
    (datetime(2026, 12, 31, 23, 0, tzinfo=CST), datetime(2027, 1, 1, 8, 0, tzinfo=CST)),
])
def test_quiet_hours_move_to_their_end(local, expected):
    # given in UTC, as stored: 22:30 CST is 14:30 UTC and goes out at 00:00 UTC the next day
    assert quiet_end(local.astimezone(timezone.utc), QUIET, SH) == expected


def test_quiet_hours_within_one_day_and_switched_off():
    lunch = (time(12, 0), time(13, 30))
    assert quiet_end(datetime(2026, 10, 5, 12, 10, tzinfo=CST), lunch, SH) == datetime(2026, 10, 5, 13, 30, tzinfo=CST)
    assert quiet_end(datetime(2026, 10, 5, 22, 0, tzinfo=CST), lunch, SH) == datetime(2026, 10, 5, 22, 0, tzinfo=CST)
    assert parse_quiet_hours("") is None
    assert parse_quiet_hours(" 21:00 - 08:00 ") == QUIET
    with pytest.raises(InvalidInput, match="XINSHENG_NOTIFY_QUIET_HOURS"):
        parse_quiet_hours("9pm-8am")


H = timedelta(hours=1)
BASE = datetime(2026, 10, 5, tzinfo=timezone.utc)


def test_fits_counts_future_slots_too():
    slots = [BASE + 24 * H + i * H for i in range(5)]  # five tomorrow
    assert not fits(BASE, slots, 5)  # the week from now would hold six
    assert fits(BASE, slots, 6)
    assert fits(BASE - 7 * 24 * H, slots, 5)  # a week before the first: separate windows


def _brute_force(t0: int, slots: list[int], limit: int) -> int:
    """The first whole hour ≥ t0 where every 168-hour window holding it has room."""
    t = t0
    while True:
        if all(sum(a <= s < a + 168 for s in slots) + 1 <= limit for a in range(t - 167, t + 1)):
            return t
        t += 1


@pytest.mark.parametrize("seed", range(40))
def test_earliest_slot_equals_brute_force(seed):
    rnd = random.Random(seed)
    limit = rnd.randint(1, 5)
    slots = sorted(rnd.randint(-200, 400) for _ in range(rnd.randint(0, 14)))
    t0 = rnd.randint(-50, 300)
    got = earliest_slot(BASE + t0 * H, [BASE + s * H for s in slots], limit, lambda t: t)
    assert got == BASE + _brute_force(t0, slots, limit) * H


def test_earliest_slot_leaves_quiet_hours_after_the_window_frees_up():
    # five notifications went out at 20:30 on Monday; the sixth may go a week later at 20:30
    slots = [datetime(2026, 10, 5, 20, 30, tzinfo=CST)] * 5
    adjust = lambda t: quiet_end(t, QUIET, SH)  # noqa: E731
    assert earliest_slot(datetime(2026, 10, 5, 20, 40, tzinfo=CST), slots, 5, adjust) == \
        datetime(2026, 10, 12, 20, 30, tzinfo=CST)
    # …at 21:30 it would land in quiet hours: 08:00 the next morning
    late = [datetime(2026, 10, 5, 21, 30, tzinfo=CST)] * 5
    assert earliest_slot(datetime(2026, 10, 5, 21, 40, tzinfo=CST), late, 5, adjust) == \
        datetime(2026, 10, 13, 8, 0, tzinfo=CST)
