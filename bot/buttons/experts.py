"""The deployed experts' buttons: their sections (reports, progress, deployments), a report's
buttons, a new invitation link, an invitation's answer and the quick reports.

The packed strings are those the bot always sent (buttons in chats keep working); packing and
unpacking is bot.callbacks."""

from __future__ import annotations

import dataclasses
from enum import StrEnum

from bot.callbacks import CallbackData, Id


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
