"""audit: keyed chain (HMAC-SHA256), signed head record, deletes refused except by retention

Revision ID: 0008_audit_keyed
Revises: 0007_notify, 0002_identity

* ``audit_head``: the newest entry's seq and hash, signed with the audit key.
* Deletes of audit entries are refused by triggers (on PostgreSQL TRUNCATE too), except
  while the one-row ``audit_control`` table's flag is set: retention sets and clears it
  inside its own transaction, so no other connection ever sees it set.
* Existing entries are re-keyed: their old SHA-256 chain is verified first, then every
  entry's hash is recomputed as an HMAC under ``XINSHENG_AUDIT_KEY`` (so this needs the
  key, or demo mode, when the log is not empty), the head is written, and an
  ``audit.rekeyed`` entry records how many entries were re-keyed, the old chain's head and
  what its verification found. A change made before this migration is therefore not
  hidden: it is named in that entry. Re-keying rewrites each entry once (minutes for
  millions of entries).
* An index on (action, ip, at) for the per-address sign-in limit.
* Customer attribute values under ``XINSHENG_PII_ATTRIBUTE_KEYS`` (phone, ID number …)
  stored in clear by an older xinsheng are encrypted (needs ``XINSHENG_PII_KEYS``, or demo
  mode, when there are any). A key added to the list later is handled by
  ``xinsheng keys rotate``.

Downgrade recomputes the plain SHA-256 chain and drops the head, control table and triggers.
"""
import hashlib
import json

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import xinsheng.db

revision = "0008_audit_keyed"
# after notify (the newest revision) and on the identity branch, whose table audit_log is:
# a merge point, so both branches' heads end here
down_revision = ("0007_notify", "0002_identity")
branch_labels = None
depends_on = None

_TS = xinsheng.db.UTCDateTime(timezone=True)
_JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")
GENESIS = "0" * 64
_REFUSED = "audit_log is append-only: entries are removed only by retention"

_PG_NO_DELETE = f"""
CREATE OR REPLACE FUNCTION xinsheng_audit_no_delete() RETURNS trigger AS $$
BEGIN
  IF COALESCE((SELECT retention FROM audit_control WHERE id = 1), 0) = 1 THEN
    IF TG_LEVEL = 'ROW' THEN RETURN OLD; END IF;
    RETURN NULL;
  END IF;
  RAISE EXCEPTION '{_REFUSED}';
END $$ LANGUAGE plpgsql;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
FOR EACH ROW EXECUTE FUNCTION xinsheng_audit_no_delete();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
FOR EACH STATEMENT EXECUTE FUNCTION xinsheng_audit_no_delete();
"""
_SQLITE_NO_DELETE = f"""
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
WHEN COALESCE((SELECT retention FROM audit_control WHERE id = 1), 0) <> 1
BEGIN SELECT RAISE(ABORT, '{_REFUSED}'); END
"""
_PG_NO_UPDATE = ("CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log "
                 "FOR EACH ROW EXECUTE FUNCTION xinsheng_audit_append_only()")
_SQLITE_NO_UPDATE = ("CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log "
                     "BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END")

_log = sa.table(
    "audit_log", sa.column("id", sa.BigInteger()), sa.column("seq", sa.BigInteger()), sa.column("at", _TS),
    sa.column("actor", sa.String()), sa.column("actor_role", sa.String()), sa.column("action", sa.String()),
    sa.column("target_type", sa.String()), sa.column("target_ref", sa.String()),
    sa.column("reason", sa.Text()), sa.column("ip", sa.String()), sa.column("detail", _JSON),
    sa.column("prev_hash", sa.String()), sa.column("hash", sa.String()),
)
_head = sa.table("audit_head", sa.column("id", sa.Integer()), sa.column("seq", sa.BigInteger()),
                 sa.column("hash", sa.String()), sa.column("mac", sa.String()), sa.column("at", _TS))


