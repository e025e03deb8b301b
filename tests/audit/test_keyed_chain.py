"""Tampering with the audit log by someone with database access but without the key is
detected: deleting, altering or inserting an entry, re-chaining with plain SHA-256 or
a guessed key, cutting the end of the log, rewriting the head record. The database
itself refuses UPDATE, DELETE (and TRUNCATE) of entries; only retention's path removes.

What is compared: the chain is recomputed in this file from the documented definition
(canonical JSON of the entry's fields and the previous hash; HMAC-SHA256 under
XINSHENG_AUDIT_KEY, with hashlib/hmac), and checked to reproduce what the product
stored, before the product's verification is asked about each attack. The attacks are
plain SQL on the tables.
"""
from __future__ import annotations

import hashlib
import hmac
import json
import os

import pytest
from sqlalchemy import delete, text, update
from sqlalchemy.exc import DBAPIError

from tests.test_cli import run
from xinsheng.audit.actions import AuditTampered, append
from xinsheng.audit.models import AuditEntry, AuditHead
from xinsheng.audit.service import verify_chain
from xinsheng.db import session_scope

GENESIS = "0" * 64
FIELDS = ("seq", "at", "actor", "actor_role", "action", "target_type", "target_ref", "reason", "ip", "detail")


def _canonical(row: dict, prev: str) -> bytes:
    doc = {k: row[k] for k in FIELDS} | {"prev_hash": prev}
    doc["at"] = row["at"].isoformat(timespec="microseconds")
    return json.dumps(doc, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def _hmac(key: str, row: dict, prev: str) -> str:
    return hmac.new(key.encode(), _canonical(row, prev), hashlib.sha256).hexdigest()


def _sha256(row: dict, prev: str) -> str:
    return hashlib.sha256(_canonical(row, prev)).hexdigest()


def _rows(engine) -> list[dict]:
    with session_scope(engine) as s:
        return [{c: getattr(e, c) for c in (*FIELDS, "prev_hash", "hash", "id")}
                for e in s.query(AuditEntry).order_by(AuditEntry.seq)]


def _problems(engine, **kw) -> list[tuple[int | None, str]]:
    with session_scope(engine) as s:
        report = verify_chain(s, **kw)
    return [(p["seq"], p["problem"]) for p in report.problems]


def _log(engine, n: int = 6) -> list[dict]:
    for i in range(n):
        append(engine, actor=f"user{i}", action="customer.read", target_type="customer", target_ref=f"C{i}",
               reason="来电核实" if i % 2 else None, ip="10.0.0.1", detail={"masked": bool(i % 2)})
    return _rows(engine)


_GUARDS = {
    "postgresql": {
        "audit_log_no_update": "BEFORE UPDATE ON audit_log FOR EACH ROW EXECUTE FUNCTION xinsheng_audit_append_only()",
        "audit_log_no_delete": "BEFORE DELETE ON audit_log FOR EACH ROW EXECUTE FUNCTION xinsheng_audit_no_delete()",
    },
    "sqlite": {
        "audit_log_no_update": "BEFORE UPDATE ON audit_log BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END",
        "audit_log_no_delete": ("BEFORE DELETE ON audit_log WHEN COALESCE((SELECT retention FROM audit_control "
                                "WHERE id = 1), 0) <> 1 BEGIN SELECT RAISE(ABORT, 'audit_log is append-only: "
                                "entries are removed only by retention'); END"),
    },
}


def _as_attacker(engine, *statements) -> None:
    """What someone with database access (no key) can do: drop the guards, run SQL, put
    the guards back; all on one connection, in one transaction."""
    pg = engine.dialect.name == "postgresql"
    guards = _GUARDS[engine.dialect.name]
    with engine.begin() as conn:
        for name in guards:
            conn.execute(text(f"DROP TRIGGER {name}" + (" ON audit_log" if pg else "")))
        for stmt, params in statements:
            conn.execute(stmt if not isinstance(stmt, str) else text(stmt), params or {})
        for name, body in guards.items():
            conn.execute(text(f"CREATE TRIGGER {name} {body}"))


def test_this_file_reproduces_the_stored_chain(engine):
    rows = _log(engine)
    key = os.environ["XINSHENG_AUDIT_KEY"]
    prev = GENESIS
    for row in rows:
        assert row["prev_hash"] == prev and row["hash"] == _hmac(key, row, prev), row["seq"]
        assert row["hash"] != _sha256(row, prev), "keyed: not the plain SHA-256 of the entry"
        prev = row["hash"]
    assert _problems(engine) == []


def test_the_database_refuses_update_delete_and_truncate(engine):
    _log(engine, 3)
    attempts = [update(AuditEntry).values(actor="mallory"), delete(AuditEntry).where(AuditEntry.seq == 2),
                delete(AuditEntry)]
    if engine.dialect.name == "postgresql":
        attempts.append(text("TRUNCATE audit_log"))
    for stmt in attempts:
        with pytest.raises(DBAPIError, match="append-only"):
            with engine.begin() as conn:
                conn.execute(stmt)
    assert [r["seq"] for r in _rows(engine)] == [1, 2, 3] and _problems(engine) == []


def test_a_deleted_or_altered_entry_is_detected(engine):
    _log(engine)
    _as_attacker(engine, (delete(AuditEntry).where(AuditEntry.seq == 3), None))
    assert _problems(engine) == [(4, "entries 3..3 are missing"), (4, "does not link to the entry before it")]
    _as_attacker(engine, (update(AuditEntry).where(AuditEntry.seq == 5).values(actor="someone-else"), None))
    assert (5, "its content does not match its keyed hash (altered or re-chained)") in _problems(engine)


@pytest.mark.parametrize("chain", ["sha256", "guessed-key"])
def test_a_log_re_chained_without_the_key_is_detected(engine, chain):
    """Remove entry 3, then re-number and re-chain everything as the old (unkeyed) log
    allowed, head record included: every re-chained entry and the head fail."""
    rows = [r for r in _log(engine) if r["seq"] != 3]
    hasher = _sha256 if chain == "sha256" else (lambda row, prev: _hmac("not-the-key-" * 4, row, prev))
    stmts, prev = [(delete(AuditEntry).where(AuditEntry.seq == 3), None)], GENESIS
    for seq, row in enumerate(rows, 1):
        row = row | {"seq": seq}
        new = hasher(row, prev)
        rewrite = update(AuditEntry).where(AuditEntry.id == row["id"]).values(seq=seq, prev_hash=prev, hash=new)
        stmts.append((rewrite, None))
        prev = new
    fake_head = hashlib.sha256(f"audit-head|{len(rows)}|{prev}".encode()).hexdigest()
    stmts.append((update(AuditHead).values(seq=len(rows), hash=prev, mac=fake_head), None))
    _as_attacker(engine, *stmts)
    problems = _problems(engine)
    altered = [seq for seq, what in problems if "keyed hash" in what]
    assert altered == [1, 2, 3, 4, 5]
    assert (5, "the head record's signature is wrong (rewritten without the key)") in problems


def test_a_cut_end_is_detected_by_the_signed_head(engine):
    _log(engine)
    _as_attacker(engine, (delete(AuditEntry).where(AuditEntry.seq >= 5), None))
    assert _problems(engine) == [(6, "entries 5..6 at the end are missing (the signed head names seq 6)")]
    fourth = _rows(engine)[-1]["hash"]
    _as_attacker(engine, (update(AuditHead).values(seq=4, hash=fourth), None))  # the head moved back, unsigned
    assert _problems(engine) == [(4, "the head record's signature is wrong (rewritten without the key)")]
    with pytest.raises(AuditTampered):  # and nothing is chained onto a head that does not verify
        append(engine, actor="x", action="customer.read")


def test_the_next_append_keeps_a_cut_end_visible(engine):
    """An append continues from the signed head, not from the last entry left."""
    _log(engine)
    _as_attacker(engine, (delete(AuditEntry).where(AuditEntry.seq >= 5), None))
    assert append(engine, actor="x", action="customer.read") == 7
    assert _problems(engine) == [(7, "entries 5..6 are missing"), (7, "does not link to the entry before it")]


def test_an_entry_added_after_the_head_is_detected(engine):
    rows = _log(engine, 3)
    forged = rows[-1] | {"seq": 4, "actor": "mallory", "action": "customer.unmask"}
    forged["prev_hash"], forged["hash"] = rows[-1]["hash"], _sha256(forged, rows[-1]["hash"])
    forged.pop("id")
    _as_attacker(engine, (AuditEntry.__table__.insert().values(**forged), None))
    problems = _problems(engine)
    assert (4, "its content does not match its keyed hash (altered or re-chained)") in problems
    assert (4, "entries 4..4 were added after the signed head") in problems


def test_a_replayed_old_head_needs_the_checkpoint_file(engine, settings_env):
    """Someone who saved the head row at seq 4 cuts the log back to 4 and puts the old
    row back: the database alone cannot tell (a limit, written in docs/audit.md), the
    checkpoint the last `audit verify` left under XINSHENG_HOME can."""
    _log(engine, 4)
    with session_scope(engine) as s:
        old = s.get(AuditHead, 1)
        saved = {"seq": old.seq, "hash": old.hash, "mac": old.mac}
    _log(engine, 2)
    assert run(["audit", "verify", "--json"], settings_env).returncode == 0  # leaves the checkpoint
    _as_attacker(engine, (delete(AuditEntry).where(AuditEntry.seq > 4), None),
                 (update(AuditHead).values(**saved), None))
    assert _problems(engine) == [], "the database alone: a limit"
    res = run(["audit", "verify", "--json"], settings_env)
    assert res.returncode == 3
    report = json.loads(res.stdout)
    assert report["problems"] == [{"seq": 6, "problem": "entry 6, seen by an earlier verification, is missing "
                                                        "(the end of the log was cut)"}]


def test_the_key_is_required_outside_demo_mode_and_generated_in_demo(engine, settings_env, tmp_path):
    env = {k: v for k, v in settings_env.items() if k != "XINSHENG_AUDIT_KEY"}
    refused = run(["audit", "verify"], env)
    assert refused.returncode == 2 and "XINSHENG_AUDIT_KEY is not set" in refused.stderr
    short = run(["audit", "verify"], {**env, "XINSHENG_AUDIT_KEY": "too-short"})
    assert short.returncode == 2 and "at least 32 characters" in short.stderr
    home = tmp_path / "demo-home"
    demo = run(["audit", "verify", "--json"], {**env, "XINSHENG_MODE": "demo", "XINSHENG_HOME": str(home)})
    assert demo.returncode == 0, demo.stderr
    key = home / "audit.key"
    assert key.stat().st_mode & 0o777 == 0o600 and len(key.read_text().strip()) >= 32
    new = run(["audit", "key"], env)
    assert new.returncode == 0 and len(new.stdout.strip()) == 43
