"""The database engine and the one way the bot runs a transaction against it.

PostgreSQL round trips (issue #15; figures in the README's Benchmarks section). A storage call
runs in one of the database's worker threads (storage/pg_threads.py), on the connection that
thread keeps, and costs the round trips it needs, no more (a form step: 4 before, now 1):

- No `pool_pre_ping`: a ping per checkout was a round trip on every call. A connection found
  dead instead (server restarted, backend terminated) is handled optimistically: it is
  invalidated and the call runs once more on a new connection, but only when nothing had run
  on the dead one in that call (its first statement failed), so nothing is committed twice.
- A function marked `one_statement` (one idempotent statement: saving an answer, moving a draft,
  reading a draft or a person) runs in autocommit: the statement is its own transaction, without
  BEGIN and COMMIT around it. It is committed before the call returns, so before the bot
  replies. Functions with several statements keep one transaction (BEGIN … COMMIT).
- Each worker thread keeps one autocommit connection: checking one out of the pool and switching
  its isolation level cost more CPU than the statement (one UPDATE from the event loop, same
  minutes, loaded machine: 1.7–2.6 ms CPU before, 0.7–1.6 ms now).

Measured and not chosen (README, Benchmarks): the hot calls awaited on the event loop on psycopg's
AsyncConnection (no thread hop; branch h15a-loop-path) halved a statement's CPU alone but not the
CPU per update end to end, and cost wall time (psycopg's work moved into the loop's one thread);
sending the typed answer's UPDATE on psycopg directly saved a third of that statement's CPU but
nothing visible end to end; SQLAlchemy's async engine measured slower than the thread. The bot
still spends about twice the CPU per update on PostgreSQL as on SQLite (issue #15). Group commit
was not needed: an answer is one round trip.
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

from storage.pg_threads import THREADS, ThreadConnections

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


# Statements run by the current thread's call so far (PostgreSQL): a call whose connection was
# found dead is repeated only if none had run (nothing it did can have been committed).
_progress = threading.local()


def _count_statement(*_args: Any) -> None:
    _progress.executed = getattr(_progress, "executed", 0) + 1


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
    # No pre-ping: a dead connection is retried once instead (see Database.call). The worker
    # threads keep one connection each; as many again serve sessions, and some spare.
    engine = create_engine(url, pool_size=2 * THREADS, max_overflow=8)
    event.listen(engine, "after_cursor_execute", _count_statement)
    return engine


class DatabaseUnavailable(RuntimeError):
    """The database cannot be reached or opened (the message says which and why)."""


class Database:
    """Runs storage functions in a session; PostgreSQL work is moved off the event loop."""

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
        # PostgreSQL: calls run in worker threads that keep a connection each (in autocommit);
        # a one-statement call made from another thread checks one out in autocommit.
        self._threads = ThreadConnections(self.engine) if self.offload else None
        self._autocommit = (
            self.engine.execution_options(isolation_level="AUTOCOMMIT") if self.offload else None
        )

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
            return self._call(fn, **kwargs)
        _progress.executed = 0
        try:
            return self._call(fn, **kwargs)
        except DBAPIError as error:
            if not error.connection_invalidated or _progress.executed:
                raise
            logger.warning("lost the database connection; %s runs again", fn.__name__)
            _progress.executed = 0
            return self._call(fn, **kwargs)

    def _call(self, fn: Callable[..., T], /, **kwargs: Any) -> T:
        if fn in _ON_CONNECTION:
            return self._call_on_connection(fn, **kwargs)
        with Session(self.engine, expire_on_commit=False) as session:
            return fn(session=session, **kwargs)

    def _call_on_connection(self, fn: Callable[..., T], /, **kwargs: Any) -> T:
        if self._threads is not None and self._threads.mine():
            return self._threads.call(fn, fn in _ONE_STATEMENT, **kwargs)
        if self._autocommit is not None and fn in _ONE_STATEMENT:
            with self._autocommit.connect() as single:
                return fn(connection=single, **kwargs)
        connection = self._kept_connection()
        if connection is None:
            with self.engine.begin() as pooled:
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
        """Run fn(session=..., **kwargs) without blocking the event loop on network I/O."""
        if self._threads is not None:
            return await self._threads.run(self.call, fn, **kwargs)
        return self.call(fn, **kwargs)

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

    def dispose(self) -> None:
        """Close the kept connections and every pooled one."""
        if self._threads is not None:
            self._threads.close()
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
