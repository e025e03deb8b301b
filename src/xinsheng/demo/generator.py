"""The deterministic synthetic demo bank (心声银行): customers, agents, advisors, interactions.

:func:`generate_bank` is a pure function of ``(customers, days, seed, end)``: the same
arguments give the same bank, byte for byte. All randomness comes from
``random.Random`` instances seeded from ``seed`` (one stream per part, so the parts do
not disturb each other); nothing depends on ``hash()``, set order or the clock, except
that ``end`` defaults to today in Asia/Shanghai.

What is in it
-------------
* Customers: segments ``mass`` (~85 %), ``affluent`` (~13 %), ``private`` (~2 %); about
  20 % born before 1960; regions across China; risk levels 1–5; a preferred channel;
  a relationship manager for affluent and private clients; preference and taboo notes
  (``不能吃螃蟹``, ``怕坐飞机，只坐高铁``, ``只接受上午来电`` …) for a fair share, more for
  wealthy and elderly clients; ``attributes``: province, city, AUM, products, app use.
* Interactions on all ten channels (ivr, phone, app, web, wechat, chat, email, sms,
  branch, social), inbound and outbound, sorted by ``started_at`` (ISO 8601, +08:00),
  ~0.22 per customer per day (~100,000 for 5,000 customers × 90 days), ~40 % with a
  Chinese text. Customer texts carry their ground truth in ``attributes``: ``topic``
  (one of 30 codes, :data:`xinsheng.demo.topics.ALL_TOPICS`), ``sentiment``, ``emotion``
  and ``intensity``, ``flags`` (``complaint``, ``regulatory_risk``, ``churn_intent``,
  ``traditional``) and ``pii`` (the kinds of personal data planted in ~8–10 % of texts:
  valid resident IDs, Luhn-valid 62… card numbers, mobiles, e-mails, names). Outbound
  wealth-sales calls carry ``attributes["qa"]`` (risk disclosure said, forbidden
  promise made); surveys carry ``{"survey": "csat"|"nps", "score": n, "about": id}``.
  Callbacks to customers whose notes say ``只接受上午来电`` happen in the morning, and no
  marketing reaches customers who asked not to get it.
* ``external_id`` is ``demo-<tag>-<n>`` where ``tag`` is a digest of the arguments, so
  two different demo banks never share ids and the same bank always has the same ones.

Planted patterns (ground truth in ``DemoBank.facts``)
-----------------------------------------------------
1. ``app_release`` — app version 7.3.0 is released on day ``end - 30`` (when the window
   is shorter than 35 days: a third into it). On the release day and the 3 days after
   (``spike_days``), texts about ``mobile_login_failure`` (log-in failures, crashes) on
   app feedback, chat, phone and social media run at 5–9× the median of the 20 days
   before, app ``login_failed`` events with ``reason: crash`` rise and phone waits
   triple; 7.3.1 fixes it four days later.
2. ``monthly_transferers`` — ~5 % of customers who, on the 1st–3rd of every month,
   call the IVR and choose ``transfer`` (``channel: ivr``, ``event: menu_selected``,
   ``{"menu_node": "root", "menu_option": "transfer"}``) and/or transfer in the app.
   Every other IVR choice follows segment habits plus one personal favourite option
   (and ``case_progress`` while a complaint is open), so personalised menus have signal.
3. ``elderly_app_then_call`` — customers born before 1960 who fail in the app
   (``login_failed`` / ``face_recognition_failed``) and call the hotline (IVR
   ``agent`` then a ``phone`` call about face recognition, log-in or elderly service)
   within 20 minutes to 4 hours.
4. ``loan_funnel`` — app sessions ``loan_apply_step1`` → ``step2`` → ``step3`` (upload
   income proof) → ``step4`` → ``loan_submitted`` (``attributes.session_id``, ``step``);
   ~58 % of the sessions that reach step 3 stop there (``step3_dropoff_share``), the
   other steps lose 10–14 %. Some who stop ask for help about ``loan_document_upload``.
5. ``repeat_redemption_callers`` — after a ``redemption_submitted``, the customer
   contacts the bank about ``wealth_redemption_delay`` 3–5 times within two weeks by
   phone (IVR ``wealth`` then ``case_progress``), chat or WeChat; outcomes ``pending`` /
   ``escalated`` (with unresolved callbacks) until the last one, ``resolved``, after an
   SMS that the money arrived. ``repeat_redemption_episodes`` lists the contacts.

6. ``journey_sessions`` — app sessions of the other shipped journeys (mobile transfer,
   wealth redemption, card activation, overseas-study remittance; ``demo/journey_sessions.py``),
   elderly customers stopping more often at their hardest step and some then calling.

7. ``silent_churn`` — holdings of every customer (``DemoBank.holdings``, demo/holdings.py):
   customers who move most of their assets out after a bad experience, most without a
   complaint, and some who leave with none.

Anonymous contacts (``customer_ref`` None) come in on the IVR, the web site and social
media.
"""
from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime

