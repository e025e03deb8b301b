"""Each escalation rule fires once for its cause, and not when its facts fall short.

Cases are opened by the service with a contact whose analysis the test writes itself (no VOC
model), then the rules are evaluated as ingest and the sweep evaluate them. Expected tiers and
levels come from the shipped rules file (cases/data/escalation_rules.yaml)."""
from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from tests.cases.builders import add_customer, add_private_client, open_case
from tests.cases.flow_builders import MON, add_analysed_contact, young_customer
from xinsheng.cases.models import Case, CaseContact, CaseEscalation, CaseEvent
from xinsheng.db import session_scope
from xinsheng.notify.models import Notification

NOW = MON + timedelta(hours=2)


def _open(engine, ref: str, *, at: datetime = MON, **analysis) -> str:
    """A case of ``ref`` opened from a contact with this analysis at ``at``."""
    from xinsheng.interactions.models import Interaction

    iid = add_analysed_contact(engine, ref, at=at, topics=("transfer.not_received",), **analysis)
    with session_scope(engine) as s:
        ext = s.get(Interaction, iid).external_id
    return open_case(engine, ref, source_external_id=ext, accepted_at=at, now=at, text=None)


def _evaluate(engine, case_ref: str, now: datetime = NOW) -> list[str]:
    from xinsheng.cases.flows import evaluate_case

    with session_scope(engine) as s:
        case = s.scalar(select(Case).where(Case.case_ref == case_ref))
        return [f.rule for f in evaluate_case(s, case, now=now)]


def _attach(engine, case_ref: str, iid: int, at: datetime) -> None:
    from xinsheng.cases.flows import attach

    with session_scope(engine) as s:
        case = s.scalar(select(Case).where(Case.case_ref == case_ref))
        attach(s, case, {"id": iid, "started_at": at, "channel": "phone"}, now=at)


def _case(engine, case_ref: str) -> Case:
    with session_scope(engine) as s:
        return s.scalar(select(Case).where(Case.case_ref == case_ref))


def _firings(engine, case_ref: str) -> list[tuple[str, str]]:
    with session_scope(engine) as s:
        return list(s.execute(select(CaseEscalation.rule, CaseEscalation.cause).join(Case, Case.id == CaseEscalation.case_id)
                              .where(Case.case_ref == case_ref).order_by(CaseEscalation.id)).all())


@pytest.fixture
def zhao(engine):
    add_customer(engine, young_customer())
    return "C-ZHAO"


def test_strong_emotion_fires_once_per_contact(engine, zhao):
    ref = _open(engine, zhao, emotions={"anger": 0.8, "anxiety": 0.2})
    assert _evaluate(engine, ref) == ["strong_emotion"]
    assert _evaluate(engine, ref) == []  # the same contact again: nothing new
    case = _case(engine, ref)
    assert (case.tier, case.authority_level) == (2, 1) and case.risk_score == 2.0  # to_tier 2, risk 2
    later = MON + timedelta(days=1)
    _attach(engine, ref, add_analysed_contact(engine, zhao, at=later, topics=("transfer.not_received",),
                                              emotions={"anxiety": 0.9}), later)
    assert _evaluate(engine, ref, later) == ["strong_emotion"]  # a new contact is a new cause
    assert [r for r, _ in _firings(engine, ref)] == ["strong_emotion", "strong_emotion"]


def test_mild_emotion_does_not_fire(engine, zhao):
    ref = _open(engine, zhao, emotions={"anger": 0.5, "anxiety": 0.59, "sadness": 0.9})  # threshold 0.6
    assert _evaluate(engine, ref) == []


def test_vip_fires_for_private_banking_and_flagged_customers_once(engine):
    li = add_private_client(engine)
    ref = _open(engine, li)
    assert _evaluate(engine, ref) == ["vip"]
    assert _evaluate(engine, ref) == []
    assert _case(engine, ref).tier == 3  # private banking goes to an expert
    add_customer(engine, young_customer("C-VIP", attributes={"vip": True}))
    assert _evaluate(engine, _open(engine, "C-VIP")) == ["vip"]


