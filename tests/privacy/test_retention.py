"""``xinsheng retention``: a dry run only counts; --apply anonymises old texts and idle
customers, removes old audit entries (the chain still verifies) and expired sessions."""
from __future__ import annotations

import json
from datetime import timedelta

from sqlalchemy import select, text, update

from tests.factories import elderly_customer_wang, interaction, private_banking_client_li
from tests.test_cli import run
from xinsheng.audit.actions import append
from xinsheng.audit.models import AuditEntry
from xinsheng.audit.service import verify_chain
from xinsheng.customers.models import Customer, CustomerNote
from xinsheng.db import session_scope, utcnow
from xinsheng.interactions.models import Interaction

NOW = utcnow()
LONG_AGO = NOW - timedelta(days=365 * 12)


def _seed(client, engine):
    client.post("/api/v1/customers", json=[elderly_customer_wang(), private_banking_client_li()])
    client.post("/api/v1/interactions", json=[
        interaction(1, start=NOW - timedelta(days=365 * 6), text="我的手机13812345678收不到验证码"),
        interaction(2, start=NOW - timedelta(days=3), text="转账失败"),
    ])
    with session_scope(engine) as s:  # C-LI: a client who left the bank long ago
        s.execute(update(Customer).where(Customer.customer_ref == "C-LI").values(created_at=LONG_AGO))
    for n in range(3):
        append(engine, actor="old", action="customer.read", target_ref=f"C{n}")
    with engine.begin() as conn:  # entries written 8 years ago (the trigger forbids updates: recreate them)
        conn.execute(text("CREATE TEMP TABLE t_audit AS SELECT * FROM audit_log WHERE actor = 'old'"))
        conn.execute(text("DELETE FROM audit_log WHERE actor = 'old'"))
        conn.execute(text("UPDATE t_audit SET at = :at"), {"at": NOW.replace(tzinfo=None) - timedelta(days=365 * 8)})
        conn.execute(text("INSERT INTO audit_log SELECT * FROM t_audit"))
        conn.execute(text("DROP TABLE t_audit"))


def test_dry_run_counts_and_apply_anonymises(client, engine, settings_env):
    _seed(client, engine)
    # the recreated entries have new timestamps, so re-chain them as the original writer would
    _rechain(engine)
    dry = run(["retention", "--dry-run", "--json"], settings_env)
    assert dry.returncode == 0, dry.stderr
    report = json.loads(dry.stdout)
    counts = {r["rule"]: (r["matched"], r["applied"]) for r in report["rules"]}
    assert report["mode"] == "dry-run"
    assert counts["interaction_texts"] == (1, 0) and counts["inactive_customers"] == (1, 0)
    assert counts["audit_entries"][0] >= 3 and counts["audit_entries"][1] == 0
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
    assert "audit.purged" in actions and actions[-1] == "retention.apply"
    again = json.loads(run(["retention", "--apply", "--json"], settings_env).stdout)
    assert {r["rule"]: r["applied"] for r in again["rules"]}["interaction_texts"] == 0
    assert run(["retention", "--json"], settings_env).returncode == 2


def _rechain(engine) -> None:
    """Recompute the hashes after the test moved entries back in time (test set-up only).

    One connection does it all: dropping the append-only trigger, re-chaining and
    restoring the trigger, so no other pooled connection's view gets in between."""
    from sqlalchemy.orm import Session

    from xinsheng.audit.actions import GENESIS, entry_hash
    from xinsheng.audit.service import entry_dict

    pg = engine.dialect.name == "postgresql"
    with engine.begin() as conn:
        conn.execute(text("DROP TRIGGER audit_log_no_update" + (" ON audit_log" if pg else "")))
        prev = GENESIS
        with Session(bind=conn) as s:
            for e in s.query(AuditEntry).order_by(AuditEntry.seq):
                e.prev_hash = prev
                e.hash = entry_hash(entry_dict(e) | {"at": e.at}, prev)
                prev = e.hash
            s.flush()
        if pg:
            conn.execute(text("CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log "
                              "FOR EACH ROW EXECUTE FUNCTION xinsheng_audit_append_only()"))
        else:
            conn.execute(text("CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log "
                              "BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END"))
