"""no pending entry: /deadline, the last short flow on typed steps, is a form of the engine

Revision ID: 0012_no_pending_entry
Revises: 0011_short_drafts
Create Date: 2026-12-03 07:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import storage.models

revision: str = "0012_no_pending_entry"
down_revision: str | Sequence[str] | None = "0011_short_drafts"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # A /deadline typed step still waiting is dropped: its coordinator sends /deadline again
    # (it was at most three answers, and nothing was stored before the last button).
    op.drop_table("pending_entry")


def downgrade() -> None:
    # The code before this revision knows no /deadline draft: none is left behind.
    op.execute(sa.text("DELETE FROM short_draft WHERE form = 'deadline'"))
    op.create_table(
        "pending_entry",
        sa.Column("person_id", sa.BigInteger(), nullable=False),
        sa.Column("flow", sa.String(length=16), nullable=False),
        sa.Column("step", sa.String(length=32), nullable=False),
        sa.Column("answers", sa.JSON(), nullable=False),
        sa.Column("updated_at", storage.models.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("person_id"),
    )
