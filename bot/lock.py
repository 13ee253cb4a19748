"""One bot process per token: a lock file beside SQLite, an advisory lock on PostgreSQL."""

from __future__ import annotations

import fcntl
import hashlib
import logging
from pathlib import Path
from typing import IO, Any

from sqlalchemy import text

from storage.db import Database

logger = logging.getLogger(__name__)


class AlreadyRunning(RuntimeError):
    """Another bot process serves this token on this database."""


class InstanceLock:
    """Held for the life of the process; released on close (or by the OS when it dies)."""

    def __init__(self, db: Database, token_id: str) -> None:
        self.db = db
        self.key = int.from_bytes(
            hashlib.sha256(f"partnerbot:{token_id}".encode()).digest()[:8], "big", signed=True
        )
        self._file: IO[str] | None = None
        self._connection: Any = None

    def acquire(self) -> None:
        """Take the lock or raise AlreadyRunning."""
        if self.db.dialect == "sqlite":
            database = self.db.engine.url.database or "partnerbot.sqlite3"
            path = Path(f"{database}.{self.key & 0xFFFFFFFF:08x}.lock")
            handle = path.open("a")
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError as error:
                handle.close()
                raise AlreadyRunning(f"another partnerbot process holds {path}") from error
            self._file = handle
            return
        connection = self.db.engine.connect()
        got = connection.execute(
            text("SELECT pg_try_advisory_lock(:key)"), {"key": self.key}
        ).scalar()
        connection.commit()
        if not got:
            connection.close()
            raise AlreadyRunning(
                "another partnerbot process serves this bot token on this database"
            )
        self._connection = connection

    def release(self) -> None:
        """Let go of the lock."""
        if self._file is not None:
            fcntl.flock(self._file, fcntl.LOCK_UN)
            self._file.close()
            self._file = None
        if self._connection is not None:
            try:
                self._connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": self.key})
                self._connection.commit()
            finally:
                self._connection.close()
                self._connection = None
