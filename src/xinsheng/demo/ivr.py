"""IVR calls: each caller's menu habits, the menu choice record and the transfer to an agent.

Habits depend on the segment (mass callers check balances and credit cards, affluent and
private clients go to wealth, FX and a human), on age and on the products held; every
customer also has one favourite option, so a caller's past choices predict the next one.
A caller with an open case mostly picks ``case_progress``.

The last :data:`AB_DAYS` days are an A/B period: :data:`AB_SHARE` of the callers (fixed per
caller by the IVR's own hash, ``ivr.service.hears_static``) hear the static menu, and their
self-service choices end less often in self-service and more often in a hang-up or a
transfer than the personalised group's (the loader sets the share in the database, so the
IVR page compares the two groups).
"""
from __future__ import annotations

import random

from xinsheng.demo.contacts import voice_contact
from xinsheng.demo.people import Profile
from xinsheng.demo.rand import cpick, wpick
from xinsheng.demo.world import World
from xinsheng.ivr.service import hears_static

__all__ = ["IVR_OPTIONS", "AB_DAYS", "AB_SHARE", "assign_habits", "ivr_call", "hotline_call"]

IVR_OPTIONS = ("balance", "transfer", "card", "credit_card", "wealth", "loan", "fx", "complaint", "agent")
_SEGMENT_WEIGHTS = {
    "mass": (30, 8, 12, 18, 4, 7, 2, 4, 15),
    "affluent": (16, 10, 8, 14, 22, 6, 9, 3, 12),
    "private": (8, 8, 4, 8, 26, 4, 14, 2, 26),
}
_ELDERLY = {"balance": 1.6, "agent": 1.5, "credit_card": 0.5, "fx": 0.5, "loan": 0.3}
_NEEDS = {"credit_card": ("credit_card",), "wealth": ("wealth", "fund"), "loan": ("mortgage", "consumer_loan"),
          "fx": ("fx",)}
_SELF_SERVICE = frozenset({"balance", "transfer", "card", "credit_card"})
AB_DAYS = 30
AB_SHARE = 0.2
#: outcomes (resolved, transferred, abandoned) of a self-service choice: before the A/B period,
#: and in it for the static and the personalised group (their option offered first more often)
_OUTCOMES = {"before": (72, 18, 10), "static": (62, 24, 14), "personalised": (76, 16, 8)}
_ANON_CUM = [sum(_SEGMENT_WEIGHTS["mass"][: i + 1]) for i in range(len(IVR_OPTIONS))]


def assign_habits(rng: random.Random, profile: Profile) -> None:
    """Set ``profile.ivr_habit`` (cumulative weights over :data:`IVR_OPTIONS`)."""
    weights = []
    for option, w in zip(IVR_OPTIONS, _SEGMENT_WEIGHTS[profile.segment]):
        w = float(w)
        if profile.elderly:
            w *= _ELDERLY.get(option, 1.0)
        needs = _NEEDS.get(option)
        if needs and not any(p in profile.products for p in needs):
            w *= 0.25
        weights.append(w)
    favourite = rng.choices(range(len(weights)), weights)[0]
    weights[favourite] += sum(weights) * 1.5
    acc, cum = 0.0, []
    for w in weights:
        acc += w
        cum.append(acc)
    profile.ivr_habit = cum


def _choose(rng: random.Random, profile: Profile | None, open_case: bool) -> str:
    if open_case and rng.random() < 0.65:
        return "case_progress"
    if profile is None:
        return cpick(rng, IVR_OPTIONS, _ANON_CUM)
    return cpick(rng, IVR_OPTIONS, profile.ivr_habit)


def ivr_call(world: World, rng: random.Random, profile: Profile | None, t: int, *, option: str | None = None,
             open_case: bool = False, outcome: str | None = None) -> dict:
    """One IVR menu choice at ``t`` (``menu_selected`` at the root node)."""
    option = option or _choose(rng, profile, open_case)
    if outcome is None:
        if option in _SELF_SERVICE:
            outcome = wpick(rng, ("resolved", "transferred", "abandoned"), _OUTCOMES[_period(world, profile, t)])
        else:
            outcome = wpick(rng, ("transferred", "resolved", "abandoned"), (80, 10, 10))
    seconds = int(rng.uniform(25, 150) * (1.5 if profile is not None and profile.elderly else 1.0))
    attrs = {"menu_node": "root", "menu_option": option}
    if profile is not None and profile.elderly and rng.random() < 0.3:
        attrs["elderly_mode"] = True
    return world.add(t, "ivr", "menu_selected", profile=profile, seconds=seconds, outcome=outcome,
                     attributes=attrs)


def _period(world: World, profile: Profile | None, t: int) -> str:
    if profile is None or world.day_of(t) < world.days - AB_DAYS:
        return "before"
    return "static" if hears_static(profile.ref, AB_SHARE) else "personalised"


def hotline_call(world: World, rng: random.Random, profile: Profile | None, t: int, *, option: str | None = None,
                 open_case: bool = False, topic=None, **voice: object) -> dict | None:
    """An IVR choice followed by the agent call it was transferred to; returns the call."""
    menu = ivr_call(world, rng, profile, t, option=option, open_case=open_case, outcome="transferred")
    chosen = menu["attributes"]["menu_option"]
    if topic is None:
        topic = world.picker.pick_for_option(rng, profile, chosen)
    t_call = t + int(rng.uniform(30, 150))
    attrs = dict(voice.pop("attributes", None) or {})
    attrs["ivr_option"] = chosen
    return voice_contact(world, rng, profile, "phone", t_call, topic, attributes=attrs, **voice)  # type: ignore[arg-type]


def load_ab(engine) -> None:
    """The A/B share in force: the demo's static group hears the static menu from now on too."""
    from xinsheng.db import session_scope
    from xinsheng.ivr.design import set_ab_share

    with session_scope(engine) as session:
        set_ab_share(session, AB_SHARE, "demo")
