"""deployed experts: deployments, invitations, activity and progress reports

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23 02:15:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import storage.models

revision: str = "0004"
down_revision: str | Sequence[str] | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _moment() -> storage.models.UTCDateTime:
    return storage.models.UTCDateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "deployment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("step", sa.String(length=48), nullable=False),
        sa.Column("editing", sa.Boolean(), nullable=False),
        sa.Column("paused", sa.Boolean(), nullable=False),
        sa.Column("expert_name", sa.String(length=200), nullable=True),
        sa.Column("expert_model", sa.String(length=32), nullable=True),
        sa.Column("eoi_id", sa.Integer(), nullable=True),
        sa.Column("eoi_reference", sa.String(length=32), nullable=True),
        sa.Column("partnership", sa.String(length=500), nullable=True),
        sa.Column("country", sa.String(length=2), nullable=True),
        sa.Column("city", sa.String(length=200), nullable=True),
        sa.Column("start_date", sa.Date(), nullable=True),
        sa.Column("end_date", sa.Date(), nullable=True),
        sa.Column("interval", sa.String(length=16), nullable=True),
        sa.Column("expert_id", sa.BigInteger(), nullable=True),
        sa.Column("bound_at", _moment(), nullable=True),
        sa.Column("created_by", sa.BigInteger(), nullable=True),
        sa.Column("created_at", _moment(), nullable=False),
        sa.Column("updated_at", _moment(), nullable=False),
        sa.ForeignKeyConstraint(["eoi_id"], ["expression_of_interest.id"]),
        sa.ForeignKeyConstraint(["expert_id"], ["person.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_deployment_expert_id", "deployment", ["expert_id"])
    op.create_index("ix_deployment_creator_status", "deployment", ["created_by", "status"])

    op.create_table(
        "invitation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("deployment_id", sa.Integer(), nullable=False),
        sa.Column("code_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", _moment(), nullable=False),
        sa.Column("expires_at", _moment(), nullable=False),
        sa.Column("opened_by", sa.BigInteger(), nullable=True),
        sa.Column("used_at", _moment(), nullable=True),
        sa.Column("used_by", sa.BigInteger(), nullable=True),
        sa.ForeignKeyConstraint(["deployment_id"], ["deployment.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("code_hash"),
    )
    op.create_index("ix_invitation_deployment_id", "invitation", ["deployment_id"])

    op.create_table(
        "invitation_attempts",
        sa.Column("person_id", sa.BigInteger(), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("window_start", _moment(), nullable=True),
        sa.Column("locked_until", _moment(), nullable=True),
        sa.PrimaryKeyConstraint("person_id"),
    )

    op.create_table(
        "activity_report",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("reference", sa.String(length=32), nullable=True),
        sa.Column("deployment_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.BigInteger(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("step", sa.String(length=48), nullable=False),
        sa.Column("editing", sa.Boolean(), nullable=False),
        sa.Column("paused", sa.Boolean(), nullable=False),
        sa.Column("source", sa.String(length=8), nullable=False),
        sa.Column("media_group_id", sa.String(length=64), nullable=True),
        sa.Column("message_date", _moment(), nullable=True),
        sa.Column("activity_type", sa.String(length=32), nullable=True),
        sa.Column("activity_date", sa.Date(), nullable=True),
        sa.Column("title", sa.String(length=200), nullable=True),
        sa.Column("description", sa.String(length=8000), nullable=True),
        sa.Column("participants_total", sa.Integer(), nullable=True),
        sa.Column("participants_women", sa.Integer(), nullable=True),
        sa.Column("disadvantaged", sa.String(length=1000), nullable=True),
        sa.Column("institutions", sa.String(length=1000), nullable=True),
        sa.Column("sdgs", sa.JSON(), nullable=True),
        sa.Column("gender", sa.String(length=16), nullable=True),
        sa.Column("do_no_harm", sa.String(length=8), nullable=True),
        sa.Column("do_no_harm_note", sa.String(length=1000), nullable=True),
        sa.Column("attachments", sa.JSON(), nullable=True),
        sa.Column("submitted_answers", sa.JSON(), nullable=True),
        sa.Column("submitted_at", _moment(), nullable=True),
        sa.Column("reviewed_at", _moment(), nullable=True),
        sa.Column("reviewed_by", sa.BigInteger(), nullable=True),
        sa.Column("created_at", _moment(), nullable=False),
        sa.Column("updated_at", _moment(), nullable=False),
        sa.ForeignKeyConstraint(["deployment_id"], ["deployment.id"]),
        sa.ForeignKeyConstraint(["person_id"], ["person.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("reference"),
    )
    op.create_index("ix_activity_report_deployment_id", "activity_report", ["deployment_id"])
    op.create_index("ix_activity_report_person_status", "activity_report", ["person_id", "status"])
    op.create_index("ix_activity_report_album", "activity_report", ["person_id", "media_group_id"])

    op.create_table(
        "progress_report",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("reference", sa.String(length=32), nullable=True),
        sa.Column("deployment_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.BigInteger(), nullable=False),
        sa.Column("deadline_id", sa.Integer(), nullable=True),
        sa.Column("period", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("step", sa.String(length=48), nullable=False),
        sa.Column("editing", sa.Boolean(), nullable=False),
        sa.Column("paused", sa.Boolean(), nullable=False),
        sa.Column("progress", sa.String(length=3000), nullable=True),
        sa.Column("challenges", sa.String(length=3000), nullable=True),
        sa.Column("next_steps", sa.String(length=3000), nullable=True),
        sa.Column("support_needed", sa.String(length=2000), nullable=True),
        sa.Column("submitted_at", _moment(), nullable=True),
        sa.Column("created_at", _moment(), nullable=False),
        sa.Column("updated_at", _moment(), nullable=False),
        sa.ForeignKeyConstraint(["deadline_id"], ["deadline.id"]),
        sa.ForeignKeyConstraint(["deployment_id"], ["deployment.id"]),
        sa.ForeignKeyConstraint(["person_id"], ["person.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("reference"),
    )
    op.create_index("ix_progress_report_deployment_id", "progress_report", ["deployment_id"])
    op.create_index("ix_progress_report_person_status", "progress_report", ["person_id", "status"])


def downgrade() -> None:
    op.drop_index("ix_progress_report_person_status", table_name="progress_report")
    op.drop_index("ix_progress_report_deployment_id", table_name="progress_report")
    op.drop_table("progress_report")
    op.drop_index("ix_activity_report_album", table_name="activity_report")
    op.drop_index("ix_activity_report_person_status", table_name="activity_report")
    op.drop_index("ix_activity_report_deployment_id", table_name="activity_report")
    op.drop_table("activity_report")
    op.drop_table("invitation_attempts")
    op.drop_index("ix_invitation_deployment_id", table_name="invitation")
    op.drop_table("invitation")
    op.drop_index("ix_deployment_creator_status", table_name="deployment")
    op.drop_index("ix_deployment_expert_id", table_name="deployment")
    op.drop_table("deployment")
