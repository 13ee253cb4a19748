"""What a form asks: a question's kind, its options and its checks, as plain data.

Kept apart from the form engine (bot.forms) so that the kinds' own rules (bot.form_kinds) and
the domain's vocabularies can name a question without importing the engine.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from telegram import Update
from telegram.ext import ContextTypes


class Kind(StrEnum):
    """How a question is answered."""

    TEXT = "text"
    EMAIL = "email"
    CHOICE = "choice"
    MULTI = "multi"
    COUNTRY = "country"
    CONSENT = "consent"
    NUMBER = "number"  # a whole number between minimum and maximum
    DATE = "date"  # stored as YYYY-MM-DD; not after today unless future=True
    ATTACHMENTS = "attachments"  # photos and documents, kept by Telegram file id, then Done
    # A common answer picked from the options' buttons, or one's own typed: stored as
    # {"option": value} or {"text": what was typed} (pick_value, typed_value).
    PICK = "pick"


@dataclass(frozen=True)
class Option:
    """One button of a choice: the stored value and its label's msgid."""

    value: str
    label: str


@dataclass(frozen=True)
class Found:
    """What a question's look-up (Question.look_up) made of a typed text: the value; or why it
    cannot be taken; or values to pick from, offered as buttons under `heading` (a pressed one
    is looked up again, by its value)."""

    value: Any = None
    problem: str | None = None
    heading: str = ""  # HTML, sent as it is
    offered: tuple[tuple[str, str], ...] = ()  # (value, button label)


# (the update, its context, the text typed or the value picked) -> what it is.
LookUp = Callable[[Update, ContextTypes.DEFAULT_TYPE, str], Awaitable[Found]]


@dataclass(frozen=True)
class Question:
    """One step of a form; the key is the draft's column the answer is stored in."""

    key: str
    kind: Kind
    label: str  # msgid, short, for the summary
    prompt: str  # msgid, the question itself
    example: str | None = None  # msgid
    options: tuple[Option, ...] = ()
    max_length: int = 200
    min_length: int = 2  # TEXT: a one-character name or goal is a slip, not an answer
    words: bool = True  # TEXT: a name or description, so it needs letters (not a code)
    optional: bool = False
    columns: int = 1
    applies: Callable[[Mapping[str, Any]], bool] | None = None
    exclude_countries: frozenset[str] = frozenset()
    extra: tuple[Option, ...] = ()  # more buttons, handled by the form's on_extra
    minimum: int | None = None  # NUMBER: smallest allowed (default 0)
    maximum: int | None = None  # NUMBER: largest allowed; ATTACHMENTS: most files
    future: bool = False  # DATE: whether a date after today is allowed
    past: bool = True  # DATE: whether a date before today is allowed
    # DATE: the example is the last day of the month this many months from today (None: two
    # ahead, or last month's when the date cannot lie in the future); see bot.form_kinds.
    example_months: int | None = None
    # A check against the other answers (e.g. women ≤ total): why the value is refused, or None.
    check: Callable[[Mapping[str, Any], Any], str | None] | None = None
    # TEXT: the form's own reading of the text (e.g. a list of countries): (value, None), or
    # (None, why it cannot be taken); and how that value reads in the summary.
    read: Callable[[str], tuple[Any, str | None]] | None = None
    show: Callable[[Any], str] | None = None
    skip_label: str | None = None  # msgid of an optional question's Skip (also once answered)
    # The prompt as it reads with the answers so far (a reference, the decision), already in
    # the reader's language; without it, `prompt`.
    ask: Callable[[Mapping[str, Any]], str] | None = None
    # TEXT with `read`: when read refuses the text, values close to it to pick from at this
    # instant: (the question above them, [(value, button label)]); no values: the refusal stands.
    offer: Callable[[str, datetime], tuple[str, list[tuple[str, str]]]] | None = None
    # TEXT: a reading that needs the database or who answers (a person by name, id or
    # @username), instead of `read`: see Found.
    look_up: LookUp | None = None


def pick_value(option: str) -> dict[str, str]:
    """A PICK answer: the option pressed (or its label typed)."""
    return {"option": option}


def typed_value(text: str) -> dict[str, str]:
    """A PICK answer: one's own, as typed."""
    return {"text": text}
