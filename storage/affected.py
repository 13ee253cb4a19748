"""How many rows an UPDATE or DELETE changed.

`Session.execute` is typed to return a plain `Result`, though a data-changing statement gives a
`CursorResult`, whose `rowcount` is the count; this says so in one place instead of silencing
the type checker at every conditional update.
"""

from __future__ import annotations

from typing import Any, cast

from sqlalchemy import CursorResult, Result


def affected(result: Result[Any]) -> int:
    """The number of rows the statement changed (0 when none matched)."""
    return int(cast(CursorResult[Any], result).rowcount or 0)
