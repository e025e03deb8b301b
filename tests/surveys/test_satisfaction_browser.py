"""In a real browser at desktop size: a supervisor reads the Satisfaction page — the
hand-counted NPS with its sample size, the weekly and by-channel charts drawn by Plotly,
a group below the minimum sample explained instead of drawn, and the page in English."""
from __future__ import annotations

import hashlib
from datetime import datetime, timedelta, timezone

import pytest

from tests.support.browser import browser_page
from xinsheng.db import session_scope
from xinsheng.surveys.daily import count_answers
from xinsheng.surveys.models import SurveyResponse

pytestmark = pytest.mark.browser


def _answers(engine, scores: list[int], channel: str) -> None:
    now = datetime.now(timezone.utc)
    added = []
    with session_scope(engine) as s:
        for i, score in enumerate(scores):
            added.append(SurveyResponse(dedup_key=hashlib.sha256(f"{channel}{i}".encode()).hexdigest(), survey="nps",
                                            metric="nps", score=score, channel=channel, via="api", segment="mass",
                                            answered_at=now - timedelta(minutes=1 + i), analysis={}))
        s.add_all(added)
        s.flush()
        count_answers(s, added)  # the daily sums, as do_answer keeps them


def test_a_supervisor_reads_the_satisfaction_page(engine, base_url, browser, sign_in):
    # phone: 20 promoters, 10 passives, 10 detractors of 40 → NPS 25; app: 10 answers → hidden
    _answers(engine, [10] * 20 + [8] * 10 + [3] * 10, "phone")
    _answers(engine, [9] * 10, "app")
    with browser_page("zh-CN", browser=browser, viewport={"width": 1366, "height": 900}) as page:
        sign_in(page, base_url, "supervisor")
        page.goto(base_url + "/satisfaction?days=30&by=channel")
        # overall: 30 promoters, 10 detractors of 50 → 40
        assert page.locator("#figure-nps .sv-value").inner_text() == "40.0"
        assert "样本量 50" in page.locator("#figure-nps").inner_text()
        page.wait_for_selector("#chart-weekly-nps .main-svg")
        page.wait_for_selector("#chart-groups-nps .main-svg")
        table = page.locator("#table-groups").inner_text()
        assert "25.0" in table and "样本不足（10 份，少于 30 份），不显示。" in table
        assert "样本不足" in page.locator("#figure-csat").inner_text()
        page.goto(base_url + "/satisfaction?days=30&by=channel&lang=en")
        assert "Answers 50" in page.locator("#figure-nps").inner_text()
        assert page.locator("h1").inner_text() == "Satisfaction"
