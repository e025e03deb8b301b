"""The business calendar: official holidays, 调休 working weekends, business hours.

Every expected value below is worked out by hand from a printed calendar and the State
Council notices (the comments show the count); none comes from the code under test.
"""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from xinsheng.cases.calendar import BusinessCalendar, default_calendar, format_working_left, load_calendar
from xinsheng.cases.configfiles import ConfigFileError
from xinsheng.errors import InputFileError

SH = ZoneInfo("Asia/Shanghai")
H = 3600


def at(y: int, m: int, d: int, hh: int = 10, mm: int = 0) -> datetime:
    """A local Beijing time."""
    return datetime(y, m, d, hh, mm, tzinfo=SH)


@pytest.fixture(scope="module")
def cal() -> BusinessCalendar:
    return load_calendar(timezone_name="Asia/Shanghai")


def _days(first: str, last: str) -> set[date]:
    a, b = date.fromisoformat(first), date.fromisoformat(last)
    return {a + timedelta(days=k) for k in range((b - a).days + 1)}


# Typed by hand from 国办发明电〔2024〕12号 (2025) and the notice of 2025-11-04 (2026).
OFFICIAL_HOLIDAYS = (
    _days("2025-01-01", "2025-01-01") | _days("2025-01-28", "2025-02-04") | _days("2025-04-04", "2025-04-06")
    | _days("2025-05-01", "2025-05-05") | _days("2025-05-31", "2025-06-02") | _days("2025-10-01", "2025-10-08")
    | _days("2026-01-01", "2026-01-03") | _days("2026-02-15", "2026-02-23") | _days("2026-04-04", "2026-04-06")
    | _days("2026-05-01", "2026-05-05") | _days("2026-06-19", "2026-06-21") | _days("2026-09-25", "2026-09-27")
    | _days("2026-10-01", "2026-10-07")
)
OFFICIAL_WORKING_WEEKENDS = {date(2025, 1, 26), date(2025, 2, 8), date(2025, 4, 27), date(2025, 9, 28),
                             date(2025, 10, 11), date(2026, 1, 4), date(2026, 2, 14), date(2026, 2, 28),
                             date(2026, 5, 9), date(2026, 9, 20), date(2026, 10, 10)}


def test_shipped_holidays_are_the_official_ones(cal):
    assert set(cal.holidays) == OFFICIAL_HOLIDAYS
    assert set(cal.extra_working_days) == OFFICIAL_WORKING_WEEKENDS
    assert len(OFFICIAL_HOLIDAYS) == 28 + 33  # 2025: 1+8+3+5+3+8; 2026: 3+9+3+5+3+3+7
    assert cal.years == (2025, 2026)


@pytest.mark.parametrize("year, expected", [
    # 261 weekdays each year; 2025: 18 weekday holidays, 5 working weekend days → 248;
    # 2026: 19 weekday holidays (1/1-2, 2/16-20, 2/23, 4/6, 5/1, 5/4-5, 6/19, 9/25, 10/1-2, 10/5-7), 6 → 248
    (2025, 248), (2026, 248),
])
def test_working_days_in_a_year(cal, year, expected):
    assert cal.working_days_in(date(year, 1, 1), date(year + 1, 1, 1)) == expected
    assert sum(cal.is_working_day(date(year, 1, 1) + timedelta(days=k)) for k in range(365)) == expected
    # a year of full business days, counted in seconds
    assert cal.working_seconds_between(at(year, 1, 1, 0), at(year + 1, 1, 1, 0)) == expected * 9 * H


@pytest.mark.parametrize("day, working", [
    ("2025-10-08", False),  # National Day + Mid-Autumn, a Wednesday
    ("2025-10-11", True),   # 调休 Saturday
    ("2025-09-28", True),   # 调休 Sunday
    ("2025-10-12", False),  # an ordinary Sunday
    ("2026-02-23", False),  # Spring Festival, a Monday
    ("2026-02-28", True),   # 调休 Saturday
    ("2027-02-08", True),   # a Monday of a year the file does not list: weekdays only
])
def test_is_working_day(cal, day, working):
    assert cal.is_working_day(date.fromisoformat(day)) is working


