"""Planted pattern 6: app sessions of the journeys the bank defines besides the loan
application (mobile transfer, wealth redemption, card activation, overseas-study
remittance), so that every shipped journey (``journeys/data/journeys.yaml``) has events.

Each session goes on from one step to the next with the share in ``_JOURNEYS``; elderly
customers stop more often at the step named in ``_ELDERLY_HARD`` (and some of them then
call the hotline: channel hopping). Sessions are ``attributes.session_id`` / ``step``.
"""
from __future__ import annotations

import random

from xinsheng.demo.contacts import voice_contact
from xinsheng.demo.ivr import hotline_call
from xinsheng.demo.people import Profile
from xinsheng.demo.topics import BY_CODE
from xinsheng.demo.world import World

__all__ = ["plant_journey_sessions", "JOURNEYS"]

#: journey → (steps as (channel, event), share going on after each step, sessions per 1,000 customers per 90 days, help topic)
_JOURNEYS = {
    "mobile_transfer": ((("app", "transfer_started"), ("app", "payee_entered"), ("app", "otp_sent"),
                         ("app", "transfer_submitted"), ("app", "transfer_succeeded")),
                        (0.93, 0.9, 0.8, 0.97), 120, "sms_code_missing"),
    "wealth_redemption": ((("app", "redemption_started"), ("app", "redemption_submitted"), ("sms", "redemption_paid")),
                          (0.85, 0.97), 25, "wealth_redemption_delay"),
    "card_activation": ((("app", "card_activation_started"), ("app", "card_identity_verified"), ("app", "card_pin_set"),
                         ("app", "card_activated")), (0.8, 0.92, 0.97), 20, "face_recognition_failure"),
    "overseas_study_remittance": ((("app", "remittance_started"), ("app", "remittance_documents_uploaded"),
                                   ("app", "remittance_submitted"), ("app", "remittance_completed")),
                                  (0.7, 0.9, 0.95), 8, "overseas_remittance"),
}
JOURNEYS = tuple(_JOURNEYS)
#: the step (index) elderly customers find hardest, and their share going on after it instead
_ELDERLY_HARD = {"mobile_transfer": (2, 0.45), "card_activation": (0, 0.5), "overseas_study_remittance": (0, 0.5)}
_GAP = {"sms": (3600, 3 * 86400)}  # the redemption's money arrives hours to days later


def plant_journey_sessions(world: World, rng: random.Random, profiles: list[Profile]) -> dict:
    """Write the sessions; answer per journey the sessions and how many reached each step."""
    users = [p for p in profiles if p.app_user]
    facts = {}
    if not users:
        return facts
    for name, (steps, go_on, rate, topic) in _JOURNEYS.items():
        n = max(4, round(rate * world.customers / 1000 * world.days / 90))
        reached = [0] * len(steps)
        for i in range(n):
            p = rng.choice(users)
            k = _session(world, rng, p, name, f"J{world.tag}{name[:2]}{i:05d}", steps, go_on, topic)
            for j in range(k):
                reached[j] += 1
        facts[name] = {"sessions": n, "reached": reached}
    return facts


def _session(world: World, rng: random.Random, p: Profile, name: str, session: str, steps, go_on, topic) -> int:
    t = world.at(rng, rng.randrange(world.days), "elderly" if p.elderly else "digital")
    hard = _ELDERLY_HARD.get(name) if p.elderly else None
    done = 0
    for k, (channel, event) in enumerate(steps):
        if not world.in_range(t):
            break
        world.add(t, channel, event, profile=p, seconds=int(rng.uniform(10, 120)),
                  direction="outbound" if channel == "sms" else "inbound",
                  outcome="completed", attributes={"journey": name, "session_id": session, "step": k + 1})
        done = k + 1
        if k == len(steps) - 1:
            break
        share = hard[1] if hard and hard[0] == k else go_on[k]
        if rng.random() >= share:
            break
        lo, hi = _GAP.get(steps[k + 1][0], (5, 240))
        t += int(rng.uniform(lo, hi))
    if done < len(steps) and rng.random() < (0.5 if p.elderly else 0.15):
        t_help = t + int(rng.uniform(0.2, 3.0) * 3600)
        if world.in_range(t_help):
            if p.elderly or rng.random() < 0.5:
                hotline_call(world, rng, p, t_help, option="agent", topic=BY_CODE[topic])
            else:
                voice_contact(world, rng, p, "chat", t_help, BY_CODE[topic])
    return done
