"""The living profile's facts and the features derived from them (pure functions, no database).

``state`` (one JSON object per customer, ``customer_profiles.state``) is kept incrementally:
:func:`fold_contact` adds one contact, :func:`summarise_holdings` replaces the holdings part
from that customer's snapshots. :func:`derive` turns the state, the customer's record and the
experience read from cases and surveys into features, each ``{"value", "source"}``; a value of
None means not enough data (数据不足), never a guess. Rules (docs/profiles.md):

* value tier: the latest AUM (deposits, wealth, funds, insurance, other; not loans or cards)
  in the bank's bands (``data/tiers.yaml``); without holdings, the customer record's segment.
* lifecycle: ``churned`` AUM at most 10 % of its 180-day peak (peak ≥ 1,000); ``new`` account
  opened within 180 days; ``dormant`` no contact and no holdings change for 90 days;
  ``declining`` AUM under 80 % of 90 days before; ``growing`` over 120 %; else ``mature``.
* channel preference: the most used inbound channel (≥ 3 contacts), else the record's.
* digital skill: app/web outcomes (≥ 3): failure share ≥ 30 % ``low``; ≥ 10 uses and
  under 10 % failures ``high``; else ``medium``.
* age band from the birth year; vulnerability: aged 70+, or flagged vulnerable in a contact
  within 365 days.
* recent experience (90 days): bad contacts (negative, complaint, anger, abandoned or
  escalated), negative texts, complaints, open and repeated complaints, survey scores.
"""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from functools import lru_cache
from pathlib import Path

import yaml

from xinsheng.profiles.models import LIABILITIES

DATA = Path(__file__).parent / "data"
DAY = 86400
_KEEP = 30  # recent epochs kept per list
_FAILED_OUTCOMES = frozenset({"failed", "error", "rejected"})
_BAD_OUTCOMES = frozenset({"abandoned", "escalated"})
RECENT_DAYS = 90


@lru_cache(maxsize=1)
def tiers() -> tuple[dict, ...]:
    doc = yaml.safe_load((DATA / "tiers.yaml").read_text(encoding="utf-8"))
    return tuple(doc["tiers"])


def tier_of(aum: float) -> str:
    for t in tiers():
        if t.get("below") is None or aum < float(t["below"]):
            return t["code"]
    return tiers()[-1]["code"]


def _push(values: list, epoch: int) -> list:
    values.append(epoch)
    values.sort()
    return values[-_KEEP:]


def is_bad(contact: dict) -> bool:
    a = contact.get("analysis") or {}
    if contact.get("outcome") in _BAD_OUTCOMES:
        return True
    return (a.get("sentiment_label") == "negative" or "complaint" in (a.get("flags") or ())
            or float((a.get("emotions") or {}).get("anger") or 0.0) >= 0.6)


def fold_contact(state: dict, contact: dict) -> dict:
    """Add one contact (the ingest hook's dict) to ``state``; returns ``state``."""
    epoch = int(contact["started_at"].timestamp())
    c = state.setdefault("c", {"first": epoch, "last": epoch, "n": 0})
    c["first"], c["last"], c["n"] = min(c["first"], epoch), max(c["last"], epoch), c["n"] + 1
    channel = contact.get("channel")
    if contact.get("direction", "inbound") != "outbound" and channel:
        ch = state.setdefault("ch", {})
        ch[channel] = ch.get(channel, 0) + 1
    event = contact.get("event") or ""
    if channel in ("app", "web") and event:
        app = state.setdefault("app", {"ok": 0, "fail": 0})
        failed = event.endswith("_failed") or contact.get("outcome") in _FAILED_OUTCOMES
        app["fail" if failed else "ok"] += 1
    a = contact.get("analysis") or {}
    if is_bad(contact):
        state["bad"] = _push(state.get("bad", []), epoch)
    if a.get("sentiment_label") == "negative":
        state["neg"] = _push(state.get("neg", []), epoch)
    if "complaint" in (a.get("flags") or ()):
        state["cmp"] = _push(state.get("cmp", []), epoch)
    if "vulnerable_customer" in (a.get("flags") or ()):
        state["vul"] = max(epoch, state.get("vul", 0))
    return state


def aum_series(rows: list[tuple[date, str, str, float, int | None]]) -> list[tuple[date, float, float, int, int]]:
    """Per snapshot day: (day, assets, debt, products held, highest risk held) with each product
    carried at its last balance. ``rows``: (as_of, product, category, balance, risk), any order."""
    held: dict[str, tuple[str, float, int | None]] = {}
    out = []
    rows = sorted(rows, key=lambda r: (r[0], r[1]))
    for i, (day, product, category, balance, risk) in enumerate(rows):
        held[product] = (category, float(balance), risk)
        if i + 1 < len(rows) and rows[i + 1][0] == day:
            continue
        assets = sum(b for c, b, _ in held.values() if c not in LIABILITIES)
        debt = sum(b for c, b, _ in held.values() if c in LIABILITIES)
        count = sum(1 for _, b, _ in held.values() if b > 0)
        risk_held = max((r or 0 for c, b, r in held.values() if b > 0 and c in ("wealth", "fund")), default=0)
        out.append((day, assets, debt, count, risk_held))
    return out


def summarise_holdings(rows: list[tuple]) -> dict | None:
    series = aum_series(rows)
    if not series:
        return None
    last_day, aum, debt, count, risk = series[-1]
    before = [s for s in series if s[0] <= last_day - timedelta(days=RECENT_DAYS)]
    base = before[-1] if before else series[0]
    peak = max(s[1] for s in series if s[0] >= last_day - timedelta(days=180))
    changed = max((s[0] for i, s in enumerate(series) if i == 0 or s[1:3] != series[i - 1][1:3]), default=last_day)
    return {"as_of": last_day.isoformat(), "aum": round(aum, 2), "debt": round(debt, 2), "products": count,
            "risk_held": risk or None, "base_as_of": base[0].isoformat(), "base_aum": round(base[1], 2),
            "peak180": round(peak, 2), "first": series[0][0].isoformat(), "changed": changed.isoformat()}


def _f(value, source: str | None) -> dict:
    return {"value": value, "source": source if value is not None else None}


def age_band(birth_year: int | None, today: date) -> str | None:
    if not birth_year:
        return None
    age = today.year - birth_year
    for top, band in ((30, "18-29"), (45, "30-44"), (60, "45-59"), (70, "60-69")):
        if age < top:
            return band
    return "70+"
