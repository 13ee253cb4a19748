"""discarded drafts are deleted at once: those kept answerless so far are deleted now, and on
SQLite the drafts' ids are never given again (AUTOINCREMENT), so that an old button of a
discarded draft can never reach a newer one (PostgreSQL's sequences never repeat an id)

Revision ID: 0010_discarded_drafts
Revises: 0009_privacy
Create Date: 2026-12-02 13:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010_discarded_drafts"
down_revision: str | Sequence[str] | None = "0009_privacy"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The tables of drafts, with the status a discarded one was kept with.
DRAFT_TABLES = {
    "expression_of_interest": "discarded",
    "activity_report": "dismissed",
    "progress_report": "dismissed",
    "advisor_session": "discarded",
    "deployment": "discarded",
}


def _table(name: str) -> sa.TableClause:
    columns: list[sa.ColumnClause[object]] = [
        sa.column("id", sa.Integer()),
        sa.column("status", sa.String()),
    ]
    if name == "advisor_session":
        columns.append(sa.column("eoi_id", sa.Integer()))
    elif name != "deployment":
        columns.append(sa.column("reference", sa.String()))
    return sa.table(name, *columns)


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        _never_reuse_ids()  # first: the ids of the drafts deleted below are never given again
    eoi, advisor = _table("expression_of_interest"), _table("advisor_session")
    discarded_eois = sa.select(eoi.c.id).where(
        eoi.c.status == "discarded", eoi.c.reference.is_(None)
    )
    # An advisor run started from a discarded draft goes with it (as on discarding now).
    op.execute(sa.delete(advisor).where(advisor.c.eoi_id.in_(discarded_eois)))
    for name, status in DRAFT_TABLES.items():
        table = _table(name)
        kept = sa.delete(table).where(table.c.status == status)
        if "reference" in table.c:
            kept = kept.where(table.c.reference.is_(None))
        op.execute(kept)


def _never_reuse_ids() -> None:
    """SQLite: rebuild the draft tables with AUTOINCREMENT; copying the rows sets each table's
    counter to its highest id, so it must run before any draft is deleted."""
    # Rebuilding a table other tables refer to needs SQLite's foreign keys off, which only
    # takes effect outside a transaction; the rebuild runs in a transaction of its own.
    with op.get_context().autocommit_block():
        op.execute("PRAGMA foreign_keys=OFF")
        op.execute("BEGIN")
        for name in DRAFT_TABLES:
            with op.batch_alter_table(
                name, recreate="always", table_kwargs={"sqlite_autoincrement": True}
            ):
                pass
        op.execute("COMMIT")
        op.execute("PRAGMA foreign_keys=ON")


def downgrade() -> None:
    # The deleted drafts had no answers left; AUTOINCREMENT stays (it only keeps ids unique).
    pass
