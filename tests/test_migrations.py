"""The schema only changes through migrations, and every migration goes down and up again."""

from __future__ import annotations

import os

from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text

from storage.db import alembic_config, downgrade, make_engine, upgrade


def test_stairway_up_down_up(tmp_path):
    url = os.environ.get("TEST_DATABASE_URL")
    if url:  # a schema of its own, so the shared test schema stays as it is
        engine = make_engine(url)
        with engine.begin() as connection:
            connection.execute(text("DROP SCHEMA IF EXISTS stairway CASCADE"))
            connection.execute(text("CREATE SCHEMA stairway"))
        engine.dispose()
        engine = make_engine(
            url + ("&" if "?" in url else "?") + "options=-csearch_path%3Dstairway"
        )
    else:
        engine = make_engine(f"sqlite:///{tmp_path / 'stairway.sqlite3'}")
    script = ScriptDirectory.from_config(alembic_config(engine))
    revisions = list(reversed(list(script.walk_revisions())))
    for revision in revisions:
        upgrade(engine, revision.revision)
        downgrade(engine, revision.down_revision or "base")
        upgrade(engine, revision.revision)
    upgrade(engine)
    tables = set(inspect(engine).get_table_names())
    assert {"person", "expression_of_interest", "outbox_message", "deadline"} <= tables
    downgrade(engine, "base")
    assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    engine.dispose()


def test_migrations_form_one_line():
    script = ScriptDirectory.from_config(alembic_config(make_engine("sqlite://")))
    assert len(script.get_heads()) == 1, script.get_heads()
