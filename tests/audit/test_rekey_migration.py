"""Migration 0008 encrypts customer attributes an older xinsheng stored in clear, and
re-keys an existing (SHA-256) audit log: afterwards every entry is an
HMAC under XINSHENG_AUDIT_KEY, a signed head names the newest, and an ``audit.rekeyed``
entry keeps what the old chain's verification found, so a change made before the
migration is named rather than hidden. Without the key nothing is touched.

What is compared: the old chain is written here with hashlib (SHA-256 of the documented
canonical form) and the new one recomputed here with hmac, entry by entry.
"""
from __future__ import annotations

import json
import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta, timezone

import pytest
from alembic import command
from cryptography.fernet import Fernet
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from tests.audit.test_keyed_chain import _GUARDS, GENESIS, _hmac, _rows, _sha256
from tests.test_cli import run
from xinsheng.audit.models import AuditEntry, AuditHead
from xinsheng.audit.service import verify_chain
from xinsheng.db import get_engine, session_scope
from xinsheng.migrate import alembic_config, current_revisions, head_revisions, upgrade

OLD = ("0007_notify", "0002_identity")


@contextmanager
def _fresh_database(db_url: str, tmp_path) -> Iterator[str]:
    if db_url.startswith("sqlite"):
        yield f"sqlite:///{tmp_path / f'old-{uuid.uuid4().hex[:8]}.db'}"
        return
    name = f"rekey_{uuid.uuid4().hex[:12]}"
    admin = create_engine(db_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(db_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _migrate(engine, *targets: str, down: bool = False) -> None:
    with engine.begin() as conn:
        cfg = alembic_config()
        cfg.attributes["connection"] = conn
        for target in targets:
            (command.downgrade if down else command.upgrade)(cfg, target)


def _old_log(engine, tamper: int | None = None) -> list[str]:
    """Five entries as xinsheng before 0008 wrote them (SHA-256 chain); ``tamper`` changes
    one entry's actor afterwards, as someone with database access could."""
    t0 = datetime(2026, 3, 1, 9, 0, tzinfo=timezone.utc)
    prev, hashes = GENESIS, []
    with engine.begin() as conn:
        for seq in range(1, 6):
            row = {"seq": seq, "at": t0 + timedelta(minutes=seq), "actor": f"user{seq}", "actor_role": "agent",
                   "action": "customer.read", "target_type": "customer", "target_ref": f"C{seq}",
                   "reason": None, "ip": "10.0.0.2", "detail": {"masked": False}}
            row |= {"prev_hash": prev, "hash": _sha256(row, prev)}
            conn.execute(AuditEntry.__table__.insert().values(**row))
            prev = row["hash"]
            hashes.append(prev)
        if tamper:
            pg = engine.dialect.name == "postgresql"
            conn.execute(text("DROP TRIGGER audit_log_no_update" + (" ON audit_log" if pg else "")))
            conn.execute(AuditEntry.__table__.update().where(AuditEntry.seq == tamper).values(actor="mallory"))
            guard = _GUARDS["postgresql" if pg else "sqlite"]["audit_log_no_update"]
            conn.execute(text(f"CREATE TRIGGER audit_log_no_update {guard}"))
    return hashes


def _old_customer(engine) -> None:
    """A customer whose attributes an older xinsheng stored in clear (plain SQL)."""
    doc = json.dumps({"id_number": "11010519491231002X", "aum_cny": 1})
    cast = "CAST(:a AS JSONB)" if engine.dialect.name == "postgresql" else ":a"
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO customers (customer_ref, attributes, is_placeholder, created_at, updated_at) "
                          f"VALUES ('C-OLD', {cast}, false, :t, :t)"),
                     {"a": doc, "t": datetime(2026, 1, 1, tzinfo=timezone.utc)})


def _attributes_now_encrypted(engine) -> None:
    with engine.connect() as conn:
        raw = conn.execute(text("SELECT attributes FROM customers WHERE customer_ref = 'C-OLD'")).scalar()
    attrs = json.loads(raw) if isinstance(raw, str) else raw
    assert attrs["aum_cny"] == 1 and "11010519491231002X" not in json.dumps(attrs)
    token = attrs["id_number"]["$enc"].encode()
    assert json.loads(Fernet(os.environ["XINSHENG_PII_KEYS"].split(",")[0]).decrypt(token)) == "11010519491231002X"


@pytest.mark.parametrize("tamper", [None, 3], ids=["intact", "changed-before"])
def test_rekeying_an_existing_log(db_url, settings_env, tmp_path, tamper):
    with _fresh_database(db_url, tmp_path) as url:
        engine = get_engine(url)
        try:
            _migrate(engine, *OLD)
            old_hashes = _old_log(engine, tamper)
            _old_customer(engine)
            no_key = {k: v for k, v in settings_env.items() if k != "XINSHENG_AUDIT_KEY"}
            refused = run(["db", "upgrade"], {**no_key, "XINSHENG_DATABASE_URL": url})
            assert refused.returncode == 2 and "XINSHENG_AUDIT_KEY is not set" in refused.stderr
            assert current_revisions(engine) == set(OLD), "nothing touched"

            upgrade(engine)
            assert current_revisions(engine) == head_revisions()
            rows = _rows(engine)
            key, prev = os.environ["XINSHENG_AUDIT_KEY"], GENESIS
            for row in rows:
                assert row["prev_hash"] == prev and row["hash"] == _hmac(key, row, prev), row["seq"]
                prev = row["hash"]
            rekeyed = rows[-1]
            assert (rekeyed["seq"], rekeyed["action"]) == (6, "audit.rekeyed")
            assert rekeyed["detail"]["entries"] == 5 and rekeyed["detail"]["legacy_head"] == old_hashes[-1]
            if tamper:
                assert rekeyed["detail"]["legacy_ok"] is False
                assert "seq 3: its content does not match its hash (altered)" in rekeyed["detail"]["legacy_problems"]
            else:
                assert rekeyed["detail"] == {"entries": 5, "legacy_head": old_hashes[-1], "legacy_ok": True,
                                             "legacy_problems": []}
            _attributes_now_encrypted(engine)
            with session_scope(engine) as s:
                assert verify_chain(s).ok
                assert (s.get(AuditHead, 1).seq, s.get(AuditHead, 1).hash) == (6, rekeyed["hash"])

            _migrate(engine, "0007_notify", down=True)
            assert set(OLD) <= current_revisions(engine) and "0008_audit_keyed" not in current_revisions(engine)
            prev = GENESIS
            for row in _rows(engine):
                assert row["hash"] == _sha256(row, prev), "downgrade restores the plain chain"
                prev = row["hash"]
        finally:
            engine.dispose()
