"""Erasing one's data (/deleteme): `del|<e|k>`.

The packed strings are those the bot always sent (buttons in chats keep working); packing and
unpacking is bot.callbacks."""

from __future__ import annotations

import dataclasses
from enum import StrEnum

from bot.callbacks import CallbackData


class ErasureChoice(StrEnum):
    ERASE = "e"
    KEEP = "k"


@dataclasses.dataclass(frozen=True)
class ErasureButton(CallbackData, prefix="del"):
    """del|<e|k>: erase my data, or keep it."""

    choice: ErasureChoice
