"""``xinsheng retention``: a dry run only counts; --apply anonymises old texts and idle
customers, removes old audit entries (the chain still verifies) and expired sessions."""
from __future__ import annotations

import json
from datetime import timedelta

from sqlalchemy import delete, select, update

from tests.factories import elderly_customer_wang, interaction, private_banking_client_li
from tests.test_cli import run
from xinsheng.audit.actions import append, sanctioned_removal
from xinsheng.audit.models import AuditEntry
from xinsheng.audit.service import verify_chain
from xinsheng.customers.models import Customer, CustomerNote
from xinsheng.db import session_scope, utcnow
from xinsheng.interactions.models import Interaction

NOW = utcnow()
LONG_AGO = NOW - timedelta(days=365 * 12)


def _seed(client, engine, monkeypatch):
    with monkeypatch.context() as m:  # three entries written 8 years ago (the log's clock moved back)
        m.setattr("xinsheng.audit.actions.utcnow", lambda: NOW - timedelta(days=365 * 8))
        for n in range(3):
            append(engine, actor="old", action="customer.read", target_ref=f"C{n}")
    client.post("/api/v1/customers", json=[elderly_customer_wang(), private_banking_client_li()])
    client.post("/api/v1/interactions", json=[
        interaction(1, start=NOW - timedelta(days=365 * 6), text="我的手机13812345678收不到验证码"),
        interaction(2, start=NOW - timedelta(days=3), text="转账失败"),
    ])
    with session_scope(engine) as s:  # C-LI: a client who left the bank long ago
        s.execute(update(Customer).where(Customer.customer_ref == "C-LI").values(created_at=LONG_AGO))


def test_dry_run_counts_and_apply_anonymises(client, engine, settings_env, monkeypatch):
    _seed(client, engine, monkeypatch)
    dry = run(["retention", "--dry-run", "--json"], settings_env)
    assert dry.returncode == 0, dry.stderr
    report = json.loads(dry.stdout)
    counts = {r["rule"]: (r["matched"], r["applied"]) for r in report["rules"]}
    assert report["mode"] == "dry-run"
    assert counts["interaction_texts"] == (1, 0) and counts["inactive_customers"] == (1, 0)
    assert counts["audit_entries"] == (3, 0)
    with session_scope(engine) as s:
        assert s.scalar(select(Customer.name).where(Customer.customer_ref == "C-LI")) == "李雪梅"
        assert s.query(Interaction).filter(Interaction.text.is_not(None)).count() == 2

    applied = json.loads(run(["retention", "--apply", "--json"], settings_env).stdout)
    counts = {r["rule"]: (r["matched"], r["applied"]) for r in applied["rules"]}
    assert counts["interaction_texts"] == (1, 1) and counts["inactive_customers"] == (1, 1)
    with session_scope(engine) as s:
        li = s.scalar(select(Customer).where(Customer.customer_ref == "C-LI"))
        assert li.name is None and li.name_index is None and "anonymised_at" in li.attributes
        assert li.segment == "private", "what statistics need stays"
        assert s.query(CustomerNote).filter_by(customer_id=li.id).count() == 0
        wang = s.scalar(select(Customer).where(Customer.customer_ref == "C-WANG"))
        assert wang.name == "王建国", "a customer in contact keeps their data"
        texts = dict(s.execute(select(Interaction.external_id, Interaction.text)).all())
        assert texts == {"ext-1": None, "ext-2": "转账失败"}
        assert s.query(AuditEntry).filter_by(actor="old").count() == 0
        assert verify_chain(s).ok, "the purge checkpoint keeps the chain verifiable"
        actions = [a for (a,) in s.query(AuditEntry.action).order_by(AuditEntry.seq)]
        purged = s.query(AuditEntry).filter_by(action="audit.purged").one()
    assert "audit.purged" in actions and actions[-1] == "retention.apply"
    assert (purged.detail["through_seq"], purged.detail["count"]) == (3, 3)
    assert run(["audit", "verify", "--json"], settings_env).returncode == 0
    again = json.loads(run(["retention", "--apply", "--json"], settings_env).stdout)
    assert {r["rule"]: r["applied"] for r in again["rules"]}["interaction_texts"] == 0
    assert run(["retention", "--json"], settings_env).returncode == 2


def test_after_retention_any_other_removal_is_detected(client, engine, settings_env, monkeypatch):
    """Retention's path (the one the delete trigger allows) used without a checkpoint:
    the log then starts where no retention checkpoint says it may."""
    _seed(client, engine, monkeypatch)
    assert run(["retention", "--apply", "--json"], settings_env).returncode == 0
    with session_scope(engine) as s:
        first = s.query(AuditEntry).order_by(AuditEntry.seq).first().seq
        assert verify_chain(s).ok and first == 4
    with engine.begin() as conn, sanctioned_removal(conn):
        conn.execute(delete(AuditEntry).where(AuditEntry.seq == first))
    res = run(["audit", "verify", "--json"], settings_env)
    assert res.returncode == 3
    assert json.loads(res.stdout)["problems"] == [
        {"seq": 5, "problem": "entries before 5 are missing and no retention checkpoint records their removal"}]

