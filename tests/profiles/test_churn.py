"""The churn model's time split: features see nothing after their cutoff; churn is what the
holdings show in the horizon after it; the model learns experience signals a holdings-only
baseline cannot see."""
from __future__ import annotations

import random
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import numpy as np
import pytest

from xinsheng.errors import InvalidInput
from xinsheng.profiles.churn import Sample, cutoffs, ece, evaluate, longest_horizon
from xinsheng.profiles.churn_data import History, churned_after, examples
from xinsheng.profiles.features import aum_series

SH = ZoneInfo("Asia/Shanghai")
DAY0 = date(2026, 6, 1)


def at(day: date, hour: int = 10) -> float:
    return datetime(day.year, day.month, day.day, hour, tzinfo=SH).timestamp()


def bad_contact(day: date, hour: int = 10) -> tuple[float, dict]:
    return (at(day, hour), {"channel": "phone", "event": None, "outcome": None, "analysis": {
        "sentiment_label": "negative", "flags": ["complaint"], "emotions": {"anger": 0.8}}})


def test_the_label_is_most_assets_gone_within_the_horizon():
    rows = [(DAY0, "D", "deposit", 100_000, None), (DAY0 + timedelta(days=50), "D", "deposit", 29_000, None)]
    series = aum_series(rows)
    assert churned_after(series, DAY0, 60)  # 29,000 ≤ 30 % of 100,000 on day 50
    assert not churned_after(series, DAY0, 40)  # day 50 is after a 40-day horizon
    assert not churned_after(aum_series([*rows[:1], (DAY0 + timedelta(days=50), "D", "deposit", 31_000, None)]),
                             DAY0, 60)


def test_features_see_nothing_after_the_cutoff():
    cutoff = DAY0 + timedelta(days=40)
    h = History(series={1: aum_series([(DAY0, "D", "deposit", 100_000, None)])},
                contacts={1: [bad_contact(cutoff - timedelta(days=3))]}, cases={1: [at(cutoff - timedelta(days=2))]},
                surveys={1: [(at(cutoff - timedelta(days=1)), True)]}, refs={1: "C1"})
    _, before, _ = examples(h, cutoff, None, SH)
    # the future arrives: bad contacts the day after, a complaint case, a poor survey, money leaving
    h.contacts[1] += [bad_contact(cutoff + timedelta(days=1), 0), bad_contact(cutoff + timedelta(days=20))]
    h.cases[1].append(at(cutoff + timedelta(days=1)))
    h.surveys[1].append((at(cutoff + timedelta(days=2)), True))
    h.series[1] = aum_series([(DAY0, "D", "deposit", 100_000, None),
                              (cutoff + timedelta(days=1), "D", "deposit", 1_000, None)])
    _, after, labels = examples(h, cutoff, 30, SH)
    assert after == before and labels == [1]
    assert before[0]["bad_90d"] == 1 and before[0]["complaint_cases_90d"] == 1 and before[0]["poor_surveys_180d"] == 1
    # a contact late on the cutoff day itself is data up to the cutoff
    h.contacts[1].insert(1, bad_contact(cutoff, 23))
    assert examples(h, cutoff, None, SH)[1][0]["bad_90d"] == 2


def test_cutoffs_split_the_time_and_refuse_too_short_a_history():
    # 364 days: test cutoff 90 days before the end (Oct 2), train cutoff 90 days before that (Jul 4)
    assert cutoffs(date(2026, 12, 31), date(2026, 1, 1), 90) == (date(2026, 7, 4), date(2026, 10, 2))
    assert cutoffs(DAY0 + timedelta(days=194), DAY0, 90) == (DAY0 + timedelta(days=14), DAY0 + timedelta(days=104))
    with pytest.raises(InvalidInput, match="90-day horizon: 89 days, need 194; --horizon 37 fits"):
        cutoffs(DAY0 + timedelta(days=89), DAY0, 90)
    assert longest_horizon(89) == 37 and longest_horizon(400) == 90 and longest_horizon(27) is None


def test_ece_against_a_hand_computed_example():
    import numpy as np

    # bin 1 (0.1–0.2): scores 0.1, 0.1, churn 1 of 2 → gap 0.4; bin 9: 0.9, 0.9, churn 2 of 2 → gap 0.1
    assert ece(np.array([0, 1, 1, 1]), np.array([0.1, 0.1, 0.9, 0.9])) == round(0.5 * 0.4 + 0.5 * 0.1, 4)


