"""people, organisations, expressions of interest, outbox

Revision ID: 0001
Revises:
Create Date: 2026-11-23 01:55:14.553560
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

import storage.models

revision: str = "0001"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:

    op.create_table(
        "organisation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("side", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("country", sqlmodel.sql.sqltypes.AutoString(length=2), nullable=False),
        sa.Column("state", sqlmodel.sql.sqltypes.AutoString(length=8), nullable=True),
        sa.Column("level", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=True),
        sa.Column("created_at", storage.models.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "outbox_message",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("recipient_id", sa.BigInteger(), nullable=False),
        sa.Column("template", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("params", sa.JSON(), nullable=False),
        sa.Column("subject", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
        sa.Column("dedupe_key", sqlmodel.sql.sqltypes.AutoString(length=128), nullable=True),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("due_at", storage.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("claimed_by", sa.String(length=64), nullable=True),
        sa.Column("claimed_until", storage.models.UTCDateTime(timezone=True), nullable=True),
        sa.Column("last_error", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True),
        sa.Column("sent_at", storage.models.UTCDateTime(timezone=True), nullable=True),
        sa.Column("created_at", storage.models.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("dedupe_key"),
    )
    with op.batch_alter_table("outbox_message", schema=None) as batch_op:
        batch_op.create_index("ix_outbox_due", ["status", "due_at"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_outbox_message_recipient_id"), ["recipient_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_outbox_message_subject"), ["subject"], unique=False)

    op.create_table(
        "person",
        sa.Column("id", sa.BigInteger(), nullable=False),
        sa.Column("first_name", sqlmodel.sql.sqltypes.AutoString(length=256), nullable=False),
        sa.Column("username", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
        sa.Column("telegram_language", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=True),
        sa.Column("language", sqlmodel.sql.sqltypes.AutoString(length=8), nullable=True),
        sa.Column("timezone", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
        sa.Column("unreachable", sa.Boolean(), nullable=False),
        sa.Column("active_flow", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
        sa.Column("last_update_id", sa.BigInteger(), nullable=False),
        sa.Column("last_update_at", storage.models.UTCDateTime(timezone=True), nullable=True),
        sa.Column("created_at", storage.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", storage.models.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "reference_counter",
        sa.Column("prefix", sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("last", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("prefix", "year"),
    )
    op.create_table(
        "expression_of_interest",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("reference", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
        sa.Column("person_id", sa.BigInteger(), nullable=False),
        sa.Column("programme", sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("step", sqlmodel.sql.sqltypes.AutoString(length=48), nullable=False),
        sa.Column("editing", sa.Boolean(), nullable=False),
        sa.Column("paused", sa.Boolean(), nullable=False),
        sa.Column("last_update_id", sa.BigInteger(), nullable=False),
        sa.Column("language", sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
        sa.Column("german_state", sqlmodel.sql.sqltypes.AutoString(length=8), nullable=True),
        sa.Column("partner_country", sqlmodel.sql.sqltypes.AutoString(length=2), nullable=True),
        sa.Column("contact_name", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
        sa.Column("contact_function", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
        sa.Column("contact_email", sqlmodel.sql.sqltypes.AutoString(length=254), nullable=True),
        sa.Column("consent", sa.Boolean(), nullable=True),
        sa.Column(
            "german_municipality", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True
        ),
        sa.Column(
            "partner_municipality", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True
        ),
        sa.Column("partnership_age", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=True),
        sa.Column("expertise", sqlmodel.sql.sqltypes.AutoString(length=1500), nullable=True),
        sa.Column("tasks_goals", sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=True),
        sa.Column("expert_model", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
        sa.Column("advisor_answers", sa.JSON(), nullable=True),
        sa.Column(
            "advisor_recommendation", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True
        ),
        sa.Column("authority_level", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=True),
        sa.Column("german_authority", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
        sa.Column("partner_authority", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
        sa.Column("topics", sqlmodel.sql.sqltypes.AutoString(length=1500), nullable=True),
        sa.Column("goals", sa.JSON(), nullable=True),
        sa.Column("methods", sa.JSON(), nullable=True),
        sa.Column("duration", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=True),
        sa.Column("letter_of_intent", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=True),
        sa.Column("sdgs", sa.JSON(), nullable=True),
        sa.Column("do_no_harm", sqlmodel.sql.sqltypes.AutoString(length=1500), nullable=True),
        sa.Column("gender_diversity", sqlmodel.sql.sqltypes.AutoString(length=1500), nullable=True),
        sa.Column("german_org_id", sa.Integer(), nullable=True),
        sa.Column("partner_org_id", sa.Integer(), nullable=True),
        sa.Column("created_at", storage.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", storage.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column("submitted_at", storage.models.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["german_org_id"],
            ["organisation.id"],
        ),
        sa.ForeignKeyConstraint(
            ["partner_org_id"],
            ["organisation.id"],
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["person.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("reference"),
    )
    with op.batch_alter_table("expression_of_interest", schema=None) as batch_op:
        batch_op.create_index("ix_eoi_person_status", ["person_id", "status"], unique=False)


def downgrade() -> None:

    with op.batch_alter_table("expression_of_interest", schema=None) as batch_op:
        batch_op.drop_index("ix_eoi_person_status")

    op.drop_table("expression_of_interest")
    op.drop_table("reference_counter")
    op.drop_table("person")
    with op.batch_alter_table("outbox_message", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_outbox_message_subject"))
        batch_op.drop_index(batch_op.f("ix_outbox_message_recipient_id"))
        batch_op.drop_index("ix_outbox_due")

    op.drop_table("outbox_message")
    op.drop_table("organisation")
