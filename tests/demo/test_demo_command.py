"""``xinsheng demo`` writes a whole small bank into SQLite and PostgreSQL."""
from __future__ import annotations

import json

from sqlalchemy import func, select

from tests.test_cli import run
from xinsheng.cases.models import Case
from xinsheng.customers.models import Customer, CustomerNote
from xinsheng.db import session_scope
from xinsheng.identity.models import User
from xinsheng.interactions.models import Interaction


def _counts(engine) -> dict:
    with session_scope(engine) as s:
        return {m.__name__: s.scalar(select(func.count()).select_from(m))
                for m in (Customer, CustomerNote, Interaction, User, Case)}


def test_demo_writes_a_bank_once_and_if_empty_leaves_it_alone(engine, settings_env):
    res = run(["demo", "--customers", "150", "--days", "35", "--seed", "3", "--json"], settings_env)
    assert res.returncode == 0, res.stderr
    report = json.loads(res.stdout)
    counts = _counts(engine)
    assert counts["Customer"] == report["customers"] == 150
    assert counts["Interaction"] == report["interactions"]["accepted"] > 150 * 5
    assert report["interactions"]["rejected"] == 0
    assert counts["CustomerNote"] > 10 and counts["User"] > 10 and counts["Case"] == report["cases"]["total"]
    assert 0 < report["open_cases"] <= counts["Case"]
    with session_scope(engine) as s:
        channels = set(s.scalars(select(Interaction.channel).distinct()))
        texts = s.scalars(select(Interaction.text).where(Interaction.text.is_not(None))).all()
    assert len(channels) == 10
    assert any("〔" in t for t in texts), "personal data in demo texts is masked"
    with session_scope(engine) as s:
        from xinsheng.ivr.service import ab_share

        assert ab_share(s, fresh=True) == 0.2, "the IVR page compares the demo's A/B groups"
    with session_scope(engine) as s:  # the segment explorer is filled: every customer in one value tier
        from xinsheng.segments.models import Segment

        sizes = {seg.code: seg.size for seg in s.scalars(select(Segment).where(Segment.active.is_(True)))}
    assert report["segments"] == len(sizes)
    assert sizes["tier_mass"] + sizes["tier_affluent"] + sizes["tier_private"] == 150

    again = run(["demo", "--customers", "150", "--days", "35", "--seed", "3", "--if-empty", "--json"], settings_env)
    assert json.loads(again.stdout) == {"skipped": True}
    assert _counts(engine) == counts
