"""short drafts: the drafts of the short flows on the form engine (/call)

Revision ID: 0011_short_drafts
Revises: 0010_discarded_drafts
Create Date: 2026-12-02 14:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import storage.models

revision: str = "0011_short_drafts"
down_revision: str | Sequence[str] | None = "0010_discarded_drafts"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "short_draft",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("person_id", sa.BigInteger(), sa.ForeignKey("person.id"), nullable=False),
        sa.Column("form", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("step", sa.String(length=48), nullable=False),
        sa.Column("editing", sa.Boolean(), nullable=False),
        sa.Column("paused", sa.Boolean(), nullable=False),
        sa.Column("answers", sa.JSON(), nullable=False),
        sa.Column("created_at", storage.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", storage.models.UTCDateTime(timezone=True), nullable=False),
        # Discarded drafts are deleted: on SQLite an id is never given again (0010).
        sqlite_autoincrement=True,
    )
    op.create_index(
        "ix_short_draft_person_form_status", "short_draft", ["person_id", "form", "status"]
    )
    # A /call typed step waiting in the old table is dropped: its coordinator sends /call again.
    op.execute(sa.text("DELETE FROM pending_entry WHERE flow = 'call'"))


def downgrade() -> None:
    op.drop_index("ix_short_draft_person_form_status", table_name="short_draft")
    op.drop_table("short_draft")
