"""Planted patterns 1–3: the bad app release, the start-of-month transferers, elderly app
failures followed by a call. Each ``plant_*`` writes its interactions and returns its facts.
"""
from __future__ import annotations

import random
import statistics
from datetime import timedelta

from xinsheng.demo.contacts import voice_contact
from xinsheng.demo.ivr import hotline_call, ivr_call
from xinsheng.demo.people import Profile
from xinsheng.demo.rand import wpick
from xinsheng.demo.topics import BY_CODE
from xinsheng.demo.traffic import app_event
from xinsheng.demo.world import DAY, World

__all__ = ["plant_app_release", "plant_monthly_transferers", "plant_elderly_app_then_call", "SPIKE_TOPIC"]

SPIKE_TOPIC = "mobile_login_failure"
SPIKE_FACTORS = (7.0, 9.0, 7.0, 5.0)  # contacts about the topic on release day and the 3 days after, × baseline
_BASELINE_DAYS = 20


def _topic_texts_per_day(world: World, code: str) -> list[int]:
    counts = [0] * world.days
    for t, _, rec in world.rows:
        if rec["text"] is not None and rec["attributes"].get("topic") == code:
            counts[t // DAY] += 1
    return counts


def plant_app_release(world: World, rng: random.Random, profiles: list[Profile]) -> dict:
    """Release 7.3.0 at day end-30: log-in failures and crash complaints multiply for 4 days.

    Call this after the background traffic: the extra volume is sized from the median
    daily count of the topic's texts over the 20 days before the release.
    """
    r = world.release_day
    counts = _topic_texts_per_day(world, SPIKE_TOPIC)
    before = counts[max(0, r - _BASELINE_DAYS):r] or [0]
    baseline = max(float(statistics.median(before)), statistics.fmean(before), 1.5)
    users = [p for p in profiles if p.app_user] or profiles
    spike_days, extra_total = [], 0
    for k, factor in enumerate(SPIKE_FACTORS):
        day = r + k
        if day >= world.days:
            break
        spike_days.append(world.date_of(day).isoformat())
        extra = round(baseline * (factor - 1) * rng.uniform(0.95, 1.15))
        extra_total += extra
        for _ in range(extra):
            _spike_contact(world, rng, rng.choice(users), day)
    return {
        "version": "7.3.0",
        "date": world.date_of(r).isoformat(),
        "spike_days": spike_days,
        "topic": SPIKE_TOPIC,
        "fix_version": "7.3.1",
        "fix_date": world.date_of(world.fix_day).isoformat() if world.fix_day < world.days else None,
        "baseline_per_day": round(baseline, 2),
        "extra_contacts": extra_total,
    }


def _spike_contact(world: World, rng: random.Random, p: Profile, day: int) -> None:
    topic = BY_CODE[SPIKE_TOPIC]
    t = world.at(rng, day, "digital")
    channel = wpick(rng, ("app", "chat", "phone", "social"), (40, 20, 25, 15))
    sentiment = "negative" if rng.random() < 0.88 else "neutral"
    for k in range(rng.choice((1, 1, 2, 3))):  # the failed attempts before complaining
        app_event(world, rng, p, t - 60 * (k + 1) - int(rng.uniform(0, 50)), "login_failed",
                  version="7.3.0", reason="crash")
    if channel == "phone":
        hotline_call(world, rng, p, t, option="agent", topic=topic, sentiment=sentiment, version="7.3.0")
    else:
        who = None if channel == "social" and rng.random() < 0.6 else p
        extra = {"app_version": "7.3.0"} if channel == "app" else None
        voice_contact(world, rng, who, channel, t, topic, sentiment=sentiment, version="7.3.0", attributes=extra)


def _month_starts(world: World) -> list[list[int]]:
    """Day indices falling on the 1st–3rd of a month, grouped by month."""
    groups: dict[tuple[int, int], list[int]] = {}
    for day in range(world.days):
        d = world.date_of(day)
        if d.day <= 3:
            groups.setdefault((d.year, d.month), []).append(day)
    return list(groups.values())


def plant_monthly_transferers(world: World, rng: random.Random, profiles: list[Profile]) -> list[str]:
    """~5 % of customers transfer on the 1st–3rd of each month: IVR ``transfer`` and/or the app."""
    chosen = rng.sample(profiles, max(1, round(len(profiles) * 0.05))) if profiles else []
    groups = _month_starts(world)
    for p in chosen:
        amount = rng.choice((1500, 2000, 3000, 3500, 5000, 8000))  # rent, parents' allowance, a loan
        ivr_done = False
        for i, days in enumerate(groups):
            day = wpick(rng, days, (5, 3, 2)[: len(days)])
            t = world.at(rng, day, "elderly" if p.elderly else "service")
            must = not ivr_done and i == len(groups) - 1
            if must or rng.random() < 0.88:
                ivr_call(world, rng, p, t, option="transfer", outcome="resolved")
                ivr_done = True
            if p.app_user and rng.random() < 0.5:
                app_event(world, rng, p, t + int(rng.uniform(600, 7200)), "transfer_submitted",
                          amount=amount, payee="family")
    return sorted(p.ref for p in chosen)


def plant_elderly_app_then_call(world: World, rng: random.Random, profiles: list[Profile]) -> list[str]:
    """Elderly app users fail to log in (password, face check) and call the hotline within hours."""
    candidates = [p for p in profiles if p.elderly and p.app_user]
    if not candidates:
        return []
    chosen = rng.sample(candidates, max(1, round(len(candidates) * 0.25)))
    for p in chosen:
        for _ in range(rng.choice((1, 1, 2))):
            day = rng.randrange(world.days)
            t = world.at(rng, day, "elderly")
            for _attempt in range(rng.choice((1, 2, 3))):
                event = rng.choice(("login_failed", "face_recognition_failed"))
                reason = {"reason": "wrong_password"} if event == "login_failed" else {"reason": "face_mismatch"}
                app_event(world, rng, p, t, event, **reason)
                t += int(rng.uniform(40, 240))
            t_call = t + int(rng.uniform(0.3, 4.0) * 3600)
            if not world.in_range(t_call):
                t_call = t + 600
            code = wpick(rng, ("face_recognition_failure", "mobile_login_failure", "elderly_service"), (50, 30, 20))
            hotline_call(world, rng, p, t_call, option="agent", topic=BY_CODE[code],
                         sentiment="negative" if rng.random() < 0.7 else "neutral")
    return sorted(p.ref for p in chosen)


def month_start_dates(world: World) -> list[str]:
    """ISO dates of the 1st–3rd of each month inside the window (for the facts)."""
    return [(world.start + timedelta(days=d)).isoformat() for g in _month_starts(world) for d in g]
