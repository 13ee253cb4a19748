"""The database engine and the one way the bot runs a transaction against it.

PostgreSQL round trips (issue #15; figures in the README's Benchmarks section). The bot's calls
(`Database.run`) are awaited on the event loop through asyncpg, on connections the loop keeps
(storage/pg_loop.py, which says why this path and what else was measured); the command-line
tools' calls (`Database.call`) run synchronously on psycopg. Either way a call costs the round
trips it needs, no more (a form step: 4 before, now 1):

- No `pool_pre_ping`: a ping per checkout was a round trip on every call. A connection found
  dead instead (server restarted, backend terminated) is handled optimistically: it is
  invalidated and the call runs once more on a new connection, but only when nothing had run
  on the dead one in that call (its first statement failed), so nothing is committed twice.
- A function marked `one_statement` (one idempotent statement: saving an answer, moving a draft,
  reading a draft or a person) runs in autocommit: the statement is its own transaction, without
  BEGIN and COMMIT around it. It is committed before the call returns, so before the bot
  replies. Functions with several statements keep one transaction (BEGIN … COMMIT).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, Engine, create_engine, event, make_url
from sqlalchemy.exc import DBAPIError
from sqlmodel import Session

from storage.pg_loop import LoopConnections

logger = logging.getLogger(__name__)

T = TypeVar("T")

MIGRATIONS = Path(__file__).parent / "migrations"

# Storage functions that take a Core `connection` instead of an ORM `session` (see on_connection).
_ON_CONNECTION: set[Callable[..., Any]] = set()
F = TypeVar("F", bound=Callable[..., Any])


def on_connection(fn: F) -> F:
    """Mark a storage function that runs on a plain Core connection: fn(connection=..., ...).

    For what runs on nearly every update (saving an answer, moving a draft): an ORM session
    costs more to open and close than the one prepared statement inside it. Database commits
    when fn returns and rolls back when it raises; fn does not commit itself.
    """
    _ON_CONNECTION.add(fn)
    return fn


# on_connection functions that run one statement (or several each correct alone, e.g. an insert
# that does nothing on conflict) and may run twice: on PostgreSQL they run in autocommit.
_ONE_STATEMENT: set[Callable[..., Any]] = set()


def one_statement(fn: F) -> F:
    """on_connection, for a function whose single statement is its whole transaction: on
    PostgreSQL it runs in autocommit (one round trip instead of BEGIN, statement, COMMIT).
    The statement must be idempotent: a call that met a dead connection runs again."""
    _ONE_STATEMENT.add(fn)
    return on_connection(fn)


# A connection's `info` holds the running call's _Progress under this key (PostgreSQL): a call
# whose connection was found dead is repeated only if none of its statements had run (nothing
# it did can have been committed).
_PROGRESS = "partnerbot.progress"


class _Progress:
    """How many statements a call has run so far."""

    executed = 0


class RunAgain(Exception):
    """Raised by a storage function whose connection cannot go on (it invalidated it) before
    anything the call wrote was committed (its first statement, or a read before any write, in
    a one_statement function): the call runs once more, on a new connection."""


def _count_statement(connection: Connection, *_args: Any) -> None:
    progress = connection.info.get(_PROGRESS)
    if progress is not None:
        progress.executed += 1


def _runs_again(error: DBAPIError, progress: _Progress, fn: Callable[..., Any]) -> bool:
    """Whether a failed call may run once more: its connection was found dead before any of
    its statements ran (so nothing it did can have been committed). Says so in the log."""
    if not error.connection_invalidated or progress.executed:
        return False
    logger.warning("lost the database connection; %s runs again", fn.__name__)
    return True


def normalise_url(url: str) -> str:
    """Use psycopg 3 for plain postgresql:// URLs."""
    if url.startswith("postgresql://"):
        return "postgresql+psycopg://" + url.removeprefix("postgresql://")
    if url.startswith("postgres://"):
        return "postgresql+psycopg://" + url.removeprefix("postgres://")
    return url


