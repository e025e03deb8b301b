"""The audit log: every read of a customer and every change, who/when/what/where/why;
append-only and hash-chained, so an altered or removed entry is detected."""
from __future__ import annotations

import csv
import io
import json
from urllib.parse import quote

import pytest
from sqlalchemy import delete, text, update
from sqlalchemy.exc import DBAPIError

from tests.factories import elderly_customer_wang, interaction
from tests.test_cli import run
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


def _drop_guard(engine) -> None:
    """What someone with database access could do: drop the trigger."""
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            conn.execute(text("DROP TRIGGER audit_log_no_update ON audit_log"))
        else:
            conn.execute(text("DROP TRIGGER audit_log_no_update"))


def _restore_guard(engine) -> None:
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            conn.execute(text("CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log "
                              "FOR EACH ROW EXECUTE FUNCTION xinsheng_audit_append_only()"))
        else:
            conn.execute(text("CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log "
                              "BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END"))


def test_a_tampered_or_deleted_entry_is_detected(engine, settings_env):
    for n in range(6):
        append(engine, actor=f"user{n}", action="customer.read", target_ref=f"C{n}")
    assert run(["audit", "verify", "--json"], settings_env).returncode == 0
    _drop_guard(engine)
    try:
        with session_scope(engine) as s:
            s.execute(update(AuditEntry).where(AuditEntry.seq == 3).values(actor="someone-else"))
        res = run(["audit", "verify", "--json"], settings_env)
        assert res.returncode == 3
        report = json.loads(res.stdout)
        assert not report["ok"] and report["problems"] == [{"seq": 3, "problem": "its content does not match its hash (altered)"}]
        with session_scope(engine) as s:
            s.execute(update(AuditEntry).where(AuditEntry.seq == 3).values(actor="user2"))
            s.execute(delete(AuditEntry).where(AuditEntry.seq == 5))
        report = json.loads(run(["audit", "verify", "--json"], settings_env).stdout)
        assert [p["seq"] for p in report["problems"]] == [6, 6]
        assert "missing" in report["problems"][0]["problem"]
        with session_scope(engine) as s:
            s.execute(delete(AuditEntry).where(AuditEntry.seq == 1))
        assert any("before 2 are missing" in p["problem"] for p in _verify(engine).problems)
    finally:
        _restore_guard(engine)


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
