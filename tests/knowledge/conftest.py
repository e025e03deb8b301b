"""Knowledge fixtures: clients of the roles that use the knowledge base, and articles."""
from __future__ import annotations

import itertools

import pytest
from fastapi.testclient import TestClient

from tests.auth import make_token, session_client

_n = itertools.count(1)


@pytest.fixture
def app(engine, db_url):
    from xinsheng.app import create_app

    return create_app(db_url)


@pytest.fixture
def km(app, engine) -> TestClient:
    """A knowledge manager (知识管理) signed in on the web."""
    return session_client(app, engine, "knowledge_manager")


@pytest.fixture
def agent(app, engine) -> TestClient:
    """A tier-1 agent (前台坐席) with agent number A-007: sees the customers they served."""
    return session_client(app, engine, "agent", agent_ref="A-007")


@pytest.fixture
def supervisor(app, engine) -> TestClient:
    """A supervisor (主管): sees every customer."""
    return session_client(app, engine, "supervisor")


@pytest.fixture
def bot(app, engine) -> TestClient:
    """The self-service bot: a system token with the ``assist`` scope only."""
    return TestClient(app, headers={"Authorization": f"Bearer {make_token(engine, 'system', scopes=['assist'])}"})


@pytest.fixture
def ingest(app, engine) -> TestClient:
    return TestClient(app, headers={"Authorization": f"Bearer {make_token(engine, 'system', scopes=['ingest'])}"})


def article(**over) -> dict:
    n = next(_n)
    return {"ref": f"KB-T{n}", "title": f"article {n}", "question": f"question {n}",
            "body": "answer", "category": "transfer", **over}


def publish(km: TestClient, **fields) -> dict:
    """Create, submit and approve an article; returns it as the API shows it."""
    res = km.post("/api/v1/kb/articles", json=article(**fields))
    assert res.status_code == 201, res.text
    aid = res.json()["id"]
    assert km.post(f"/api/v1/kb/articles/{aid}/submit").status_code == 200
    approved = km.post(f"/api/v1/kb/articles/{aid}/approve")
    assert approved.status_code == 200, approved.text
    return approved.json()


def ask(bot: TestClient, question: str, **extra) -> dict:
    res = bot.post("/api/v1/assist/answer", json={"question": question, **extra})
    assert res.status_code == 200, res.text
    return res.json()


#: A small bank FAQ: the articles the tests answer from.
FAQ = [
    dict(ref="KB-TRANSFER-FAIL", title="转账失败怎么办", question="转账失败怎么办",
         paraphrases=["转账不成功是什么原因"], body="请检查**余额**、**转账限额**和收款账户。", category="transfer"),
    dict(ref="KB-TRANSFER-NOT-ARRIVED", title="转账成功但对方未收到", question="转账成功了对方没收到钱怎么办",
         paraphrases=["显示转账成功但是对方没到账"], body="跨行转账一般2小时内到账。", category="transfer"),
    dict(ref="KB-CARD-SWALLOWED", title="ATM吞卡", question="卡被ATM吞了怎么办",
         body="请携带身份证到该ATM所属网点领取。", category="card"),
    dict(ref="KB-CC-LIMIT", title="信用卡提额", question="信用卡怎么提额",
         paraphrases=["信用卡额度怎么提高"], body="在手机银行「信用卡-额度管理」申请。", category="credit_card"),
    dict(ref="KB-ONLINE-BANKING", title="网银开通", question="怎么开通网上银行",
         body="携带身份证和银行卡到网点开通，或在手机银行自助开通。", category="digital"),
    dict(ref="KB-FX-QUOTA", title="个人购汇额度", question="每年购汇额度是多少",
         paraphrases=["一年能换多少美元"], body="每人每年等值5万美元。", category="fx"),
]


@pytest.fixture
def faq(km) -> dict[str, dict]:
    """The FAQ above, published; articles by ref."""
    return {a["ref"]: publish(km, **a) for a in FAQ}


def add_message(engine, customer_ref: str, text: str, *, channel: str = "chat", minute: int = 0,
                agent_ref: str | None = None) -> None:
    """A customer's inbound message an hour ago (+ ``minute``), stored directly (the
    suggestion panel reads it); ``agent_ref`` is the agent who handled it."""
    from datetime import timedelta

    from xinsheng.customers.actions import resolve_customer_ids
    from xinsheng.db import session_scope, utcnow
    from xinsheng.interactions.models import Interaction

    with session_scope(engine) as session:
        cid = resolve_customer_ids(session, {customer_ref})[customer_ref]
        session.add(Interaction(source="test", external_id=f"msg-{customer_ref}-{minute}", customer_id=cid,
                                channel=channel, started_at=utcnow() - timedelta(hours=1, minutes=-minute),
                                direction="inbound", text=text, attributes={}, pii=[], agent_ref=agent_ref))
