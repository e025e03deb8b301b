"""The generator's shared state: the calendar, clocks, app versions, agents and the record sink."""
from __future__ import annotations

import hashlib
import random
from datetime import date, datetime, time, timedelta, timezone

from xinsheng.demo.people import Profile
from xinsheng.demo.rand import cpick
from xinsheng.demo.topics import TopicPicker

__all__ = ["World", "TZ", "DAY"]

TZ = timezone(timedelta(hours=8))  # Asia/Shanghai has no daylight saving time
DAY = 86_400

# Relative contact volume by hour of day, per kind of touchpoint.
_HOURS: dict[str, tuple[int, ...]] = {
    "service": (1, 0, 0, 0, 0, 1, 2, 5, 12, 18, 20, 18, 12, 12, 16, 18, 17, 14, 10, 10, 9, 7, 4, 2),
    "digital": (3, 2, 1, 1, 1, 1, 3, 8, 12, 12, 11, 11, 12, 10, 9, 9, 9, 10, 12, 15, 17, 16, 12, 7),
    "branch": (0, 0, 0, 0, 0, 0, 0, 0, 0, 16, 20, 18, 10, 12, 16, 16, 10, 0, 0, 0, 0, 0, 0, 0),
    "elderly": (0, 0, 0, 0, 0, 1, 4, 12, 20, 22, 20, 14, 6, 6, 8, 9, 8, 6, 4, 3, 2, 1, 0, 0),
    "social": (4, 3, 1, 1, 0, 0, 1, 3, 6, 8, 8, 8, 10, 8, 7, 7, 7, 8, 10, 12, 14, 15, 14, 9),
    "morning": (0, 0, 0, 0, 0, 0, 0, 0, 0, 30, 40, 30, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0),
}
_CUM_HOURS = {k: [sum(v[: i + 1]) for i in range(24)] for k, v in _HOURS.items()}
_WEEKEND = {"branch": 0.35, "phone": 0.75, "ivr": 0.75, "chat": 0.9, "email": 0.5, "app": 1.1, "social": 1.2}


class World:
    """Calendar, clocks and the list of generated interactions (one per ``add``)."""

    def __init__(self, *, seed: int, customers: int, days: int, end: date, agents: list[dict]) -> None:
        self.seed, self.customers, self.days, self.end = seed, customers, days, end
        self.start = end - timedelta(days=days - 1)
        self.base = datetime.combine(self.start, time(), TZ)
        stamp = f"{seed}|{customers}|{days}|{end.isoformat()}".encode()
        self.tag = hashlib.sha1(stamp).hexdigest()[:6]
        self.picker = TopicPicker()
        self.rows: list[tuple[int, int, dict]] = []
        self.tiers: dict[int, list[str]] = {1: [], 2: [], 3: []}
        for a in agents:
            self.tiers[a["tier"]].append(a["agent_ref"])
        self.release_day = days - 31 if days > 34 else days // 3  # end-30 when the window allows
        self.fix_day = self.release_day + 4
        self._day_cum: dict[str, list[float]] = {}
        self._prefix: dict[int, str] = {}

    # --- calendar -------------------------------------------------------------------
    def date_of(self, day: int) -> date:
        return self.start + timedelta(days=day)

    def day_of(self, t: int) -> int:
        return t // DAY

    def pick_day(self, rng: random.Random, channel: str) -> int:
        cum = self._day_cum.get(channel)
        if cum is None:
            factor = _WEEKEND.get(channel, 1.0)
            cum, acc = [], 0.0
            for d in range(self.days):
                acc += factor if self.date_of(d).weekday() >= 5 else 1.0
                cum.append(acc)
            self._day_cum[channel] = cum
        return cpick(rng, range(self.days), cum)

    def clock(self, rng: random.Random, kind: str) -> int:
        """Seconds after midnight, following the hourly profile ``kind``."""
        hour = cpick(rng, range(24), _CUM_HOURS[kind])
        return hour * 3600 + int(rng.random() * 3600)

    def at(self, rng: random.Random, day: int, kind: str) -> int:
        return day * DAY + self.clock(rng, kind)

    def in_range(self, t: int) -> bool:
        return 0 <= t < self.days * DAY

    # --- app versions ----------------------------------------------------------------
    def app_version(self, rng: random.Random, day: int) -> str:
        """The app version a user runs on ``day``: 7.2.x, then 7.3.0 (bad), then 7.3.1 (fix)."""
        since = day - self.release_day
        if since < 0:
            return "7.2.5" if rng.random() < 0.85 else "7.2.3"
        if rng.random() >= (0.45, 0.7, 0.82, 0.9)[min(since, 3)]:
            return "7.2.5"
        since_fix = day - self.fix_day
        if since_fix >= 0 and rng.random() < (0.5, 0.75, 0.9)[min(since_fix, 2)]:
            return "7.3.1"
        return "7.3.0"

    # --- agents ----------------------------------------------------------------------
    def agent(self, rng: random.Random, tier: int = 1) -> str:
        pool = self.tiers[tier] or self.tiers[1] or self.tiers[2] or self.tiers[3]
        return rng.choice(pool)

    def agent_for(self, rng: random.Random, profile: Profile | None) -> str:
        if profile is not None and profile.segment == "private" and rng.random() < 0.6:
            return self.agent(rng, 3)
        return self.agent(rng, 1 if rng.random() < 0.85 else 2)

    def iso(self, t: int) -> str:
        """``t`` seconds after the first midnight as ISO 8601 with the +08:00 offset."""
        day, sec = divmod(t, DAY)
        prefix = self._prefix.get(day)
        if prefix is None:
            prefix = self._prefix[day] = (self.start + timedelta(days=day)).isoformat()
        hour, rest = divmod(sec, 3600)
        return f"{prefix}T{hour:02d}:{rest // 60:02d}:{rest % 60:02d}+08:00"

    # --- the sink --------------------------------------------------------------------
    def add(self, t: int, channel: str, event: str, *, profile: Profile | None, seconds: int = 0,
            direction: str = "inbound", agent: str | None = None, text: str | None = None,
            outcome: str | None = None, attributes: dict | None = None) -> dict:
        """Record one interaction starting ``t`` seconds after the first day's midnight."""
        seq = len(self.rows)
        rec = {
            "external_id": f"demo-{self.tag}-{seq:07d}",
            "source": "demo",
            "customer_ref": profile.ref if profile is not None else None,
            "channel": channel,
            "started_at": self.iso(t),
            "ended_at": self.iso(t + max(0, seconds)),
            "direction": direction,
            "event": event,
            "agent_ref": agent,
            "text": text,
            "outcome": outcome,
            "attributes": attributes if attributes is not None else {},
        }
        self.rows.append((t, seq, rec))
        return rec

    def interactions(self) -> list[dict]:
        """All records, sorted by start time (ties by creation order)."""
        self.rows.sort(key=lambda row: (row[0], row[1]))
        return [row[2] for row in self.rows]
