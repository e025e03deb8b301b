"""The set-wise rebuild (aggregate SQL over customer ranges) gives every customer the state and
features that the ingest hook keeps contact by contact, on a generated bank with every kind of
contact the fold tells apart; and it keeps a churn score already in a profile."""
from __future__ import annotations

import json
import random
from datetime import datetime, timedelta, timezone

from sqlalchemy import select, text

from tests.cases.builders import add_customer, open_case
from xinsheng.customers.models import Customer
from xinsheng.db import session_scope
from xinsheng.ingest import service
from xinsheng.ingest.service import register_batch_hook, unregister_batch_hook, write_batch
from xinsheng.profiles.derive import derive
from xinsheng.profiles.features import fold_contact
from xinsheng.profiles.holdings import load_holdings
from xinsheng.profiles.models import CustomerProfile
from xinsheng.profiles.rebuild import rebuild
from xinsheng.profiles.store import customer_facts, experience, install, read_profiles
from xinsheng.records import records_from_list

NOW = datetime(2026, 11, 30, 12, tzinfo=timezone.utc)
CHANNELS = ("app", "web", "phone", "wechat", "branch", "ivr", "email", "fax")  # fax: not an ingest channel
EVENTS = (None, "", "login_success", "login_failed", "transfer_submitted", "face_recognition_failed", "x_FAILED")
OUTCOMES = (None, "resolved", "abandoned", "escalated", "failed", "error", "rejected")
FLAGS = ([], ["complaint"], ["vulnerable_customer"], ["complaint", "vulnerable_customer"], ["other"],
         ["complaint_like"])


def _contact(rng: random.Random, n: int, ref: str) -> dict:
    at = NOW - timedelta(days=rng.randint(0, 400), seconds=rng.randint(0, 86399), microseconds=rng.randint(0, 999999))
    row = {"source": "gen", "external_id": f"g{n}", "channel": rng.choice(CHANNELS), "started_at": at, "ended_at": None,
           "direction": rng.choice(("inbound", "inbound", "outbound")), "event": rng.choice(EVENTS),
           "agent_ref": None, "text": None, "outcome": rng.choice(OUTCOMES), "attributes": {}, "pii": [],
           "_customer_ref": ref}
    if rng.random() < 0.6:
        emotions = rng.choice(({}, {"anger": 0.6}, {"anger": 0.59}, {"anger": rng.random()}, {"joy": 0.9}))
        row["_analysis"] = ({"sentiment": {"label": rng.choice((None, "negative", "neutral", "positive")),
                                           "score": 0.0},
                             "emotions": emotions, "flags": rng.choice(FLAGS)}, "test")
    return row


def _bank(engine, rng: random.Random) -> list[str]:
    install()  # the ingest hook, as the app and the command line install it
    refs = [f"C-G{i:03d}" for i in range(40)]
    for i, ref in enumerate(refs):
        attrs = {"opened": (NOW - timedelta(days=30 * i)).date().isoformat()} if i % 4 == 0 else {}
        add_customer(engine, {"customer_ref": ref, "birth_year": 1940 + i, "risk_level": 1 + i % 5,
                              "segment": ("mass", "affluent", "private", None)[i % 4],
                              "preferred_channel": "branch", "attributes": attrs})
    weights = [0 if i % 9 == 0 else (60 if i == 1 else 8) for i in range(len(refs))]  # some with none, one with many
    rows = [_contact(rng, n, rng.choices(refs, weights)[0]) for n in range(500)]
    others = {name: unregister_batch_hook(name) for name in list(service._BATCH_HOOKS) if name != "profiles"}
    try:  # ingest batches with the profiles hook alone (the cases hook would open cases and train a model)
        for i in range(0, len(rows), 64):
            write_batch(engine, "interactions", rows[i:i + 64])
    finally:
        for name, hook in others.items():
            register_batch_hook(name, hook)
    snaps = [{"customer_ref": ref, "as_of": (NOW - timedelta(days=d)).date().isoformat(), "product": p,
              "category": c, "balance_cny": rng.randint(0, 900_000), **({"risk_level": 3} if c == "wealth" else {})}
             for ref in refs[::2] for d in (150, 95, 20) for p, c in (("D", "deposit"), ("W", "wealth"), ("L", "loan"))]
    assert load_holdings(records_from_list(snaps), engine).accepted == len(snaps)
    open_case(engine, refs[1], now=NOW - timedelta(days=10))
    with session_scope(engine) as s:
        cid = s.scalar(select(Customer.id).where(Customer.customer_ref == refs[2]))
        s.execute(text("INSERT INTO survey_responses (dedup_key, survey, metric, score, via, customer_id, answered_at,"
                       " analysis) VALUES ('s1', 'nps', 'nps', 3, 'api', :cid, :at, '{}')"),
                  {"cid": cid, "at": NOW - timedelta(days=5)})
    return refs


