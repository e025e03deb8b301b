"""The demo bank's improvement action around its planted bad app release (7.3.0): shipped on
the day the spike ended, its linked customers told once through the outbox, and its
before/after verdict "improved, significant" — with the counts recomputed here from the
stored analyses, not from topic_daily."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from xinsheng.customers.models import Customer
from xinsheng.db import session_scope
from xinsheng.improvements.evaluate import evaluate
from xinsheng.improvements.models import ImprovementCustomer
from xinsheng.improvements.service import list_actions
from xinsheng.interactions.models import Interaction, InteractionAnalysis
from xinsheng.notify.models import Notification

from tests.support.demo_bank import db_url, engine  # noqa: F401  (each test on its own copy of the shared bank)

TZ = ZoneInfo("Asia/Shanghai")


def _topic_texts(s, start: date, end: date) -> int:
    """Texts about the app (children of mobile_banking) among customer texts, by brute force."""
    stmt = (select(InteractionAnalysis.topics).join(Interaction, Interaction.id == InteractionAnalysis.interaction_id)
            .where(Interaction.direction != "outbound",
                   Interaction.started_at >= datetime.combine(start, time.min, tzinfo=TZ),
                   Interaction.started_at < datetime.combine(end, time.min, tzinfo=TZ)))
    return sum(sum(1 for c in {t.get("code") for t in topics or []} if c and c.startswith("mobile_banking."))
               for topics in s.scalars(stmt))  # each child topic of 手机银行 once per text, as topic_daily counts


def test_the_demo_fix_shows_a_significant_improvement_and_told_its_customers(engine, demo_bank, settings_env):
    bank, report = demo_bank
    release = bank.facts["app_release"]
    now = datetime.fromisoformat(report["cases"]["now"])
    assert report["improvements"]["actions"] == 1
    with session_scope(engine) as s:
        action = list_actions(s)[0]
        fixed = date.fromisoformat(release["fix_date"])
        assert action.state == "shipped" and action.shipped_on == fixed
        assert action.shipped_on == date.fromisoformat(release["spike_days"][-1]) + timedelta(days=1)
        ev = evaluate(s, action, now=now)
        linked = s.scalar(select(func.count()).select_from(ImprovementCustomer)
                          .where(ImprovementCustomer.action_id == action.id))
        told = s.execute(select(Notification.customer_id, Notification.body)
                         .where(Notification.purpose == "improvement_shipped")).all()
        customers = s.scalar(select(func.count()).select_from(Customer))
        first = date.fromisoformat(ev["windows"]["before"][0])
        k0 = _topic_texts(s, first, fixed)
        k1 = _topic_texts(s, fixed, fixed + timedelta(days=action.window_days))
    print(ev["verdict_en"], linked, len(told))
    assert ev["verdict"] == "improved" and ev["significant"], ev["verdict_en"]
    assert ev["after_days"] == action.window_days == 4 and first == fixed - timedelta(days=4)
    assert ev["before"]["n"] == k0 and ev["after"]["n"] == k1
    assert ev["before"]["value"] == 1e4 * k0 / (customers * (fixed - first).days)
    assert ev["after"]["value"] == 1e4 * k1 / (customers * 4)
    assert "差异显著" in ev["verdict_zh"] and "结论：已改善" in ev["verdict_zh"]
    assert 5 <= linked and len(told) == linked == report["improvements"]["told"]
    assert len({cid for cid, _ in told}) == len(told)  # each customer told once
    assert all("7.3.1" in body for _, body in told)
