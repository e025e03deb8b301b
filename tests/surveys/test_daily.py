"""The daily sums behind the satisfaction figures: kept as answers arrive, the same figures
as summing every answer for any period (pieces of a day at either end included), backfilled
by migration 0017 for answers stored before it."""
from __future__ import annotations

from datetime import date, datetime, timezone
from urllib.parse import quote

import pytest
from sqlalchemy import delete, select

from tests.cases.builders import SH
from tests.surveys.builders import rows
from xinsheng.db import session_scope
from xinsheng.surveys.models import SurveyDaily

#: (local time, NPS score, channel)
NPS = [(datetime(2026, 10, 4, 23, 0, tzinfo=SH), 10, "phone"), (datetime(2026, 10, 4, 23, 30, tzinfo=SH), 9, "app"),
       (datetime(2026, 10, 5, 10, 0, tzinfo=SH), 0, "phone"), (datetime(2026, 10, 5, 11, 0, tzinfo=SH), 6, "phone"),
       (datetime(2026, 10, 5, 12, 0, tzinfo=SH), 8, None), (datetime(2026, 10, 6, 0, 10, tzinfo=SH), 10, "phone"),
       (datetime(2026, 10, 6, 12, 0, tzinfo=SH), 3, "phone")]
CES = [(datetime(2026, 10, 5, 9, 0, tzinfo=SH), 2, "app"), (datetime(2026, 10, 5, 9, 30, tzinfo=SH), 7, "app")]


@pytest.fixture
def answered(client):
    for survey, items in (("nps", NPS), ("ces", CES)):
        for at, score, channel in items:
            body = {"survey": survey, "score": score, "answered_at": at.isoformat(), "channel": channel}
            assert client.post("/api/v1/survey-responses", json=body).status_code == 201
    return client


def _report(client_as, since=None, until=None, by=None) -> dict:
    q = ["min_n=1"] + [f"{k}={quote(v.isoformat())}" for k, v in (("from", since), ("to", until)) if v]
    q += [f"by={by}"] if by else []
    res = client_as("supervisor").get("/api/v1/metrics/satisfaction?" + "&".join(q))
    assert res.status_code == 200, res.text
    return res.json()


def test_the_daily_rows_hold_the_hand_counted_sums(answered, engine):
    found = {(r.day, r.metric, r.channel): (r.n, r.promoters, r.detractors, r.total, r.total_sq)
             for r in rows(engine, SurveyDaily)}
    # 5 October (Beijing): phone 0 and 6 (two detractors), unknown channel 8 (stored as "")
    assert found[(date(2026, 10, 5), "nps", "phone")] == (2, 0, 2, 6, 36)
    assert found[(date(2026, 10, 5), "nps", "")] == (1, 0, 0, 8, 64)
    assert found[(date(2026, 10, 4), "nps", "phone")] == (1, 1, 0, 10, 100)
    assert found[(date(2026, 10, 6), "nps", "phone")] == (2, 1, 1, 13, 109)
    assert found[(date(2026, 10, 5), "ces", "app")] == (2, 0, 1, 9, 53)
    assert sum(v[0] for v in found.values()) == len(NPS) + len(CES)


@pytest.mark.parametrize("since, until, n, value", [
    # 4 Oct 22:00 → 6 Oct 06:00: 10, 9, 0, 6, 8, 10 → 3 promoters, 2 detractors of 6 → 16.7
    (datetime(2026, 10, 4, 22, 0, tzinfo=SH), datetime(2026, 10, 6, 6, 0, tzinfo=SH), 6, 16.7),
    # the whole of 5 Oct: 0, 6, 8 → 0 promoters, 2 detractors of 3 → −66.7
    (datetime(2026, 10, 5, tzinfo=SH), datetime(2026, 10, 6, tzinfo=SH), 3, -66.7),
    # within one day: 5 Oct 10:30–11:30 → the 6 only → −100
    (datetime(2026, 10, 5, 10, 30, tzinfo=SH), datetime(2026, 10, 5, 11, 30, tzinfo=SH), 1, -100.0),
    # open at the start, to 5 Oct 10:00 (excluded): 10, 9 → 100
    (None, datetime(2026, 10, 5, 10, 0, tzinfo=SH), 2, 100.0),
    # from 5 Oct 11:00 (UTC 03:00), open at the end: 6, 8, 10, 3 → 1 promoter, 2 detractors of 4 → −25
    (datetime(2026, 10, 5, 3, 0, tzinfo=timezone.utc), None,
     4, -25.0),
    # everything: 3 promoters (10, 9, 10), 3 detractors (0, 6, 3) of 7 → 0
    (None, None, 7, 0.0),
])
def test_any_period_gives_the_figures_of_every_answer_in_it(answered, client_as, since, until, n, value):
    nps = _report(client_as, since, until)["nps"]
    assert nps["n"] == n and round(nps["value"], 1) == value


def test_groups_and_ces_from_the_sums(answered, client_as):
    rep = _report(client_as, datetime(2026, 10, 4, tzinfo=SH), datetime(2026, 10, 7, tzinfo=SH), by="channel")
    groups = {g["group"]: g for g in rep["groups"]}
    assert set(groups) == {"app", "phone", None}
    assert groups[None]["nps"]["n"] == 1  # the answer with no channel
    assert groups["phone"]["nps"]["n"] == 5 and round(groups["phone"]["nps"]["value"], 1) == -20.0  # 2 − 3 of 5
    assert rep["ces"]["n"] == 2 and rep["ces"]["value"] == 4.5  # (2 + 7) / 2


def test_migration_0017_backfills_the_answers_stored_before_it(answered, engine, client_as):
    import importlib

    before = sorted((r.day, r.metric, r.channel, r.segment, r.tier, r.n, r.promoters, r.detractors, r.satisfied,
                     r.total, r.total_sq) for r in rows(engine, SurveyDaily))
    with session_scope(engine) as s:
        s.execute(delete(SurveyDaily))
    assert _report(client_as, datetime(2026, 10, 5, tzinfo=SH), datetime(2026, 10, 6, tzinfo=SH))["nps"]["n"] == 0
    migration = importlib.import_module("xinsheng.migrations.versions.0017_survey_points")
    with engine.begin() as conn:
        migration.backfill(conn, SurveyDaily.__table__)
    after = sorted((r.day, r.metric, r.channel, r.segment, r.tier, r.n, r.promoters, r.detractors, r.satisfied,
                    r.total, r.total_sq) for r in rows(engine, SurveyDaily))
    assert after == before
    with session_scope(engine) as s:
        assert s.scalar(select(SurveyDaily.n).where(SurveyDaily.day == date(2026, 10, 5),
                                                    SurveyDaily.channel == "phone", SurveyDaily.metric == "nps")) == 2