@pytest.mark.parametrize("start, n, expected", [
    (at(2025, 3, 7), 1, at(2025, 3, 10)),     # Fri → Mon, across a weekend
    (at(2025, 3, 7), 2, at(2025, 3, 11)),     # Fri → Tue
    (at(2025, 3, 8), 0, at(2025, 3, 10)),     # a Saturday start counts from Monday 10:00
    (at(2025, 3, 8), 1, at(2025, 3, 11)),     # … so one working day later is Tuesday
    (at(2025, 9, 30), 1, at(2025, 10, 9)),    # National Day 10/1–10/8 off
    (at(2025, 9, 27), 1, at(2025, 9, 29)),    # Sat 9/27 → 调休 Sunday 9/28 is the start → Mon 9/29
    (at(2025, 10, 10), 1, at(2025, 10, 11)),  # Fri → the 调休 working Saturday
    (at(2026, 2, 13), 1, at(2026, 2, 14)),    # Fri → 调休 Saturday before Spring Festival
    (at(2026, 2, 13), 2, at(2026, 2, 24)),    # 2/15–2/23 off → Tue 2/24
    (at(2026, 2, 12, 9), 5, at(2026, 2, 26, 9)),  # 2/13, 2/14(Sat), 2/24, 2/25, 2/26
    (at(2025, 3, 7, 22), 1, at(2025, 3, 10, 22)),  # the clock time is kept, even after hours
])
def test_add_working_days(cal, start, n, expected):
    assert cal.add_working_days(start, n) == expected


@pytest.mark.parametrize("start, hours, expected", [
    (at(2025, 3, 7, 16), 4, at(2025, 3, 10, 11)),      # Fri 16:00–17:30 = 1.5 h, Mon 08:30 + 2.5 h
    (at(2025, 3, 10, 20), 2, at(2025, 3, 11, 10, 30)),  # evening start: Tue 08:30 + 2 h
    (at(2025, 3, 11, 6), 1, at(2025, 3, 11, 9, 30)),    # before opening: 08:30 + 1 h
    (at(2025, 3, 10, 15, 30), 2, at(2025, 3, 10, 17, 30)),  # ends exactly at closing time
    (at(2025, 3, 10, 10), 9, at(2025, 3, 11, 10)),      # one whole business day
    (at(2025, 9, 30, 16, 30), 4, at(2025, 10, 9, 11, 30)),  # 1 h on 9/30, holidays, 3 h on 10/9
    (at(2025, 10, 10, 17), 1, at(2025, 10, 11, 9)),     # 0.5 h Fri, 0.5 h on the 调休 Saturday
    (at(2025, 3, 8, 12), 0.5, at(2025, 3, 10, 9)),      # a Saturday start: Monday 08:30 + 30 min
])
def test_add_working_hours(cal, start, hours, expected):
    assert cal.add_working_hours(start, hours) == expected


def test_results_are_utc_and_naive_means_utc(cal):
    naive = datetime(2025, 3, 7, 8, 0)  # 16:00 in Beijing
    out = cal.add_working_hours(naive, 4)
    assert out.tzinfo == timezone.utc and out == at(2025, 3, 10, 11)
    assert cal.add_working_days(naive, 1) == at(2025, 3, 10, 16)


@pytest.mark.parametrize("a, b, seconds", [
    (at(2025, 3, 7, 16), at(2025, 3, 10, 11), 4 * H),           # 1.5 h + 2.5 h
    (at(2025, 3, 10, 11), at(2025, 3, 7, 16), -4 * H),          # reversed: negative
    (at(2025, 9, 30, 8), at(2025, 10, 9, 18), 18 * H),          # two full days around the holidays
    (at(2025, 3, 3, 8, 30), at(2025, 3, 10, 8, 30), 45 * H),    # one week: 5 × 9 h
    (at(2025, 3, 8, 9), at(2025, 3, 9, 17), 0),                 # a weekend
    (at(2025, 10, 11, 12), at(2025, 10, 11, 13, 15), 75 * 60),  # on the 调休 Saturday
    (at(2025, 3, 10, 18), at(2025, 3, 11, 8), 0),               # a night
])
def test_working_seconds_between(cal, a, b, seconds):
    assert cal.working_seconds_between(a, b) == pytest.approx(seconds)


