"""A form's answers are columns of its draft table, marked as answers where they are declared.

The column is the one place a question's key is defined: the storage module's ANSWER_KEYS (what
the draft repository saves and blanks, what the export and the summary list) is read off the table,
and each form's questions are tested against it (tests/test_answer_columns.py). A column a helper
fills instead of a question (the expert-model advisor's answers) is an answer that is not asked.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import inspect
from sqlmodel import Field, SQLModel

_MARK = "answer"
_ASKED = "asked"
_FILLED = "filled"  # by a helper on the person's behalf, not by a question of the form


def answer(*, asked: bool = True, **field: Any) -> Any:
    """A column that holds an answer to one of the form's questions (empty until answered);
    asked=False: one that a helper fills for the person (kept with the draft all the same)."""
    info = {_MARK: _ASKED if asked else _FILLED}
    return Field(default=None, sa_column_kwargs={"info": info}, **field)


def answer_keys(table: type[SQLModel]) -> tuple[str, ...]:
    """The table's answer columns, in the order they are declared (the questions' order)."""
    columns = inspect(table).columns
    return tuple(column.key for column in columns if column.info.get(_MARK))


def asked_keys(table: type[SQLModel]) -> tuple[str, ...]:
    """The table's answer columns that a question asks for, in the order they are declared."""
    columns = inspect(table).columns
    return tuple(column.key for column in columns if column.info.get(_MARK) == _ASKED)