def make_engine(url: str) -> Engine:
    """An engine for the URL; SQLite files run in WAL mode with foreign keys on."""
    url = normalise_url(url)
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
            cursor = dbapi_connection.cursor()
            # WAL + NORMAL: a commit survives a killed process (not a power cut) without an fsync
            # per answer, which keeps the per-update cost low.
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.close()

        return engine
    # No pre-ping: a dead connection is retried once instead (see Database.call).
    engine = create_engine(url)
    event.listen(engine, "after_cursor_execute", _count_statement)
    return engine


class DatabaseUnavailable(RuntimeError):
    """The database cannot be reached or opened (the message says which and why)."""


class Database:
    """Runs storage functions in a session; PostgreSQL work is awaited on the event loop."""

    def __init__(self, url: str) -> None:
        self.given_url = url
        self.url = normalise_url(url)
        self.engine = make_engine(url)
        # SQLite is a local file: a sub-millisecond call is cheaper inline than a thread hop.
        # PostgreSQL is network I/O and must never block the event loop.
        self.offload = not self.url.startswith("sqlite")
        # SQLite: one connection kept open for the event loop's own statements (checking one
        # out of the pool per statement costs as much as the statement); other threads use the
        # pool. It never holds a transaction between calls.
        self._kept: Connection | None = None
        self._kept_thread: int | None = None
        self._kept_lock = threading.Lock()
        # PostgreSQL: the bot's calls are awaited on the loop (asyncpg); synchronous calls (the
        # command-line tools) check a psycopg connection out, in autocommit for one statement.
        self._on_loop = LoopConnections(self.url) if self.offload else None
        if self._on_loop is not None:
            event.listen(self._on_loop.engine.sync_engine, "after_cursor_execute", _count_statement)
        self._autocommit = (
            self.engine.execution_options(isolation_level="AUTOCOMMIT") if self.offload else None
        )

    @property
    def engines(self) -> tuple[Engine, ...]:
        """Every engine this database's statements run on (PostgreSQL: psycopg for synchronous
        calls, asyncpg for the bot's), for listening to what is sent."""
        if self._on_loop is None:
            return (self.engine,)
        return (self.engine, self._on_loop.engine.sync_engine)

    @property
    def kept_connection(self) -> Connection | None:
        """The SQLite connection kept for the owning thread's calls, once one is open (never
        with PostgreSQL)."""
        return self._kept

    @property
    def dialect(self) -> str:
        """The dialect name: 'sqlite' or 'postgresql'."""
        return self.engine.dialect.name

    def call(self, fn: Callable[..., T], /, **kwargs: Any) -> T:
        """Run fn(session=..., **kwargs) synchronously; fn owns the commit.

        A function marked with on_connection gets connection=... and is committed here.
        On PostgreSQL, a call that finds its connection dead before any statement ran runs once
        more on a new one.
        """
        if not self.offload:
            return self._call(fn, _Progress(), **kwargs)
        progress = _Progress()
        try:
            return self._call(fn, progress, **kwargs)
        except DBAPIError as error:
            if not _runs_again(error, progress, fn):
                raise
            return self._call(fn, _Progress(), **kwargs)

    def _call(self, fn: Callable[..., T], progress: _Progress, /, **kwargs: Any) -> T:
        if fn in _ON_CONNECTION:
            return self._call_on_connection(fn, progress, **kwargs)
        with Session(self.engine, expire_on_commit=False) as session:
            if self.offload:
                session.connection().info[_PROGRESS] = progress
            return fn(session=session, **kwargs)

    def _call_on_connection(self, fn: Callable[..., T], progress: _Progress, /, **kwargs: Any) -> T:
        if self._autocommit is not None and fn in _ONE_STATEMENT:
            with self._autocommit.connect() as single:
                single.info[_PROGRESS] = progress
                return fn(connection=single, **kwargs)
        connection = self._kept_connection()
        if connection is None:
            with self.engine.begin() as pooled:
                pooled.info[_PROGRESS] = progress
                return fn(connection=pooled, **kwargs)
        try:
            result = fn(connection=connection, **kwargs)
            connection.commit()
        except BaseException:
            # Whatever failed (the statement or the commit itself), the kept connection is not
            # trusted again: a driver transaction left open would be committed by a later call.
            self._drop_kept()
            raise
        return result

    def _kept_connection(self) -> Connection | None:
        """The kept SQLite connection, if this thread may use it (None: use the pool)."""
        if self.offload:
            return None
        thread = threading.get_ident()
        with self._kept_lock:
            if self._kept is None:
                self._kept, self._kept_thread = self.engine.connect(), thread
            return self._kept if self._kept_thread == thread else None

    def _take_kept(self) -> Connection | None:
        """Take the kept connection out (the next call keeps a new one)."""
        with self._kept_lock:
            kept, self._kept, self._kept_thread = self._kept, None, None
        return kept

    def _drop_kept(self) -> None:
        """Throw the kept connection away (rolled back, not returned to the pool)."""
        kept = self._take_kept()
        if kept is not None:
            kept.invalidate()
            kept.close()

    async def run(self, fn: Callable[..., T], /, **kwargs: Any) -> T:
        """Run fn(session=..., **kwargs) without blocking the event loop on network I/O.

        On PostgreSQL it is awaited on the loop (storage/pg_loop.py), and a call that finds its
        connection dead before any statement ran runs once more on a new one, as in call().
        """
        if self._on_loop is None:
            return self.call(fn, **kwargs)
        progress = _Progress()
        try:
            return await self._run(fn, progress, kwargs)
        except RunAgain:
            return await self._run(fn, _Progress(), kwargs, fresh=True)
        except DBAPIError as error:
            if not _runs_again(error, progress, fn):
                raise
            return await self._run(fn, _Progress(), kwargs, fresh=True)

    async def _run(
        self, fn: Callable[..., T], progress: _Progress, kwargs: dict[str, Any], fresh: bool = False
    ) -> T:
        """One attempt; fresh: on a newly opened connection (see LoopConnections)."""
        assert self._on_loop is not None
        if fn in _ON_CONNECTION:
            one = fn in _ONE_STATEMENT

            def on_connection(connection: Connection) -> T:
                connection.info[_PROGRESS] = progress
                if one:
                    result = fn(connection=connection, **kwargs)
                else:
                    connection.exec_driver_sql("BEGIN")
                    result = fn(connection=connection, **kwargs)
                    connection.exec_driver_sql("COMMIT")
                connection.commit()  # ends SQLAlchemy's own bookkeeping; nothing is sent
                return result

            return await self._on_loop.on_connection(on_connection, fresh=fresh)

        def in_session(session: Session) -> T:
            session.connection().info[_PROGRESS] = progress
            return fn(session=session, **kwargs)

        return await self._on_loop.on_session(in_session)

    def upgrade(self) -> None:
        """Bring the schema to the newest migration; DatabaseUnavailable if it cannot be
        reached (the reason in one line, the URL without its password)."""
        try:
            upgrade(self.engine)
        except DBAPIError as error:
            where = make_url(self.given_url).render_as_string(hide_password=True)
            reason = str(error.orig).strip().splitlines()[0] if error.orig else str(error)
            if self.url.startswith("sqlite") and "unable to open" in reason:
                reason += " (does its folder exist, and may this user write there?)"
            raise DatabaseUnavailable(f"cannot use the database {where}: {reason}") from error

    async def release_loop(self) -> None:
        """Close the connections opened for calls on this event loop (PostgreSQL), on it; a
        later call, on this loop or another, opens new ones."""
        if self._on_loop is not None:
            await self._on_loop.aclose()

    async def aclose(self) -> None:
        """Close every connection, those of this event loop on it."""
        await self.release_loop()
        self.dispose()

    def dispose(self) -> None:
        """Close the kept connections and every pooled one (PostgreSQL's loop connections are
        ended at once if aclose did not close them)."""
        if self._on_loop is not None:
            self._on_loop.drop()
        kept = self._take_kept()
        if kept is not None:
            kept.close()
        self.engine.dispose()


def alembic_config(engine: Engine) -> Config:
    """An Alembic configuration that migrates the given engine."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["engine"] = engine
    return config


def upgrade(engine: Engine, revision: str = "heads") -> None:
    """Run the migrations up to revision (all heads by default)."""
    command.upgrade(alembic_config(engine), revision)


def downgrade(engine: Engine, revision: str) -> None:
    """Run the migrations down to revision."""
    command.downgrade(alembic_config(engine), revision)
