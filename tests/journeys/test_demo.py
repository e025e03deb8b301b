"""On the demo bank: the loan application's step-3 leak and the elderly customers who fail
in the app and then call are what the funnel and the paths show (ground truth: the
generator's facts, which the queries never read)."""
from __future__ import annotations

from datetime import date, datetime, timezone

from xinsheng.journeys.definitions import parse_period
from xinsheng.journeys.service import analytic_engine, build_request, funnel, paths

from tests.support.demo_bank import db_url, engine  # noqa: F401  (each test on its own copy of the shared bank)

END = date(2026, 11, 20)


def _req(start, end, **kw):
    return build_request(start=start, end=end, home=None, **{"journey": None, "steps": None, "window": None, **kw})


def test_loan_leak_and_elderly_app_then_call_on_the_demo_bank(engine, demo_bank, tmp_path):
    bank, _ = demo_bank  # generated with customers=1500, days=40, seed=7, end=END
    assert bank.facts["params"]["end"] == END.isoformat()
    start, end = parse_period(bank.facts["params"]["start"], END.isoformat(), "Asia/Shanghai",
                              datetime.now(timezone.utc))
    eng = analytic_engine(engine, tmp_path, "duckdb")

    loan = funnel(eng, _req(start, end, journey="loan_application"))
    counts = [s["customers"] for s in loan["steps"]]
    planted = bank.facts["loan_funnel"]
    assert counts[0] >= 20 and counts[0] <= planted["sessions"]
    drop = [1 - counts[k + 1] / counts[k] for k in range(4)]
    assert drop[2] > 0.4 and all(drop[k] < drop[2] / 2 for k in (0, 1, 3)), counts
    assert loan["bottleneck"]["after_step"] == "app:loan_apply_step3"

    # failed to sign in and did not succeed within the hour: did they call (IVR or phone) next?
    def reached_hotline(segment):
        out = paths(eng, _req(start, end, steps="app:login_failed,app:login_success", window="1h", segment=segment),
                    depth=2, horizon_hours=4)
        total = sum(p["customers"] for p in out["paths"])
        called = sum(p["customers"] for p in out["paths"] if any(e.split(":")[0] in ("ivr", "phone") for e in p["next"]))
        return called, total

    called_old, total_old = reached_hotline("elderly")
    called_all, total_all = reached_hotline("all")
    assert total_old >= len(bank.facts["elderly_app_then_call"]) * 0.5
    share_old, share_young = called_old / total_old, (called_all - called_old) / (total_all - total_old)
    assert share_old > 0.35 and share_old > 2.5 * share_young, (called_old, total_old, called_all, total_all)
