"""Helpers for the daily topic counts tests: contacts to ingest, and a recount from raw analyses."""
from __future__ import annotations

import json
from collections import defaultdict
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from tests.factories import T0, interaction
from xinsheng.config import get_settings
from xinsheng.db import session_scope
from xinsheng.interactions.models import Interaction, InteractionAnalysis, TopicDaily

TEXTS = [
    "手机银行登录不上，一直提示密码错误，太气人了", "网点排队太久了，等了一个小时", "请问网点几点开门",
    "信用卡年费为什么扣了两次，马上给我退回来", "转账到账太慢了，三天还没到", "谢谢客服小姐姐，问题解决了，非常满意",
    "理财产品亏了这么多，当初说保本的，我要投诉到银保监会", "我的借记卡被冻结了，怎么解冻",
    "The app keeps crashing when I try to transfer money", "Thank you, the agent was very helpful",
    "贷款利率能不能再优惠一点", "外汇汇款手续费太高了",
]
CHANNELS = ["app", "phone", "wechat", "email"]


def contacts(n: int, *, first: int = 0, source: str = "test") -> list[dict]:
    """``n`` contacts over 10 days and 4 channels, every 37 minutes (so some fall on either
    side of midnight in Beijing and in UTC), one in seven without text."""
    out = []
    for k in range(first, first + n):
        text = None if k % 7 == 6 else TEXTS[k % len(TEXTS)]
        start = T0 - timedelta(days=k % 10) + timedelta(minutes=36 * k)  # the n-th is n minutes later
        out.append(interaction(k, customer_ref=None, channel=CHANNELS[k % len(CHANNELS)], text=text,
                               start=start, source=source))
    return out


def write_ndjson(path, records: list[dict]) -> None:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")


def recount(engine) -> dict:
    """The daily topic counts, counted afresh from every stored analysis of a customer (inbound) text."""
    tz = ZoneInfo(get_settings().display_timezone)
    out: dict[tuple, list] = defaultdict(lambda: [0, 0, 0, 0.0])
    with session_scope(engine) as s:
        rows = s.execute(select(Interaction.started_at, Interaction.channel, InteractionAnalysis.topics,
                                InteractionAnalysis.sentiment_label, InteractionAnalysis.sentiment_score,
                                Interaction.direction)
                         .join(InteractionAnalysis, InteractionAnalysis.interaction_id == Interaction.id)).all()
    for started_at, channel, topics, label, score, direction in rows:
        if direction == "outbound":  # the bank's own texts are not customer voice
            continue
        day, negative = started_at.astimezone(tz).date(), int(label == "negative")
        codes = [t["code"] for t in topics]
        for code in ["*", *dict.fromkeys(codes)]:
            entry = out[(day, code, channel)]
            entry[0] += 1
            entry[1] += negative
            entry[2] += negative if code in ("*", codes[0] if codes else None) else 0
            entry[3] += score or 0.0
    return dict(out)


def stored(engine) -> dict:
    with session_scope(engine) as s:
        rows = s.scalars(select(TopicDaily)).all()
    return {(r.day, r.topic_code, r.channel): [r.texts, r.negative, r.negative_primary, r.score_sum] for r in rows}


def assert_counts_match(engine) -> dict:
    """The stored counts are exactly those of a recount (score sums to float precision)."""
    have, want = stored(engine), recount(engine)
    assert sorted(have) == sorted(want)
    for key, row in want.items():
        assert have[key][:3] == row[:3], key
        assert have[key][3] == pytest.approx(row[3], abs=1e-6), key
    return have
