"""The audit log: every read of a customer and every change, who/when/what/where/why;
append-only and chained with a keyed hash (tampering: tests/audit/test_keyed_chain.py)."""
from __future__ import annotations

import csv
import io
import json
from urllib.parse import quote

import pytest
from sqlalchemy import update
from sqlalchemy.exc import DBAPIError

from tests.factories import elderly_customer_wang, interaction
from xinsheng.audit.actions import append
from xinsheng.audit.models import AuditEntry
from xinsheng.audit.service import verify_chain
from xinsheng.db import session_scope


def _entries(engine) -> list[AuditEntry]:
    with session_scope(engine) as s:
        return list(s.query(AuditEntry).order_by(AuditEntry.seq))


@pytest.fixture
def wang(client):
    client.post("/api/v1/customers", json=elderly_customer_wang())
    client.post("/api/v1/interactions", json=[interaction(1), interaction(2)])


def test_reads_and_writes_are_logged_with_who_what_where_and_why(client, client_as, engine, wang):
    supervisor = client_as("supervisor", username="zhou")
    supervisor.get("/api/v1/customers/C-WANG", headers={"X-Access-Reason": quote("客户来电投诉回访")})
    supervisor.get("/customers/C-WANG/timeline")
    client_as("analyst").get("/api/v1/customers/C-WANG")
    client_as("agent", username="lin", agent_ref="A9").get("/api/v1/customers/C-WANG")
    client_as("admin", username="root").post("/api/v1/customers/C-WANG/unmask",
                                             json={"reason": "监管调阅 2026-118"})
    log = _entries(engine)
    assert [(e.action, e.actor) for e in log] == [
        ("customer.upsert", log[0].actor), ("interaction.ingest", log[0].actor),
        ("customer.read", "zhou"), ("customer.timeline", "zhou"), ("customer.read", log[4].actor),
        ("customer.denied", "lin"), ("customer.unmask", "root"),
    ]
    assert log[0].actor.startswith("token:") and log[0].actor_role == "system"
    assert log[0].detail["customer_refs"] == ["C-WANG"] and log[0].target_ref == "C-WANG"
    assert log[1].detail["accepted"] == 2
    read = log[2]
    assert (read.target_type, read.target_ref, read.reason, read.ip) == ("customer", "C-WANG", "客户来电投诉回访", "testclient")
    assert read.detail == {"masked": False}
    assert log[4].detail == {"masked": True} and log[4].actor_role == "analyst"
    assert log[6].reason == "监管调阅 2026-118" and log[6].actor_role == "admin"
    assert _verify(engine).ok


def _verify(engine):
    with session_scope(engine) as s:
        return verify_chain(s)


def test_the_application_cannot_update_an_entry(engine):
    append(engine, actor="a", action="x.y")
    with pytest.raises(DBAPIError, match="append-only"):
        with session_scope(engine) as s:
            s.execute(update(AuditEntry).values(actor="mallory"))


def test_admin_exports_csv_and_ndjson_and_sees_the_page(client_as, engine, wang):
    admin = client_as("admin")
    ndjson = admin.get("/api/v1/audit/export", params={"format": "ndjson", "action": "customer."})
    rows = [json.loads(line) for line in ndjson.text.splitlines()]
    assert [r["action"] for r in rows] == ["customer.upsert"] and rows[0]["hash"]
    table = list(csv.DictReader(io.StringIO(admin.get("/api/v1/audit/export?format=csv").text)))
    assert [r["action"] for r in table] == ["customer.upsert", "interaction.ingest", "audit.export", "audit.export"]
    page = admin.get("/admin/audit", params={"verify": 1})
    assert "customer.upsert" in page.text and 'id="chain-result"' in page.text and "flash ok" in page.text
    listing = admin.get("/api/v1/audit", params={"limit": 2}).json()
    assert len(listing["items"]) == 2 and listing["next_before_seq"] == listing["items"][-1]["seq"]
    assert admin.get("/api/v1/audit/verify").json()["ok"] is True
    assert admin.get("/api/v1/audit", params={"since": "2026-01-01T00:00:00"}).status_code == 422
    assert client_as("supervisor").get("/api/v1/audit/export").status_code == 403


def test_csv_export_neutralises_spreadsheet_formulas(engine, client_as):
    append(engine, actor="x", action="customer.read", reason="=HYPERLINK(\"http://evil\")")
    table = list(csv.DictReader(io.StringIO(client_as("admin").get("/api/v1/audit/export?format=csv").text)))
    assert table[0]["reason"].startswith("'=")
