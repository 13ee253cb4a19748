"""PostgreSQL: the threads that run storage calls, each with an autocommit connection of its own.

Checking a connection out of the pool and switching it to autocommit and back cost more CPU
than the statement itself (see storage/db.py and the README's Benchmarks). So the database's own
worker threads each keep one connection in autocommit: a one-statement call runs on it as is
(one round trip); a call with several statements runs between BEGIN and COMMIT on it. A
connection whose call failed is thrown away, so no transaction is ever left open on it.
"""

from __future__ import annotations

import asyncio
import contextvars
import functools
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

from sqlalchemy import Connection, Engine

T = TypeVar("T")

# Threads that run storage calls; the pool must hold their kept connections plus as many for
# sessions (see make_engine).
THREADS = 8


class ThreadConnections:
    """The worker threads and the connection each one keeps."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine.execution_options(isolation_level="AUTOCOMMIT")
        self._local = threading.local()
        self._lock = threading.Lock()
        self._kept: set[Connection] = set()
        self._executor: ThreadPoolExecutor | None = None

    async def run(self, call: Callable[..., T], /, *args: Any, **kwargs: Any) -> T:
        """call(*args, **kwargs) in a worker thread, with the caller's context variables."""
        with self._lock:
            if self._executor is None:
                self._executor = ThreadPoolExecutor(
                    THREADS, thread_name_prefix="database", initializer=self._mark_own
                )
            executor = self._executor
        context = contextvars.copy_context()
        job = functools.partial(context.run, call, *args, **kwargs)
        return await asyncio.get_running_loop().run_in_executor(executor, job)

    def _mark_own(self) -> None:
        self._local.own = True

    def mine(self) -> bool:
        """Whether the current thread is one of the worker threads (it keeps a connection)."""
        return getattr(self._local, "own", False)

    def call(self, fn: Callable[..., T], one_statement: bool, /, **kwargs: Any) -> T:
        """Run fn(connection=..., **kwargs) on this worker thread's kept connection, committed
        when it returns (only in a worker thread: see mine)."""
        connection = getattr(self._local, "connection", None)
        if connection is None:
            connection = self._local.connection = self._engine.connect()
            with self._lock:
                self._kept.add(connection)
        try:
            if one_statement:
                result = fn(connection=connection, **kwargs)
            else:
                connection.exec_driver_sql("BEGIN")
                result = fn(connection=connection, **kwargs)
                connection.exec_driver_sql("COMMIT")
            connection.commit()  # ends SQLAlchemy's own bookkeeping; nothing is sent
        except BaseException:
            # The statement, or the COMMIT, failed: a transaction may be open on it.
            self._local.connection = None
            with self._lock:
                self._kept.discard(connection)
            connection.invalidate()
            connection.close()
            raise
        return result

    def close(self) -> None:
        """Stop the threads and close their connections (a later run starts new ones)."""
        with self._lock:
            executor, self._executor = self._executor, None
        if executor is not None:
            executor.shutdown(wait=True)
        with self._lock:
            kept, self._kept = self._kept, set()
        for connection in kept:
            connection.close()
