"""The business calendar: working days (weekdays, less public holidays, plus 调休 working
weekend days) and business hours, in the display time zone.

Rules (also in docs/cases-config.md):

* A **working day** is a Monday–Friday that is not a listed holiday, or a listed working day
  (a 调休 Saturday or Sunday). Years the file does not list count weekdays only.
* **Business hours** are one span per working day, by default 08:30–17:30 local time (9 h),
  without a lunch break.
* ``add_working_days(start, n)``: the same local clock time ``n`` working days later. A start
  on a non-working day first moves to the next working day at the same clock time, so a
  complaint accepted on Saturday 10:00 has one working day until Tuesday 10:00.
* ``add_working_hours(start, h)``: ``h`` hours counted only inside business hours; a start
  outside them counts from the next business-hours start. A result that lands exactly on the
  end of a day's business hours stays there (17:30), it does not jump to the next morning.
* Naive datetimes are taken as UTC; results are aware datetimes in UTC.
"""
from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from functools import lru_cache
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from xinsheng.cases.configfiles import ConfigFileError, Reader, YDict, parse, read_source

__all__ = ["BusinessCalendar", "load_calendar", "default_calendar", "format_working_left"]

SHIPPED = "calendar_cn.yaml"
_DAY_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


@dataclass(frozen=True)
class BusinessCalendar:
    """Working days and business hours of one bank, in one time zone."""

    holidays: frozenset[date] = frozenset()
    extra_working_days: frozenset[date] = frozenset()
    day_start: time = time(8, 30)
    day_end: time = time(17, 30)
    tz_name: str = "Asia/Shanghai"
    weekend: frozenset[int] = frozenset({5, 6})  # date.weekday(): 5 Saturday, 6 Sunday
    names: dict[date, str] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        if self.day_end <= self.day_start:
            raise ValueError("business hours must end after they start")
        if self.holidays & self.extra_working_days:
            raise ValueError(f"listed both as holiday and working day: {sorted(self.holidays & self.extra_working_days)}")
        tz = ZoneInfo(self.tz_name)
        object.__setattr__(self, "_tz", tz)
        # sorted weekday holidays / weekend working days, for counting working days in a range
        object.__setattr__(self, "_off", sorted(d for d in self.holidays if d.weekday() not in self.weekend))
        object.__setattr__(self, "_on", sorted(d for d in self.extra_working_days if d.weekday() in self.weekend))

    # -- days -------------------------------------------------------------------------
    @property
    def tz(self) -> ZoneInfo:
        return self._tz  # type: ignore[attr-defined]

    @property
    def day_seconds(self) -> float:
        """Length of one working day's business hours, in seconds (9 h by default)."""
        return _secs(self.day_end) - _secs(self.day_start)

    @property
    def years(self) -> tuple[int, ...]:
        """The years the calendar lists holidays or working days for."""
        return tuple(sorted({d.year for d in self.holidays | self.extra_working_days}))

    def covers(self, d: date) -> bool:
        """Whether ``d``'s year has listed holidays (else only weekends are days off)."""
        return d.year in self.years

    def is_working_day(self, d: date) -> bool:
        if d in self.extra_working_days:
            return True
        return d.weekday() not in self.weekend and d not in self.holidays

    def next_working_day(self, d: date) -> date:
        """``d`` itself when it is a working day, else the next one."""
        for _ in range(3660):
            if self.is_working_day(d):
                return d
            d += timedelta(days=1)
        raise ValueError("no working day within ten years")

    def working_days_in(self, first: date, end: date) -> int:
        """How many working days there are in ``[first, end)`` (0 when ``end <= first``)."""
        if end <= first:
            return 0
        days = (end - first).days
        weeks, rest = divmod(days, 7)
        count = weeks * (7 - len(self.weekend))
        count += sum(1 for k in range(rest) if (first.weekday() + k) % 7 not in self.weekend)
        count -= bisect.bisect_left(self._off, end) - bisect.bisect_left(self._off, first)  # type: ignore[attr-defined]
        count += bisect.bisect_left(self._on, end) - bisect.bisect_left(self._on, first)  # type: ignore[attr-defined]
        return count

    # -- arithmetic ---------------------------------------------------------------------
    def local(self, moment: datetime) -> datetime:
        """``moment`` in the calendar's time zone (naive means UTC)."""
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=timezone.utc)
        return moment.astimezone(self.tz)

    def _at(self, d: date, t: time) -> datetime:
        return datetime.combine(d, t, tzinfo=self.tz).astimezone(timezone.utc)

    def add_working_days(self, start: datetime, n: int) -> datetime:
        """``n`` working days after ``start`` at the same local clock time (see the module rules)."""
        if n < 0:
            raise ValueError("n must be 0 or more")
        local = self.local(start)
        d = self.next_working_day(local.date())
        for _ in range(n):
            d = self.next_working_day(d + timedelta(days=1))
        return self._at(d, local.timetz().replace(tzinfo=None))

    def add_working_hours(self, start: datetime, hours: float) -> datetime:
        """``hours`` of business time after ``start`` (see the module rules); 0 hours is ``start``."""
        if hours < 0:
            raise ValueError("hours must be 0 or more")
        local = self.local(start)
        left = hours * 3600.0
        if left == 0:
            return local.astimezone(timezone.utc)
        d, clock = local.date(), _secs(local.time())
        lo, hi = _secs(self.day_start), _secs(self.day_end)
        for _ in range(int(hours / 24 * 7) + 3660):  # bounded: a year has > 0 working days
            if self.is_working_day(d) and clock < hi:
                begin = max(clock, lo)
                if left <= hi - begin:
                    wall = datetime.combine(d, time(0), tzinfo=self.tz) + timedelta(seconds=begin + left)
                    return wall.astimezone(timezone.utc)
                left -= hi - begin
            d, clock = d + timedelta(days=1), 0.0
        raise ValueError("no business hours within ten years")

    def _elapsed(self, local: datetime) -> float:
        """Business seconds of ``local``'s day before ``local``."""
        if not self.is_working_day(local.date()):
            return 0.0
        lo, hi = _secs(self.day_start), _secs(self.day_end)
        return min(max(_secs(local.time()), lo), hi) - lo

    def working_seconds_between(self, a: datetime, b: datetime) -> float:
        """Business-hours seconds from ``a`` to ``b`` (negative when ``b`` is before ``a``)."""
        la, lb = self.local(a), self.local(b)
        if lb < la:
            return -self.working_seconds_between(b, a)
        full = self.working_days_in(la.date(), lb.date()) * self.day_seconds
        return full - self._elapsed(la) + self._elapsed(lb)

    def format_working_left(self, seconds: float, lang: str = "zh") -> str:
        """Working time left as words: ``2个工作日3小时`` / ``2 working days 3 h``; negative is overdue."""
        return format_working_left(seconds, lang, day_seconds=self.day_seconds)


