"""The demo bank's improvement action (改进行动) around its planted bad app release.

App 7.3.0 (``facts["app_release"]``) made log-in fail for four days; the action "7.3.1 fixes
log-in" links the customers who complained about log-in failures in those days, is owned by
the demo's supervisor, was promised three days after the release and shipped on the day the
spike ended (the fix day), when its customers were told through the outbox. Its before/after
(the 4 spike days against the 4 days after the fix) shows the rate of contacts about the app
(手机银行: log-in failures, crashes) falling, significantly.
"""
from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.engine import Engine

from xinsheng.config import get_settings
from xinsheng.db import session_scope
from xinsheng.identity.actions import do_create_user
from xinsheng.identity.service import find_user
from xinsheng.improvements.actions import do_change_state, do_create_action
from xinsheng.improvements.schemas import ActionCreate

#: the VOC topic of the spike's texts: they are analysed into its log-in failure and crash children
TOPIC = "mobile_banking"
#: the four days of the spike against the four days after the fix (a 14-day window would dilute
#: the four bad days with ten ordinary ones; the page and API take any other window)
WINDOW_DAYS = 4
OWNER = ("supervisor", "值班主管")  # the demo's supervisor (demo/credentials.py gives it a password)


def load_improvements(engine: Engine, now: datetime, release: dict | None) -> dict:
    """Create, link and ship the 7.3.1 action; returns its ref and how many were linked and told."""
    if not release or not release.get("fix_date"):
        return {"actions": 0}
    tz = ZoneInfo(get_settings().display_timezone)
    released, fixed = date.fromisoformat(release["date"]), date.fromisoformat(release["fix_date"])
    created = datetime.combine(released + timedelta(days=1), time(10), tzinfo=tz)
    shipped = datetime.combine(fixed, time(18), tzinfo=tz)
    if shipped > now:
        return {"actions": 0}
    with session_scope(engine) as session:
        if find_user(session, OWNER[0]) is None:
            do_create_user(session, username=OWNER[0], role="supervisor", display_name=OWNER[1])
        body = ActionCreate(
            title="手机银行 7.3.1：修复 7.3.0 升级后无法登录", problem_kind="topic", problem_ref=TOPIC,
            change_zh="发布手机银行 7.3.1，修复 7.3.0 升级后登录失败、闪退的问题。",
            change_en="Mobile banking app 7.3.1 fixes the log-in failures and crashes after the 7.3.0 update.",
            owner=OWNER[0], promised_date=released + timedelta(days=3), window_days=WINDOW_DAYS,
            raised_since=released, raised_until=fixed - timedelta(days=1))
        action = do_create_action(session, body, actor="demo", now=created)
        do_change_state(session, action, "in_progress", now=created + timedelta(hours=2))
        told = do_change_state(session, action, "shipped", now=shipped, shipped_on=fixed)
        ref = action.ref
        from xinsheng.improvements.service import customer_counts

        counts = customer_counts(session, [action.id])[action.id]
    return {"actions": 1, "ref": ref, "told": told, **counts}
