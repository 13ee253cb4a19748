"""0012_no_pending_entry: the old engine's waiting typed steps go with their table (/deadline,
the last flow on them, is a form now); down again, the table is back, empty."""

from __future__ import annotations

from sqlalchemy import inspect, text

from storage.db import downgrade, upgrade
from tests.test_migrations import own_engine


def _tables(engine) -> set[str]:
    return set(inspect(engine).get_table_names())


def test_the_waiting_steps_table_is_dropped_and_comes_back_empty(tmp_path):
    engine = own_engine(tmp_path, "no_pending_entry")
    upgrade(engine, "0011_short_drafts")
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO pending_entry (person_id, flow, step, answers, updated_at)"
                " VALUES (7, 'deadline', 'title', '{}', CURRENT_TIMESTAMP)"
            )
        )
    upgrade(engine, "0012_no_pending_entry")
    assert "pending_entry" not in _tables(engine) and "short_draft" in _tables(engine)
    with engine.begin() as connection:  # a /deadline draft, and a /call draft
        connection.execute(
            text(
                "INSERT INTO person (id, first_name, unreachable, last_update_id, created_at,"
                " updated_at) VALUES (7, 'Kim', false, 0, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
            )
        )
        for form in ("deadline", "call"):
            connection.execute(
                text(
                    "INSERT INTO short_draft (person_id, form, status, step, editing, paused,"
                    " answers, created_at, updated_at) VALUES (7, :form, 'open', 'x', false,"
                    " false, '{}', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
                ),
                {"form": form},
            )
    downgrade(engine, "0011_short_drafts")
    assert "pending_entry" in _tables(engine)
    with engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM pending_entry")).scalar() == 0
        # The code of 0011 knows no /deadline draft: it went; the /call draft stays.
        forms = connection.execute(text("SELECT form FROM short_draft")).scalars().all()
        assert forms == ["call"]
    engine.dispose()
