"""privacy: the erasure log (who asked for an erasure and when, without the erased person)

Revision ID: 0009_privacy
Revises: 0008_decisions
Create Date: 2026-12-02 01:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import storage.models

revision: str = "0009_privacy"
down_revision: str | Sequence[str] | None = "0008_decisions"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "erasure_log",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("requested_by", sa.String(length=64), nullable=False),
        sa.Column("erased_at", storage.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column("kept", sa.Integer(), nullable=False),
        sa.Column("deleted", sa.Integer(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("erasure_log")
