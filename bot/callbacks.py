"""Callback data as typed values: the codec. One class per kind of button (in bot.buttons, by
feature), packed into and unpacked from the `prefix|field|…` strings Telegram carries (at most 64
bytes).

The strings are those the bot always sent (`rem|a|12`, `eoi|3|o`, `f|7|2|c|1`), so buttons on
messages sent before an upgrade keep working. Unpacking checks the prefix, the number of fields
and each field's type and range; anything else is None (or `ForgedButton` from `of()`), and the
router answers it with one polite refusal. A value that unpacks is still only a pointer: whether
the draft, report or deadline is the presser's own is checked against the database.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable
from enum import StrEnum
from functools import cache, lru_cache
from typing import Annotated, Any, ClassVar, Self, cast, get_args, get_origin, get_type_hints

from telegram import Update

SEPARATOR = "|"
MAX_BYTES = 64  # Telegram's limit for callback data
MAX_ID = 2**63 - 1  # ids are signed 64-bit in the database


class ForgedButton(Exception):
    """A press whose data no button of the bot carries (forged, malformed or from nowhere)."""


@dataclasses.dataclass(frozen=True)
class Range:
    """An int field's allowed values (digits ASCII only: `²` or `٣` are no number here)."""

    low: int
    high: int


@dataclasses.dataclass(frozen=True)
class Token:
    """A str field's allowed spelling."""

    pattern: str


Id = Annotated[int, Range(1, MAX_ID)]
Index = Annotated[int, Range(0, 999)]
Code = Annotated[str, Token(r"[A-Za-z0-9_]{1,24}")]  # a programme, country or language code
Zone = Annotated[str, Token(r"[A-Za-z][A-Za-z0-9_+\-/]{0,59}")]  # an IANA time zone name
Step = Annotated[str, Token(r"s|[0-9]{1,3}")]  # a form's summary, or its question's index
Argument = Annotated[str, Token(r"[A-Za-z0-9_]{0,24}")]  # a form button's argument, may be empty

_DIGITS = re.compile(r"-?[0-9]{1,19}", re.ASCII)


class CallbackData:
    """Base of every kind of button: subclasses are frozen dataclasses with a `prefix`.

    `fixed` fields come right after the prefix and are part of the kind (`rem|a|…` is a different
    kind from `rem|t|…`)."""

    prefix: ClassVar[str]
    fixed: ClassVar[tuple[str, ...]] = ()

    def __init_subclass__(
        cls, prefix: str | None = None, fixed: tuple[str, ...] = (), **kwargs: Any
    ) -> None:
        super().__init_subclass__(**kwargs)
        if prefix is not None:
            cls.prefix = prefix
        if fixed:
            cls.fixed = fixed

    def pack(self) -> str:
        """The callback data of this button (at most 64 bytes)."""
        # Fields are ints, strs and StrEnums: str() is their text (vars() keeps their order).
        packed = SEPARATOR.join([_layout(_kind(self))[0], *map(str, vars(self).values())])
        if len(packed) > MAX_BYTES // 4 and len(packed.encode()) > MAX_BYTES:
            raise ValueError(f"callback data over {MAX_BYTES} bytes: {packed!r}")
        return packed

    @classmethod
    def pack_values(cls, *values: object) -> str:
        """What pack() gives for a button with these field values, without building it: for
        the buttons of every form step (values of the fields' own types, in their order)."""
        packed = SEPARATOR.join((_layout(_kind(cls))[0], *map(str, values)))
        if len(packed) > MAX_BYTES // 4 and len(packed.encode()) > MAX_BYTES:
            raise ValueError(f"callback data over {MAX_BYTES} bytes: {packed!r}")
        return packed

    @classmethod
    def unpack(cls, data: object) -> Self | None:
        """The button whose packed data this is, or None for anything malformed."""
        if not isinstance(data, str) or len(data) > MAX_BYTES:
            return None
        return _unpacked(_kind(cls), data)

    @classmethod
    def of(cls, update: Update) -> Self:
        """The pressed button of this kind; ForgedButton if the press carries anything else."""
        query = update.callback_query
        if query is None or query.message is None:
            raise ForgedButton("a press without its message")
        found = cls.unpack(query.data)
        if found is None:
            raise ForgedButton(f"not {cls.__name__}: {query.data!r}")
        return found

    @classmethod
    def pattern(cls, **wanted: Any) -> ButtonPattern:
        """For CallbackQueryHandler(pattern=…): data that unpacks as this kind (with these
        field values, e.g. `Decision.pattern(choice=Choice.OPEN)`)."""
        return ButtonPattern(cls, tuple(wanted.items()))


