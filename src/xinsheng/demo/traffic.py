"""Everyday background traffic: every customer's contacts on every channel, plus anonymous ones.

A customer's contact count is Poisson with a rate proportional to the number of days and
to the customer's activity, so volume scales linearly with customers × days. The channel
mix follows the preferred channel, age and app use. Contacts are generated in time order
per customer so that an open complaint changes later behaviour (the IVR's
``case_progress``).
"""
from __future__ import annotations

import math
import random

from xinsheng.demo import notices
from xinsheng.demo.contacts import voice_contact
from xinsheng.demo.ivr import hotline_call, ivr_call
from xinsheng.demo.people import Profile
from xinsheng.demo.rand import cpick, wpick
from xinsheng.demo.topics import BY_CODE
from xinsheng.demo.world import DAY, World

__all__ = ["background", "anonymous", "poisson", "app_event", "CONTACT_RATE", "ANONYMOUS_RATE"]

CONTACT_RATE = 0.135    # background contacts per customer per day (before activity factors)
ANONYMOUS_RATE = 0.012  # anonymous contacts per customer per day

_MIX = {"app": 36.0, "ivr": 12.0, "phone": 8.0, "sms": 14.0, "wechat": 6.0, "chat": 5.0, "web": 4.0,
        "email": 2.0, "branch": 4.0, "social": 1.2}
_CHANNELS = tuple(_MIX)
_ELDERLY_MIX = {"branch": 2.2, "phone": 1.6, "ivr": 1.4, "app": 0.5, "chat": 0.3, "web": 0.3, "social": 0.3}
_SEGMENT_RATE = {"mass": 1.0, "affluent": 1.25, "private": 1.6}
_CLOCK = {"app": "digital", "web": "digital", "social": "social", "branch": "branch", "sms": "digital"}
_DIGITAL = ("mobile_login_failure", "face_recognition_failure", "sms_code_missing", "password_reset",
            "transfer_limit", "transfer_failure", "loan_document_upload", "points_redemption")
_mix_cache: dict[tuple, list[float]] = {}


def poisson(rng: random.Random, lam: float) -> int:
    """A Poisson draw (Knuth for small means, a rounded normal above 30)."""
    if lam <= 0:
        return 0
    if lam > 30:
        return max(0, round(rng.gauss(lam, math.sqrt(lam))))
    limit, k, p = math.exp(-lam), 0, rng.random()
    while p > limit:
        k += 1
        p *= rng.random()
    return k


def _mix(p: Profile) -> list[float]:
    key = (p.preferred_channel, p.elderly, p.app_user, p.segment)
    cum = _mix_cache.get(key)
    if cum is None:
        acc, cum = 0.0, []
        for ch in _CHANNELS:
            w = _MIX[ch] * (_ELDERLY_MIX.get(ch, 1.0) if p.elderly else 1.0)
            w *= 2.5 if ch == p.preferred_channel else 1.0
            if ch == "app" and not p.app_user:
                w = 0.0
            if ch in ("phone", "email") and p.segment == "private":
                w *= 1.8
            acc += w
            cum.append(acc)
        _mix_cache[key] = cum
    return cum


def _topic(world: World, rng: random.Random, p: Profile | None, channel: str):
    if channel in ("app", "web") and rng.random() < 0.6:
        return BY_CODE[rng.choice(_DIGITAL)]
    return world.picker.pick(rng, p)


def app_event(world: World, rng: random.Random, p: Profile, t: int, event: str, **extra: object) -> dict:
    """A plain app event (no text) with the app version the customer runs that day."""
    attrs = {"app_version": extra.pop("version", None) or world.app_version(rng, world.day_of(t))}
    attrs.update(extra)
    failed = event.endswith("_failed")
    return world.add(t, "app", event, profile=p, seconds=int(rng.uniform(5, 90)),
                     outcome="failed" if failed else "completed", attributes=attrs)


_APP_EVENTS = ("login_success", "balance_viewed", "transfer_submitted", "bill_paid", "login_failed",
               "transfer_failed", "face_recognition_failed", "redemption_submitted", "purchase_submitted",
               "card_frozen", "feedback", "survey")
_APP_WEIGHTS = (46, 14, 11, 4, 4, 1.2, 1.2, 1.5, 1.5, 0.3, 5, 1.5)


def _app(world: World, rng: random.Random, p: Profile, t: int, state: dict) -> None:
    event = wpick(rng, _APP_EVENTS, _APP_WEIGHTS)
    version = world.app_version(rng, world.day_of(t))
    if version == "7.3.0" and rng.random() < 0.35:
        event = "login_failed"
    if event in ("redemption_submitted", "purchase_submitted") and "wealth" not in p.products:
        event = "login_success"
    if event == "feedback":
        voice_contact(world, rng, p, "app", t, _topic(world, rng, p, "app"), version=version,
                      attributes={"app_version": version})
    elif event == "survey":
        score = wpick(rng, range(11), (2, 1, 1, 2, 2, 4, 6, 10, 22, 22, 28))
        world.add(t, "app", "survey_answered", profile=p, seconds=30, outcome="resolved",
                  attributes={"survey": "nps", "score": score, "app_version": version})
    elif event == "login_failed":
        reason = "crash" if version == "7.3.0" and rng.random() < 0.6 else rng.choice(("wrong_password", "network", "locked"))
        app_event(world, rng, p, t, event, version=version, reason=reason)
    elif event in ("transfer_submitted", "transfer_failed", "redemption_submitted", "purchase_submitted"):
        app_event(world, rng, p, t, event, version=version, amount=rng.randint(1, 400) * 100)
    else:
        app_event(world, rng, p, t, event, version=version)


