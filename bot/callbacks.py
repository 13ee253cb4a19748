"""Callback data as typed values: one class per kind of button, packed into and unpacked from the
`prefix|field|…` strings Telegram carries (at most 64 bytes).

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

from storage.statistics import Period

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


# -- the buttons ----------------------------------------------------------------------------------
class MenuItem(StrEnum):
    HOME = "home"
    HELP = "help"
    PRIVACY = "privacy"
    LANGUAGE = "language"
    INTEREST = "interest"
    MINE = "mine"
    MODELS = "models"
    EXPERTS = "experts"
    DEADLINES = "deadlines"


@dataclasses.dataclass(frozen=True)
class Menu(CallbackData, prefix="menu"):
    """menu|<item>: an entry of the main menu."""

    item: MenuItem


@dataclasses.dataclass(frozen=True)
class LanguageChosen(CallbackData, prefix="lang"):
    """lang|<code>."""

    language: Code


class FormAction(StrEnum):
    """What a form button does (one letter each, as on buttons already sent)."""

    ANOTHER = "a"  # an extra option
    BACK = "b"
    CHOICE = "c"
    DONE = "d"
    EDIT = "e"
    COUNTRY = "k"
    CONTINUE = "o"
    KEEP = "p"
    RETYPE = "r"
    SKIP = "s"
    TICK = "t"
    SUBMIT = "u"
    REMOVE = "w"
    CANCEL = "x"
    DAY = "y"
    DISCARD = "z"


@dataclasses.dataclass(frozen=True)
class FormButton(CallbackData):
    """<form prefix>|<draft id>|<step>|<action>|<argument>: a button on a form's step."""

    draft_id: Id
    step: Step
    action: FormAction
    argument: Argument = ""

    @staticmethod
    @cache
    def of_form(prefix: str) -> type[FormButton]:
        """The kind of button of the form whose buttons start with `prefix`."""
        return type(f"FormButton_{prefix}", (FormButton,), {}, prefix=prefix)


@dataclasses.dataclass(frozen=True)
class ProgrammeChosen(CallbackData, prefix="prog"):
    """prog|<programme> (also prog|choose: the list again)."""

    programme: Code


@dataclasses.dataclass(frozen=True)
class ProgrammeConfirmed(CallbackData, prefix="prog!"):
    """prog!|<programme>|<draft id>: start anew, dropping that open draft."""

    programme: Code
    draft_id: Id


@dataclasses.dataclass(frozen=True)
class Revise(CallbackData, prefix="rev"):
    """rev|<expression of interest>."""

    eoi_id: Id


@dataclasses.dataclass(frozen=True)
class ReviseConfirmed(CallbackData, prefix="rev!"):
    """rev!|<expression of interest>|<draft id>: revise it, dropping that open draft."""

    eoi_id: Id
    draft_id: Id


class Choice(StrEnum):
    OPEN = "o"
    IN_REVIEW = "r"
    ACCEPT = "a"
    RETURN = "t"
    DECLINE = "d"


@dataclasses.dataclass(frozen=True)
class Decision(CallbackData, prefix="eoi"):
    """eoi|<expression of interest>|<choice>: a coordinator opens or decides a submission."""

    eoi_id: Id
    choice: Choice


class ReminderAction(StrEnum):
    ACT = "a"
    TOMORROW = "t"
    DONE = "d"
    DONE_CONFIRMED = "y"
    DONE_DECLINED = "n"
    CARD = "c"


@dataclasses.dataclass(frozen=True)
class Reminder(CallbackData, prefix="rem"):
    """rem|<action>|<deadline id>."""

    action: ReminderAction
    deadline_id: Id


class Section(StrEnum):
    """A flow's own entry buttons: start it, or list what is there."""

    GO = "go"
    LIST = "ls"


@dataclasses.dataclass(frozen=True)
class ReportsButton(CallbackData, prefix="rep"):
    """rep|go, rep|ls."""

    section: Section


class ReportAction(StrEnum):
    OPEN = "op"
    EDIT = "ed"
    REVIEWED = "rv"


@dataclasses.dataclass(frozen=True)
class ReportButton(CallbackData, prefix="rep"):
    """rep|<op|ed|rv>|<report id>."""

    action: ReportAction
    report_id: Id


@dataclasses.dataclass(frozen=True)
class ProgressButton(CallbackData, prefix="prg"):
    """prg|go."""

    section: Section


@dataclasses.dataclass(frozen=True)
class DeploymentsButton(CallbackData, prefix="dep"):
    """dep|go, dep|ls."""

    section: Section


@dataclasses.dataclass(frozen=True)
class NewLink(CallbackData, prefix="dep", fixed=("nl",)):
    """dep|nl|<deployment id>."""

    deployment_id: Id


