"""The A/B split: stable per caller, the share respected, outcomes compared with intervals
(scipy's Wilson interval as the reference)."""
import hashlib
from datetime import timedelta

import pytest
from scipy.stats import binomtest

from tests.ivr.builders import at, customer, ingest, ivr_choice
from xinsheng.db import session_scope
from xinsheng.ivr.ab import compare
from xinsheng.ivr.service import hears_static


def _bucket(ref: str) -> float:  # the documented rule, computed here independently
    return int.from_bytes(hashlib.sha256(f"xinsheng-ivr-ab:{ref}".encode()).digest()[:8], "big") / 2**64


def test_the_split_is_stable_per_caller_and_respects_the_share():
    refs = [f"C{i:06d}" for i in range(4000)]
    first = [hears_static(r, 0.2) for r in refs]
    assert first == [hears_static(r, 0.2) for r in refs]
    assert first == [_bucket(r) < 0.2 for r in refs]
    assert abs(sum(first) / len(refs) - 0.2) < 0.02
    # raising the share only moves callers from personalised to static
    assert all(hears_static(r, 0.3) for r, s in zip(refs, first) if s)


def test_outcomes_per_group_with_intervals(engine):
    refs = [f"C-AB{i}" for i in range(50)]
    static_ref = next(r for r in refs if _bucket(r) < 0.5)
    personal_ref = next(r for r in refs if _bucket(r) >= 0.5)
    t0 = at("2026-11-10")
    calls = [ivr_choice(static_ref, "balance", t0), ivr_choice(static_ref, "card", t0 + timedelta(hours=2)),
             ivr_choice(personal_ref, "agent", t0)]
    calls[1]["outcome"] = "abandoned"
    calls[2]["outcome"] = "transferred"
    transfer_call = {"external_id": "ph-1", "source": "test", "customer_ref": personal_ref, "channel": "phone",
                     "event": "call", "started_at": (t0 + timedelta(minutes=2)).isoformat()}
    ingest(engine, [customer(static_ref), customer(personal_ref)], calls + [transfer_call])
    with session_scope(engine) as s:
        out = compare(s, at("2026-11-01"), at("2026-12-01"), share=0.5)
    st, pe = out["groups"]["static"], out["groups"]["personalised"]
    assert (st["calls"], pe["calls"]) == (2, 1)
    # static: 1 of 2 resolved, 1 of 2 abandoned, the first call repeated 2 h later; personalised: 1 of 1 transferred
    assert (st["self_service"]["rate"], st["abandoned"]["rate"], st["repeat_24h"]["rate"]) == (0.5, 0.5, 0.5)
    assert (pe["transferred"]["rate"], pe["repeat_24h"]["rate"]) == (1.0, 0.0)
    ref = binomtest(1, 2).proportion_ci(method="wilson")
    assert st["self_service"]["ci95"] == pytest.approx((ref.low, ref.high))
    assert out["difference"]["self_service"]["value"] == pytest.approx(0.0 - 0.5)
