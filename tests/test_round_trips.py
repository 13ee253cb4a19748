"""PostgreSQL: a form step is one round trip, and a connection the server dropped between two
updates costs nothing but a retry (no ping before every call)."""

from __future__ import annotations

import os

import pytest
from sqlalchemy import Connection, event, text
from sqlalchemy.exc import DBAPIError

from storage.db import make_engine, on_connection

pytestmark = pytest.mark.skipif(
    not os.environ.get("TEST_DATABASE_URL"), reason="needs PostgreSQL (TEST_DATABASE_URL)"
)


def _terminate_other_backends(db) -> int:
    """Kill the bot's server processes on this database, as a server restart would (from a
    connection of its own, outside the bot's pool)."""
    engine = make_engine(db.given_url)
    with engine.connect() as connection:
        killed = connection.execute(
            text(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
        ).scalar_one()
    engine.dispose()
    return killed


async def test_the_next_update_succeeds_after_the_server_dropped_the_connections(
    one_database_thread, bot, caplog
):
    ama = bot.person()
    await ama.send("/interest")
    await ama.click("Fachkräftefonds")
    assert _terminate_other_backends(bot.db) >= 1
    await ama.send("Stadt Bonn")
    assert "Step 2 of 12" in ama.last.text
    assert "lost the database connection" in caplog.text  # found dead, and run again
    assert _terminate_other_backends(bot.db) >= 1
    bot = await bot.restart()  # the answer was committed: a new process finds it
    ama = bot.person()
    await ama.send("/start")
    assert "▶️ Continue" in ama.buttons
    await bot.app.shutdown()


async def test_a_typed_form_step_is_one_statement_without_begin_and_commit(bot):
    ama = bot.person()
    await ama.send("/interest")
    await ama.click("Fachkräftefonds")
    seen: list[tuple[str, bool]] = []

    def note(conn, _cursor, statement, *_args) -> None:
        seen.append((statement.split()[0], conn.connection.dbapi_connection.autocommit))

    event.listen(bot.db.engine, "before_cursor_execute", note)
    try:
        await ama.send("Stadt Bonn")
    finally:
        event.remove(bot.db.engine, "before_cursor_execute", note)
    assert "Step 2 of 12" in ama.last.text
    assert seen == [("UPDATE", True)]  # autocommit: no BEGIN or COMMIT round trip around it


calls: list[int] = []


@on_connection
def _dies_halfway(*, connection: Connection) -> None:
    calls.append(connection.execute(text("SELECT pg_backend_pid()")).scalar_one())
    connection.execute(text("SELECT pg_terminate_backend(pg_backend_pid())"))


def test_a_call_is_not_repeated_once_a_statement_of_it_ran(db):
    calls.clear()
    with pytest.raises(DBAPIError) as raised:
        db.call(_dies_halfway)
    assert raised.value.connection_invalidated
    assert len(calls) == 1  # its first statement had run: running it again could repeat a write
