"""the audit trail: one table for decisions, edits after submission, rule changes and reviews;
the rule changes recorded so far are copied into it

Revision ID: 0008_decisions
Revises: 0007
Create Date: 2026-12-02 01:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from storage.models import UTCDateTime

revision: str = "0008_decisions"
down_revision: str | Sequence[str] | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_CHANGE = sa.table(
    "model_rule_change",
    sa.column("id", sa.Integer()),
    sa.column("country", sa.String()),
    sa.column("model", sa.String()),
    sa.column("old", sa.JSON()),
    sa.column("new", sa.JSON()),
    sa.column("changed_by", sa.String()),
    sa.column("changed_at", UTCDateTime(timezone=True)),
)


def upgrade() -> None:
    audit = op.create_table(
        "audit_entry",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(length=64), nullable=False),
        sa.Column("subject_kind", sa.String(length=16), nullable=False),
        sa.Column("subject_id", sa.Integer(), nullable=True),
        sa.Column("reference", sa.String(length=64), nullable=True),
        sa.Column("action", sa.String(length=16), nullable=False),
        sa.Column("field", sa.String(length=48), nullable=True),
        sa.Column("old", sa.JSON(), nullable=True),
        sa.Column("new", sa.JSON(), nullable=True),
        sa.Column("reason_code", sa.String(length=32), nullable=True),
        sa.Column("reason", sa.String(length=1000), nullable=True),
    )
    op.create_index("ix_audit_subject", "audit_entry", ["subject_kind", "subject_id"])
    # The rule changes recorded so far join the trail (model_rule_change stays for /rules).
    connection = op.get_bind()
    rows = []
    for change in connection.execute(sa.select(_CHANGE).order_by(_CHANGE.c.id)).all():
        old, new = change.old or {}, change.new or {}
        for field in ("status", "reasons"):
            if old.get(field) != new.get(field):
                rows.append(
                    {
                        "at": change.changed_at,
                        "actor": change.changed_by,
                        "subject_kind": "model_rule",
                        "subject_id": None,
                        "reference": f"{change.country}/{change.model}",
                        "action": "rule",
                        "field": field,
                        "old": old.get(field),
                        "new": new.get(field),
                        "reason_code": None,
                        "reason": None,
                    }
                )
    if rows:
        op.bulk_insert(audit, rows)


def downgrade() -> None:
    op.drop_index("ix_audit_subject", table_name="audit_entry")
    op.drop_table("audit_entry")
