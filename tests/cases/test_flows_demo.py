"""The demo bank's complaints become real cases: its planted repeat callers about a wealth
redemption that has not arrived are escalated by the repeat-contact rule, and some cases are
near their deadline or past it as of the demo's "now" (its newest contact).

Expectations come from the generator's ground truth (``facts["repeat_redemption_episodes"]``:
which contacts each planted caller made, and when) and from the stored contacts, not from
the rule code."""
from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import select

from xinsheng.cases.models import OPEN_STATUSES, Case, CaseEscalation
from xinsheng.customers.models import Customer
from xinsheng.db import get_engine, session_scope
from xinsheng.interactions.models import Interaction
from xinsheng.surveys.models import SurveyResponse

WEEK = timedelta(days=7)


@pytest.fixture
def db_url(db_url, demo_banks):
    """Each test on its own copy of this module's demo bank, loaded once a run per database
    (tests/support/demo_bank.py)."""
    with demo_banks.copy(db_url, customers=300, days=30, seed=42, end=date(2026, 11, 20)) as url:
        yield url


@pytest.fixture
def engine(db_url):
    """The copy, migrated and loaded; dropped after the test, so nothing to empty."""
    return get_engine(db_url)


@pytest.fixture
def demo(demo_bank, settings_env):
    return demo_bank


def _three_within_a_week(times: list[datetime]) -> bool:
    times = sorted(times)
    return any(times[i + 2] - times[i] <= WEEK for i in range(len(times) - 2))


def _escalated(engine, rule: str) -> dict[str, list[datetime]]:
    with session_scope(engine) as s:
        rows = s.execute(select(Customer.customer_ref, CaseEscalation.at)
                         .join(Case, Case.id == CaseEscalation.case_id).join(Customer, Customer.id == Case.customer_id)
                         .where(CaseEscalation.rule == rule)).all()
    out: dict[str, list[datetime]] = {}
    for ref, at in rows:
        out.setdefault(ref, []).append(at)
    return out


def test_planted_repeat_callers_are_escalated_by_the_repeat_contact_rule(engine, demo):
    bank, _ = demo
    started = {r["external_id"]: datetime.fromisoformat(r["started_at"]) for r in bank.interactions}
    planted = {e["customer_ref"]: [started[x] for x in e["contacts"]]
               for e in bank.facts["repeat_redemption_episodes"]}
    expected = {ref for ref, times in planted.items() if _three_within_a_week(times)}
    assert len(expected) >= 2, "the demo plants repeat callers who call three times in a week"
    escalated = _escalated(engine, "repeat_contact")
    assert expected <= set(escalated), sorted(expected - set(escalated))
    # brute force over the stored contacts: each firing comes after at least three inbound
    # contacts of the customer within seven days
    with session_scope(engine) as s:
        for ref, moments in _escalated(engine, "repeat_contact").items():
            times = list(s.scalars(select(Interaction.started_at).join(Customer, Customer.id == Interaction.customer_id)
                                   .where(Customer.customer_ref == ref, Interaction.direction == "inbound",
                                          Interaction.text.is_not(None))))
            for at in moments:
                assert _three_within_a_week([t for t in times if t <= at]), ref


def test_some_cases_are_near_their_deadline_or_past_it_and_resolved_ones_closed(engine, demo):
    bank, report = demo
    now = max(datetime.fromisoformat(r["started_at"]) for r in bank.interactions)
    assert report["cases"]["now"] == now.isoformat()
    with session_scope(engine) as s:
        cases = list(s.scalars(select(Case).where(Case.status.in_(OPEN_STATUSES))))
    assert report["open_cases"] == len(cases) > 0
    for c in cases:  # the state each open case's own clocks give at the demo's now
        want = "breached" if c.due_at <= now else "warning" if c.warn_at <= now else "on_track"
        assert c.sla_state == want, c.case_ref
    states = {c.sla_state for c in cases}
    assert {"warning", "breached"} <= states
    with session_scope(engine) as s:
        breached_ids = {c.id for c in cases if c.sla_state == "breached"}
        fired = set(s.scalars(select(CaseEscalation.case_id).where(CaseEscalation.rule == "sla_breach")))
    assert breached_ids <= fired  # every open breached case was escalated for its deadline
    # opened by ingest's auto-open rule, or as the follow-up of a bad survey answer (the
    # answer names its case)
    with session_scope(engine) as s:
        followups = set(s.scalars(select(SurveyResponse.followup_case_ref)
                                  .where(SurveyResponse.followup_case_ref.is_not(None))))
    assert all(c.opened_by == "rule:auto_open" or c.case_ref in followups for c in cases)
    # the demo's staff closed the cases whose customers were later told they were resolved
    with session_scope(engine) as s:
        closed = list(s.scalars(select(Case).where(Case.status == "closed")))
    assert len(closed) == report["cases"]["closed"] > 0
    assert all(c.root_cause and c.customer_accepted is True and c.closed_at > c.decided_at for c in closed)
