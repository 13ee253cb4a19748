"""The main menu's buttons: its entries (`menu|<item>`) and the language picker (`lang|<code>`).

The packed strings are those the bot always sent (buttons in chats keep working); packing and
unpacking is bot.callbacks."""

from __future__ import annotations

import dataclasses
from enum import StrEnum

from bot.callbacks import CallbackData, Code


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
