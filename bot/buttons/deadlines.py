"""Deadline buttons: the reminders' (`rem|…`), /call and /deadline (`dl|…`) and /settings
(`set|…`).

The packed strings are those the bot always sent (buttons in chats keep working); packing and
unpacking is bot.callbacks."""

from __future__ import annotations

import dataclasses
from enum import StrEnum
from typing import Annotated

from bot.callbacks import CallbackData, Code, Id, Range, Zone


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


@dataclasses.dataclass(frozen=True)
class PersonPicked(CallbackData, prefix="dl", fixed=("pp",)):
    """dl|pp|<person id>: the person a coordinator picked from a search by name."""

    person_id: Id


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
