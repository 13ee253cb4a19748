"""model rules: the reasons become one translated field (language -> text) instead of a column
per language; the change log's snapshots follow

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01 07:10:00
"""

from collections.abc import Callable, Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | Sequence[str] | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The languages that had a column of their own (not imported: migrations stay as written).
_COLUMN_LANGUAGES = ("de", "en")

_RULE = sa.table(
    "model_rule",
    sa.column("country", sa.String()),
    sa.column("model", sa.String()),
    sa.column("reasons", sa.JSON()),
    *(sa.column(f"reason_{language}", sa.String()) for language in _COLUMN_LANGUAGES),
)
_CHANGE = sa.table(
    "model_rule_change",
    sa.column("id", sa.Integer()),
    sa.column("old", sa.JSON()),
    sa.column("new", sa.JSON()),
)


def _translated(columns: dict[str, Any]) -> dict[str, str]:
    """{reason_de: …, reason_en: …} as {de: …, en: …}, without the empty ones."""
    return {
        language: text
        for language in _COLUMN_LANGUAGES
        if (text := columns.get(f"reason_{language}"))
    }


def _columns(reasons: dict[str, str] | None) -> dict[str, str | None]:
    """{de: …, en: …} as {reason_de: …, reason_en: …}; other languages have no column."""
    return {f"reason_{language}": (reasons or {}).get(language) for language in _COLUMN_LANGUAGES}


def _new_snapshot(state: dict[str, Any] | None) -> dict[str, Any] | None:
    if state is None or "reasons" in state:
        return state
    rest = {k: v for k, v in state.items() if not k.startswith("reason_")}
    return {**rest, "reasons": _translated(state)}


def _old_snapshot(state: dict[str, Any] | None) -> dict[str, Any] | None:
    if state is None or "reasons" not in state:
        return state
    rest = {k: v for k, v in state.items() if k != "reasons"}
    return {**rest, **_columns(state["reasons"])}


def _rewrite_change_log(snapshot: Callable[[Any], Any]) -> None:
    connection = op.get_bind()
    changes = connection.execute(sa.select(_CHANGE.c.id, _CHANGE.c.old, _CHANGE.c.new)).all()
    for change_id, old, new in changes:
        values = {"new": snapshot(new)}
        if old is not None:  # None stays SQL NULL (the rule was new), not JSON null
            values["old"] = snapshot(old)
        connection.execute(sa.update(_CHANGE).where(_CHANGE.c.id == change_id).values(**values))


def upgrade() -> None:
    with op.batch_alter_table("model_rule") as batch:
        batch.add_column(sa.Column("reasons", sa.JSON(), nullable=True))
    connection = op.get_bind()
    rules = connection.execute(
        sa.select(
            _RULE.c.country,
            _RULE.c.model,
            *(_RULE.c[f"reason_{language}"] for language in _COLUMN_LANGUAGES),
        )
    ).all()
    for rule in rules:
        connection.execute(
            sa.update(_RULE)
            .where(_RULE.c.country == rule.country, _RULE.c.model == rule.model)
            .values(reasons=_translated(rule._asdict()))
        )
    _rewrite_change_log(_new_snapshot)
    with op.batch_alter_table("model_rule") as batch:
        batch.alter_column("reasons", existing_type=sa.JSON(), nullable=False)
        for language in _COLUMN_LANGUAGES:
            batch.drop_column(f"reason_{language}")


def downgrade() -> None:
    # Reasons in languages without a column of their own are lost.
    with op.batch_alter_table("model_rule") as batch:
        for language in _COLUMN_LANGUAGES:
            batch.add_column(sa.Column(f"reason_{language}", sa.String(length=500), nullable=True))
    connection = op.get_bind()
    rules = connection.execute(sa.select(_RULE.c.country, _RULE.c.model, _RULE.c.reasons)).all()
    for country, model, reasons in rules:
        connection.execute(
            sa.update(_RULE)
            .where(_RULE.c.country == country, _RULE.c.model == model)
            .values(**_columns(reasons))
        )
    _rewrite_change_log(_old_snapshot)
    with op.batch_alter_table("model_rule") as batch:
        batch.drop_column("reasons")
