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

Connections belong to the event loop that opened them and are closed on it before it ends
(`aclose`; the bot does it at shutdown, through `Database.release_loop`). Calls from another loop
(a tool's second `asyncio.run`, the next test) then open new ones; if the old loop's were not
closed, they are ended as well as can be without it, and Python warns about them.
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

    async def on_connection(self, body: Callable[[Connection], T]) -> T:
        """body(connection) on a kept autocommit connection; the connection is thrown away if
        it fails (a transaction may be open on it)."""
        self._here()
        async with self._turns:
            connection = self._idle.pop() if self._idle else await self._autocommit.connect()
            try:
                result = await connection.run_sync(body)
            except BaseException:
                await _throw_away(connection)
                raise
            self._idle.append(connection)
            return result

    async def on_session(self, body: Callable[[Session], T]) -> T:
        """body(session) on a session of its own (body commits)."""
        self._here()

        def in_session(session: orm.Session) -> T:
            assert isinstance(session, Session)  # SQLModel's, as AsyncSession below makes
            return body(session)

        async with self._turns, AsyncSession(self.engine, expire_on_commit=False) as session:
            return await session.run_sync(in_session)

    async def aclose(self) -> None:
        """Close the kept connections and the pool's (on the loop that opened them)."""
        idle, self._idle = self._idle, []
        for connection in idle:
            await connection.close()
        await self.engine.dispose()
        self._loop = None

    def drop(self) -> None:
        """Without a loop to close them on: end the kept connections at once (the server sees
        the socket close)."""
        idle, self._idle = self._idle, []
        for connection in idle:
            try:
                # The pool record ends an asyncio connection by terminating it (no await).
                connection.sync_connection.invalidate()  # type: ignore[union-attr]
                connection.sync_connection.close()  # type: ignore[union-attr]
            except Exception:  # already gone with its loop: nothing left to end
                logger.debug("a kept connection could not be ended", exc_info=True)


async def _throw_away(connection: AsyncConnection) -> None:
    try:
        await connection.invalidate()
        await connection.close()
    except Exception:
        logger.debug("a failed connection could not be closed", exc_info=True)