def _profiles(engine) -> dict[int, tuple]:
    with session_scope(engine) as s:
        return {r.customer_id: (r.state, r.features, r.value_tier, r.lifecycle, r.aum_cny)
                for r in s.scalars(select(CustomerProfile))}


def test_setwise_rebuild_equals_the_incremental_profile(engine):
    _bank(engine, random.Random(16))
    kept = _profiles(engine)  # what the hook and the holdings ingest kept, batch by batch
    with session_scope(engine) as s:
        ids = sorted(s.scalars(select(Customer.id)))
        facts, exp = customer_facts(s, ids), experience(s, ids, NOW)
        contacts = s.execute(text(
            "SELECT i.customer_id, i.channel, i.direction, i.event, i.outcome, i.started_at, a.sentiment_label,"
            " a.flags, a.emotions FROM interactions i LEFT JOIN interaction_analysis a ON a.interaction_id = i.id"
            " WHERE i.customer_id IS NOT NULL")).all()
    assert any(len(state.get("bad", ())) == 30 for state, *_ in kept.values())  # one past the 30 kept
    assert any("fax" in state.get("ch", {}) for state, *_ in kept.values())
    expected_states = {cid: dict(kept.get(cid, (({}),))[0]) for cid in ids}
    # brute force, independent of the hook's batches: every contact folded one by one, in reverse order
    folded: dict[int, dict] = {cid: {} for cid in ids}
    for cid, ch, direction, event, outcome, at, label, flags, emotions in reversed(contacts):
        at = at if isinstance(at, datetime) else datetime.fromisoformat(at)
        at = at.replace(tzinfo=timezone.utc) if at.tzinfo is None else at
        analysis = None if label is None and flags is None else {
            "sentiment_label": label, "flags": flags if isinstance(flags, list) else json.loads(flags),
            "emotions": emotions if isinstance(emotions, dict) else json.loads(emotions)}
        fold_contact(folded[cid], {"channel": ch, "direction": direction, "event": event, "outcome": outcome,
                                   "started_at": at, "analysis": analysis})
    for cid in ids:
        assert {k: v for k, v in expected_states[cid].items() if k != "h"} == folded[cid], cid

    assert rebuild(engine, now=NOW, batch=7) == 40  # ranges of 7 ids: several transactions
    rebuilt = _profiles(engine)
    assert set(rebuilt) == set(ids)
    with session_scope(engine) as s:
        shown = read_profiles(s, ids, NOW)
    for cid in ids:
        state, _features, tier, life, aum = rebuilt[cid]
        assert state == expected_states[cid], cid
        want = derive(expected_states[cid], facts.get(cid, {}), exp.get(cid, {}), NOW)
        assert shown[cid]["features"] == want, cid
        assert (tier, life, aum) == (want["value_tier"]["value"], want["lifecycle"]["value"], want["aum_cny"]["value"])
    assert {f["features"]["lifecycle"]["value"] for f in shown.values()} >= {"new", "mature", "declining"}
    assert any(f["features"]["recent_experience"]["value"]["survey"] for f in shown.values()
               if f["features"]["recent_experience"]["value"])


def test_rebuild_keeps_a_churn_score(engine):
    add_customer(engine)
    with session_scope(engine) as s:
        cid = s.scalar(select(Customer.id))
        s.add(CustomerProfile(customer_id=cid, state={"churn": {"score": 0.4, "reasons": ["trend_30d"]}},
                              features={}, churn_risk=0.4))
    assert rebuild(engine, now=NOW) == 1
    with session_scope(engine) as s:
        row = s.get(CustomerProfile, cid)
        assert (row.state, row.churn_risk) == ({"churn": {"score": 0.4, "reasons": ["trend_30d"]}}, 0.4)
