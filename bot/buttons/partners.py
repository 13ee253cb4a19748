"""The partners' and reviewers' buttons: a programme chosen, a submission revised, a
coordinator's decision and the reason step after it, a submission's history.

The packed strings are those the bot always sent (buttons in chats keep working); packing and
unpacking is bot.callbacks."""

from __future__ import annotations

import dataclasses
from enum import StrEnum

from bot.callbacks import Argument, CallbackData, Code, Id


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
