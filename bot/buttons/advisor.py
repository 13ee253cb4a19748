"""The advisor's buttons (/models: `advx|…`) and the coordinators' model rules (/rules:
`rules|…`).

The packed strings are those the bot always sent (buttons in chats keep working); packing and
unpacking is bot.callbacks."""

from __future__ import annotations

import dataclasses
from enum import StrEnum

from bot.callbacks import CallbackData, Code, Id, Index


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
