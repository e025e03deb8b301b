"""The demo bank's surveys: invitations follow the fatigue rule, a realistic share answers,
and bad experiences (by the contact's stored VOC sentiment and outcome, which the scores
never read back) score worse."""
from __future__ import annotations

from collections import defaultdict
from datetime import timedelta
from statistics import mean

from sqlalchemy import select

from xinsheng.db import session_scope
from xinsheng.interactions.models import Interaction, InteractionAnalysis
from xinsheng.surveys.models import SurveyInvitation, SurveyResponse

from tests.support.demo_bank import db_url, engine  # noqa: F401  (each test on its own copy of the shared bank)


def test_demo_surveys_follow_the_experience(engine, demo_bank, settings_env):
    # the shared bank is big enough that the bad answers are not a handful (with 500 customers
    # about 20 answers, 2–6 bad, and which contacts the sampling hash picks varies with the
    # stored ids), with a fixed end date
    bank, loaded = demo_bank
    assert bank.facts["params"]["customers"] >= 1500
    report = loaded["surveys"]
    assert report["invited"] > 50
    assert 0.12 < report["answered"] / report["invited"] < 0.45
    with session_scope(engine) as s:
        invited = s.execute(select(SurveyInvitation.customer_id, SurveyInvitation.invited_at)).all()
        answers = s.execute(select(SurveyResponse.metric, SurveyResponse.score, SurveyResponse.followup_case_ref,
                                   Interaction.outcome, InteractionAnalysis.sentiment_label)
                            .join(Interaction, Interaction.id == SurveyResponse.interaction_id)
                            .outerjoin(InteractionAnalysis, InteractionAnalysis.interaction_id == Interaction.id)).all()
    by_customer = defaultdict(list)
    for cid, at in invited:
        by_customer[cid].append(at)
    for times in by_customer.values():  # at most one invitation per customer per 30 days
        times.sort()
        assert all(b - a >= timedelta(days=30) for a, b in zip(times, times[1:]))
    assert len(answers) == report["answered"]

    def norm(metric, score):  # 0 worst .. 1 best on every scale
        return {"nps": score / 10, "csat": (score - 1) / 4, "ces": (7 - score) / 6}[metric]

    bad = [norm(m, s) for m, s, _, outcome, sent in answers if sent == "negative" or outcome == "unresolved"]
    good = [norm(m, s) for m, s, _, outcome, sent in answers if sent == "positive" and outcome != "unresolved"]
    assert len(bad) >= 10 and len(good) >= 10
    assert mean(bad) + 0.2 < mean(good)
    detractors = [(m, s, ref) for m, s, ref, _, _ in answers
                  if {"nps": s <= 6, "csat": s <= 2, "ces": s >= 6}[m]]
    assert detractors and all(ref is not None for _, _, ref in detractors)
    assert report["followup_cases"] == len(detractors)
