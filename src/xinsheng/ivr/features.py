"""A caller's behaviour state, kept incrementally: :func:`apply` folds one contact into it.

The state is a small JSON object (one row per caller, ``ivr_caller_state``)::

    {"o": {node: {option: {"w": decayed weight, "t": epoch of the last choice, "n": count,
                           "ms": choices on the 1st–3rd, "me": choices in the month's last 3 days,
                           "dw": [7 counts by weekday], "hb": [6 counts by 4-hour block],
                           "dm": {day of month: count} (pay-day habits: only the days used)}}},
     "ev": {"transfer_failed": epoch, "redemption": epoch, "anger": epoch, "vulnerable": epoch},
     "last": [node, option, epoch]}

Days and hours are the bank's local time (``display_timezone``). The weight decays with a
half-life of :data:`HALF_LIFE_DAYS`: ``w`` is the weight at time ``t``, so folding contacts in
any order gives the same weight (each choice counts ``0.5 ** (age / half-life)``).
"""
from __future__ import annotations

import calendar
from datetime import datetime
from functools import lru_cache
from zoneinfo import ZoneInfo

HALF_LIFE_DAYS = 60.0
_HALF_LIFE_S = HALF_LIFE_DAYS * 86400
#: app/web events that mean a transfer did not go through
_TRANSFER_FAILED = frozenset({"transfer_failed"})
_FAILED_OUTCOMES = frozenset({"failed", "error", "rejected"})
_ANGER = 0.6


@lru_cache(maxsize=4)
def _zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def local(at: datetime, tz: str = "Asia/Shanghai") -> datetime:
    return at.astimezone(_zone(tz))


def decayed(weight: float, since: float, now: float) -> float:
    """``weight`` (as of ``since``) as of ``now``; growing back when ``now`` is earlier."""
    return weight * 0.5 ** ((now - since) / _HALF_LIFE_S)


def month_part(day: datetime) -> str | None:
    """``start`` (1st–3rd), ``end`` (the month's last 3 days) or None."""
    if day.day <= 3:
        return "start"
    if day.day > calendar.monthrange(day.year, day.month)[1] - 3:
        return "end"
    return None


def _choice(state: dict, node: str, option: str, at: datetime, tz: str) -> None:
    epoch = int(at.timestamp())  # whole seconds and 6-decimal weights: a smaller row to read and write
    entry = state.setdefault("o", {}).setdefault(node, {}).setdefault(
        option, {"w": 0.0, "t": epoch, "n": 0, "ms": 0, "me": 0, "dw": [0] * 7, "hb": [0] * 6})
    if epoch >= entry["t"]:
        entry["w"] = round(decayed(entry["w"], entry["t"], epoch) + 1.0, 6)
        entry["t"] = epoch
    else:  # an older contact arriving late
        entry["w"] = round(entry["w"] + decayed(1.0, epoch, entry["t"]), 6)
    entry["n"] += 1
    day = local(at, tz)
    part = month_part(day)
    if part == "start":
        entry["ms"] += 1
    elif part == "end":
        entry["me"] += 1
    entry["dw"][day.weekday()] += 1
    entry["hb"][day.hour // 4] += 1
    days = entry.setdefault("dm", {})  # rows written before pay-day habits lack it
    days[str(day.day)] = days.get(str(day.day), 0) + 1
    last = state.get("last")
    if last is None or epoch >= last[2]:
        state["last"] = [node, option, epoch]


def _event(state: dict, name: str, epoch: float) -> None:
    events = state.setdefault("ev", {})
    if epoch >= events.get(name, float("-inf")):
        events[name] = epoch


def _topics(analysis: dict | None) -> list[str]:
    return [t.get("code") or "" for t in (analysis or {}).get("topics") or ()]


def apply(state: dict, contact: dict, tz: str = "Asia/Shanghai") -> dict:
    """Fold ``contact`` (the ingest hook's dict: ``channel``, ``event``, ``started_at``,
    ``outcome``, ``attributes``, ``analysis``) into ``state``; returns ``state``."""
    at: datetime = contact["started_at"]
    epoch = int(at.timestamp())
    channel, event = contact.get("channel"), contact.get("event")
    attrs = contact.get("attributes") or {}
    if channel == "ivr" and event == "menu_selected" and attrs.get("menu_option"):
        _choice(state, str(attrs.get("menu_node") or "root"), str(attrs["menu_option"]), at, tz)
    elif channel in ("app", "web"):
        if event in _TRANSFER_FAILED or (event == "transfer_submitted" and contact.get("outcome") in _FAILED_OUTCOMES):
            _event(state, "transfer_failed", epoch)
        elif event == "transfer_submitted" and state.get("ev", {}).get("transfer_failed", float("inf")) < epoch:
            state["ev"].pop("transfer_failed")  # a later transfer went through
    analysis = contact.get("analysis")
    if analysis and channel != "ivr":
        if any("redemption" in code for code in _topics(analysis)) and analysis.get("sentiment_label") != "positive":
            _event(state, "redemption", epoch)
        if float((analysis.get("emotions") or {}).get("anger") or 0.0) >= _ANGER:
            _event(state, "anger", epoch)
        if "vulnerable_customer" in (analysis.get("flags") or ()):
            _event(state, "vulnerable", epoch)
    return state


def relevant(contact: dict) -> bool:
    """Whether :func:`apply` may change anything for ``contact`` (the hook skips the rest:
    most contacts touch no caller's row)."""
    channel, event = contact.get("channel"), contact.get("event")
    if channel == "ivr":
        return event == "menu_selected"
    if channel in ("app", "web") and event in ("transfer_failed", "transfer_submitted"):
        return True
    analysis = contact.get("analysis")
    if not analysis:
        return False
    return (any("redemption" in code for code in _topics(analysis))
            or float((analysis.get("emotions") or {}).get("anger") or 0.0) >= _ANGER
            or "vulnerable_customer" in (analysis.get("flags") or ()))
