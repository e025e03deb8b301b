"""The demo bank's holdings: every customer has some, the planted churners move most of their
assets out on their day, and the file loads through holdings ingest without a rejected line."""
from __future__ import annotations

from collections import defaultdict
from datetime import date

from xinsheng.demo.generator import generate_bank
from xinsheng.profiles.features import aum_series


def test_demo_holdings_plant_churn_after_bad_experiences():
    bank = generate_bank(customers=400, days=90, seed=3, end=date(2026, 11, 30))
    facts = bank.facts["silent_churn"]
    rows = defaultdict(list)
    for h in bank.holdings:
        rows[h["customer_ref"]].append((date.fromisoformat(h["as_of"]), h["product"], h["category"],
                                        h["balance_cny"], h.get("risk_level")))
    assert set(rows) == {c["customer_ref"] for c in bank.customers}
    risk = {c["customer_ref"]: c["risk_level"] for c in bank.customers}
    assert all(h.get("risk_level", 0) <= risk[h["customer_ref"]] for h in bank.holdings)  # 适当性
    after_bad = [r for r, k in facts["churn_kind"].items() if k == "after_bad_experience"]
    assert after_bad and set(after_bad) <= set(facts["bad_experience"])
    assert set(facts["complained"]) <= set(facts["bad_experience"])
    seen = 0
    for ref, day in facts["churn_day"].items():
        churn = date.fromisoformat(day)
        series = aum_series(rows[ref])
        before = [s[1] for s in series if s[0] < churn]
        after = [s[1] for s in series if s[0] >= churn]
        if after and before and before[-1] > 0:
            seen += 1
            assert after[0] <= 0.2 * before[-1] + 0.01, ref
        if facts["churn_kind"][ref] == "after_bad_experience":
            assert churn > date.fromisoformat(facts["bad_experience"][ref])
    assert seen >= 10


def test_demo_holdings_load_without_rejects(engine):
    from xinsheng.ingest.service import ingest_records
    from xinsheng.profiles.holdings import load_holdings
    from xinsheng.records import records_from_list

    bank = generate_bank(customers=60, days=30, seed=5, end=date(2026, 11, 30))
    ingest_records(records_from_list(bank.customers), "customers", engine)
    report = load_holdings(records_from_list(bank.holdings), engine)
    assert (report.accepted, report.rejected) == (len(bank.holdings), 0)
