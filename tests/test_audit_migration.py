"""0008_decisions: the audit trail's table, with the rule changes recorded before it."""

from __future__ import annotations

from sqlalchemy import inspect, text

from storage.db import downgrade, upgrade
from storage.models import utcnow
from tests.test_migrations import own_engine


def test_the_rule_changes_recorded_before_join_the_audit_trail(tmp_path):
    engine = own_engine(tmp_path, "audit")
    upgrade(engine, "0007")
    with engine.begin() as connection:
        connection.execute(text("DELETE FROM model_rule_change"))  # the seed's history
        connection.execute(
            text(
                "INSERT INTO model_rule_change (country, model, old, new, changed_by, changed_at)"
                " VALUES ('KE', 'local', :old, :new, 'telegram:900001', :now)"
            ),
            {
                "old": '{"status": "possible", "reasons": {}}',
                "new": '{"status": "not_possible", "reasons": {"en": "No."}}',
                "now": utcnow().replace(tzinfo=None),
            },
        )
    upgrade(engine, "0008_decisions")
    with engine.connect() as connection:
        rows = connection.execute(
            text("SELECT actor, reference, action, field FROM audit_entry ORDER BY id")
        ).all()
    assert [tuple(row) for row in rows] == [
        ("telegram:900001", "KE/local", "rule", "status"),
        ("telegram:900001", "KE/local", "rule", "reasons"),
    ]
    downgrade(engine, "0007")
    assert "audit_entry" not in inspect(engine).get_table_names()
    upgrade(engine)
    engine.dispose()
