"""reminders: calls, notification preferences, typed steps, reminder bookkeeping

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-23 02:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import storage.models

revision: str = "0005"
down_revision: str | Sequence[str] | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "call_for_interest",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("programme", sa.String(length=8), nullable=False),
        sa.Column("closes_at", storage.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column("countries", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("next_sweep_at", storage.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.BigInteger(), nullable=True),
        sa.Column("created_at", storage.models.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "ix_call_status_sweep", "call_for_interest", ["status", "next_sweep_at"], unique=False
    )
    op.create_table(
        "notification_preference",
        sa.Column("person_id", sa.BigInteger(), nullable=False),
        sa.Column("digest", sa.Boolean(), nullable=False),
        sa.Column("updated_at", storage.models.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("person_id"),
    )
    op.create_table(
        "pending_entry",
        sa.Column("person_id", sa.BigInteger(), nullable=False),
        sa.Column("flow", sa.String(length=16), nullable=False),
        sa.Column("step", sa.String(length=32), nullable=False),
        sa.Column("answers", sa.JSON(), nullable=False),
        sa.Column("updated_at", storage.models.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("person_id"),
    )
    with op.batch_alter_table("deadline", schema=None) as batch_op:
        batch_op.add_column(sa.Column("planned_for", sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column("reminded_message_id", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column("reminded_at", storage.models.UTCDateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(sa.Column("done_by", sa.BigInteger(), nullable=True))
    with op.batch_alter_table("outbox_message", schema=None) as batch_op:
        batch_op.add_column(sa.Column("bundle_id", sa.Integer(), nullable=True))
        batch_op.create_index("ix_outbox_message_bundle_id", ["bundle_id"], unique=False)
        # Held digest notices and a deadline's reminders are looked up per recipient and state.
        batch_op.create_index(
            "ix_outbox_recipient_status", ["recipient_id", "status"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("outbox_message", schema=None) as batch_op:
        batch_op.drop_index("ix_outbox_recipient_status")
        batch_op.drop_index("ix_outbox_message_bundle_id")
        batch_op.drop_column("bundle_id")
    with op.batch_alter_table("deadline", schema=None) as batch_op:
        batch_op.drop_column("done_by")
        batch_op.drop_column("reminded_at")
        batch_op.drop_column("reminded_message_id")
        batch_op.drop_column("planned_for")
    op.drop_table("pending_entry")
    op.drop_table("notification_preference")
    op.drop_index("ix_call_status_sweep", table_name="call_for_interest")
    op.drop_table("call_for_interest")