from xinsheng.demo import journey_sessions, journeys, patterns, traffic
from xinsheng.demo.holdings import make_holdings
from xinsheng.demo.ivr import assign_habits
from xinsheng.demo.people import make_advisors, make_agents, make_customers
from xinsheng.demo.world import TZ, World

__all__ = ["DemoBank", "generate_bank"]


@dataclass
class DemoBank:
    """A generated bank: records in the ingest formats of CONTRACT.md, and the ground truth."""

    customers: list[dict]
    interactions: list[dict]
    agents: list[dict]
    advisors: list[dict]
    facts: dict
    holdings: list[dict] = field(default_factory=list)  # demo/holdings.py


def _stream(seed: int, name: str) -> random.Random:
    # A str seed is hashed with SHA-512 by random.Random: stable across runs and platforms.
    return random.Random(f"xinsheng-demo/{seed}/{name}")


def generate_bank(customers: int = 5000, days: int = 90, seed: int = 42, end: date | None = None) -> DemoBank:
    """Generate the demo bank: ``customers`` customers over the ``days`` days ending on ``end``."""
    if customers < 1 or days < 1:
        raise ValueError("customers and days must be at least 1")
    end = end or datetime.now(TZ).date()
    advisors = make_advisors(_stream(seed, "advisors"), max(4, customers // 200))
    agents = make_agents(_stream(seed, "agents"), max(12, customers // 80))
    people_rng = _stream(seed, "customers")
    profiles = make_customers(people_rng, customers, end, advisors)
    for p in profiles:
        assign_habits(people_rng, p)
    world = World(seed=seed, customers=customers, days=days, end=end, agents=agents)
    traffic.background(world, _stream(seed, "background"), profiles)
    traffic.anonymous(world, _stream(seed, "anonymous"))
    transferers = patterns.plant_monthly_transferers(world, _stream(seed, "transfer"), profiles)
    elderly = patterns.plant_elderly_app_then_call(world, _stream(seed, "elderly"), profiles)
    loan = journeys.plant_loan_funnel(world, _stream(seed, "loan"), profiles)
    repeat, episodes = journeys.plant_repeat_redemptions(world, _stream(seed, "redemption"), profiles)
    release = patterns.plant_app_release(world, _stream(seed, "release"), profiles)
    sessions = journey_sessions.plant_journey_sessions(world, _stream(seed, "journeys"), profiles)
    opened_rng = _stream(seed, "opened")
    records = [p.record(_opened(opened_rng, p.birth_year, end)) for p in profiles]
    interactions = world.interactions()
    holdings, churn = make_holdings(_stream(seed, "holdings"), records, interactions, world.start, end)
    facts = {
        "bank": "心声银行",
        "params": {"customers": customers, "days": days, "seed": seed, "start": world.start.isoformat(),
                   "end": end.isoformat()},
        "app_release": release,
        "monthly_transferers": transferers,
        "month_start_dates": patterns.month_start_dates(world),
        "elderly_app_then_call": elderly,
        "loan_funnel": loan,
        "repeat_redemption_callers": repeat,
        "repeat_redemption_episodes": episodes,
        "journey_sessions": sessions,
        "counts": _counts(interactions),
        "silent_churn": churn,
    }
    public_advisors = [{k: a[k] for k in ("advisor_ref", "name", "branch")} for a in advisors]
    return DemoBank(records, interactions, agents, public_advisors, facts, holdings)


def _opened(rng: random.Random, birth_year: int, end: date) -> str:
    first = max(birth_year + 18, 1995)
    year = rng.randint(min(first, end.year - 1), end.year - 1)
    return date(year, rng.randint(1, 12), rng.randint(1, 28)).isoformat()


def _counts(interactions: list[dict]) -> dict:
    by_channel: dict[str, int] = {}
    texts = 0
    for rec in interactions:
        by_channel[rec["channel"]] = by_channel.get(rec["channel"], 0) + 1
        texts += rec["text"] is not None
    return {"interactions": len(interactions), "with_text": texts,
            "by_channel": dict(sorted(by_channel.items()))}
