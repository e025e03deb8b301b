"""Builders of records in CONTRACT.md's ingest format, with named personas."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

CST = timezone(timedelta(hours=8))
T0 = datetime(2026, 10, 1, 9, 0, tzinfo=CST)


def elderly_customer_wang(**over) -> dict:
    """王建国, 78, mass segment, hard of hearing; calls after failing in the app."""
    return {"customer_ref": "C-WANG", "name": "王建国", "birth_year": 1948, "gender": "M",
            "region": "河南省郑州市", "segment": "mass", "risk_level": 2,
            "preferred_channel": "phone", "notes": ["听力不好，请说慢一点", "不喜欢营销短信"], **over}


def private_banking_client_li(**over) -> dict:
    """李雪梅, private banking client of advisor RM007, who must never be offered flights."""
    return {"customer_ref": "C-LI", "name": "李雪梅", "birth_year": 1975, "gender": "F",
            "region": "上海市", "segment": "private", "risk_level": 4,
            "preferred_channel": "wechat", "advisor_ref": "RM007",
            "notes": ["怕坐飞机", "不能吃螃蟹"], "attributes": {"aum_cny": 12000000}, **over}


def interaction(n: int, *, customer_ref: str | None = "C-WANG", channel: str = "app",
                start: datetime = T0, **over) -> dict:
    """The n-th contact, one minute after the previous one."""
    at = start + timedelta(minutes=n)
    return {"external_id": f"ext-{n}", "source": "test", "customer_ref": customer_ref,
            "channel": channel, "started_at": at.isoformat(),
            "ended_at": (at + timedelta(seconds=90)).isoformat(), "direction": "inbound",
            "event": "login_failed", "text": None, "outcome": "resolved", "attributes": {}, **over}
