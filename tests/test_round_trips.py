"""PostgreSQL: a form step is one round trip, and a connection the server dropped between two
updates costs nothing but a retry (no ping before every call)."""

from __future__ import annotations

import asyncio
import os

import pytest
from sqlalchemy import Connection, event, text
from sqlalchemy.exc import DBAPIError
from sqlmodel import Session

from storage.db import make_engine, on_connection
from storage.models import Person
from tests.test_plumbing import _add_person, _name

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
    one_database_connection, bot, caplog
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

    for engine in bot.db.engines:
        event.listen(engine, "before_cursor_execute", note)
    try:
        await ama.send("Stadt Bonn")
    finally:
        for engine in bot.db.engines:
            event.remove(engine, "before_cursor_execute", note)
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


async def test_an_awaited_call_is_not_repeated_once_a_statement_of_it_ran(db):
    calls.clear()
    with pytest.raises(DBAPIError) as raised:
        await db.run(_dies_halfway)
    assert raised.value.connection_invalidated
    assert len(calls) == 1


@on_connection
def _write_then_fail(*, connection: Connection, person_id: int) -> None:
    connection.execute(
        text("UPDATE person SET first_name = 'Lost' WHERE id = :id"), {"id": person_id}
    )
    raise RuntimeError("after the write")


@on_connection
def _backend(*, connection: Connection) -> int:
    return connection.execute(text("SELECT pg_backend_pid()")).scalar_one()


async def test_a_call_that_failed_on_the_loop_leaves_nothing_behind(one_database_connection, db):
    _add_person(db, 31)
    before = await db.run(_backend)
    with pytest.raises(RuntimeError, match="after the write"):
        await db.run(_write_then_fail, person_id=31)
    # Its transaction was never committed, and its connection is not used again.
    assert _name(db, 31) == "Ama"
    assert await db.run(_backend) != before


def _first_name(*, session: Session, person_id: int) -> str:
    return session.get_one(Person, person_id).first_name


async def test_a_session_call_runs_again_on_a_new_connection_after_the_server_dropped_it(
    db, caplog
):
    _add_person(db, 32)
    assert await db.run(_first_name, person_id=32) == "Ama"  # a pooled connection, now idle
    assert _terminate_other_backends(db) >= 1
    assert await db.run(_first_name, person_id=32) == "Ama"
    assert "lost the database connection; _first_name runs again" in caplog.text


def test_calls_from_another_event_loop_get_connections_of_their_own(db):
    _add_person(db, 33)

    async def in_a_loop_of_its_own() -> tuple[str, int]:
        try:
            return await db.run(_first_name, person_id=33), await db.run(_backend)
        finally:
            await db.release_loop()  # as the bot does at shutdown: the loop's connections go

    # Each asyncio.run is a new loop (a tool run twice in one process, a second test): each
    # opens connections of its own, and none is left open behind (a warning would fail this).
    (first, first_backend), (again, again_backend) = (
        asyncio.run(in_a_loop_of_its_own()),
        asyncio.run(in_a_loop_of_its_own()),
    )
    assert first == again == "Ama"
    assert first_backend != again_backend


@on_connection
def _slow_backend(*, connection: Connection) -> int:
    return connection.execute(text("SELECT pg_backend_pid() FROM pg_sleep(0.05)")).scalar_one()


async def _keep_connections(db, count: int) -> set[int]:
    """Calls at once, so that the loop opens and then keeps that many connections."""
    return set(await asyncio.gather(*(db.run(_slow_backend) for _ in range(count))))


async def test_after_a_server_restart_no_call_fails_on_another_dead_kept_connection(db, caplog):
    assert len(await _keep_connections(db, 4)) == 4
    assert _terminate_other_backends(db) >= 4  # all four kept connections are dead now
    backends = [await db.run(_backend) for _ in range(6)]
    assert len(set(backends)) == 1  # after the one retry, on the newly opened connection
    assert caplog.text.count("lost the database connection") <= 1


def test_a_call_still_running_when_its_loop_closes_the_connections_does_not_keep_its_own(db):
    async def closed_under_a_running_call() -> None:
        running = asyncio.create_task(db.run(_slow_backend))
        await asyncio.sleep(0.01)  # the call has its connection and waits for the server
        await db.release_loop()
        await running  # it ends well, and its connection is closed rather than kept

    async def next_loop() -> int:
        try:
            return await db.run(_backend)
        finally:
            await db.release_loop()

    asyncio.run(closed_under_a_running_call())
    assert asyncio.run(next_loop()) > 0  # not a connection of the ended loop
