"""The demo bank's recorded calls: ingested as phone contacts with turns and checked, so the
Quality page has a queue; the promise script is caught with its words, the clean one is not."""
from __future__ import annotations

from sqlalchemy import select

from tests.cases.builders import add_customer, add_user
from xinsheng.db import session_scope, utcnow
from xinsheng.demo.quality import CALLS, load_quality
from xinsheng.interactions.models import Interaction
from xinsheng.quality.models import QaCheck, QaFinding


def test_demo_calls_are_stored_and_checked(engine, builtin_models):
    add_customer(engine)
    for i in range(3):
        add_user(engine, "agent", agent_ref=f"A{1001 + i}")
    report = load_quality(engine, utcnow())
    assert report["checked"] == CALLS
    assert 0 < report["failed_mandatory"] < CALLS
    with session_scope(engine) as s:
        assert s.scalar(select(Interaction.channel).where(Interaction.external_id == "qa-demo-000")) == "phone"
        promises = list(s.scalars(select(QaFinding.evidence).where(QaFinding.rule == "forbidden_promise",
                                                                   QaFinding.passed.is_(False))))
        assert promises and set(promises) == {"这款肯定赚"}
        teams = set(s.scalars(select(QaCheck.team)))
        assert len(teams) == 3
