"""Planted patterns 4–5: the loan-application funnel that leaks at step 3, and customers who
contact the bank again and again about a wealth redemption that has not arrived.
"""
from __future__ import annotations

import random

from xinsheng.demo.contacts import callback, voice_contact
from xinsheng.demo.ivr import hotline_call
from xinsheng.demo.people import Profile
from xinsheng.demo.phrases import BANK
from xinsheng.demo.rand import wpick
from xinsheng.demo.topics import BY_CODE
from xinsheng.demo.traffic import app_event
from xinsheng.demo.world import DAY, World

__all__ = ["plant_loan_funnel", "plant_repeat_redemptions", "LOAN_STEPS"]

LOAN_STEPS = ("loan_apply_step1", "loan_apply_step2", "loan_apply_step3", "loan_apply_step4", "loan_submitted")
# Share of sessions that go on from each step to the next; step 3 (upload income proof) leaks.
_CONTINUE = (0.86, 0.9, 0.42, 0.9)
_LOAN_KINDS = ("consumer_loan", "consumer_loan", "renovation_loan", "car_loan", "business_loan")


def _reach_counts(n: int) -> list[int]:
    counts = [n]
    for share in _CONTINUE:
        counts.append(round(counts[-1] * share))
    return counts


def plant_loan_funnel(world: World, rng: random.Random, profiles: list[Profile]) -> dict:
    """App loan applications: step1 → step2 → step3 (income proof) → step4 → submitted."""
    candidates = [p for p in profiles if p.app_user and 22 <= world.end.year - p.birth_year <= 60] or profiles
    n = max(8, round(0.045 * world.customers * world.days / 90)) if candidates else 0
    reach = _reach_counts(n)
    for i in range(n):
        p = rng.choice(candidates)
        steps = sum(1 for c in reach if c > i)  # sessions are ordered by how far they get
        _loan_session(world, rng, p, f"L{world.tag}{i:05d}", steps)
    reached3, reached4 = reach[2], reach[3]
    return {
        "journey": "loan_application",
        "steps": list(LOAN_STEPS),
        "sessions": n,
        "reached": dict(zip(LOAN_STEPS, reach)),
        "step3_dropoff_share": round(1 - reached4 / reached3, 4) if reached3 else 0.0,
    }


def _loan_session(world: World, rng: random.Random, p: Profile, session: str, steps: int) -> None:
    day = rng.randrange(max(1, world.days - 3))
    t = world.at(rng, day, "digital")
    kind = rng.choice(_LOAN_KINDS)
    version = world.app_version(rng, day)
    for k in range(steps):
        event = LOAN_STEPS[k]
        last = k == steps - 1
        outcome = "pending" if event == "loan_submitted" else ("abandoned" if last else "completed")
        attrs = {"journey": "loan_application", "session_id": session, "step": k + 1, "loan_type": kind,
                 "app_version": version}
        if k == 2:
            attrs["document"] = "income_proof"
        seconds = int(rng.uniform(60, 600) * (2.5 if k == 2 else 1.0))
        world.add(t, "app", event, profile=p, seconds=seconds, outcome=outcome, attributes=attrs)
        t += seconds + int(rng.uniform(5, 60))
    if steps == 3 and rng.random() < 0.3:  # stuck at the upload: ask for help
        t_help = t + int(rng.uniform(0.2, 30) * 3600)
        if world.in_range(t_help):
            channel = rng.choice(("chat", "phone", "wechat"))
            topic = BY_CODE["loan_document_upload"]
            if channel == "phone":
                hotline_call(world, rng, p, t_help, option="loan", topic=topic)
            else:
                voice_contact(world, rng, p, channel, t_help, topic)
    elif steps == 5:
        t_done = t + int(rng.uniform(1, 5) * DAY)
        if world.in_range(t_done):
            ok = rng.random() < 0.7
            text = f"【{BANK}】您的贷款申请{'已审批通过，额度已发放至您的借记卡' if ok else '未通过审批，详情请咨询客服'}。"
            world.add(t_done, "sms", "notice_sent", profile=p, direction="outbound", text=text, outcome="delivered",
                      attributes={"notice": "loan_approved" if ok else "loan_rejected", "session_id": session})


def plant_repeat_redemptions(world: World, rng: random.Random, profiles: list[Profile]) -> tuple[list[str], list[dict]]:
    """Customers whose redemption does not arrive contact us 3–5 times within two weeks."""
    holders = [p for p in profiles if "wealth" in p.products] or profiles
    if world.days < 17 or not holders:
        return [], []
    k = min(len(holders), max(3, round(0.008 * world.customers * world.days / 90)))
    chosen = rng.sample(holders, k)
    episodes = [_redemption_episode(world, rng, p) for p in chosen]
    return sorted(p.ref for p in chosen), sorted(episodes, key=lambda e: e["customer_ref"])


def _redemption_episode(world: World, rng: random.Random, p: Profile) -> dict:
    topic = BY_CODE["wealth_redemption_delay"]
    d0 = rng.randrange(0, world.days - 16)
    t0 = world.at(rng, d0, "digital")
    amount = rng.randint(5, 200) * 1000
    channel = "app" if p.app_user else "web"
    if channel == "app":
        app_event(world, rng, p, t0, "redemption_submitted", amount=amount, product_type="wealth")
    else:
        world.add(t0, "web", "redemption_submitted", profile=p, seconds=120, outcome="completed",
                  attributes={"amount": amount, "product_type": "wealth"})
    n = rng.choice((3, 4, 4, 5))
    offsets = sorted(rng.sample(range(2, 15), n))
    contacts = []
    for i, off in enumerate(offsets):
        final = i == n - 1
        t = world.at(rng, d0 + off, "elderly" if p.elderly else "service")
        outcome = "resolved" if final else ("escalated" if i == n - 2 or rng.random() < 0.3 else "pending")
        sentiment = "positive" if final else ("neutral" if i == 0 and rng.random() < 0.5 else "negative")
        voice = {"sentiment": sentiment, "intensity": min(3, i + 1), "outcome": outcome, "follow_ups": False,
                 "attributes": {"case": "redemption", "amount": amount}}
        via = wpick(rng, ("phone", "chat", "wechat"), (60, 25, 15))
        if via == "phone":
            rec = hotline_call(world, rng, p, t, option="wealth" if i == 0 else "case_progress", topic=topic, **voice)
        else:
            rec = voice_contact(world, rng, p, via, t, topic, **voice)
        contacts.append(rec["external_id"])
        if outcome == "escalated":
            callback(world, rng, p, t + int(rng.uniform(2, 20) * 3600), topic, rec["external_id"], resolved=False)
    t_paid = t - int(rng.uniform(1, 5) * 3600)
    world.add(t_paid, "sms", "notice_sent", profile=p, direction="outbound", outcome="delivered",
              text=f"【{BANK}】您赎回的理财资金{amount:,.2f}元已到账，请查收。", attributes={"notice": "redemption_paid"})
    return {"customer_ref": p.ref, "redeemed_on": world.date_of(d0).isoformat(), "contacts": contacts,
            "resolved_on": world.date_of(world.day_of(t)).isoformat()}