def format_working_left(seconds: float, lang: str = "zh", *, day_seconds: float = 9 * 3600) -> str:
    """``seconds`` of working time as words; whole units, rounded down (a day is ``day_seconds``).

    zh: ``2个工作日3小时``, ``3小时20分钟``, ``45分钟``, overdue ``已超时 5小时``;
    en: ``2 working days 3 h``, ``3 h 20 min``, ``45 min``, overdue ``overdue 5 h``.
    """
    overdue = seconds < 0
    s = int(abs(seconds))
    days, rest = divmod(s, int(day_seconds)) if day_seconds > 0 else (0, s)
    hours, rest = divmod(rest, 3600)
    minutes = rest // 60
    en = lang == "en"
    if days:
        parts = [f"{days} working day{'s' if days != 1 else ''}" if en else f"{days}个工作日"]
        if hours:
            parts.append(f"{hours} h" if en else f"{hours}小时")
    elif hours:
        parts = [f"{hours} h" if en else f"{hours}小时"]
        if minutes:
            parts.append(f"{minutes} min" if en else f"{minutes}分钟")
    else:
        parts = [f"{minutes} min" if en else f"{minutes}分钟"]
    words = (" " if en else "").join(parts)
    if overdue:
        return f"overdue {words}" if en else f"已超时 {words}"
    return words


def _secs(t: time) -> float:
    return t.hour * 3600 + t.minute * 60 + t.second + t.microsecond / 1e6


# -- loading -------------------------------------------------------------------------------
def load_calendar(text: str | None = None, *, source: str | Path | None = None,
                  timezone_name: str | None = None) -> BusinessCalendar:
    """The calendar in ``text`` (or the file ``source``, or the shipped ``calendar_cn.yaml``).

    The time zone is the file's ``timezone``, else ``timezone_name``, else the setting
    ``XINSHENG_DISPLAY_TIMEZONE``. A broken file raises :class:`ConfigFileError` with the
    file, line and problem.
    """
    text, name = read_source(text, source, SHIPPED)
    r = Reader(name)
    top = r.keys(parse(text, name), 1, "the calendar",
                 ("version", "timezone", "business_hours", "weekend", "holidays", "working_days"))
    tz = r.text(top, "timezone", "the calendar") or timezone_name or _display_timezone()
    try:
        ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError):
        raise r.fail(top.line_of("timezone"), f"unknown time zone {tz!r}") from None
    start, end = _hours(r, top)
    weekend = _weekend(r, top)
    holidays, names = _dates(r, top, "holidays")
    working, working_names = _dates(r, top, "working_days")
    _check_working(r, top, holidays, working, weekend)
    return BusinessCalendar(frozenset(holidays), frozenset(working), start, end, tz, frozenset(weekend),
                            {**names, **working_names})