def _web(world: World, rng: random.Random, p: Profile | None, t: int, state: dict) -> None:
    kind = wpick(rng, ("login_success", "login_failed", "page_viewed", "transfer_submitted",
                        "statement_downloaded", "message"), (35, 6, 30, 12, 5, 12))
    if p is None and kind in ("login_success", "login_failed", "transfer_submitted", "statement_downloaded"):
        kind = "page_viewed"
    if kind == "message":
        voice_contact(world, rng, p, "web", t, _topic(world, rng, p, "web"))
    elif kind == "page_viewed":
        page = rng.choice(("faq/transfer_limit", "faq/card_loss", "rates/deposit", "faq/remittance",
                           "products/wealth", "faq/password", "branches"))
        world.add(t, "web", kind, profile=p, seconds=int(rng.uniform(10, 400)), outcome="completed",
                  attributes={"page": page})
    else:
        world.add(t, "web", kind, profile=p, seconds=int(rng.uniform(10, 200)),
                  outcome="failed" if kind.endswith("failed") else "completed")


def _sms(world: World, rng: random.Random, p: Profile, t: int, state: dict) -> None:
    roll = rng.random()
    if roll < 0.86:
        notices.sms_notice(world, rng, p, t)
    elif roll < 0.93:
        world.add(t, "sms", "sms_reply", profile=p, text=rng.choice(("TD", "退订", "R", "不要再发了", "已收到")),
                  outcome="resolved", attributes={"reply_to": "marketing"})
    else:
        voice_contact(world, rng, p, "sms", t, world.picker.pick(rng, p))


def _ivr(world: World, rng: random.Random, p: Profile | None, t: int, state: dict) -> None:
    open_case = t < state.get("open_until", -1)
    menu = ivr_call(world, rng, p, t, open_case=open_case)
    if menu["outcome"] == "transferred":
        option = menu["attributes"]["menu_option"]
        topic = state.get("case_topic") if option == "case_progress" else None
        topic = topic or world.picker.pick_for_option(rng, p, option)
        voice_contact(world, rng, p, "phone", t + int(rng.uniform(40, 160)), topic,
                      attributes={"ivr_option": option})


def _phone(world: World, rng: random.Random, p: Profile, t: int, state: dict) -> None:
    if rng.random() < 0.16:
        notices.outbound_call(world, rng, p, t)
        return
    open_case = t < state.get("open_until", -1)
    topic = state.get("case_topic") if open_case and rng.random() < 0.5 else None
    rec = hotline_call(world, rng, p, t, open_case=open_case, topic=topic)
    _track(state, rec, t)


def _written(channel: str):
    def build(world: World, rng: random.Random, p: Profile | None, t: int, state: dict) -> None:
        if channel == "email" and p is not None and rng.random() < 0.4:
            notices.statement_email(world, rng, p, t)
            return
        if channel == "social" and rng.random() < 0.6:
            p = None  # most posts cannot be linked to a customer
        rec = voice_contact(world, rng, p, channel, t, _topic(world, rng, p, channel))
        _track(state, rec, t)
    return build


def _branch(world: World, rng: random.Random, p: Profile, t: int, state: dict) -> None:
    if rng.random() < 0.12:
        topic = BY_CODE[rng.choice(("branch_queue", "branch_queue", "service_praise"))] if rng.random() < 0.6 \
            else world.picker.pick(rng, p)
        voice_contact(world, rng, p, "branch", t, topic)
        return
    wait = int(rng.lognormvariate(2.6, 0.7) * (0.3 if p.segment != "mass" else 1.0))
    service = rng.choice(("deposit", "withdrawal", "card", "wealth", "password_reset", "account_opening", "fx"))
    world.add(t, "branch", "branch_visit", profile=p, seconds=wait * 60 + int(rng.uniform(300, 1800)),
              outcome="resolved", attributes={"branch": f"{p.city.removesuffix('市')}分行营业部",
                                              "service": service, "wait_minutes": wait})


def _track(state: dict, rec: dict | None, t: int) -> None:
    if rec is not None and rec["event"] == "complaint_filed" and rec["outcome"] in ("escalated", "pending"):
        state["open_until"] = t + 14 * DAY
        state["case_topic"] = BY_CODE.get(rec["attributes"].get("topic", ""))


_BUILDERS = {"app": _app, "ivr": _ivr, "phone": _phone, "sms": _sms, "web": _web, "branch": _branch,
             "wechat": _written("wechat"), "chat": _written("chat"), "email": _written("email"),
             "social": _written("social")}


def background(world: World, rng: random.Random, profiles: list[Profile]) -> None:
    """Every customer's everyday contacts over the whole window."""
    for p in profiles:
        lam = CONTACT_RATE * world.days * p.activity * _SEGMENT_RATE[p.segment]
        cum = _mix(p)
        plan = []
        for _ in range(poisson(rng, lam)):
            channel = cpick(rng, _CHANNELS, cum)
            kind = "elderly" if p.elderly and channel in ("phone", "ivr", "branch") else _CLOCK.get(channel, "service")
            plan.append((world.at(rng, world.pick_day(rng, channel), kind), channel))
        plan.sort()
        state: dict = {}
        for t, channel in plan:
            _BUILDERS[channel](world, rng, p, t, state)


def anonymous(world: World, rng: random.Random) -> None:
    """Contacts nobody could identify: IVR callers, web visitors, social-media posters."""
    for _ in range(poisson(rng, ANONYMOUS_RATE * world.customers * world.days)):
        channel = wpick(rng, ("ivr", "web", "social"), (45, 30, 25))
        t = world.at(rng, world.pick_day(rng, channel), _CLOCK.get(channel, "service"))
        _BUILDERS[channel](world, rng, None, t, {})
