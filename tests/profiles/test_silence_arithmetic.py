"""The seed's arithmetic of silence from a bank's own data, against a hand-counted example:
ten customers, two complained (one left), three had a bad experience and said nothing (two
left), five had none (one left)."""
from __future__ import annotations

from datetime import date, timedelta

from tests.profiles.test_churn import SH, at, bad_contact
from xinsheng.profiles.churn_data import History
from xinsheng.profiles.features import aum_series
from xinsheng.profiles.risk import silence_arithmetic

D0 = date(2026, 8, 1)


def quiet_bad(day: date) -> tuple[float, dict]:  # negative, no complaint flag
    return (at(day), {"channel": "app", "event": None, "outcome": None,
                      "analysis": {"sentiment_label": "negative", "flags": [], "emotions": {}}})


def hand_world() -> History:
    h = History()
    leaves = {1: 100_000, 3: 200_000, 4: 80_000, 6: 80_000}  # customer → money that left (≥ 70 %)
    for cid in range(1, 11):
        start = 100_000 if cid != 3 else 250_000
        rows = [(D0, "D", "deposit", start, None)]
        if cid in leaves:
            rows.append((D0 + timedelta(days=40), "D", "deposit", start - leaves[cid], None))
        h.series[cid] = aum_series(rows)
        h.refs[cid] = f"C{cid}"
    h.contacts = {1: [bad_contact(D0 + timedelta(days=10))], 2: [bad_contact(D0 + timedelta(days=5))],
                  3: [quiet_bad(D0 + timedelta(days=20))], 4: [quiet_bad(D0 + timedelta(days=30))],
                  5: [quiet_bad(D0 + timedelta(days=2))],
                  # customer 6 complained only after leaving: their leaving was not after a complaint
                  6: [bad_contact(D0 + timedelta(days=60))]}
    h.last_day = D0 + timedelta(days=60)
    return h


def test_the_arithmetic_matches_the_hand_count():
    out = silence_arithmetic(hand_world())
    g = out["groups"]
    assert (out["customers"], out["with_bad_experience"]) == (10, 5)
    assert (g["complained"]["customers"], g["complained"]["churned"]) == (2, 1)
    assert (g["silent"]["customers"], g["silent"]["churned"]) == (3, 2)
    assert (g["no_bad"]["customers"], g["no_bad"]["churned"]) == (5, 1)
    assert g["complained"]["share"] == 0.2 and g["complained"]["share_of_bad"] == 0.4
    assert g["silent"]["share_of_bad"] == 0.6 and abs(g["silent"]["churn_rate"] - 2 / 3) < 1e-9
    assert g["complained"]["churn_rate"] == 0.5 and g["no_bad"]["churn_rate"] == 0.2
    # money behind: complained 100,000 (customer 1); silent 200,000 + 80,000; no bad 80,000 (customer 6)
    assert [g[k]["aum_lost"] for k in ("complained", "silent", "no_bad")] == [100_000, 280_000, 80_000]
    assert SH is not None
