"""Improvement actions through the API: create with the customers who raised the problem,
bad input refused naming the field, the state machine, and shipping that tells each linked
customer once through the outbox, in their language, never one who opted out."""
from __future__ import annotations

from sqlalchemy import select

from tests.factories import elderly_customer_wang, private_banking_client_li
from tests.surveys.builders import fields, rows
from xinsheng.db import session_scope
from xinsheng.identity.actions import do_create_user
from xinsheng.notify.models import Notification

BODY = {"title": "7.3.1 修复登录闪退", "problem_kind": "topic", "problem_ref": "mobile_banking.login_failure",
        "change_zh": "手机银行 7.3.1 修复了升级后无法登录的问题", "change_en": "App 7.3.1 fixes log-in after the update",
        "owner": "zhang_pm", "promised_date": "2026-11-20",
        "customer_refs": ["C-WANG", "C-LI", "C-EN"]}


def _setup(client, engine):
    customers = [elderly_customer_wang(), private_banking_client_li(attributes={"surveys_opt_out": True}),
                 {**elderly_customer_wang(), "customer_ref": "C-EN", "name": "Ann Lee", "attributes": {"lang": "en"}}]
    assert client.post("/api/v1/customers", json=customers).status_code == 200
    with session_scope(engine) as s:
        do_create_user(s, username="zhang_pm", role="supervisor")


def _outbox(engine):
    return rows(engine, Notification, purpose="improvement_shipped")


def test_ship_tells_each_linked_customer_once_and_respects_opt_out(client, engine):
    _setup(client, engine)
    res = client.post("/api/v1/improvements", json=BODY)
    assert res.status_code == 201, res.text
    action = res.json()
    assert action["state"] == "planned" and action["metric"] == "topic_rate"
    assert action["customers"]["linked"] == 3
    ref = action["ref"]
    assert client.post(f"/api/v1/improvements/{ref}/state", json={"state": "verified"}).status_code == 409
    assert _outbox(engine) == []  # nobody is told before it ships
    assert client.post(f"/api/v1/improvements/{ref}/state", json={"state": "in_progress"}).json()["told_now"] == 0
    shipped = client.post(f"/api/v1/improvements/{ref}/state", json={"state": "shipped", "shipped_on": "2026-11-18"})
    assert shipped.status_code == 200, shipped.text
    assert shipped.json()["told_now"] == 2 and shipped.json()["shipped_on"] == "2026-11-18"
    assert shipped.json()["customers"] == {"linked": 3, "told": 2, "opted_out": 1}
    again = client.post(f"/api/v1/improvements/{ref}/state", json={"state": "shipped"})
    assert again.status_code == 200 and again.json()["told_now"] == 0
    sent = _outbox(engine)
    assert len(sent) == 2
    bodies = {n.lang: n.body for n in sent}
    assert "7.3.1 修复了升级后无法登录的问题" in bodies["zh"] and "App 7.3.1 fixes log-in" in bodies["en"]
    with session_scope(engine) as s:
        from xinsheng.customers.models import Customer

        li = s.scalar(select(Customer.id).where(Customer.customer_ref == "C-LI"))
    assert li not in {n.customer_id for n in sent}
    # a customer linked after shipping is told at once, and only once
    client.post("/api/v1/customers", json=[{**elderly_customer_wang(), "customer_ref": "C-NEW"}])
    for _ in range(2):
        added = client.post(f"/api/v1/improvements/{ref}/customers", json={"customer_refs": ["C-NEW", "C-WANG"]})
        assert added.status_code == 200, added.text
    assert len(_outbox(engine)) == 3
    detail = client.get(f"/api/v1/improvements/{ref}").json()
    assert {c["customer_ref"]: c["skipped"] for c in detail["linked_customers"]}["C-LI"] == "opted_out"
    assert client.get("/api/v1/improvements?state=open").json()["items"][0]["state"] == "shipped"
    assert client.post(f"/api/v1/improvements/{ref}/state", json={"state": "verified"}).json()["state"] == "verified"
    assert client.post(f"/api/v1/improvements/{ref}/state", json={"state": "cancelled"}).status_code == 409


def test_bad_input_is_refused_naming_the_field(client, engine):
    _setup(client, engine)
    cases = [
        ({"promised_date": "soon"}, "promised_date"),
        ({"problem_ref": "Mobile Banking!"}, "problem_ref"),
        ({"problem_kind": "touchpoint", "problem_ref": "fax/sent"}, "problem_ref"),
        ({"problem_kind": "touchpoint", "problem_ref": "app/login", "metric": "topic_rate"}, "metric"),
        ({"owner": "nobody"}, "owner"),
        ({"customer_refs": ["C-NOBODY"]}, "customer_refs"),
        ({"title": ""}, "title"),
        ({"change_zh": "x" * 2001}, "change_zh"),
        ({"window_days": 0}, "window_days"),
    ]
    for change, field in cases:
        res = client.post("/api/v1/improvements", json={**BODY, **change})
        assert res.status_code == 422, (change, res.text)
        assert field in fields(res), (change, res.json())
    ref = client.post("/api/v1/improvements", json=BODY).json()["ref"]
    future = client.post(f"/api/v1/improvements/{ref}/state", json={"state": "shipped", "shipped_on": "2999-01-01"})
    assert future.status_code == 422 and "shipped_on" in fields(future)
    assert client.get("/api/v1/improvements/IA99999").status_code == 404
    assert client.get("/api/v1/improvements?state=nope").status_code == 422


def test_reading_needs_surveys_read_and_writing_surveys_write(client, client_as, engine):
    _setup(client, engine)
    assert client_as("agent", agent_ref="A1").get("/api/v1/improvements").status_code == 403
    analyst = client_as("analyst")
    assert analyst.get("/api/v1/improvements").status_code == 200
    assert analyst.post("/api/v1/improvements", json=BODY).status_code == 403
    assert client_as("supervisor").post("/api/v1/improvements", json=BODY).status_code == 201
