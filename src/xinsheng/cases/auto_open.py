"""When ingest opens a case by itself (``cases/data/auto_open.yaml``), read and checked.

Pure: no database. :meth:`AutoOpen.opens` says whether one contact's analysis opens a case,
:meth:`AutoOpen.topic` which of its topics the case gets. A broken file is refused with
the file, the line and the problem (:class:`~xinsheng.cases.configfiles.ConfigFileError`).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache
from pathlib import Path

from xinsheng.cases.configfiles import ConfigFileError, Reader, YDict, parse, read_source

__all__ = ["AutoOpen", "Condition", "load_auto_open", "default_auto_open", "ConfigFileError"]

SHIPPED = "auto_open.yaml"
FLAGS = ("complaint", "regulatory_risk", "churn_intent", "vulnerable_customer")
SENTIMENTS = ("negative", "neutral", "positive")
KINDS = ("complaint", "request", "inquiry")
DIRECTIONS = ("inbound", "outbound")
_TOP = ("version", "enabled", "open_when", "kind", "directions", "max_age_days", "generic_topics",
        "earlier_contacts_days")


@dataclass(frozen=True)
class Condition:
    flags: frozenset[str] = frozenset()
    sentiment: str | None = None
    channels: frozenset[str] | None = None

    def holds(self, flags: set[str], sentiment: str | None, channel: str | None) -> bool:
        return (self.flags <= flags and (self.sentiment is None or sentiment == self.sentiment)
                and (self.channels is None or channel in self.channels))


@dataclass(frozen=True)
class AutoOpen:
    enabled: bool = True
    conditions: tuple[Condition, ...] = ()
    kind: str = "complaint"
    directions: frozenset[str] = frozenset({"inbound"})
    max_age_days: int | None = 30
    generic_topics: tuple[str, ...] = ()
    earlier_contacts_days: int = 7

    def takes(self, direction: str | None) -> bool:
        """Whether a contact in this direction may open or join a case."""
        return self.enabled and (direction or "inbound") in self.directions

    def opens(self, analysis: dict | None, channel: str | None, started_at: datetime, now: datetime) -> bool:
        """Whether a contact with this stored analysis opens a case when ingested at ``now``."""
        if not self.enabled or not analysis:
            return False
        if self.max_age_days is not None and now - started_at > timedelta(days=self.max_age_days):
            return False
        flags = set(analysis.get("flags") or ())
        return any(c.holds(flags, analysis.get("sentiment_label"), channel) for c in self.conditions)

    def topic(self, topics: list[dict] | None) -> str | None:
        """The first topic code that is not generic, else the first one, else None."""
        codes = [t.get("code") for t in topics or () if t.get("code")]
        specific = [c for c in codes if not any(c == g or c.startswith(g + ".") for g in self.generic_topics)]
        return (specific or codes or [None])[0]


def load_auto_open(text: str | None = None, *, source: str | Path | None = None) -> AutoOpen:
    """The auto-open rules in ``text`` (or the file ``source``, or the shipped file)."""
    text, name = read_source(text, source, SHIPPED)
    r = Reader(name)
    top = r.keys(parse(text, name), 1, "the auto-open file", _TOP, ("open_when",))
    items = r.list(top, "open_when", "the auto-open file")
    conditions = tuple(_condition(r, item, items.line_of(i), i + 1) for i, item in enumerate(items))
    kind = r.text(top, "kind", "the auto-open file", "complaint")
    if kind not in KINDS:
        raise r.fail(top.line_of("kind"), f"kind must be one of {', '.join(KINDS)}, not {kind!r}")
    directions = _codes(r, top, "directions", "the auto-open file", DIRECTIONS) or frozenset({"inbound"})
    generic = r.list(top, "generic_topics", "the auto-open file")
    return AutoOpen(
        enabled=r.boolean(top, "enabled", "the auto-open file", True), conditions=conditions, kind=kind,
        directions=directions, max_age_days=r.integer(top, "max_age_days", "the auto-open file", 30, lo=1),
        generic_topics=tuple(str(g) for g in generic),
        earlier_contacts_days=r.integer(top, "earlier_contacts_days", "the auto-open file", 7, lo=0) or 0,
    )


def _condition(r: Reader, item: object, line: int, n: int) -> Condition:
    where = f"open_when entry {n}"
    d = r.keys(item, line, where, ("flags", "sentiment", "channels"))
    sentiment = r.text(d, "sentiment", where)
    if sentiment is not None and sentiment not in SENTIMENTS:
        raise r.fail(d.line_of("sentiment"), f"{where}: sentiment must be one of {', '.join(SENTIMENTS)}, "
                                             f"not {sentiment!r}")
    flags = _codes(r, d, "flags", where, FLAGS) or frozenset()
    if not flags and sentiment is None:
        raise r.fail(d.line, f"{where} needs 'flags' or 'sentiment' (else every contact would open a case)")
    return Condition(flags=flags, sentiment=sentiment, channels=_codes(r, d, "channels", where, None))


def _codes(r: Reader, d: YDict, key: str, where: str, allowed: tuple[str, ...] | None) -> frozenset[str] | None:
    if key not in d:
        return None
    values = r.list(d, key, where)
    for i, v in enumerate(values):
        if not isinstance(v, str) or (allowed is not None and v not in allowed):
            known = f" (one of {', '.join(allowed)})" if allowed else ""
            raise r.fail(values.line_of(i), f"{where} {key}: unknown {v!r}{known}")
    return frozenset(values)


@lru_cache(maxsize=8)
def _cached(path: str | None) -> AutoOpen:
    return load_auto_open(source=path)


def default_auto_open() -> AutoOpen:
    """The rules of ``XINSHENG_CASES_AUTO_OPEN`` (else the shipped file), cached per file."""
    from xinsheng.config import get_settings

    path = getattr(get_settings(), "cases_auto_open", None)
    return _cached(str(path) if path else None)


default_auto_open.cache_clear = _cached.cache_clear  # type: ignore[attr-defined]
