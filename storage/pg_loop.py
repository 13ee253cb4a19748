"""PostgreSQL: the hot one-statement storage calls, awaited on the event loop (no thread hop).

A storage function that runs on nearly every update (saving an answer, moving a draft, finding a
person) may declare an async twin (storage.db.awaited_twin). On PostgreSQL, Database.run awaits
the twin here, on one of a few psycopg AsyncConnections in autocommit: the statement is one round
trip, committed when it returns, so before the bot replies. The twin runs the same SQLAlchemy
Core statement as its function, compiled once for the engine's dialect, with SQLAlchemy's own
conversions of values and results (enums, JSON, time stamps), so both paths store and read the
same. Errors come out as SQLAlchemy's (DBAPIError and its kinds), as from the thread path.
"""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from collections.abc import Awaitable, Callable, Mapping
from typing import Any, TypeVar

import psycopg
from psycopg.pq import TransactionStatus
from sqlalchemy import Dialect, Engine
from sqlalchemy.exc import DBAPIError

logger = logging.getLogger(__name__)

T = TypeVar("T")

# Connections the event loop keeps; a call finding none free waits for one.
SIZE = 8


class LoopRow(tuple[Any, ...]):
    """A result row: by position, and by column name as SQLAlchemy's rows are."""

    _names: Mapping[str, int] = {}

    def __getattr__(self, name: str) -> Any:
        try:
            return self[self._names[name]]
        except KeyError:
            raise AttributeError(name) from None


class LoopStatement:
    """A Core statement compiled once for psycopg: its SQL, how values go in and rows come out."""

    def __init__(self, statement: Any, dialect: Dialect, keys: frozenset[str]) -> None:
        # As SQLAlchemy compiles it for these values (an INSERT's columns are the values').
        self.compiled = statement.compile(dialect=dialect, column_keys=sorted(keys))
        if self.compiled.insert_prefetch or self.compiled.update_prefetch:
            raise NotImplementedError("a column default computed in Python: use the thread path")
        self.sql: str = self.compiled.string
        # The values written into the statement (a status compared with); the others are given.
        self._fixed = {
            name: bind.effective_value
            for bind, name in self.compiled.bind_names.items()
            if name not in keys
        }
        missing = [n for b, n in self.compiled.bind_names.items() if b.required and n not in keys]
        if missing:
            raise KeyError(f"no value for {', '.join(missing)}")
        self._dialect = dialect
        self._binds = {
            name: processor
            for bind, name in self.compiled.bind_names.items()
            if (processor := bind.type.dialect_impl(dialect).bind_processor(dialect))
        }
        self._columns = list(statement.exported_columns)  # selected or returned
        names: dict[str, int] = {}
        for place, column in enumerate(self._columns):
            names.setdefault(column.key, place)
        self._row = type("Row", (LoopRow,), {"__slots__": (), "_names": names})
        self._results: list[Callable[[Any], Any] | None] | None = None

    def parameters(self, given: Mapping[str, Any]) -> dict[str, Any]:
        values = {**self._fixed, **given}
        for name, process in self._binds.items():
            values[name] = process(values[name])
        return values

    def rows(self, cursor: psycopg.AsyncCursor[Any], fetched: list[Any]) -> list[LoopRow]:
        if self._results is None:
            description = cursor.description or []
            if len(description) != len(self._columns):
                raise RuntimeError(f"{len(description)} columns, {len(self._columns)} expected")
            self._results = [
                column.type.dialect_impl(self._dialect).result_processor(self._dialect, kind)
                for column, kind in zip(
                    self._columns, (d.type_code for d in description), strict=True
                )
            ]
        processors = self._results
        if not any(processors):
            return [self._row(row) for row in fetched]
        return [
            self._row(
                value if process is None else process(value)
                for process, value in zip(processors, row, strict=True)
            )
            for row in fetched
        ]


class LoopResult:
    """What a statement returned: its rows and how many rows it changed."""

    def __init__(self, rows: list[LoopRow], rowcount: int) -> None:
        self.rows, self.rowcount = rows, rowcount

    def first(self) -> LoopRow | None:
        return self.rows[0] if self.rows else None

    def one(self) -> LoopRow:
        if len(self.rows) != 1:
            raise LookupError(f"{len(self.rows)} rows, one expected")
        return self.rows[0]

    def scalar_one(self) -> Any:
        return self.one()[0]


