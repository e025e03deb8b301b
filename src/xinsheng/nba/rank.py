"""Ranking one customer's offers: a pure function of the catalogue, the customer's facts and
their offer history, so that suitability and fatigue can be tested over many random cases.

Order of the checks, first failing one wins: eligibility (segments, age, holdings: not
listed), suitability (适当性: listed), the customer's notes (listed, the note as reason),
a complaint about the offer, a recent decline or offer (cooldown), contact fatigue (once
``max_offers`` were made within ``days``, nothing is shown until the window frees one), and
the hold-out group (listed: no offer is made to it). Up to ``limit`` items are shown as
options; the fatigue limit counts the offers actually made (outcome "offered").
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from xinsheng.nba.catalogue import RISKY, Catalogue, Offer
from xinsheng.nba.i18n import say
from xinsheng.nba.notes import Reading, read_notes

LIKE_BOOST = 0.25


@dataclass(frozen=True)
class Facts:
    customer_ref: str
    segment: str | None = None
    age: int | None = None
    risk_level: int | None = None
    holdings: frozenset[str] = frozenset()
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Event:
    code: str
    outcome: str  # offered | accepted | declined | complained
    at: datetime


@dataclass
class Ranking:
    items: list[dict] = field(default_factory=list)
    excluded: list[dict] = field(default_factory=list)
    holdout: bool = False


def in_holdout(cat: Catalogue, customer_ref: str) -> bool:
    """A stable share of customers, by a salted hash of their number, gets no offer."""
    digest = hashlib.sha256(f"{cat.holdout_salt}:{customer_ref}".encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64 < cat.holdout_share


def eligible(offer: Offer, f: Facts) -> bool:
    if offer.segments and f.segment not in offer.segments:
        return False
    if offer.min_age is not None and (f.age is None or f.age < offer.min_age):
        return False
    if offer.max_age is not None and (f.age is None or f.age > offer.max_age):
        return False
    if offer.holds_any and not (f.holdings & set(offer.holds_any)):
        return False
    return not (f.holdings & set(offer.holds_none))


def unsuitable(offer: Offer, f: Facts, lang: str) -> str | None:
    """Why a wealth or fund product may not be offered (适当性), or None."""
    if offer.category not in RISKY:
        return None
    if f.risk_level is None:
        return say(lang, "no_risk_assessment", risk=offer.risk_level)
    if offer.risk_level is None or offer.risk_level > f.risk_level:
        return say(lang, "unsuitable", risk=offer.risk_level, own=f.risk_level)
    return None


def _history_block(cat: Catalogue, offer: Offer, history: list[Event], now: datetime, lang: str) -> str | None:
    mine = [e for e in history if e.code == offer.code]
    if any(e.outcome == "complained" for e in mine):
        return say(lang, "complained")
    declined = [e.at for e in mine if e.outcome == "declined"]
    if declined and max(declined) > now - timedelta(days=cat.declined_days):
        return say(lang, "declined", date=max(declined).date().isoformat(), days=cat.declined_days)
    offered = [e.at for e in mine if e.outcome == "offered"]
    if offered and max(offered) > now - timedelta(days=offer.cooldown_days):
        return say(lang, "cooldown", date=max(offered).date().isoformat(), days=offer.cooldown_days)
    return None


def recent_offers(cat: Catalogue, history: list[Event], now: datetime) -> int:
    since = now - timedelta(days=cat.fatigue_days)
    return sum(1 for e in history if e.outcome == "offered" and e.at > since)


def _item(offer: Offer, f: Facts, reading: Reading, lang: str) -> dict:
    liked = reading.reasons_for(offer)
    reasons = [say(lang, "note_likes", note=n) for n in liked]
    if offer.segments and f.segment in offer.segments:
        reasons.append(say(lang, "segment", segment=say(lang, "seg_" + f.segment)))
    if offer.category in RISKY:
        reasons.append(say(lang, "suitable", risk=offer.risk_level, own=f.risk_level))
    if offer.min_age is not None and offer.min_age >= 45 and f.age is not None:
        reasons.append(say(lang, "age", age=f.age))
    if not reasons:
        reasons.append(say(lang, "catalogue_priority"))
    score = round(offer.priority + LIKE_BOOST * bool(liked), 4)
    return {"code": offer.code, "label": offer.name(lang), "kind": offer.kind, "score": score, "reasons": reasons}


def rank(cat: Catalogue, f: Facts, history: list[Event], now: datetime, *, limit: int = 5,
         lang: str = "zh") -> Ranking:
    """The customer's best offers, highest score first, and the offers left out with why."""
    reading = read_notes(list(f.notes))
    out = Ranking(holdout=in_holdout(cat, f.customer_ref))
    candidates = []
    for offer in cat.offers:
        if not eligible(offer, f):
            continue
        reason = (unsuitable(offer, f, lang) or reading.reason_against(offer)
                  or _history_block(cat, offer, history, now, lang))
        if reason:
            out.excluded.append({"code": offer.code, "reason": reason})
        else:
            candidates.append(_item(offer, f, reading, lang))
    candidates.sort(key=lambda i: (-i["score"], i["code"]))
    tired = recent_offers(cat, history, now) >= cat.max_offers
    shown = 0 if tired else limit
    for i, item in enumerate(candidates):
        if out.holdout:
            out.excluded.append({"code": item["code"], "reason": say(lang, "holdout")})
        elif i < shown:
            out.items.append(item)
        elif i < limit:
            out.excluded.append({"code": item["code"], "reason": say(lang, "fatigue", n=cat.max_offers,
                                                                      days=cat.fatigue_days)})
    return out
