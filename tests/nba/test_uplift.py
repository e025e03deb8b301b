"""Uplift per offer (the /nba/uplift page): figures against a hand-computed example, and the
demo campaign's estimate against the truth it planted."""
from __future__ import annotations

import math
import random
from datetime import datetime, timedelta, timezone

from scipy.stats import binomtest
from sqlalchemy import func, select

from xinsheng.db import session_scope
from xinsheng.nba.catalogue import shipped_catalogue
from xinsheng.nba.rank import in_holdout

CAT = shipped_catalogue()


def _refs(holdout: bool, n: int, prefix: str) -> list[str]:
    refs = (f"{prefix}{i}" for i in range(10_000))
    return [r for r in refs if in_holdout(CAT, r) == holdout][:n]


def _customers(refs, **over) -> list[dict]:
    return [{"customer_ref": r, "name": "测试客户", "birth_year": 1980, "segment": "affluent", "risk_level": 3,
             **over} for r in refs]


def test_uplift_figures_match_a_hand_computed_example(engine, client, client_as):
    from xinsheng.nba.service import record_outcome

    treated, holdout = _refs(False, 10, "C-T"), _refs(True, 5, "C-H")
    assert client.post("/api/v1/customers", json=_customers(treated + holdout)).status_code in (200, 201)
    with session_scope(engine) as s:
        then = ["accepted"] * 4 + ["declined", "complained"]  # 6 offered: 4 accept, 1 declines, 1 complains
        for ref, outcome in zip(treated, then):
            record_outcome(s, ref, "movie_tickets", "offered", "t")
            record_outcome(s, ref, "movie_tickets", outcome, "t")
        record_outcome(s, holdout[0], "movie_tickets", "accepted", "t")  # on their own
    # by hand: treated 4/10 = 0.4, hold-out 1/5 = 0.2, uplift 0.2; Wilson 95 % intervals
    # 4/10: [0.168182, 0.687330], 1/5: [0.036225, 0.624465]; Newcombe:
    # low = 0.2 - sqrt(0.231818^2 + 0.424465^2) = -0.283644, high = 0.2 + sqrt(0.287330^2 + 0.163775^2) = 0.530728
    page = client_as("analyst").get("/nba/uplift?lang=en")
    assert page.status_code == 200
    row = page.text[page.text.index('data-code="movie_tickets"'):]
    row = row[:row.index("</tr>")]
    for shown in ("10 / 5", '"offered">6<', "4 / 1", "40.0%", "20.0%", "+20.0", "[-28.4, +53.1]", "1 / 0"):
        assert shown in row, (shown, row)
    from xinsheng.nba.uplift import uplift_by_action

    with session_scope(engine) as s:
        (r,) = [r for r in uplift_by_action(s, datetime.now(timezone.utc), CAT) if r["code"] == "movie_tickets"]
    assert math.isclose(r["uplift"]["low"], -0.283644, abs_tol=2e-5)
    assert math.isclose(r["uplift"]["high"], 0.530728, abs_tol=2e-5)
    (l1, u1), (l2, u2) = (binomtest(k, n).proportion_ci(method="wilson") for k, n in ((4, 10), (1, 5)))
    assert math.isclose(r["uplift"]["low"], 0.2 - math.hypot(0.4 - l1, u2 - 0.2), abs_tol=1e-9)  # scipy's Wilson
    assert r["accepted_of_offered"] == 4 / 6
    (api,) = [a for a in client_as("analyst").get("/api/v1/nba/uplift").json()["actions"] if a["code"] == "movie_tickets"]
    assert api["treated"]["acceptance"] == 0.4 and api["holdout"]["acceptance"] == 0.2


def test_the_demo_campaign_estimate_finds_the_planted_uplift(engine, client):
    from xinsheng.demo.nba import load_nba_outcomes
    from xinsheng.nba.models import NbaOutcome
    from xinsheng.nba.uplift import uplift_by_action

    rng = random.Random(16)
    people = [{"customer_ref": f"D{i}", "name": "演示客户", "segment": rng.choice(["mass", "affluent", "private"]),
               "birth_year": rng.randint(1945, 2000), "risk_level": rng.randint(1, 5),
               "notes": rng.choice([[], [], ["怕坐飞机"], ["三高"], ["爱看电影"]])} for i in range(2500)]
    for k in range(0, len(people), 500):
        assert client.post("/api/v1/customers", json=people[k:k + 500]).status_code in (200, 201)
    end = datetime(2026, 11, 30, tzinfo=timezone.utc)
    truth = load_nba_outcomes(engine, end, seed=3)["truth"]
    with session_scope(engine) as s:
        rows = {r["code"]: r for r in uplift_by_action(s, end, CAT)}
        assert not s.scalar(select(func.count()).select_from(NbaOutcome)
                            .where(NbaOutcome.holdout.is_(True), NbaOutcome.outcome == "offered"))
    checked = 0
    for code, t in truth.items():
        r = rows[code]
        half = (r["uplift"]["high"] - r["uplift"]["low"]) / 2  # about 2 standard errors
        if r["holdout"]["customers"] >= 40:
            assert abs(r["uplift"]["difference"] - t["true_uplift"]) < 2 * half, (code, r["uplift"], t)
            checked += 1
    assert checked >= 5
    assert any(t["true_uplift"] > 0.1 for t in truth.values())