@pytest.mark.parametrize("seconds, zh, en", [
    (2 * 9 * H + 3 * H + 59, "2个工作日3小时", "2 working days 3 h"),
    (9 * H, "1个工作日", "1 working day"),
    (3 * H + 20 * 60, "3小时20分钟", "3 h 20 min"),
    (45 * 60 + 30, "45分钟", "45 min"),
    (-5 * H, "已超时 5小时", "overdue 5 h"),
    (-(9 * H + 60), "已超时 1个工作日", "overdue 1 working day"),
])
def test_format_working_left(cal, seconds, zh, en):
    assert cal.format_working_left(seconds, "zh") == zh
    assert cal.format_working_left(seconds, "en") == en


def test_format_uses_the_calendars_day_length():
    assert format_working_left(8 * H, "en", day_seconds=8 * H) == "1 working day"
    assert format_working_left(8 * H, "en", day_seconds=9 * H) == "8 h"


def test_business_hours_and_time_zone_come_from_the_file():
    cal = load_calendar('timezone: UTC\nbusiness_hours: {start: "09:00", end: "12:00"}\n')
    start = datetime(2025, 3, 7, 11, tzinfo=timezone.utc)  # Friday 11:00 UTC
    assert cal.add_working_hours(start, 2) == datetime(2025, 3, 10, 10, tzinfo=timezone.utc)
    assert cal.day_seconds == 3 * H


def test_default_calendar_follows_the_setting(tmp_path, monkeypatch):
    from xinsheng.config import get_settings

    own = tmp_path / "cal.yaml"
    own.write_text("holidays: [2025-03-10]\n", "utf-8")
    monkeypatch.setenv("XINSHENG_CASES_CALENDAR", str(own))
    get_settings.cache_clear()
    try:
        assert default_calendar().is_working_day(date(2025, 3, 10)) is False
        assert default_calendar().is_working_day(date(2025, 10, 8)) is True  # not in the bank's file
        assert default_calendar() is default_calendar()
    finally:
        monkeypatch.delenv("XINSHENG_CASES_CALENDAR")
        get_settings.cache_clear()
    assert default_calendar().is_working_day(date(2025, 10, 8)) is False


BROKEN = [
    ("holidays:\n  - 2025-01-01\n  - 2025-02-30\n", 3, "not a valid date"),
    ("holidays:\n  - {from: 2025-10-01, to: 2025-10-08}\nworking_days:\n  - 2025-10-11\n  - 2025-10-04\n",
     5, "both as a holiday (line 2) and as a working day"),
    ("version: 1\nholidayz: [2025-01-01]\n", 2, "unknown key 'holidayz'"),
    ("holidays: [2025-01-01\nworking_days: []\n", 2, "not valid YAML"),
    ('business_hours:\n  start: "17:30"\n  end: "08:30"\n', 3, "end (08:30) before they start (17:30)"),
    ('business_hours: {start: "8h", end: "17:30"}\n', 1, "not a valid clock time"),
    ("timezone: Mars/Olympus\n", 1, "unknown time zone"),
    ("working_days:\n  - 2025-10-13\n", 2, "is a Monday, a working day already"),
    ("holidays:\n  - {from: 2025-10-08, to: 2025-10-01}\n", 2, "'to' (2025-10-01) is before 'from'"),
    ("holidays:\n  - {name: 国庆}\n", 2, "needs either 'date' or both 'from' and 'to'"),
    ("holidays: [2025-01-01]\nholidays: [2025-01-02]\n", 2, "'holidays' is given twice"),
    ("- 2025-01-01\n", 1, "must be a YAML mapping"),
    ("weekend: [monday, tuesday, wednesday, thursday, friday, saturday, sunday]\n", 1, "every day of the week"),
    ("weekend: [saturday, sundy]\n", 1, "'sundy' is not a day name"),
]


@pytest.mark.parametrize("text, line, problem", BROKEN)
def test_a_broken_calendar_is_refused_with_line_and_problem(text, line, problem):
    with pytest.raises(ConfigFileError) as err:
        load_calendar(text, source="bank_calendar.yaml")
    assert isinstance(err.value, InputFileError)
    assert err.value.message.startswith(f"bank_calendar.yaml, line {line}: ")
    assert problem in err.value.message


def test_a_missing_file_is_refused_with_its_name(tmp_path):
    missing = tmp_path / "nope.yaml"
    with pytest.raises(ConfigFileError, match="nope.yaml: cannot read the file"):
        load_calendar(source=missing)
