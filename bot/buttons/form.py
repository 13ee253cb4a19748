"""A form step's buttons (`<form prefix>|<draft id>|<step>|<action>|<argument>`): what each
does, and the kind of button of each form, by its prefix.

The packed strings are those the bot always sent (buttons in chats keep working); packing and
unpacking is bot.callbacks."""

from __future__ import annotations

import dataclasses
from enum import StrEnum
from functools import cache

from bot.callbacks import Argument, CallbackData, Id, Step


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
    OFFERED = "v"  # one of the values offered for a typed answer (Question.offer)
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
