"""What each conversation contributes to the bot, and the sum of it, collected by the wiring.

A conversation module's `setup()` returns a `Contribution`: its handlers, the kinds of form a
person can have open with it, how its notices read, what its outbox rows say at send time, what
its reminders' "act now" opens and its commands (Telegram's command menu and /help list them).
The wiring (bot.app) adds them up into one `Contributions`, kept in `Services`, where the engine
finds them. So the engine never imports a conversation, no conversation imports another to learn
what the others do, and nothing is registered as a side effect of importing or setting up a
module.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, TypeVar

from telegram import Update
from telegram.ext import ContextTypes

from bot.forms import AnyForm, Draft
from bot.messaging import Button
from bot.ptb_types import App, Handler
from bot.questions import Question
from storage.deadlines import DeadlineView
from storage.outbox import Outgoing

Rows = list[list[Button]]
# The person's draft of a form kind (with the form it belongs to), or None.
FindDraft = Callable[[ContextTypes.DEFAULT_TYPE, int], Awaitable[tuple[AnyForm, Draft] | None]]
# The line /start shows about an open draft: (form, draft, step k, of n, at the summary).
DraftNote = Callable[[AnyForm, Draft, int, int, bool], str]
# A line and buttons /start shows about something else that waits for the person.
Waiting = Callable[[Update, ContextTypes.DEFAULT_TYPE], Awaitable[tuple[str, Rows]]]
# A notice's text from its outbox params (in the recipient's language, set by the caller).
Renderer = Callable[[dict[str, Any]], str]
# What an outbox row of a template says at send time; None: nothing to send (it recorded why).
Prepared = tuple[str, Sequence[Sequence[Button]]] | None
Preparer = Callable[[App, Outgoing, str, str], Awaitable[Prepared]]
# What a form's extra button hands over to another conversation (e.g. "Help me choose").
Helper = Callable[[Update, ContextTypes.DEFAULT_TYPE, Draft, Question, str], Awaitable[None]]
# The questions of each kind of submission ("report", "advisor", …), whose labels and option
# labels the exports and /mydata use; a kind asked differently by programme is contributed
# once per variant as "<kind>:<variant>" ("interest:fkf", "interest:vwp").
Questions = Mapping[str, Sequence[Question]]
# What a reminder's "act now" opens for a kind of deadline.
Action = Callable[[Update, ContextTypes.DEFAULT_TYPE, DeadlineView], Awaitable[None]]


class Audience(StrEnum):
    """Whom a command is for: /help lists each audience in a section of its own."""

    EVERYONE = "everyone"
    EXPERTS = "experts"  # in everyone's command menu too (an expert's chat is anyone's)
    COORDINATORS = "coordinators"  # in the coordinators' own menu and /help section only


@dataclass(frozen=True)
class Command:
    """A command as Telegram's command menu and /help show it."""

    name: str
    menu: str  # msgid: the command menu's short description
    help: str | None = None  # msgid: what /help says of it (None: the menu's description)
    audience: Audience = Audience.EVERYONE
    # A coordinators' command of one programme only (shown to its coordinators).
    programme: str | None = None
    # About the chat itself (help, language, privacy, …) rather than the programmes: listed
    # after the programmes' commands.
    about_the_bot: bool = False

    @property
    def explained(self) -> str:
        """The msgid /help shows."""
        return self.help or self.menu


@dataclass(frozen=True)
class OpenForm:
    """A kind of form a person can leave open, and how to find their draft of it."""

    slot: str  # the form's slot (Form.slot; the programmes' forms share one)
    find: FindDraft
    coordinators_only: bool = False
    # Whether starting another form pauses this one (the advisor waits on buttons instead).
    paused_by_others: bool = True
    # Whose handler takes its typed answers: "partners" (group 1) or "experts" (group 3).
    answered_by: str = "partners"
    note: DraftNote | None = None  # its own line for /start; else the general one
    # The kind of draft storage loads with the person on their first update in this process
    # (storage.first_contact.DRAFT_KINDS), kept in the slot so nothing else is looked up.
    kind: str = ""


