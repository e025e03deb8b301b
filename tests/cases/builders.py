"""Shared builders for case tests: customers, contacts, people of each role, cases.

Records are written straight to the database (no VOC analysis, no argon2), so a test sets
up exactly the world it needs. Other helpers add their builders here additively.

    wang = add_customer(engine)                      # 王建国, mass segment (tests/factories.py)
    add_contact(engine, "ext-1", agent_ref="A1001")  # a phone call handled by agent A1001
    ref = open_case(engine, source_external_id="ext-1", accepted_at=MON_10)
"""
from __future__ import annotations

import itertools
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.engine import Engine

from tests.factories import elderly_customer_wang, private_banking_client_li
from xinsheng.db import session_scope

SH = ZoneInfo("Asia/Shanghai")
_n = itertools.count(1)


def local(y: int, m: int, d: int, hh: int = 10, mm: int = 0) -> datetime:
    """A moment in Beijing time (the default display time zone)."""
    return datetime(y, m, d, hh, mm, tzinfo=SH)


def add_customer(engine: Engine, record: dict | None = None, **over) -> str:
    """A customer (default 王建国, C-WANG); returns the customer_ref."""
    from xinsheng.customers.actions import bulk_upsert_customers

    rec = {**(record or elderly_customer_wang()), **over}
    with session_scope(engine) as s:
        bulk_upsert_customers(s, [rec])
    return rec["customer_ref"]


def add_private_client(engine: Engine, **over) -> str:
    """李雪梅 (C-LI), private banking."""
    return add_customer(engine, private_banking_client_li(), **over)


def customer_id(engine: Engine, customer_ref: str) -> int:
    from xinsheng.customers.models import Customer

    with session_scope(engine) as s:
        return s.scalar(select(Customer.id).where(Customer.customer_ref == customer_ref))


def add_contact(engine: Engine, external_id: str | None = None, *, customer_ref: str = "C-WANG",
                channel: str = "phone", started_at: datetime | None = None, agent_ref: str | None = None,
                text: str | None = None, topics: list[str] | None = None) -> str:
    """One stored contact of the customer (optionally with a VOC analysis naming ``topics``)."""
    from xinsheng.interactions.models import Interaction, InteractionAnalysis

    external_id = external_id or f"x-{next(_n)}"
    at = started_at or datetime.now(timezone.utc) - timedelta(hours=1)
    cid = customer_id(engine, customer_ref)
    with session_scope(engine) as s:
        row = Interaction(source="test", external_id=external_id, customer_id=cid, channel=channel, started_at=at,
                          ended_at=at + timedelta(minutes=3), direction="inbound", agent_ref=agent_ref, text=text,
                          attributes={}, pii=[])
        s.add(row)
        s.flush()
        if topics is not None:
            s.add(InteractionAnalysis(interaction_id=row.id, lang="zh", sentiment_label="negative",
                                      sentiment_score=-0.6, emotions={}, flags=[], keywords=[],
                                      topics=[{"code": t, "label": t, "score": 0.9, "triggers": []} for t in topics]))
    return external_id


def add_user(engine: Engine, role: str, username: str | None = None, **fields) -> str:
    """A person of ``role`` (``authority_level``, ``agent_ref`` …); returns the username."""
    from xinsheng.identity.actions import do_create_user

    username = username or f"{role.replace('_', '-')}-{next(_n)}"
    with session_scope(engine) as s:
        do_create_user(s, username=username, role=role, **fields)
    return username


def case_body(customer_ref: str = "C-WANG", **over) -> dict:
    """A POST /api/v1/cases body: a complaint with an explicit topic (no VOC model needed)."""
    return {"customer_ref": customer_ref, "kind": "complaint", "title": "转账未到账", "channel": "phone",
            "topic": "transfer.not_received", "text": "我上周的转账到现在还没到账", **over}


def open_case(engine: Engine, customer_ref: str = "C-WANG", *, now: datetime | None = None,
              actor: str = "tests", **over) -> str:
    """A case opened by the service (as ``actor``); returns its case_ref."""
    from xinsheng.cases.actions import do_open_case
    from xinsheng.cases.schemas import CaseCreate

    body = CaseCreate(**case_body(customer_ref, **over))
    now = now or (body.accepted_at or datetime.now(timezone.utc))
    with session_scope(engine) as s:
        return do_open_case(s, body, actor=actor, now=now).case_ref


def set_case(engine: Engine, case_ref: str, **values) -> None:
    """Force columns of a case (a state the test needs, e.g. ``status="decided"``)."""
    from xinsheng.cases.models import Case

    with session_scope(engine) as s:
        case = s.scalar(select(Case).where(Case.case_ref == case_ref))
        for k, v in values.items():
            setattr(case, k, v)


def get_case_row(engine: Engine, case_ref: str):
    from xinsheng.cases.models import Case

    with session_scope(engine) as s:
        return s.scalar(select(Case).where(Case.case_ref == case_ref))


def principal(engine: Engine, role: str, **fields):
    """A new person of ``role`` as the ``Principal`` the API would see (for calling actions directly)."""
    from xinsheng.identity.models import User
    from xinsheng.identity.service import user_principal

    username = add_user(engine, role, **fields)
    with session_scope(engine) as s:
        return user_principal(s.scalar(select(User).where(User.username == username)))


def run_action(engine: Engine, case_ref: str, fn, **kw):
    """``fn(session, case, **kw)`` in one committed transaction (e.g. ``do_extend`` with a chosen
    ``now``); returns the case's ``CaseRead`` afterwards."""
    from xinsheng.cases.service import case_read, find_case

    with session_scope(engine) as s:
        case = fn(s, find_case(s, case_ref), **kw)
        s.flush()
        return case_read(s, case, kw.get("now"))


def error_fields(res) -> set[str]:
    """The field names a 4xx body points at: ``data.field``, each path of ``data.errors``
    (``body.decide.compensation_cny`` → its segments), or FastAPI's ``detail[].loc``."""
    body = res.json()
    data = body.get("data") or {}
    out = {str(p) for e in body.get("detail") or [] for p in e.get("loc", ())}
    out |= {seg for e in data.get("errors") or [] for seg in str(e.get("field", "")).split(".")}
    if data.get("field"):
        out.add(data["field"])
    return out