@dataclasses.dataclass(frozen=True)
class ButtonPattern:
    """A callable pattern for python-telegram-bot: whether callback data is a button of `kind`."""

    kind: type[CallbackData]
    wanted: tuple[tuple[str, Any], ...] = ()

    @property
    def prefix(self) -> str:
        return self.kind.prefix

    def __call__(self, data: object) -> bool:
        found = self.kind.unpack(data)
        return found is not None and all(getattr(found, k) == v for k, v in self.wanted)


@dataclasses.dataclass(frozen=True)
class OlderButton:
    """A callable pattern for any data with this prefix that no current kind takes: a button
    of an older version of the bot, answered by its flow (registered after the flow's kinds)."""

    prefix: str

    def __call__(self, data: object) -> bool:
        return isinstance(data, str) and data.partition(SEPARATOR)[0] == self.prefix


def _kind(button: object) -> Any:
    """A button's class (or the class itself) as a cache key; Any, because mypy takes a
    dataclass type for unhashable."""
    return button if isinstance(button, type) else type(button)


@cache
def _layout(
    cls: Any,  # a CallbackData subclass (typed Any: mypy takes a dataclass type for unhashable)
) -> tuple[str, tuple[str, ...], tuple[Callable[[str], Any], ...]]:
    """The kind's packed head (`rem|a`), its field names, and for each field a function from its
    text to its value (None if the text is not a valid value)."""
    hints = get_type_hints(cls, include_extras=True)
    names = tuple(f.name for f in dataclasses.fields(cast(Any, cls)))
    head = SEPARATOR.join((cls.prefix, *cls.fixed))
    return head, names, tuple(_converter(hints[name]) for name in names)


# A press is checked by its handler's pattern and read again by the handler (and the same
# buttons come back often): the unpacked values are immutable, so they are kept.
@lru_cache(maxsize=4096)
def _unpacked(cls: Any, data: str) -> Any:
    head, _names, converters = _layout(cls)
    if not data.startswith(head):
        return None
    parts = data[len(head) :].split(SEPARATOR)
    if len(parts) != len(converters) + 1 or parts[0] != "":  # the head is a whole field
        return None
    values = []
    for convert, raw in zip(converters, parts[1:], strict=True):
        value = convert(raw)
        if value is None:
            return None
        values.append(value)
    return cls(*values)


def _converter(hint: Any) -> Callable[[str], Any]:
    if get_origin(hint) is Annotated:
        base, *marks = get_args(hint)
        for mark in marks:
            if isinstance(mark, Range):
                return _int_in(mark)
            if isinstance(mark, Token):
                return _token(re.compile(mark.pattern, re.ASCII))
        hint = base
    if isinstance(hint, type) and issubclass(hint, StrEnum):
        return _member_of(hint)
    raise TypeError(f"no converter for a callback data field of type {hint!r}")


def _int_in(allowed: Range) -> Callable[[str], int | None]:
    def convert(raw: str) -> int | None:
        if not _DIGITS.fullmatch(raw):
            return None
        value = int(raw)
        return value if allowed.low <= value <= allowed.high else None

    return convert


def _token(pattern: re.Pattern[str]) -> Callable[[str], str | None]:
    def convert(raw: str) -> str | None:
        return raw if pattern.fullmatch(raw) else None

    return convert


def _member_of(enum: type[StrEnum]) -> Callable[[str], StrEnum | None]:
    by_value = {str(member.value): member for member in enum}
    return by_value.get
