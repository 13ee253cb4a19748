"""Recording the statements the bot sends, whichever way they go: through SQLAlchemy's engine
(SQLite, and PostgreSQL's worker threads) or awaited on the event loop (storage.pg_loop)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from sqlalchemy import event

from storage.db import Database
from storage.pg_loop import LoopConnection


@contextmanager
def recorded(db: Database) -> Iterator[list[tuple[str, bool]]]:
    """The statements sent while the block runs, in order: (SQL on one line, whether it ran
    in autocommit, i.e. without BEGIN and COMMIT around it)."""
    seen: list[tuple[str, bool]] = []

    def note(conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        autocommit = getattr(conn.connection.dbapi_connection, "autocommit", False)
        seen.append((" ".join(statement.split()), bool(autocommit)))

    execute = LoopConnection.execute

    async def noted(self: LoopConnection, statement: Any, values: Any = None) -> Any:
        compiled = self._owner.compiled(statement, frozenset(values or {}))
        seen.append((" ".join(compiled.sql.split()), self.driver.autocommit))
        return await execute(self, statement, values)

    event.listen(db.engine, "before_cursor_execute", note)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(LoopConnection, "execute", noted)
        try:
            yield seen
        finally:
            event.remove(db.engine, "before_cursor_execute", note)
