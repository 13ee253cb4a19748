"""expression of interest: the answers as submitted, kept while a returned one is revised

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-23 04:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | Sequence[str] | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("expression_of_interest") as batch:
        batch.add_column(sa.Column("submitted_answers", sa.JSON(), nullable=True))


def downgrade() -> None:
    # Revisions in progress go back to their submitted answers (returned for changes): without
    # the column they would be drafts that a submission would number anew.
    table = sa.table(
        "expression_of_interest",
        sa.column("id", sa.Integer()),
        sa.column("status", sa.String()),
        sa.column("step", sa.String()),
        sa.column("editing", sa.Boolean()),
        sa.column("paused", sa.Boolean()),
        sa.column("submitted_answers", sa.JSON()),
        *(sa.column(key, sa.JSON() if key in _JSON_COLUMNS else None) for key in _ANSWER_COLUMNS),
    )
    connection = op.get_bind()
    revisions = connection.execute(
        sa.select(table.c.id, table.c.submitted_answers).where(
            table.c.status == "draft", table.c.submitted_answers.is_not(None)
        )
    ).all()
    for revision_id, answers in revisions:
        restored = {key: answers.get(key) for key in _ANSWER_COLUMNS if key in answers}
        connection.execute(
            sa.update(table)
            .where(table.c.id == revision_id)
            .values(status="returned", step="", editing=False, paused=False, **restored)
        )
    # ALTER TABLE … DROP COLUMN (SQLite 3.35+): rebuilding the table would trip over the
    # foreign keys of the rows that point at it.
    with op.batch_alter_table("expression_of_interest", recreate="never") as batch:
        batch.drop_column("submitted_answers")


_JSON_COLUMNS = ("advisor_answers", "goals", "methods", "sdgs")
# The answer columns as this revision knows them (not imported: migrations stay as written).
_ANSWER_COLUMNS = (
    "german_state",
    "partner_country",
    "contact_name",
    "contact_function",
    "contact_email",
    "consent",
    "german_municipality",
    "partner_municipality",
    "partnership_age",
    "expertise",
    "tasks_goals",
    "expert_model",
    "advisor_answers",
    "advisor_recommendation",
    "authority_level",
    "german_authority",
    "partner_authority",
    "topics",
    "goals",
    "methods",
    "duration",
    "letter_of_intent",
    "sdgs",
    "do_no_harm",
    "gender_diversity",
)
