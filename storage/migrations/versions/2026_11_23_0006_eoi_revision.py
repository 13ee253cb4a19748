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
    with op.batch_alter_table("expression_of_interest") as batch:
        batch.drop_column("submitted_answers")