class LoopConnection:
    """What an async twin gets: `await connection.execute(statement, values)`."""

    def __init__(self, driver: psycopg.AsyncConnection[Any], owner: LoopConnections) -> None:
        self.driver, self._owner = driver, owner
        self.dialect = owner.dialect
        self.executed = 0  # statements completed in the current call (see LoopConnections.run)

    async def execute(self, statement: Any, values: Mapping[str, Any] | None = None) -> LoopResult:
        """Run the statement in autocommit: it is committed when this returns."""
        values = values or {}
        compiled = self._owner.compiled(statement, frozenset(values))
        parameters = compiled.parameters(values)
        try:
            cursor = await self.driver.execute(compiled.sql, parameters)
            fetched = await cursor.fetchall() if cursor.description else []
        except psycopg.Error as error:
            raise DBAPIError.instance(
                compiled.sql,
                parameters,
                error,
                psycopg.Error,
                connection_invalidated=self.driver.broken,
                dialect=self.dialect,
            ) from error
        self.executed += 1
        return LoopResult(compiled.rows(cursor, fetched) if fetched else [], cursor.rowcount)


class LoopConnections:
    """The event loop's connections (autocommit), taken by one call at a time."""

    def __init__(self, engine: Engine, size: int = SIZE) -> None:
        self.dialect = engine.dialect
        self._connect_args = engine.dialect.create_connect_args(engine.url)
        self._size = size
        self._idle: list[LoopConnection] = []
        self._open = 0
        self._waiting: deque[asyncio.Future[LoopConnection | None]] = deque()
        self._compiled: dict[tuple[int, frozenset[str]], tuple[Any, LoopStatement]] = {}

    def compiled(self, statement: Any, keys: frozenset[str]) -> LoopStatement:
        """The statement compiled for psycopg, once per statement object and names of values
        (the object is kept with it, so its id is not reused)."""
        found = self._compiled.get((id(statement), keys))
        if found is None or found[0] is not statement:
            found = self._compiled[(id(statement), keys)] = (
                statement,
                LoopStatement(statement, self.dialect, keys),
            )
        return found[1]

    async def run(self, twin: Callable[..., Awaitable[T]], /, **kwargs: Any) -> T:
        """Await twin(connection=..., **kwargs). A call whose connection was found dead before
        any of its statements completed runs once more on a new one (as on the thread path)."""
        connection = await self._take()
        try:
            return await twin(connection=connection, **kwargs)
        except DBAPIError as error:
            if not error.connection_invalidated or connection.executed:
                raise
            logger.warning("lost the database connection; %s runs again", twin.__name__)
        finally:
            self._give_back(connection)
        connection = await self._take()
        try:
            return await twin(connection=connection, **kwargs)
        finally:
            self._give_back(connection)

    async def _take(self) -> LoopConnection:
        if self._idle:
            connection = self._idle.pop()
            connection.executed = 0
            return connection
        if self._open >= self._size:
            waiting = asyncio.get_running_loop().create_future()
            self._waiting.append(waiting)
            try:
                handed = await waiting
            except asyncio.CancelledError:
                if waiting.done() and not waiting.cancelled():
                    self._give_back(waiting.result())
                raise
            if handed is not None:
                handed.executed = 0
                return handed
            # None: a connection was dropped, this caller opens its replacement.
        self._open += 1
        try:
            cargs, cparams = self._connect_args
            driver = await psycopg.AsyncConnection.connect(*cargs, autocommit=True, **cparams)
        except BaseException as error:
            self._open -= 1
            self._hand_on(None)
            if isinstance(error, psycopg.Error):
                raise DBAPIError.instance(
                    None, None, error, psycopg.Error, dialect=self.dialect
                ) from error
            raise
        return LoopConnection(driver, self)

    def _give_back(self, connection: LoopConnection | None) -> None:
        if connection is None:
            return
        driver = connection.driver
        if driver.closed or driver.info.transaction_status != TransactionStatus.IDLE:
            # Dead, or left mid-statement (a cancelled call): never used again.
            self._open -= 1
            _close(driver)
            self._hand_on(None)
            return
        self._hand_on(connection)

    def _hand_on(self, connection: LoopConnection | None) -> None:
        """To the first caller still waiting (None: it opens a new one), else back to idle."""
        while self._waiting:
            waiting = self._waiting.popleft()
            if not waiting.done():
                waiting.set_result(connection)
                return
        if connection is not None:
            self._idle.append(connection)

    def close(self) -> None:
        """Close the idle connections (from any thread or loop, or none; a later call opens
        new ones)."""
        idle, self._idle = self._idle, []
        self._open -= len(idle)
        for connection in idle:
            _close(connection.driver)


def _close(driver: psycopg.AsyncConnection[Any]) -> None:
    # AsyncConnection.close() does no I/O but is a coroutine: closing the libpq connection
    # itself lets Database.dispose() run outside the loop (after it ended, as in the CLI).
    if not driver.closed:
        driver.pgconn.finish()