def _display_timezone() -> str:
    from xinsheng.config import get_settings

    return get_settings().display_timezone


def _hours(r: Reader, top: YDict) -> tuple[time, time]:
    if "business_hours" not in top:
        return time(8, 30), time(17, 30)
    bh = r.keys(top["business_hours"], top.line_of("business_hours"), "business_hours", ("start", "end"),
                ("start", "end"))
    start = r.clock(bh["start"], bh.line_of("start"), "business_hours start")
    end = r.clock(bh["end"], bh.line_of("end"), "business_hours end")
    if end <= start:
        raise r.fail(bh.line_of("end"), f"business hours end ({bh['end']}) before they start ({bh['start']})")
    return start, end


def _weekend(r: Reader, top: YDict) -> set[int]:
    if "weekend" not in top:
        return {5, 6}
    days = r.list(top, "weekend", "the calendar")
    out = set()
    for i, name in enumerate(days):
        if str(name).lower() not in _DAY_NAMES:
            raise r.fail(days.line_of(i), f"weekend: {name!r} is not a day name (monday … sunday)")
        out.add(_DAY_NAMES.index(str(name).lower()))
    if len(out) == 7:
        raise r.fail(days.line, "weekend: every day of the week is a weekend day; leave at least one working day")
    return out


def _dates(r: Reader, top: YDict, key: str) -> tuple[dict[date, int], dict[date, str]]:
    """Every date listed under ``key`` → its line, and → its name. An entry is a date, or a
    mapping with ``date`` or ``from``/``to`` (inclusive) and an optional ``name``."""
    entries = r.list(top, key, "the calendar")
    lines: dict[date, int] = {}
    names: dict[date, str] = {}
    for i, entry in enumerate(entries):
        line = entries.line_of(i)
        if isinstance(entry, YDict):
            e = r.keys(entry, line, f"{key} entry", ("date", "from", "to", "name"))
            name = r.text(e, "name", f"{key} entry") or ""
            if "date" in e and not ({"from", "to"} & e.keys()):
                days = [r.date(e["date"], e.line_of("date"), key)]
            elif "from" in e and "to" in e and "date" not in e:
                first = r.date(e["from"], e.line_of("from"), key)
                last = r.date(e["to"], e.line_of("to"), key)
                if last < first:
                    raise r.fail(e.line_of("to"), f"{key}: 'to' ({last}) is before 'from' ({first})")
                days = [first + timedelta(days=k) for k in range((last - first).days + 1)]
            else:
                raise r.fail(line, f"a {key} entry needs either 'date' or both 'from' and 'to'")
        else:
            name, days = "", [r.date(entry, line, key)]
        for d in days:
            lines.setdefault(d, line)
            if name:
                names[d] = name
    return lines, names


def _check_working(r: Reader, top: YDict, holidays: dict[date, int], working: dict[date, int],
                   weekend: set[int]) -> None:
    for d, line in sorted(working.items(), key=lambda kv: kv[1]):
        if d in holidays:
            raise r.fail(line, f"{d} is listed both as a holiday (line {holidays[d]}) and as a working day")
        if d.weekday() not in weekend:
            raise r.fail(line, f"working_days: {d} is a {_DAY_NAMES[d.weekday()].title()}, a working day "
                               "already; list only weekend days that are worked (调休)")


@lru_cache(maxsize=8)
def _cached(path: str | None, tz: str) -> BusinessCalendar:
    return load_calendar(source=path, timezone_name=tz)


def default_calendar() -> BusinessCalendar:
    """The calendar of ``XINSHENG_CASES_CALENDAR`` (else the shipped one), cached per file and zone."""
    from xinsheng.config import get_settings

    s = get_settings()
    path = getattr(s, "cases_calendar", None)
    return _cached(str(path) if path else None, s.display_timezone)


default_calendar.cache_clear = _cached.cache_clear  # type: ignore[attr-defined]

__all__ += ["ConfigFileError"]
