"""The churn model's time split: features see nothing after their cutoff; churn is what the
holdings show in the horizon after it; the model learns experience signals a holdings-only
baseline cannot see."""
from __future__ import annotations

import random
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from xinsheng.profiles.churn import cutoffs, ece, evaluate
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


def test_cutoffs_split_the_time_and_shrink_the_horizon_to_the_data():
    assert cutoffs(date(2026, 12, 31), date(2026, 1, 1), 90) == (date(2026, 7, 4), date(2026, 10, 2), 90)
    train, test, horizon = cutoffs(DAY0 + timedelta(days=89), DAY0, 90)
    assert horizon == 37 and test == DAY0 + timedelta(days=89 - 37) and train == test - timedelta(days=37)


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