def test_vip_does_not_fire_for_a_mass_customer(engine, zhao):
    assert _evaluate(engine, _open(engine, zhao)) == []


def test_regulatory_risk_fires_once_on_the_words_and_moves_to_level_3(engine, zhao):
    ref = _open(engine, zhao, text="再不解决我就打12378，还要找律师")
    assert _evaluate(engine, ref) == ["regulatory_risk"]
    assert _evaluate(engine, ref) == []
    case = _case(engine, ref)
    assert (case.tier, case.authority_level) == (3, 3)
    with session_scope(engine) as s:
        reason = s.scalar(select(CaseEscalation.reason).where(CaseEscalation.rule == "regulatory_risk"))
    assert "12378" in reason and "律师" in reason


def test_regulatory_risk_does_not_fire_on_an_ordinary_complaint(engine, zhao):
    assert _evaluate(engine, _open(engine, zhao, text="转账三天了还没到，请尽快处理")) == []


def test_vulnerable_fires_once_for_the_elderly_and_for_a_note(engine):
    wang = add_customer(engine)  # 王建国, born 1948: 78 in 2026
    ref = _open(engine, wang)
    assert _evaluate(engine, ref) == ["vulnerable"]
    assert _evaluate(engine, ref) == []
    assert _case(engine, ref).tier == 2
    add_customer(engine, young_customer("C-HEAR", notes=["听力不好，请说慢一点"]))
    assert _evaluate(engine, _open(engine, "C-HEAR")) == ["vulnerable"]


def test_vulnerable_does_not_fire_for_a_younger_customer(engine):
    add_customer(engine, young_customer("C-64", birth_year=1962))  # 64 in 2026, min_age 65
    assert _evaluate(engine, _open(engine, "C-64")) == []


def test_repeat_contact_fires_at_the_third_contact_in_seven_days(engine, zhao):
    ref = _open(engine, zhao)
    second, third = MON + timedelta(days=3), MON + timedelta(days=6, hours=23)  # all three within 7 days
    _attach(engine, ref, add_analysed_contact(engine, zhao, at=second, topics=("transfer.not_received",)), second)
    assert _evaluate(engine, ref, second) == []  # two contacts in 7 days
    _attach(engine, ref, add_analysed_contact(engine, zhao, at=third, topics=("transfer.not_received",)), third)
    assert _evaluate(engine, ref, third) == ["repeat_contact"]
    assert _evaluate(engine, ref, third + timedelta(hours=1)) == []
    assert _firings(engine, ref) == [("repeat_contact", "case")]


def test_sla_breach_fires_once_per_deadline(engine, zhao):
    ref = _open(engine, zhao)
    due = _case(engine, ref).due_at
    # 15 calendar days after Monday 2026-10-19 10:00 Beijing: Tuesday 2026-11-03 10:00 = 02:00 UTC
    assert due == datetime.fromisoformat("2026-11-03T10:00:00+08:00")
    assert _evaluate(engine, ref, due - timedelta(minutes=1)) == []
    assert _evaluate(engine, ref, due) == ["sla_breach"]
    assert _evaluate(engine, ref, due + timedelta(days=1)) == []
    assert _firings(engine, ref) == [("sla_breach", "due:2026-11-03T02:00Z")]
    assert _case(engine, ref).authority_level == 2  # level_up 1


def test_a_firing_is_recorded_with_an_event_and_the_customer_told_when_the_case_moves(engine):
    li = add_private_client(engine)
    ref = _open(engine, li)
    _evaluate(engine, ref)
    with session_scope(engine) as s:
        case = s.scalar(select(Case).where(Case.case_ref == ref))
        events = list(s.scalars(select(CaseEvent.action).where(CaseEvent.case_id == case.id).order_by(CaseEvent.id)))
        purposes = list(s.scalars(select(Notification.purpose).where(Notification.subject_ref == ref)))
        contacts = s.scalar(select(CaseContact.id).where(CaseContact.case_id == case.id))
    assert events == ["open", "escalate"] and sorted(purposes) == ["case_accepted", "case_escalated"]
    assert contacts is not None