def upgrade() -> None:
    bind = op.get_bind()
    key = None
    if bind.execute(sa.select(_log.c.id).limit(1)).first() is not None:
        from xinsheng.audit.keys import audit_key

        key = audit_key()  # before any change: without the key nothing is touched
    op.create_table(
        "audit_head",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.Column("mac", sa.String(length=64), nullable=False),
        sa.Column("at", _TS, nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.create_index("ix_audit_log_action_ip_at", ["action", "ip", "at"], unique=False)
    op.create_table(
        "audit_control",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("retention", sa.Integer(), server_default="0", nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.execute("INSERT INTO audit_control (id, retention) VALUES (1, 0)")
    op.execute(_PG_NO_DELETE if bind.dialect.name == "postgresql" else _SQLITE_NO_DELETE)
    if key is not None:
        _rekey(bind, key)
    _encrypt_attributes(bind)


def _encrypt_attributes(bind) -> None:
    from xinsheng.privacy.crypto import attribute_keys, mentions_keys, encrypt_attributes, keyring

    keys = attribute_keys()
    customers = sa.table("customers", sa.column("id", sa.BigInteger()), sa.column("attributes", _JSON))
    ring = None
    for row_id, attrs in bind.execute(sa.select(customers.c.id, customers.c.attributes)).all():
        if keys and attrs and mentions_keys(attrs, keys):
            ring = ring or keyring()
            sealed = encrypt_attributes(attrs, keys, ring)
            if sealed != attrs:
                bind.execute(sa.update(customers).where(customers.c.id == row_id).values(attributes=sealed))


def _rows(bind):
    return bind.execute(sa.select(_log).order_by(_log.c.seq)).mappings().all()


def _sha256(canonical, row, prev: str) -> str:
    return hashlib.sha256(canonical(dict(row), prev).encode("utf-8")).hexdigest()


def _legacy_problems(canonical, rows) -> list[str]:
    """What the old (SHA-256) verification finds: kept in the ``audit.rekeyed`` entry."""
    problems, prev = [], None
    for row in rows:
        if prev is not None and row["seq"] != prev["seq"] + 1:
            problems.append(f"seq {row['seq']}: entries {prev['seq'] + 1}..{row['seq'] - 1} are missing")
        if prev is not None and row["prev_hash"] != prev["hash"]:
            problems.append(f"seq {row['seq']}: does not link to the entry before it")
        if _sha256(canonical, row, row["prev_hash"]) != row["hash"]:
            problems.append(f"seq {row['seq']}: its content does not match its hash (altered)")
        prev = row
    return problems


def _rewrite(bind, rows, hasher) -> tuple[int, str]:
    """Re-chain ``rows`` (seq order) with ``hasher(row, prev)``; the first keeps its link
    when retention removed what came before it. Returns the last (seq, hash)."""
    prev = GENESIS if rows[0]["seq"] == 1 else rows[0]["prev_hash"]
    for row in rows:
        new = hasher(row, prev)
        bind.execute(sa.update(_log).where(_log.c.id == row["id"]).values(prev_hash=prev, hash=new))
        prev = new
    return rows[-1]["seq"], prev


def _without_update_guard(bind, work) -> None:
    pg = bind.dialect.name == "postgresql"
    # IF EXISTS: a log whose guard someone dropped is migrated too, and gets it back
    bind.execute(sa.text("DROP TRIGGER IF EXISTS audit_log_no_update" + (" ON audit_log" if pg else "")))
    try:
        work()
    finally:
        bind.execute(sa.text(_PG_NO_UPDATE if pg else _SQLITE_NO_UPDATE))


def _rekey(bind, key: bytes) -> None:
    from xinsheng.audit.actions import canonical, entry_hash, head_mac
    from xinsheng.db import utcnow

    rows = _rows(bind)
    problems = _legacy_problems(canonical, rows)
    legacy_head = rows[-1]["hash"]
    done: dict = {}
    _without_update_guard(bind, lambda: done.update(
        last=_rewrite(bind, rows, lambda row, prev: entry_hash(dict(row), prev, key))))
    seq, prev = done["last"]
    entry = {"seq": seq + 1, "at": utcnow(), "actor": "migration", "actor_role": None,
             "action": "audit.rekeyed", "target_type": "audit", "target_ref": None, "reason": None,
             "ip": None, "detail": json.loads(json.dumps({
                 "entries": len(rows), "legacy_head": legacy_head, "legacy_ok": not problems,
                 "legacy_problems": problems[:50]})), "prev_hash": prev}
    entry["hash"] = entry_hash(entry, prev, key)
    bind.execute(sa.insert(_log).values(**entry))
    bind.execute(sa.insert(_head).values(id=1, seq=entry["seq"], hash=entry["hash"], at=entry["at"],
                                         mac=head_mac(entry["seq"], entry["hash"], key)))


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS audit_log_no_delete ON audit_log")
        op.execute("DROP TRIGGER IF EXISTS audit_log_no_truncate ON audit_log")
        op.execute("DROP FUNCTION IF EXISTS xinsheng_audit_no_delete()")
    else:
        op.execute("DROP TRIGGER IF EXISTS audit_log_no_delete")
    op.drop_table("audit_control")
    rows = _rows(bind)
    if rows:
        from xinsheng.audit.actions import canonical

        _without_update_guard(bind, lambda: _rewrite(bind, rows, lambda row, prev: _sha256(canonical, row, prev)))
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.drop_index("ix_audit_log_action_ip_at")
    op.drop_table("audit_head")