def world(seed: int = 7, n: int = 600) -> History:
    """Customers whose bad experiences precede most churn; a few leave after drawing money down."""
    rng = random.Random(seed)
    h = History()
    end = DAY0 + timedelta(days=119)
    for cid in range(1, n + 1):
        rows = [(DAY0, "D", "deposit", rng.randint(20_000, 900_000), None)]
        contacts = []
        if rng.random() < 0.3:
            day = DAY0 + timedelta(days=rng.randint(10, 100))
            contacts = [bad_contact(day), bad_contact(day + timedelta(days=1))]
            if rng.random() < 0.6:  # they leave 10–45 days later, their holdings quiet until then
                rows.append((day + timedelta(days=rng.randint(10, 45)), "D", "deposit", 500, None))
        elif rng.random() < 0.05:
            day = DAY0 + timedelta(days=rng.randint(30, 110))
            rows += [(day - timedelta(days=14), "D", "deposit", rows[0][3] * 0.6, None), (day, "D", "deposit", 0, None)]
        h.series[cid] = aum_series(rows)
        h.contacts[cid] = sorted(contacts, key=lambda c: c[0])
        h.refs[cid] = f"C{cid}"
    h.last_day = end
    return h


def test_the_model_beats_the_holdings_only_baseline_on_a_planted_world():
    report = evaluate(world(), horizon=40)
    assert report["horizon_days"] == 40 and report["test"]["churned"] > 10
    assert report["model"]["auc"] > 0.75 and report["model"]["auc"] > report["baseline"]["auc"] + 0.1
    assert 0 <= report["model"]["ece"] < 0.15


def test_batches_give_the_examples_of_the_whole_bank_and_the_sample_stays_bounded():
    from xinsheng.profiles.churn import collect

    h = world(seed=3, n=300)
    parts = []
    for lo in (1, 101, 201):  # three batches of 100 customers, as iter_histories reads them
        ids = range(lo, lo + 100)
        parts.append(History(series={i: h.series[i] for i in ids}, contacts={i: h.contacts[i] for i in ids},
                             refs={i: h.refs[i] for i in ids}, last_day=h.last_day))
    cut1, cut2 = DAY0 + timedelta(days=30), DAY0 + timedelta(days=70)
    whole = collect([h], cut1, cut2, 40, SH)
    batched = collect(parts, cut1, cut2, 40, SH)
    for a, b in zip(whole, batched):
        assert sorted(map(tuple, a.x.tolist())) == sorted(map(tuple, b.x.tolist())) and a.y.sum() == b.y.sum()
    # at most 50 rows kept, each one of the bank's, about the bank's churn share
    small, _ = collect(parts, cut1, cut2, 40, SH, cap=50)
    rows = set(map(tuple, whole[0].x.tolist()))
    assert len(small.y) == 50 and all(tuple(r) in rows for r in small.x.tolist())
    s = Sample(100, 1, seed=5)
    for start in range(0, 10_000, 1_000):
        s.add(np.arange(start, start + 1_000, dtype=float).reshape(-1, 1), np.zeros(1_000, dtype=int))
    assert len(s.y) == 100 and 3_000 < s.x.mean() < 7_000  # uniform over 0..9,999, not the last batch


def test_run_reads_the_bank_in_batches_and_scores_as_it_would_whole(engine, settings_env):
    """A stored bank of 200 days (a 90-day horizon fits); a third leave after drawing money down."""
    from sqlalchemy import select

    from tests.cases.builders import elderly_customer_wang
    from xinsheng.customers.actions import bulk_upsert_customers
    from xinsheng.db import session_scope
    from xinsheng.profiles.churn import run
    from xinsheng.profiles.holdings import load_holdings
    from xinsheng.profiles.models import CustomerProfile
    from xinsheng.records import records_from_list

    rng, end = random.Random(11), date.today() - timedelta(days=1)
    rows, refs = [], [f"C-CH{i:02d}" for i in range(60)]
    with session_scope(engine) as s:
        bulk_upsert_customers(s, [{**elderly_customer_wang(), "customer_ref": ref} for ref in refs])
    for i, ref in enumerate(refs):
        balance, leave = rng.randint(50_000, 500_000), rng.randint(30, 200) if i % 3 == 0 else None
        for step in range(0, 201, 14):
            if leave is not None and step >= leave:
                balance = 1_000.0
            elif leave is not None and step >= leave - 30:
                balance *= 0.7
            day = end - timedelta(days=200 - step)
            rows.append({"customer_ref": ref, "as_of": day.isoformat(), "product": "D", "category": "deposit",
                         "balance_cny": round(balance * rng.uniform(0.98, 1.02), 2)})
    assert load_holdings(records_from_list(rows), engine).accepted == len(rows)

    def scores() -> dict:
        with session_scope(engine) as s:
            return dict(s.execute(select(CustomerProfile.customer_id, CustomerProfile.churn_risk)).all())

    whole = run(engine, batch=1_000)
    first = scores()
    batched = run(engine, batch=7)
    assert batched == whole and scores() == first
    last = end - timedelta(days=4)  # the last snapshot: day 196 of 200
    assert whole["horizon_days"] == 90 and whole["train"]["cutoff"] == (last - timedelta(days=180)).isoformat()
    assert whole["current"]["scored"] == sum(v is not None for v in first.values()) > 30
