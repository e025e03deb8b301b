"""GET /api/v1/metrics/satisfaction and the 满意度 page against hand-counted answers."""
from __future__ import annotations

import hashlib
import re
from datetime import datetime, timedelta, timezone

import pytest
from scipy import stats as sps

from tests.cases.builders import add_customer
from xinsheng.db import session_scope
from xinsheng.surveys.daily import count_answers
from xinsheng.surveys.models import SurveyResponse

NOW = datetime.now(timezone.utc)


def _answers(engine, metric: str, scores: list[int], channel: str, days_ago: int = 1, segment="mass"):
    added = []
    with session_scope(engine) as s:
        for i, score in enumerate(scores):
            key = hashlib.sha256(f"{metric}{channel}{days_ago}{i}".encode()).hexdigest()
            added.append(SurveyResponse(dedup_key=key, survey=metric, metric=metric, score=score, channel=channel,
                                            via="api", segment=segment, answered_at=NOW - timedelta(days=days_ago, minutes=i),
                                            analysis={}))
        s.add_all(added)
        s.flush()
        count_answers(s, added)  # the daily sums, as do_answer keeps them


@pytest.fixture
def answers(engine):
    # NPS by phone: 12 tens, 8 nines (20 promoters), 10 sevens, 6 sixes + 4 zeros (10 detractors) → 40, NPS 25
    _answers(engine, "nps", [10] * 12 + [9] * 8 + [7] * 10 + [6] * 6 + [0] * 4, "phone")
    # NPS by app: 10 answers, too few on their own → hidden in the group, counted overall
    _answers(engine, "nps", [10] * 5 + [3] * 5, "app")
    # CSAT by phone: 27 of 36 give 4 or 5 → 75 %
    _answers(engine, "csat", [5] * 20 + [4] * 7 + [3] * 4 + [1] * 5, "phone")
    # CES: 31 answers
    _answers(engine, "ces", [2] * 20 + [6] * 11, "app")
    # old answers outside a 30-day window
    _answers(engine, "nps", [0] * 50, "phone", days_ago=60)


def test_overall_figures_and_groups(client_as, answers):
    res = client_as("analyst").get("/api/v1/metrics/satisfaction", params={
        "from": (NOW - timedelta(days=30)).isoformat(), "by": "channel"})
    assert res.status_code == 200
    body = res.json()
    # overall NPS: 50 answers, promoters 20 + 5 = 25, detractors 10 + 5 = 15 → 20
    assert body["nps"]["n"] == 50 and body["nps"]["value"] == 20.0
    coded = [1] * 25 + [-1] * 15 + [0] * 10
    import numpy as np
    arr = np.array(coded, dtype=float)
    lo, hi = sps.norm.interval(0.95, loc=arr.mean(), scale=arr.std() / np.sqrt(len(arr)))
    assert body["nps"]["ci95"] == pytest.approx([100 * lo, 100 * hi], abs=0.01)
    assert body["csat"]["n"] == 36 and body["csat"]["value"] == 75.0
    ci = sps.binomtest(27, 36).proportion_ci(method="wilson")
    assert body["csat"]["ci95"] == pytest.approx([100 * ci.low, 100 * ci.high], abs=0.01)
    ces = np.array([2] * 20 + [6] * 11, dtype=float)
    assert body["ces"]["n"] == 31 and body["ces"]["value"] == pytest.approx(ces.mean(), abs=0.001)
    groups = {g["group"]: g for g in body["groups"]}
    assert groups["phone"]["nps"]["value"] == 25.0 and groups["phone"]["nps"]["n"] == 40
    assert groups["app"]["nps"] == {"value": None, "n": 10, "ci95": None, "hidden": True,
                                    "reason": "fewer than 30 answers (n=10)"}


def test_the_period_and_the_minimum_sample(client_as, answers):
    reader = client_as("analyst")
    everything = reader.get("/api/v1/metrics/satisfaction").json()
    assert everything["nps"]["n"] == 100 and everything["nps"]["value"] == -40.0  # 25 promoters - 65 detractors, of 100
    strict = reader.get("/api/v1/metrics/satisfaction", params={"min_n": 40,
                                                                  "from": (NOW - timedelta(days=30)).isoformat()})
    assert strict.json()["csat"]["value"] is None and strict.json()["csat"]["reason"] == "fewer than 40 answers (n=36)"
    assert reader.get("/api/v1/metrics/satisfaction", params={"from": "2026-10-01T00:00:00"}).status_code == 422
    assert reader.get("/api/v1/metrics/satisfaction", params={"by": "colour"}).status_code == 422


def test_who_may_read(client_as, engine):
    add_customer(engine)
    assert client_as("agent").get("/api/v1/metrics/satisfaction").status_code == 403
    for role in ("supervisor", "analyst", "complaint_handler"):
        assert client_as(role).get("/api/v1/metrics/satisfaction").status_code == 200


def test_the_page_shows_each_figure_with_its_sample_or_why_it_is_hidden(client_as, answers):
    page = client_as("supervisor").get("/satisfaction?days=30&by=channel&lang=en", headers={"accept": "text/html"})
    assert page.status_code == 200
    assert re.search(r'id="figure-nps">\s*<strong class="sv-value">20.0</strong>', page.text)
    assert "Too few answers (10, fewer than 30): not shown." in page.text
    assert 'id="chart-weekly-nps"' in page.text and 'id="chart-groups-nps"' in page.text
    bad = client_as("supervisor").get("/satisfaction?days=abc&by=x", headers={"accept": "text/html"})
    assert bad.status_code == 200 and 'id="note-1"' in bad.text and 'id="note-2"' in bad.text
    assert client_as("agent").get("/satisfaction", headers={"accept": "text/html"}).status_code == 403
