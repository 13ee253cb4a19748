"""The coordinators' statistics (/stats): `stats|<period>`.

The packed strings are those the bot always sent (buttons in chats keep working); packing and
unpacking is bot.callbacks."""

from __future__ import annotations

import dataclasses

from bot.callbacks import CallbackData
from storage.statistics import Period


@dataclasses.dataclass(frozen=True)
class StatsPeriodChosen(CallbackData, prefix="stats"):
    """stats|<period>: a coordinator chooses the period of the /stats charts."""

    period: Period
