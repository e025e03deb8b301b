"""Ingest in batches: plain answers stored together give the same rows, duplicates, refusals
and daily sums as one at a time; the others (a bad score of a known customer) still open
their follow-up case."""
from __future__ import annotations

import json
from datetime import date

import pytest

from tests.cases.builders import add_customer, customer_id
from tests.surveys.builders import rows
from xinsheng.cases.models import Case
from xinsheng.surveys import ingest
from xinsheng.surveys.models import SurveyDaily, SurveyResponse

ANSWERS = [
    {"survey": "nps", "score": 10, "customer_ref": "C-WANG", "channel": "app", "answered_at": "2026-10-05T10:00:00+08:00"},
    {"survey": "nps", "score": 10, "customer_ref": "C-WANG", "channel": "app", "answered_at": "2026-10-05T10:00:00+08:00"},
    {"survey": "nps", "score": 7, "channel": "ivr", "answered_at": "2026-10-05T11:00:00+08:00"},
    {"survey": "nps", "score": 2, "channel": "ivr", "answered_at": "2026-10-05T23:59:00+08:00"},  # anonymous
    {"survey": "nps", "score": 12, "channel": "ivr", "answered_at": "2026-10-05T12:00:00+08:00"},
    {"survey": "csat", "score": 5, "customer_ref": "C-NOBODY", "channel": "app", "answered_at": "2026-10-05T12:00:00+08:00"},
    {"survey": "csat", "score": 1, "customer_ref": "C-WANG", "channel": "app", "answered_at": "2026-10-06T00:30:00+08:00"},
    {"survey": "csat", "score": 4, "customer_ref": "C-WANG", "channel": "app", "answered_at": "2026-10-06T01:00:00+08:00"},
]


@pytest.mark.parametrize("batch", [3, 500])
def test_a_file_in_batches(engine, tmp_path, monkeypatch, batch):
    monkeypatch.setattr(ingest, "BATCH", batch)
    add_customer(engine)
    src = tmp_path / "a.ndjson"
    src.write_text("".join(json.dumps(a) + "\n" for a in ANSWERS), "utf-8")
    report = ingest.load_survey_file(src, engine)
    assert (report.accepted, report.duplicates, report.rejected) == (5, 1, 2)
    assert [(e["line"], e["error"].split(":")[0]) for e in report.errors] == [(5, "score"), (6, "customer_ref")]
    stored = sorted((r.metric, r.score, r.channel, r.customer_id, r.segment, r.via) for r in rows(engine, SurveyResponse))
    wang = customer_id(engine, "C-WANG")
    seg = rows(engine, SurveyResponse, score=10)[0].segment
    assert seg is not None
    assert stored == [("csat", 1, "app", wang, seg, "file"), ("csat", 4, "app", wang, seg, "file"),
                      ("nps", 2, "ivr", None, None, "file"), ("nps", 7, "ivr", None, None, "file"),
                      ("nps", 10, "app", wang, seg, "file")]
    case, = rows(engine, Case)  # the CSAT 1 of a known customer; the anonymous NPS 2 opens none
    assert "CSAT 1" in case.title
    daily = {(r.day, r.metric, r.channel): (r.n, r.promoters, r.detractors, r.satisfied, r.total)
             for r in rows(engine, SurveyDaily)}
    assert daily == {(date(2026, 10, 5), "nps", "app"): (1, 1, 0, 1, 10),
                     (date(2026, 10, 5), "nps", "ivr"): (2, 0, 1, 1, 9),
                     (date(2026, 10, 6), "csat", "app"): (2, 0, 2, 1, 5)}
    again = ingest.load_survey_file(src, engine)
    assert (again.accepted, again.duplicates, again.rejected) == (0, 6, 2)
    assert sum(r.n for r in rows(engine, SurveyDaily)) == 5
