"""Journeys as data: ``journeys/data/journeys.yaml`` (or ``XINSHENG_HOME/journeys.yaml`` when
a bank has its own), ad-hoc step lists, windows and periods, all validated here.

Every bad value raises :class:`~xinsheng.errors.InvalidInput` naming its field, so the CLI
exits 2 and the API answers 422 with the same words.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from pathlib import Path
from zoneinfo import ZoneInfo

import yaml

from xinsheng.errors import InvalidInput

__all__ = ["Journey", "Step", "load_journeys", "get_journey", "parse_steps", "parse_window", "parse_period",
           "CHANNELS", "MAX_WINDOW_S"]

CHANNELS = ("ivr", "phone", "app", "web", "wechat", "chat", "email", "sms", "branch", "social")
MAX_WINDOW_S = 90 * 86400
_EVENT = re.compile(r"^[a-z][a-z0-9_]{0,63}$")
_WINDOW = re.compile(r"^\s*(\d+)\s*([smhd]?)\s*$")
_UNIT = {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400}
_DATA = Path(__file__).parent / "data" / "journeys.yaml"


def _bad(name: str, message: str) -> InvalidInput:
    """An InvalidInput naming its field (the API's 422 carries it in ``data.field``)."""
    return InvalidInput(f"{name}: {message}", data={"field": name.split(".")[-1]})


@dataclass(frozen=True)
class Step:
    channel: str
    event: str

    @property
    def code(self) -> str:
        return f"{self.channel}:{self.event}"


@dataclass(frozen=True)
class Journey:
    name: str
    steps: tuple[Step, ...]
    window_s: int
    label: dict = field(default_factory=dict)
    step_labels: dict = field(default_factory=dict)
    help_channels: tuple[str, ...] = ("phone", "chat", "wechat")
    help_hours: int = 24
    help_topics: tuple[str, ...] = ()

    def title(self, lang: str) -> str:
        return self.label.get(lang) or self.name

    def step_title(self, i: int, lang: str) -> str:
        names = self.step_labels.get(lang) or []
        return names[i] if i < len(names) else self.steps[i].code


def parse_step(value: str, name: str = "steps") -> Step:
    channel, sep, event = value.strip().partition(":")
    if not sep or channel not in CHANNELS:
        raise _bad(name, f"unknown step {value!r}: write CHANNEL:EVENT, channel one of {', '.join(CHANNELS)}")
    if not _EVENT.match(event):
        raise _bad(name, f"unknown step {value!r}: the event is lower-case letters, digits and _")
    return Step(channel, event)


def parse_steps(value: str | list[str], name: str = "steps") -> tuple[Step, ...]:
    items = value.split(",") if isinstance(value, str) else list(value)
    items = [v for v in (i.strip() for i in items) if v]
    if not items:
        raise _bad(name, f"give at least one step CHANNEL:EVENT")
    if len(items) > 20:
        raise _bad(name, f"at most 20 steps")
    return tuple(parse_step(v, name) for v in items)


def parse_window(value: str | int | None, name: str = "window", default: int = 86400) -> int:
    """Seconds from ``30m``, ``1h``, ``1d``, ``3600``: more than 0, at most 90 days."""
    if value is None or value == "":
        return default
    m = _WINDOW.match(str(value))
    if not m:
        raise _bad(name, f"not a duration like 30m, 1h, 1d: {value!r}")
    seconds = int(m.group(1)) * _UNIT[m.group(2)]
    if seconds <= 0:
        raise _bad(name, f"must be longer than 0")
    if seconds > MAX_WINDOW_S:
        raise _bad(name, f"at most 90 days")
    return seconds


def _when(value: str, name: str, tz: ZoneInfo, end_of_day: bool) -> datetime:
    try:
        if len(value) == 10:
            d = date.fromisoformat(value)
            return datetime.combine(d + timedelta(days=1) if end_of_day else d, time(), tz)
        at = datetime.fromisoformat(value)
    except ValueError:
        raise _bad(name, f"not an ISO 8601 date or timestamp: {value!r}") from None
    return at if at.tzinfo else at.replace(tzinfo=tz)


def parse_period(t_from: str | None, t_to: str | None, tz_name: str, now: datetime,
                 default_days: int = 30) -> tuple[datetime, datetime]:
    """[from, to): a date means its midnight in the bank's time zone (``to``: the end of that day)."""
    tz = ZoneInfo(tz_name)
    end = _when(t_to, "to", tz, True) if t_to else now
    start = _when(t_from, "from", tz, False) if t_from else end - timedelta(days=default_days)
    if start > end or (t_to and start > _when(t_to, "to", tz, False)):
        raise _bad("from", "is after to")
    return start, end


def _journey(name: str, raw: dict) -> Journey:
    help_ = raw.get("help") or {}
    return Journey(name=name, steps=parse_steps(raw["steps"], f"{name}.steps"),
                   window_s=parse_window(raw.get("window"), f"{name}.window"), label=raw.get("label") or {},
                   step_labels=raw.get("step_labels") or {},
                   help_channels=tuple(help_.get("channels") or ("phone", "chat", "wechat")),
                   help_hours=int(help_.get("within_hours", 24)), help_topics=tuple(help_.get("topics") or ()))


@lru_cache(maxsize=4)
def _load(path: str, mtime: float) -> dict[str, Journey]:
    raw = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    return {name: _journey(name, spec) for name, spec in raw.items()}


def load_journeys(home: Path | None = None) -> dict[str, Journey]:
    """The bank's journeys: ``XINSHENG_HOME/journeys.yaml`` when present, else the shipped ones."""
    path = Path(home) / "journeys.yaml" if home else None
    path = path if path and path.is_file() else _DATA
    return _load(str(path), path.stat().st_mtime)


def get_journey(name: str, home: Path | None = None) -> Journey:
    journeys = load_journeys(home)
    if name not in journeys:
        raise _bad("journey", f"unknown journey {name!r}; known: {', '.join(journeys)}")
    return journeys[name]
