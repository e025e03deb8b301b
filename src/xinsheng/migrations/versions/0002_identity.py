"""identity: API tokens, web sessions, lock-out, audit log, encrypted customer names

Revision ID: 0002_identity
Revises: 0001
Create Date: 2026-11-23 12:00:00

Customer names and notes become encrypted (privacy/crypto.py): rows stored by an older
xinsheng are encrypted here, which needs XINSHENG_PII_KEYS (or demo mode).
"""
from alembic import op
import sqlalchemy as sa
import xinsheng.db
from sqlalchemy.dialects import postgresql

revision = '0002_identity'
down_revision = '0001'
branch_labels = ('identity',)
depends_on = None

BigKey = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')
JSONCol = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql')
TS = xinsheng.db.UTCDateTime(timezone=True)

_PG_APPEND_ONLY = """
CREATE OR REPLACE FUNCTION xinsheng_audit_append_only() RETURNS trigger AS $$
BEGIN RAISE EXCEPTION 'audit_log is append-only'; END $$ LANGUAGE plpgsql;
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
FOR EACH ROW EXECUTE FUNCTION xinsheng_audit_append_only();
"""
_SQLITE_APPEND_ONLY = """
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END
"""


def upgrade() -> None:
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('failed_logins', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('locked_until', TS, nullable=True))
        batch_op.add_column(sa.Column('last_login_at', TS, nullable=True))
        batch_op.add_column(sa.Column('password_changed_at', TS, nullable=True))

    op.create_table('api_tokens',
    sa.Column('id', BigKey, nullable=False),
    sa.Column('name', sa.String(length=128), nullable=False),
    sa.Column('role', sa.String(length=32), nullable=False),
    sa.Column('scopes', JSONCol, nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('prefix', sa.String(length=16), nullable=False),
    sa.Column('user_id', BigKey, nullable=True),
    sa.Column('created_by', sa.String(length=128), nullable=True),
    sa.Column('created_at', TS, nullable=False),
    sa.Column('expires_at', TS, nullable=True),
    sa.Column('last_used_at', TS, nullable=True),
    sa.Column('revoked_at', TS, nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('token_hash')
    )
    op.create_table('web_sessions',
    sa.Column('id', sa.String(length=64), nullable=False),
    sa.Column('user_id', BigKey, nullable=False),
    sa.Column('csrf_token', sa.String(length=64), nullable=False),
    sa.Column('created_at', TS, nullable=False),
    sa.Column('last_seen_at', TS, nullable=False),
    sa.Column('expires_at', TS, nullable=False),
    sa.Column('ip', sa.String(length=64), nullable=True),
    sa.Column('user_agent', sa.String(length=256), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('web_sessions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_web_sessions_user_id'), ['user_id'], unique=False)

    op.create_table('audit_log',
    sa.Column('id', BigKey, nullable=False),
    sa.Column('seq', sa.BigInteger(), nullable=False),
    sa.Column('at', TS, nullable=False),
    sa.Column('actor', sa.String(length=160), nullable=False),
    sa.Column('actor_role', sa.String(length=32), nullable=True),
    sa.Column('action', sa.String(length=64), nullable=False),
    sa.Column('target_type', sa.String(length=32), nullable=True),
    sa.Column('target_ref', sa.String(length=160), nullable=True),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('ip', sa.String(length=64), nullable=True),
    sa.Column('detail', JSONCol, nullable=False),
    sa.Column('prev_hash', sa.String(length=64), nullable=False),
    sa.Column('hash', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('seq')
    )
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.create_index('ix_audit_log_actor', ['actor'], unique=False)
        batch_op.create_index('ix_audit_log_at', ['at'], unique=False)
        batch_op.create_index('ix_audit_log_target', ['target_type', 'target_ref'], unique=False)
    bind = op.get_bind()
    if bind.dialect.name == 'postgresql':
        op.execute(_PG_APPEND_ONLY)
    else:
        op.execute(_SQLITE_APPEND_ONLY)

    with op.batch_alter_table('customers', schema=None) as batch_op:
        batch_op.add_column(sa.Column('name_index', sa.String(length=40), nullable=True))
        batch_op.create_index(batch_op.f('ix_customers_name_index'), ['name_index'], unique=False)
    with op.batch_alter_table('interactions', schema=None) as batch_op:
        batch_op.create_index('ix_interactions_agent_started', ['agent_ref', 'started_at'], unique=False)
    _encrypt_existing(bind)


def _encrypt_existing(bind) -> None:
    """Encrypt names and notes written in clear by an older xinsheng (none on a new database)."""
    names = bind.execute(sa.text("SELECT id, name FROM customers WHERE name IS NOT NULL")).all()
    notes = bind.execute(sa.text("SELECT id, text FROM customer_notes")).all()
    if not names and not notes:
        return
    from xinsheng.privacy.crypto import keyring

    ring = keyring()
    for row_id, name in names:
        bind.execute(sa.text("UPDATE customers SET name = :n, name_index = :i WHERE id = :id"),
                     {"n": ring.encrypt(name), "i": ring.blind_index(name), "id": row_id})
    for row_id, text in notes:
        bind.execute(sa.text("UPDATE customer_notes SET text = :t WHERE id = :id"),
                     {"t": ring.encrypt(text), "id": row_id})


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == 'postgresql':
        op.execute("DROP TRIGGER IF EXISTS audit_log_no_update ON audit_log")
        op.execute("DROP FUNCTION IF EXISTS xinsheng_audit_append_only()")
    else:
        op.execute("DROP TRIGGER IF EXISTS audit_log_no_update")
    with op.batch_alter_table('interactions', schema=None) as batch_op:
        batch_op.drop_index('ix_interactions_agent_started')
    with op.batch_alter_table('customers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_customers_name_index'))
        batch_op.drop_column('name_index')
    op.drop_table('audit_log')
    with op.batch_alter_table('web_sessions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_web_sessions_user_id'))
    op.drop_table('web_sessions')
    op.drop_table('api_tokens')
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('password_changed_at')
        batch_op.drop_column('last_login_at')
        batch_op.drop_column('locked_until')
        batch_op.drop_column('failed_logins')
