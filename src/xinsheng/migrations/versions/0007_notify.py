"""notify: the outbox of customer notifications

Revision ID: 0007_notify
Revises: 0006_cases

One row per notification (case progress now, survey invitations later), with the lease
and retry columns the delivery workers claim on; see docs/notify.md.
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import xinsheng.db

revision = "0007_notify"
down_revision = "0006_cases"
branch_labels = None
depends_on = None

_KEY = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
_JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")
_TS = xinsheng.db.UTCDateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "notifications",
        sa.Column("id", _KEY, primary_key=True),
        sa.Column("idempotency_key", sa.String(200), nullable=False),
        sa.Column("customer_id", _KEY, sa.ForeignKey("customers.id", ondelete="CASCADE"), nullable=False),
        sa.Column("subject_ref", sa.String(64), nullable=True),
        sa.Column("purpose", sa.String(40), nullable=False),
        sa.Column("channel", sa.String(16), nullable=False),
        sa.Column("adapter", sa.String(64), nullable=False),
        sa.Column("lang", sa.String(8), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("payload", _JSON, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("not_before", _TS, nullable=False),
        sa.Column("next_attempt_at", _TS, nullable=False),
        sa.Column("claimed_by", sa.String(128), nullable=True),
        sa.Column("claimed_until", _TS, nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("reason", sa.String(200), nullable=True),
        sa.Column("created_at", _TS, nullable=False),
        sa.Column("sent_at", _TS, nullable=True),
        sa.UniqueConstraint("idempotency_key", name="uq_notifications_idempotency_key"),
    )
    op.create_index("ix_notifications_due", "notifications", ["status", "next_attempt_at"])
    op.create_index("ix_notifications_lease", "notifications", ["status", "claimed_until"])
    op.create_index("ix_notifications_customer", "notifications", ["customer_id", "not_before"])
    op.create_index("ix_notifications_subject", "notifications", ["subject_ref"])


def downgrade() -> None:
    op.drop_table("notifications")