@dataclass(frozen=True)
class Contribution:
    """What one conversation adds to the bot (its setup() returns this)."""

    handlers: Sequence[Handler] = ()
    open_forms: Sequence[OpenForm] = ()
    waiting: Sequence[Waiting] = ()
    notices: Mapping[str, Renderer] = field(default_factory=dict)
    preparers: Mapping[str, Preparer] = field(default_factory=dict)
    actions: Mapping[str, Action] = field(default_factory=dict)
    helpers: Mapping[str, Helper] = field(default_factory=dict)
    questions: Questions = field(default_factory=dict)
    commands: Sequence[Command] = ()


@dataclass(frozen=True)
class Contributions:
    """Everything the conversations contribute, added up in the wiring's order."""

    open_forms: tuple[OpenForm, ...] = ()
    waiting: tuple[Waiting, ...] = ()
    notices: Mapping[str, Renderer] = field(default_factory=dict)
    preparers: Mapping[str, Preparer] = field(default_factory=dict)
    actions: Mapping[str, Action] = field(default_factory=dict)
    helpers: Mapping[str, Helper] = field(default_factory=dict)
    questions: Questions = field(default_factory=dict)
    commands: tuple[Command, ...] = ()

    @classmethod
    def collect(cls, parts: Iterable[Contribution]) -> Contributions:
        """The sum of the parts; two parts claiming one template, flow or kind is a mistake."""
        parts = list(parts)
        return cls(
            open_forms=tuple(f for p in parts for f in p.open_forms),
            waiting=tuple(w for p in parts for w in p.waiting),
            notices=_merged(p.notices for p in parts),
            preparers=_merged(p.preparers for p in parts),
            actions=_merged(p.actions for p in parts),
            helpers=_merged(p.helpers for p in parts),
            questions=_merged(p.questions for p in parts),
            commands=_commands(c for p in parts for c in p.commands),
        )

    def commands_for(self, *, coordinator: bool, programmes: frozenset[str]) -> list[Command]:
        """The commands someone sees, in the order menus list them: everyone's and experts'
        (those about the bot itself after them), then a coordinator's own (of the programmes
        they coordinate); within each, in the wiring's order."""
        shown = [
            c
            for c in self.commands
            if c.audience != Audience.COORDINATORS
            or (coordinator and (c.programme is None or c.programme in programmes))
        ]
        audiences = list(Audience)
        return sorted(
            shown,
            key=lambda c: (
                c.audience == Audience.COORDINATORS,
                c.about_the_bot,
                audiences.index(c.audience),
            ),
        )


V = TypeVar("V")


def variants(questions: Questions, kind: str) -> dict[str, Sequence[Question]]:
    """A kind's questions by variant, contributed as "<kind>:<variant>" (the expression of
    interest's by programme: "interest:fkf"), or as the kind alone (variant "": for every one)."""
    return {
        name.partition(":")[2]: asked
        for name, asked in questions.items()
        if name.partition(":")[0] == kind
    }


def questions_of(questions: Questions, kind: str) -> list[Question]:
    """A kind's questions of every variant, the first of each key."""
    seen: dict[str, Question] = {}
    for asked in variants(questions, kind).values():
        for question in asked:
            seen.setdefault(question.key, question)
    return list(seen.values())


def _commands(commands: Iterable[Command]) -> tuple[Command, ...]:
    """The commands in the wiring's order; one name contributed twice is a mistake."""
    found = tuple(commands)
    names = [c.name for c in found]
    twice = {name for name in names if names.count(name) > 1}
    if twice:
        raise ValueError(f"commands contributed twice: {sorted(twice)}")
    return found


def _merged(mappings: Iterable[Mapping[str, V]]) -> dict[str, V]:
    merged: dict[str, V] = {}
    for mapping in mappings:
        for key, value in mapping.items():
            if key in merged:
                raise ValueError(f"{key!r} is contributed twice")
            merged[key] = value
    return merged
