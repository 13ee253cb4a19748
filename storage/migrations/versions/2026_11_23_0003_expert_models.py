"""expert models: country rules, their change log, advisor sessions; rules seeded from the CSV

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23 02:20:00
"""

import csv
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa
from alembic import op

import storage.models

revision: str = "0003"
down_revision: str | Sequence[str] | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SEED = Path(__file__).resolve().parents[2] / "data" / "model_rules.csv"


def _moment() -> storage.models.UTCDateTime:
    return storage.models.UTCDateTime(timezone=True)


def _seed_rows() -> list[dict[str, object]]:
    """The seed file's rules (tests check that it is valid; comment lines start with #)."""
    with SEED.open(encoding="utf-8", newline="") as handle:
        lines = [line for line in handle if not line.lstrip().startswith("#")]
    now = datetime.now(UTC)
    return [
        {
            "country": row["country"].strip().upper(),
            "model": row["model"].strip(),
            "status": row["status"].strip(),
            "reason_de": (row.get("reason_de") or "").strip() or None,
            "reason_en": (row.get("reason_en") or "").strip() or None,
            "updated_at": now,
            "updated_by": "seed",
        }
        for row in csv.DictReader(lines)
    ]


def upgrade() -> None:
    rule = op.create_table(
        "model_rule",
        sa.Column("country", sa.String(length=2), nullable=False),
        sa.Column("model", sa.String(length=32), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("reason_de", sa.String(length=500), nullable=True),
        sa.Column("reason_en", sa.String(length=500), nullable=True),
        sa.Column("updated_at", _moment(), nullable=False),
        sa.Column("updated_by", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("country", "model"),
    )
    op.create_table(
        "model_rule_change",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("country", sa.String(length=2), nullable=False),
        sa.Column("model", sa.String(length=32), nullable=False),
        sa.Column("old", sa.JSON(), nullable=True),
        sa.Column("new", sa.JSON(), nullable=False),
        sa.Column("changed_by", sa.String(length=64), nullable=False),
        sa.Column("changed_at", _moment(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "ix_model_rule_change_country", "model_rule_change", ["country", "model"], unique=False
    )
    op.create_table(
        "advisor_session",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.BigInteger(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("step", sa.String(length=48), nullable=False),
        sa.Column("editing", sa.Boolean(), nullable=False),
        sa.Column("paused", sa.Boolean(), nullable=False),
        sa.Column("answers", sa.JSON(), nullable=False),
        sa.Column("eoi_id", sa.Integer(), nullable=True),
        sa.Column("recommendation", sa.JSON(), nullable=True),
        sa.Column("created_at", _moment(), nullable=False),
        sa.Column("updated_at", _moment(), nullable=False),
        sa.ForeignKeyConstraint(["person_id"], ["person.id"]),
        sa.ForeignKeyConstraint(["eoi_id"], ["expression_of_interest.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "ix_advisor_session_person_status",
        "advisor_session",
        ["person_id", "status"],
        unique=False,
    )
    op.bulk_insert(rule, _seed_rows())


def downgrade() -> None:
    op.drop_index("ix_advisor_session_person_status", table_name="advisor_session")
    op.drop_table("advisor_session")
    op.drop_index("ix_model_rule_change_country", table_name="model_rule_change")
    op.drop_table("model_rule_change")
    op.drop_table("model_rule")
