"""PostgreSQL: storage calls awaited on the event loop, through asyncpg, on connections the loop
keeps.

Why this path (issue #15; the figures are in the README's Benchmarks section). A bare echo that
saves one row per update, 200 chats at once, measured in one run on this 2-core machine:

- through a worker thread with psycopg (the bot's path until 3 December): 2.96–3.31× the echo.
  The thread hop alone, with no statement, cost 1.55–1.90×: waking a thread and then the loop
  again costs more CPU than the statement;
- psycopg's AsyncConnection on the loop: 3.04×; SQLAlchemy's async engine with a connection
  checked out of its pool per call: 2.98–3.50× (the checkout and its reset cost the gain);
- asyncpg alone: 1.68–1.98×; SQLAlchemy's async engine on asyncpg, on a connection kept
  between calls, with the storage function run by `AsyncConnection.run_sync`: 2.08×.

The last is this module. The storage functions stay plain synchronous SQLAlchemy code, the same
that SQLite and the command-line tools run: SQLAlchemy's `run_sync` runs one in its greenlet
bridge on the loop, and every statement it sends is awaited there, with no thread and no
blocking. Each kept connection is in autocommit: a one-statement call is one round trip, a call
with several statements runs between BEGIN and COMMIT on it. A call that failed throws its
connection away, so no transaction is ever left open on a kept one. Calls on an ORM session
take a session of their own from the engine's pool, in a normal transaction.

A call run again because its connection broke (Database.run) runs on a newly opened connection,
and the other kept ones are let go: after a server restart, or a row type that changed, they are
broken alike. Kept connections asyncpg knows to be closed are skipped.

Connections belong to the event loop that opened them and are closed on it before it ends
(`aclose`; the bot does it at shutdown, through `Database.release_loop`). Calls from another loop
(a tool's second `asyncio.run`, the next test) then open new ones; if the old loop's were not
closed, a warning says so and Python warns about their sockets.
"""

from __future__ import annotations

import asyncio
import functools
import logging
from collections.abc import Callable
from typing import TypeVar

import asyncpg
from sqlalchemy import Connection, orm
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine
from sqlmodel import Session
from sqlmodel.ext.asyncio.session import AsyncSession

logger = logging.getLogger(__name__)
T = TypeVar("T")

# Calls on the loop at once, each on a kept connection of its own; more wait their turn.
CONNECTIONS = 8


def libpq_url(url: str) -> str:
    """The URL as libpq and asyncpg read it (postgresql://…, whatever driver it named)."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


class LoopConnections:
    """The connections the event loop keeps, and the calls that run on them."""

    def __init__(self, url: str) -> None:
        # asyncpg reads the URL itself, as libpq does (sslmode, options, passfile, …), rather
        # than SQLAlchemy handing its query parameters on as keyword arguments.
        self.engine: AsyncEngine = create_async_engine(
            "postgresql+asyncpg://",
            async_creator=functools.partial(asyncpg.connect, libpq_url(url)),
            pool_size=CONNECTIONS,
            max_overflow=8,
        )
        self._autocommit = self.engine.execution_options(isolation_level="AUTOCOMMIT")
        self._loop: asyncio.AbstractEventLoop | None = None
        self._idle: list[AsyncConnection] = []
        self._turns = asyncio.Semaphore(CONNECTIONS)
        # Bumped whenever the kept connections are let go (closed, dropped, found broken): a
        # call that took its connection before goes on with it but does not keep it.
        self._generation = 0

    def _here(self) -> None:
        """Make sure the connections are this loop's (those of another loop are dropped)."""
        loop = asyncio.get_running_loop()
        if loop is self._loop:
            return
        if self._loop is not None:
            self.drop()
            # The pool's connections belong to the old loop too: forget them, unclosed.
            self.engine.sync_engine.dispose(close=False)
        self._loop = loop
        self._turns = asyncio.Semaphore(CONNECTIONS)

    async def on_connection(self, body: Callable[[Connection], T], fresh: bool = False) -> T:
        """body(connection) on a kept autocommit connection; the connection is thrown away if
        it fails (a transaction may be open on it).

        fresh: a call run again because its connection broke (the server dropped it, a row type
        changed): the other kept connections are likely broken alike, so they are let go and
        the call runs on a newly opened one.
        """
        self._here()
        if fresh:
            await self.let_go()
        generation = self._generation
        async with self._turns:
            connection = await self._take()
            try:
                result = await connection.run_sync(body)
            except BaseException:
                await _throw_away(connection)
                raise
            if generation == self._generation:
                self._idle.append(connection)
            else:
                await _throw_away(connection)
            return result

    async def _take(self) -> AsyncConnection:
        """A kept connection that asyncpg does not know to be closed, or a new one."""
        while self._idle:
            connection = self._idle.pop()
            if not _closed(connection):
                return connection
            await _throw_away(connection)
        return await self._autocommit.connect()

    async def on_session(self, body: Callable[[Session], T]) -> T:
        """body(session) on a session of its own (body commits). A session's connection comes
        from the engine's pool, which lets go of all of them when one is found dead."""
        self._here()

        def in_session(session: orm.Session) -> T:
            assert isinstance(session, Session)  # SQLModel's, as AsyncSession below makes
            return body(session)

        async with self._turns, AsyncSession(self.engine, expire_on_commit=False) as session:
            return await session.run_sync(in_session)

    async def let_go(self) -> None:
        """End the kept connections (without a round trip); calls open new ones."""
        self._generation += 1
        idle, self._idle = self._idle, []
        for connection in idle:
            await _throw_away(connection)

    async def aclose(self) -> None:
        """Close the kept connections and the pool's (on the loop that opened them); calls in
        flight end theirs when they are done."""
        self._generation += 1
        idle, self._idle = self._idle, []
        for connection in idle:
            await connection.close()
        await self.engine.dispose()
        self._loop = None

    def drop(self) -> None:
        """Without the loop that opened them running: let the kept connections go. If that loop
        is still open they are ended at once (the server sees the socket close); if it is
        closed they cannot be, and are forgotten (Python warns about their sockets)."""
        self._generation += 1
        idle, self._idle = self._idle, []
        if not idle:
            return
        if self._loop is None or self._loop.is_closed():
            logger.warning(
                "%s database connections were left open by an event loop that has ended "
                "(close them with Database.release_loop before it ends)",
                len(idle),
            )
            return
        for connection in idle:
            try:
                # The pool record ends an asyncio connection by terminating it (no await).
                connection.sync_connection.invalidate()  # type: ignore[union-attr]
                connection.sync_connection.close()  # type: ignore[union-attr]
            except Exception:
                logger.debug("a kept connection could not be ended", exc_info=True)


def _closed(connection: AsyncConnection) -> bool:
    """Whether asyncpg knows the connection to be closed (no round trip: it saw the socket
    close, as after a server restart)."""
    try:
        sync = connection.sync_connection
        raw = sync.connection.driver_connection if sync is not None else None
        return raw is None or bool(raw.is_closed())
    except Exception:
        return True


async def _throw_away(connection: AsyncConnection) -> None:
    """End a connection that is not to be used again (terminated: no round trip)."""
    try:
        await connection.invalidate()
        await connection.close()
    except Exception:
        logger.debug("a connection could not be closed", exc_info=True)
