"""SLA policies as data (``cases/data/sla_policies.yaml``): which deadlines a case gets.

A policy matches cases by any of kind, topic (a taxonomy code or a prefix of one: ``wealth``
matches ``wealth.redemption``), segment, channel and regulator referral, and sets an
acknowledgement deadline, a decision deadline, the warning fraction, the progress cadence
and the extensions. Durations are ``<number> <unit>`` with the units ``calendar_days``
(same local clock time n days later, holidays included), ``working_days`` and
``working_hours`` (the business calendar) and ``hours`` (elapsed time).

**Which policy wins** (:meth:`PolicySet.match`): among the policies whose every condition
holds, the one with the most conditions; on a tie, the one with the longer topic match;
then the first in the file. A policy with no conditions is the fallback, and every file
must have one, so a case always gets a policy.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

from xinsheng.cases.calendar import BusinessCalendar
from xinsheng.cases.configfiles import ConfigFileError, Reader, YDict, parse, read_source
from xinsheng.errors import Conflict, Forbidden

__all__ = ["UNITS", "Duration", "Extension", "SlaPolicy", "PolicySet", "Clocks", "load_policies",
           "default_policies", "compute_clocks", "clocks_after_extensions", "extended_due", "sla_state",
           "next_progress_at",
           "warning_moment", "ConfigFileError"]

SHIPPED = "sla_policies.yaml"
UNITS = ("calendar_days", "working_days", "working_hours", "hours")
KINDS = ("complaint", "request", "inquiry")
SlaState = Literal["on_track", "warning", "breached"]


@dataclass(frozen=True)
class Duration:
    value: float
    unit: str

    @property
    def working(self) -> bool:
        """Counted in working time (the warning moment is then placed in working time too)."""
        return self.unit.startswith("working_")

    def after(self, start: datetime, calendar: BusinessCalendar) -> datetime:
        """The moment this long after ``start``, in UTC."""
        if self.unit == "working_days":
            return calendar.add_working_days(start, int(self.value))
        if self.unit == "working_hours":
            return calendar.add_working_hours(start, self.value)
        local = calendar.local(start)
        if self.unit == "calendar_days":  # wall clock: same local time n days later
            return (local + timedelta(days=self.value)).astimezone(timezone.utc)
        return (local.astimezone(timezone.utc) + timedelta(hours=self.value))

    def __str__(self) -> str:
        v = int(self.value) if float(self.value).is_integer() else self.value
        return f"{v} {self.unit}"


@dataclass(frozen=True)
class Extension:
    """One extension: the deadline becomes ``accepted + total`` or ``previous deadline + add``;
    ``level``: the lowest authority level that may approve it (None: the authority file's)."""

    total: Duration | None = None
    add: Duration | None = None
    level: int | None = None

    @property
    def duration(self) -> Duration:
        return self.total or self.add  # type: ignore[return-value]


@dataclass(frozen=True)
class SlaPolicy:
    code: str
    label: str
    label_en: str
    ack: Duration
    decision: Duration
    warn_fraction: float = 0.8
    progress_every: Duration | None = Duration(3, "calendar_days")
    extensions: tuple[Extension, ...] = ()
    kinds: frozenset[str] | None = None
    topics: tuple[str, ...] | None = None
    segments: frozenset[str] | None = None
    channels: frozenset[str] | None = None
    regulator_referred: bool | None = None

    @property
    def conditions(self) -> int:
        return sum(x is not None for x in (self.kinds, self.topics, self.segments, self.channels,
                                           self.regulator_referred))

    def topic_depth(self, topic: str | None) -> int | None:
        """How many levels of ``topic`` this policy's topic condition matches (0: no condition);
        None when it does not match."""
        if self.topics is None:
            return 0
        best = None
        for t in self.topics:
            if topic and (topic == t or topic.startswith(t + ".")):
                best = max(best or 0, t.count(".") + 1)
        return best

    def matches(self, kind: str, topic: str | None, segment: str | None, channel: str | None,
                regulator_referred: bool) -> bool:
        return ((self.kinds is None or kind in self.kinds)
                and (self.segments is None or segment in self.segments)
                and (self.channels is None or channel in self.channels)
                and (self.regulator_referred is None or self.regulator_referred == bool(regulator_referred))
                and self.topic_depth(topic) is not None)


@dataclass(frozen=True)
class PolicySet:
    policies: tuple[SlaPolicy, ...]

    def match(self, *, kind: str, topic: str | None = None, segment: str | None = None,
              channel: str | None = None, regulator_referred: bool = False) -> SlaPolicy:
        """The most specific policy for a case (see the module's rule); never None."""
        best: tuple[int, int, int] | None = None
        chosen = self.policies[-1]
        for order, p in enumerate(self.policies):
            if not p.matches(kind, topic, segment, channel, regulator_referred):
                continue
            key = (p.conditions, p.topic_depth(topic) or 0, -order)
            if best is None or key > best:
                best, chosen = key, p
        return chosen

    def get(self, code: str) -> SlaPolicy | None:
        return next((p for p in self.policies if p.code == code), None)


@dataclass(frozen=True)
class Clocks:
    ack_due_at: datetime
    due_at: datetime
    ack_warn_at: datetime
    warn_at: datetime


# -- clocks ------------------------------------------------------------------------------
def warning_moment(start: datetime, due: datetime, fraction: float, calendar: BusinessCalendar,
                   working: bool) -> datetime:
    """``start + fraction × (due − start)``, measured in working time when ``working``."""
    start_utc = calendar.local(start).astimezone(timezone.utc)
    if not working:
        return start_utc + (due - start_utc) * fraction
    seconds = calendar.working_seconds_between(start_utc, due)
    return calendar.add_working_hours(start_utc, max(0.0, seconds) * fraction / 3600.0)


def compute_clocks(policy: SlaPolicy, accepted_at: datetime, calendar: BusinessCalendar) -> Clocks:
    """The acknowledgement and decision deadlines of a case accepted at ``accepted_at``,
    with their warning moments (``warn_fraction`` of the way there)."""
    return clocks_after_extensions(policy, accepted_at, 0, calendar)


def _due(policy: SlaPolicy, accepted_at: datetime, n: int, calendar: BusinessCalendar) -> tuple[datetime, Duration]:
    due, unit = policy.decision.after(accepted_at, calendar), policy.decision
    for ext in policy.extensions[:n]:
        due = ext.total.after(accepted_at, calendar) if ext.total else ext.add.after(due, calendar)  # type: ignore[union-attr]
        unit = ext.duration
    return due, unit


def clocks_after_extensions(policy: SlaPolicy, accepted_at: datetime, extensions_done: int,
                            calendar: BusinessCalendar) -> Clocks:
    """The clocks of a case whose deadline was extended ``extensions_done`` times (no checks)."""
    if extensions_done > len(policy.extensions):
        raise ValueError(f"policy {policy.code} has only {len(policy.extensions)} extensions")
    ack_due = policy.ack.after(accepted_at, calendar)
    due, unit = _due(policy, accepted_at, extensions_done, calendar)
    f = policy.warn_fraction
    return Clocks(ack_due_at=ack_due, due_at=due,
                  ack_warn_at=warning_moment(accepted_at, ack_due, f, calendar, policy.ack.working),
                  warn_at=warning_moment(accepted_at, due, f, calendar, unit.working))


_ORDINAL = {1: "first", 2: "second", 3: "third"}


def extended_due(policy: SlaPolicy, accepted_at: datetime, extensions_done: int, authority_level: int,
                 calendar: BusinessCalendar, *, authority: Any = None) -> datetime:
    """The decision deadline after one more extension, if ``authority_level`` may approve it.

    Raises :class:`Conflict` (409) when the policy has no extension left, and
    :class:`Forbidden` (403, ``data={"required_level": n}``) when the level is too low.
    ``authority``: an :class:`~xinsheng.cases.authority.AuthorityMatrix` (default: the
    configured one) for extensions that do not name their level.
    """
    n = extensions_done + 1
    if n > len(policy.extensions):
        raise Conflict(f"no extension left: the policy {policy.code} allows {len(policy.extensions)} "
                       f"and the deadline was extended {extensions_done} time(s)",
                       data={"extensions_done": extensions_done, "extensions_allowed": len(policy.extensions)})
    if authority is None:
        from xinsheng.cases.authority import default_authority

        authority = default_authority()
    need = policy.extensions[n - 1].level or authority.extension_level(n)
    what = f"the {_ORDINAL.get(n, f'{n}th')} extension of the deadline"
    if need is None:
        raise Forbidden(f"{what} may not be approved at any authority level", data={"required_level": None})
    if authority_level < need:
        raise Forbidden(f"{what} needs authority level {need} ({authority.label(need, 'en')}); escalate the case",
                        data={"required_level": need})
    return _due(policy, accepted_at, n, calendar)[0]


def next_progress_at(policy: SlaPolicy, after: datetime, calendar: BusinessCalendar) -> datetime | None:
    """When the customer is next told where the case stands (``progress_every`` after ``after``);
    None when the policy sends no progress notifications."""
    return policy.progress_every.after(after, calendar) if policy.progress_every else None


def sla_state(now: datetime, *, due_at: datetime | None, warn_at: datetime | None = None) -> SlaState:
    """``breached`` from ``due_at`` on, ``warning`` from ``warn_at`` on, else ``on_track``."""
    if due_at is not None and now >= due_at:
        return "breached"
    if warn_at is not None and now >= warn_at:
        return "warning"
    return "on_track"


# -- loading -------------------------------------------------------------------------------
_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([a-z_ ]+?)\s*$")
_POLICY_KEYS = ("code", "label", "label_en", "match", "ack", "decision", "warn_fraction", "progress_every",
                "extensions")
_MATCH_KEYS = ("kind", "topic", "segment", "channel", "regulator_referred")


def _duration(r: Reader, d: YDict, key: str, where: str) -> Duration:
    value, line = d[key], d.line_of(key)
    m = _DURATION.match(str(value)) if isinstance(value, str) else None
    unit = m.group(2).replace(" ", "_") if m else ""
    unit = unit if unit.endswith("s") else unit + "s"
    if not m or unit not in UNITS:
        raise r.fail(line, f"{where} '{key}': {value!r} is not a duration like '15 calendar_days' "
                           f"(units: {', '.join(UNITS)})")
    amount = float(m.group(1))
    if amount <= 0 or (unit.endswith("_days") and not amount.is_integer()):
        raise r.fail(line, f"{where} '{key}': {value!r} must be more than 0 (whole days for day units)")
    return Duration(amount, unit)


def _values(r: Reader, m: YDict, key: str, where: str, allowed: tuple[str, ...] | None = None) -> Any:
    if key not in m:
        return None
    raw = m[key]
    items = list(raw) if isinstance(raw, list) else [raw]
    if not items or any(not isinstance(v, (str, int)) or isinstance(v, bool) for v in items):
        raise r.fail(m.line_of(key), f"{where} match '{key}' must be a value or a list of values")
    items = [str(v) for v in items]
    if allowed:
        for v in items:
            if v not in allowed:
                raise r.fail(m.line_of(key), f"{where} match kind: unknown {v!r} (one of {', '.join(allowed)})")
    return items


def _match(r: Reader, p: YDict, where: str) -> dict[str, Any]:
    if p.get("match") is None:
        return {}
    m = r.keys(p["match"], p.line_of("match"), f"{where} match", _MATCH_KEYS)
    kinds = _values(r, m, "kind", where, KINDS)
    topics = _values(r, m, "topic", where)
    segments, channels = _values(r, m, "segment", where), _values(r, m, "channel", where)
    referred = r.boolean(m, "regulator_referred", where, False) if "regulator_referred" in m else None
    return {"kinds": frozenset(kinds) if kinds else None, "topics": tuple(topics) if topics else None,
            "segments": frozenset(segments) if segments else None,
            "channels": frozenset(channels) if channels else None, "regulator_referred": referred}


def _extensions(r: Reader, p: YDict, where: str) -> tuple[Extension, ...]:
    out = []
    entries = r.list(p, "extensions", where)
    for i, e in enumerate(entries):
        w = f"{where} extension {i + 1}"
        e = r.keys(e, entries.line_of(i), w, ("total", "add", "level"))
        if ("total" in e) == ("add" in e):
            raise r.fail(e.line, f"{w} needs either 'total' (deadline from acceptance) or 'add' (more time)")
        key = "total" if "total" in e else "add"
        out.append(Extension(**{key: _duration(r, e, key, w)}, level=r.integer(e, "level", w, None, lo=1)))
    return tuple(out)


def _policy(r: Reader, p: Any, line: int, n: int, defaults: YDict) -> SlaPolicy:
    where = f"policy {n}"
    p = r.keys(p, line, where, _POLICY_KEYS, ("code", "decision"))
    code = r.text(p, "code", where) or ""
    if not re.fullmatch(r"[a-z0-9_.-]{1,64}", code):
        raise r.fail(p.line_of("code"), f"{where}: code {code!r} must be 1-64 of a-z 0-9 _ . -")
    where = f"policy {n} ({code})"
    merged = YDict({**defaults, **p})
    merged.line, merged.key_lines = p.line, {**defaults.key_lines, **p.key_lines}
    ack = _duration(r, merged, "ack", where) if "ack" in merged else Duration(1, "working_days")
    every = _duration(r, merged, "progress_every", where) if merged.get("progress_every") else None
    if "progress_every" not in merged:
        every = Duration(3, "calendar_days")
    label = r.text(p, "label", where) or code
    return SlaPolicy(code=code, label=label, label_en=r.text(p, "label_en", where) or label, ack=ack,
                     decision=_duration(r, p, "decision", where),
                     warn_fraction=r.number(merged, "warn_fraction", where, 0.8, 0.0, 1.0) or 0.0,
                     progress_every=every, extensions=_extensions(r, p, where), **_match(r, p, where))


def load_policies(text: str | None = None, *, source: str | Path | None = None) -> PolicySet:
    """The policies in ``text`` (or the file ``source``, or the shipped ``sla_policies.yaml``);
    a broken file raises :class:`ConfigFileError` with the file, line and problem."""
    text, name = read_source(text, source, SHIPPED)
    r = Reader(name)
    top = r.keys(parse(text, name), 1, "the policy file", ("version", "defaults", "policies"), ("policies",))
    defaults = YDict()
    defaults.line, defaults.key_lines = 1, {}
    if top.get("defaults") is not None:
        defaults = r.keys(top["defaults"], top.line_of("defaults"), "defaults",
                          ("ack", "warn_fraction", "progress_every"))
    entries = r.list(top, "policies", "the policy file")
    policies = tuple(_policy(r, p, entries.line_of(i), i + 1, defaults) for i, p in enumerate(entries))
    seen: dict[str, int] = {}
    for i, p in enumerate(policies):
        if p.code in seen:
            raise r.fail(entries.line_of(i), f"policy code '{p.code}' is used twice (first at line {seen[p.code]})")
        seen[p.code] = entries.line_of(i)
    if not any(p.conditions == 0 for p in policies):
        raise r.fail(top.line_of("policies"), "needs a fallback policy without 'match' (it applies to every "
                                              "case no other policy matches)")
    return PolicySet(policies)


@lru_cache(maxsize=8)
def _cached(path: str | None) -> PolicySet:
    return load_policies(source=path)


def default_policies() -> PolicySet:
    """The policies of ``XINSHENG_CASES_POLICIES`` (else the shipped ones), cached per file."""
    from xinsheng.config import get_settings

    path = getattr(get_settings(), "cases_policies", None)
    return _cached(str(path) if path else None)


default_policies.cache_clear = _cached.cache_clear  # type: ignore[attr-defined]