class InvitationAnswer(StrEnum):
    YES = "y"
    NO = "n"


@dataclasses.dataclass(frozen=True)
class InvitationPressed(CallbackData, prefix="inv"):
    """inv|<invitation id>|<y|n>."""

    invitation_id: Id
    answer: InvitationAnswer


@dataclasses.dataclass(frozen=True)
class QuickReportList(CallbackData, prefix="qr", fixed=("ls",)):
    """qr|ls: the messages waiting to be filed."""


class QuickChoice(StrEnum):
    QUICK = "q"
    DETAILS = "d"
    NO = "n"


@dataclasses.dataclass(frozen=True)
class QuickReport(CallbackData, prefix="qr"):
    """qr|<report id>|<q|d|n>."""

    report_id: Id
    choice: QuickChoice


class AdvisorAction(StrEnum):
    NEW = "new"
    CONTINUE = "go"


@dataclasses.dataclass(frozen=True)
class AdvisorButton(CallbackData, prefix="advx"):
    """advx|new, advx|go."""

    action: AdvisorAction


@dataclasses.dataclass(frozen=True)
class ModelTaken(CallbackData, prefix="advx", fixed=("t",)):
    """advx|t|<advisor run>|<model index>."""

    advisor_id: Id
    model: Index


@dataclasses.dataclass(frozen=True)
class BackToQuestion(CallbackData, prefix="advx", fixed=("q",)):
    """advx|q|<advisor run>."""

    advisor_id: Id


@dataclasses.dataclass(frozen=True)
class RulesCountry(CallbackData, prefix="rules", fixed=("c",)):
    """rules|c|<country>."""

    country: Code


@dataclasses.dataclass(frozen=True)
class RuleToggled(CallbackData, prefix="rules", fixed=("s",)):
    """rules|s|<country>|<model index>|<status shown>."""

    country: Code
    model: Index
    seen: Code


@dataclasses.dataclass(frozen=True)
class RuleReasonAsked(CallbackData, prefix="rules", fixed=("r",)):
    """rules|r|<country>|<model index>: write the reason shown to partners."""

    country: Code
    model: Index


class CallStep(StrEnum):
    ALL_COUNTRIES = "ca"
    CONFIRMED = "cy"
    BACK = "cb"
    CANCEL = "x"
    DEADLINE_CONFIRMED = "dy"
    DEADLINE_BACK = "db"


@dataclasses.dataclass(frozen=True)
class EntryButton(CallbackData, prefix="dl"):
    """dl|<step>: a button of /call or /deadline."""

    step: CallStep


@dataclasses.dataclass(frozen=True)
class CallProgramme(CallbackData, prefix="dl", fixed=("cp",)):
    """dl|cp|<programme>."""

    programme: Code


class SettingsAction(StrEnum):
    OPEN = "o"
    ZONE = "z"
    CANCEL = "x"


@dataclasses.dataclass(frozen=True)
class SettingsButton(CallbackData, prefix="set"):
    """set|o, set|z, set|x."""

    action: SettingsAction


@dataclasses.dataclass(frozen=True)
class ZoneChosen(CallbackData, prefix="set", fixed=("s",)):
    """set|s|<time zone>."""

    zone: Zone


@dataclasses.dataclass(frozen=True)
class DigestChosen(CallbackData, prefix="set", fixed=("d",)):
    """set|d|<0|1>."""

    digest: Annotated[int, Range(0, 1)]


class ReasonAction(StrEnum):
    PRESET = "p"
    CONFIRM = "y"
    BACK = "b"
    CANCEL = "x"


@dataclasses.dataclass(frozen=True)
class ReasonButton(CallbackData, prefix="why"):
    """why|<action>|<preset reason or empty>: the reason step of a return or a decline."""

    action: ReasonAction
    argument: Argument = ""


class HistoryAction(StrEnum):
    HISTORY = "h"
    FULL = "f"


@dataclasses.dataclass(frozen=True)
class SubmissionButton(CallbackData, prefix="sub"):
    """sub|<h|f>|<expression of interest>: its history, or the whole of it to read."""

    action: HistoryAction
    eoi_id: Id


@dataclasses.dataclass(frozen=True)
class PersonPicked(CallbackData, prefix="dl", fixed=("pp",)):
    """dl|pp|<person id>: the person a coordinator picked from a search by name."""

    person_id: Id


class ErasureChoice(StrEnum):
    ERASE = "e"
    KEEP = "k"


@dataclasses.dataclass(frozen=True)
class ErasureButton(CallbackData, prefix="del"):
    """del|<e|k>: erase my data, or keep it."""

    choice: ErasureChoice


@dataclasses.dataclass(frozen=True)
class StatsPeriodChosen(CallbackData, prefix="stats"):
    """stats|<period>: a coordinator chooses the period of the /stats charts."""

    period: Period
