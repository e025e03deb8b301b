"""A hand-built contact log for the experience KPIs; the expected answers are worked out by
hand in tests/journeys/test_experience.py (period 2026-03-02 in Asia/Shanghai)."""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import insert

from tests.journeys.logs import UTC
from xinsheng.customers.models import Customer
from xinsheng.interactions.models import Interaction, InteractionAnalysis

START = datetime(2026, 3, 1, 16, 0, tzinfo=UTC)  # 2026-03-02 00:00 Shanghai
END = START + timedelta(days=1)
B = START + timedelta(hours=1)
H, D = timedelta(hours=1), timedelta(days=1)

CUSTOMERS = {"k1": {"segment": "mass", "birth_year": 1980}, "k2": {"segment": "mass", "birth_year": 1985},
             "k3": {"segment": "affluent", "birth_year": 1950}, "k4": {"segment": "private", "birth_year": 1970}}

#: (n, customer or None, channel, start, handle seconds or None, outcome, topic, wait s, (label, score) or None,
#:  complaint, event, direction)
CONTACTS = [
    (1, "k1", "phone", B, 300, "resolved", "card", 30, ("negative", -0.6), True, "call", "inbound"),
    (2, "k1", "phone", B + 2 * H, 120, "resolved", "card", None, None, False, "call", "inbound"),
    (3, "k1", "chat", B + 3 * H, 60, "resolved", "loan_document_upload", None, None, False, "chat", "inbound"),
    (4, "k2", "phone", B + H, None, "abandoned", None, 90, None, False, "call", "inbound"),
    (5, "k2", "phone", B + H + timedelta(minutes=10), 200, "resolved", None, None, None, False, "call", "inbound"),
    (6, "k3", "wechat", B + 5 * H, None, "resolved", None, None, ("positive", 0.8), False, "message", "inbound"),
    (7, "k3", "wechat", B + 5 * H + 8 * D, 10, "resolved", None, None, None, False, "message", "inbound"),
    (8, "k4", "email", START - 2 * D, None, "resolved", "fee", None, None, False, "mail", "inbound"),
    (9, "k4", "phone", B + 6 * H, 100, "resolved", "fee", None, None, False, "call", "inbound"),
    (10, "k1", "chat", END + 6 * D, 30, "resolved", "loan_document_upload", None, None, False, "chat", "inbound"),
    (11, None, "phone", B + 7 * H, 50, "resolved", None, None, None, False, "call", "inbound"),
    (12, "k1", "app", B + 2 * H, None, None, None, None, None, False, "loan_apply_step1", "inbound"),
    (13, "k1", "phone", B + 4 * H, 40, "resolved", "card", None, None, False, "call", "outbound"),
]


def write_contacts(engine, contacts=CONTACTS, customers=CUSTOMERS) -> dict[str, int]:
    with engine.begin() as conn:
        ids = {ref: conn.execute(insert(Customer).values(customer_ref=ref, is_placeholder=False, attributes={},
                                                         **extra).returning(Customer.id)).scalar_one()
               for ref, extra in customers.items()}
        for (n, ref, channel, t, handle, outcome, topic, wait, senti, complaint, event, direction) in contacts:
            attrs = {k: v for k, v in (("topic", topic), ("wait_seconds", wait)) if v is not None}
            iid = conn.execute(insert(Interaction).values(
                source="kpi", external_id=f"k-{n}", customer_id=ids.get(ref), channel=channel, event=event,
                started_at=t, ended_at=t + timedelta(seconds=handle) if handle is not None else None,
                outcome=outcome, attributes=attrs, pii=[], direction=direction).returning(Interaction.id)).scalar_one()
            if senti or complaint:
                label, score = senti or ("neutral", 0.0)
                conn.execute(insert(InteractionAnalysis).values(
                    interaction_id=iid, lang="zh", sentiment_label=label, sentiment_score=score, emotions={},
                    topics=[], flags=["complaint"] if complaint else [], keywords=[]))
    return ids


def write_answers(engine, ids: dict[str, int], answers: list[tuple]) -> None:
    """``answers``: (customer ref, metric, score, channel, answered_at)."""
    from xinsheng.surveys.models import SurveyResponse

    with engine.begin() as conn:
        for n, (ref, metric, score, channel, at) in enumerate(answers):
            conn.execute(insert(SurveyResponse).values(dedup_key=f"kpi-{n}", survey=metric, metric=metric, score=score,
                                                       customer_id=ids.get(ref), channel=channel, via="api",
                                                       answered_at=at, analysis={}))
