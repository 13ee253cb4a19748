"""A guided form: its questions, its drafts' callback data and how its answers are shown.

A form is data: questions of a few kinds (free text, e-mail, one choice, several choices, a
country, consent, numbers, dates, files). The draft in the database holds the answers and the step
the person is at, so a restart of the bot loses nothing. Every step shows "step k of n", Back and
Cancel; the summary lets the person edit any answer and submit. How answers are taken and saved
is in bot.form_answers; how a step is shown, in bot.step_views.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Generic, TypeAlias

from telegram import Update
from telegram.ext import ContextTypes

from bot import form_kinds
from bot.buttons.form import FormAction, FormButton
from bot.i18n import N_, _, country_name
from bot.messaging import (
    Button,
)
from bot.questions import Kind, Question
from storage.drafts import Draft as Draft
from storage.drafts import DraftT

logger = logging.getLogger(__name__)

SUMMARY = "summary"
# Room in one message for the summary's values; longer answers are shortened on screen only.
SUMMARY_BUDGET = 3000


@dataclass(frozen=True)
class DraftStore(Generic[DraftT]):
    """The storage functions a form saves through (each owns its transaction); DraftT: the kind
    of draft they hand back."""

    save: Callable[..., DraftT]  # (session, draft, answers, step, editing, update_id, now)
    move: Callable[..., DraftT]  # (session, draft_id, step, editing, paused)
    discard: Callable[..., None]  # (session, draft_id)


FormHook = Callable[[Update, ContextTypes.DEFAULT_TYPE, DraftT], Awaitable[None]]
ExtraHook = Callable[[Update, ContextTypes.DEFAULT_TYPE, DraftT, Question, str], Awaitable[None]]


@dataclass
class Form(Generic[DraftT]):
    """A sequence of questions with the hooks that make it one conversation.

    Generic over its kind of draft: its store hands back a DraftT and its hooks take one, so a
    hook written for another kind of draft is a type error (tests/test_types.py)."""

    name: str
    title: str  # msgid
    questions: tuple[Question, ...]
    store: DraftStore[DraftT]
    on_submit: FormHook[DraftT]
    on_discarded: FormHook[DraftT]
    on_extra: ExtraHook[DraftT] | None = None
    # Where Back on the first question leads (the programme choice, the form an advisor left).
    on_first_back: FormHook[DraftT] | None = None
    prefix: str = "f"  # of its buttons' callback data
    slot: str = "draft"  # where this process caches the person's draft of this kind
    submit_label: str = N_("📨 Submit")  # msgid of the summary's last button
    # The person's time zone for a draft (for "today" in DATE questions); UTC without it.
    zone_of: Callable[[DraftT], str] | None = None
    # The earliest date a DATE answer may have (a report: the day its deployment started).
    earliest: Callable[[DraftT], date | None] | None = None
    # More keyword arguments for store.save, from who answers (a coordinator's programmes).
    save_scope: Callable[[Update, ContextTypes.DEFAULT_TYPE], Mapping[str, Any]] | None = None
    # False: the last answer is carried out at once (a one-step change such as a time zone),
    # without a summary to confirm.
    confirm: bool = True
    # msgid of the summary's last line, saying what submitting does; else the general one.
    confirm_note: str | None = None
    # A line above the summary's answers saying what the draft is about (from its answers,
    # in the reader's language), e.g. the submission a decision is on.
    about: Callable[[Mapping[str, Any]], str] | None = None
    _index: dict[str, int] = field(init=False, default_factory=dict)

    def __post_init__(self) -> None:
        self._index = {q.key: i for i, q in enumerate(self.questions)}

    def applicable(self, answers: Mapping[str, Any]) -> list[Question]:
        """The questions that apply given the answers so far."""
        return [q for q in self.questions if q.applies is None or q.applies(answers)]

    def question(self, key: str) -> Question | None:
        """The question with this key, if the form has one."""
        index = self._index.get(key)
        return None if index is None else self.questions[index]

    def index(self, key: str) -> int:
        """The position of the question with this key among all the form's questions (0 if none)."""
        return self._index.get(key, 0)

    def step_code(self, step: str) -> str:
        """A step as buttons carry it: the question's index, or "s" for the summary."""
        return "s" if step == SUMMARY else str(self.index(step))

    def first_step(self) -> str:
        """The key of the first question."""
        return self.applicable({})[0].key

    def next_step(self, key: str, answers: Mapping[str, Any], editing: bool) -> str:
        """Where to go after answering key: onward, or from an edit back to the summary."""
        questions = self.applicable(answers)
        if editing:
            missing = [q for q in questions if answers.get(q.key) is None and not q.optional]
            return missing[0].key if missing else SUMMARY
        keys = [q.key for q in questions]
        position = keys.index(key) if key in keys else -1
        return keys[position + 1] if position + 1 < len(keys) else SUMMARY

    def previous_step(self, key: str, answers: Mapping[str, Any]) -> str | None:
        """The question before key (the last one before the summary)."""
        keys = [q.key for q in self.applicable(answers)]
        if key == SUMMARY:
            return keys[-1]
        position = keys.index(key) if key in keys else 0
        return keys[position - 1] if position > 0 else None

    def refused(self, answers: Mapping[str, Any]) -> list[Question]:
        """Consent questions answered "No": nothing can be submitted until they are "Yes"."""
        return [
            q
            for q in self.applicable(answers)
            if q.kind == Kind.CONSENT and answers.get(q.key) is False
        ]

    def missing(self, answers: Mapping[str, Any]) -> list[Question]:
        """Required questions without an answer (or a consent not given)."""
        return [
            q
            for q in self.applicable(answers)
            if not q.optional
            and (
                answers.get(q.key) in (None, "", [])
                or (q.kind == Kind.CONSENT and not answers[q.key])
            )
        ]


# Forms of every kind side by side (the open drafts of a person, the features' contributions).
AnyForm: TypeAlias = "Form[Any]"


# -- showing values -----------------------------------------------------------------------------
def display(question: Question, value: Any) -> str:
    """An answer as the reader sees it, in their language (not yet HTML-escaped)."""
    if question.show is not None or value is None or value == "" or value == []:
        return question.show(value) if question.show is not None else "—"
    labels = {o.value: _(o.label) for o in question.options}
    if question.kind == Kind.CHOICE:
        return labels.get(value, str(value))
    if question.kind == Kind.MULTI:
        return "; ".join(labels.get(v, str(v)) for v in value)
    if question.kind == Kind.COUNTRY:
        return country_name(value)
    if question.kind == Kind.CONSENT:
        return _("Yes") if value else _("No")
    if question.kind == Kind.PICK:
        option = value.get("option") if isinstance(value, dict) else None
        typed = value.get("text") if isinstance(value, dict) else value
        return labels.get(option, str(option)) if option is not None else str(typed or "—")
    if question.kind in (Kind.NUMBER, Kind.DATE, Kind.ATTACHMENTS):
        return form_kinds.display(question, value)
    return str(value)


class SummaryLines(list[tuple[str, str]]):
    """(label, value) lines; `shortened` says whether a long value was cut to fit."""

    shortened: bool = False


def summary_lines(form: Form[DraftT], answers: Mapping[str, Any]) -> SummaryLines:
    """(label, value) for every applicable question, long values shortened to fit one message."""
    questions = form.applicable(answers)
    limit = max(80, SUMMARY_BUDGET // max(1, len(questions)))
    lines = SummaryLines()
    for q in questions:
        shown = display(q, answers.get(q.key))
        if len(shown) > limit:
            shown = shown[: limit - 1].rstrip() + "…"
            lines.shortened = True
        lines.append((_(q.label), shown))
    return lines


# -- callback data: <prefix>|<draft>|<step index>|<action>|<argument>, at most 64 bytes ---------
def data(form: Form[DraftT], draft: DraftT, action: FormAction, argument: str | int = "") -> str:
    """Callback data for a button on the draft's current step."""
    kind = FormButton.of_form(form.prefix)
    return kind.pack_values(draft.id, form.step_code(draft.step), action, argument)


def parse_data(raw: object, form: Form[DraftT]) -> FormButton | None:
    """The form button this callback data is, or None."""
    return FormButton.of_form(form.prefix).unpack(raw)


def offered_key(question: Question) -> str:
    """Where a draft keeps the values offered for a typed answer (Question.offer): the buttons
    carry their index only."""
    return f"{question.key}:offered"


def nav_row(form: Form[DraftT], draft: DraftT) -> list[Button]:
    return [
        (_("◀️ Back"), data(form, draft, FormAction.BACK)),
        (_("✖️ Cancel"), data(form, draft, FormAction.CANCEL)),
    ]


def consent_needed(question: Question, *, at_summary: bool) -> str:
    """Why nothing can be submitted while a consent is "No", naming it, and what to do."""
    if at_summary:
        return _(
            "Submitting needs your consent: tap “✏️ {label}” and choose “Yes, I agree”."
        ).format(label=_(question.label))
    return _(
        "Submitting needs your consent (“{label}”): choose “Yes, I agree” below, or Cancel."
    ).format(label=_(question.label))


def resume_rows(form: Form[DraftT], draft: DraftT) -> list[list[Button]]:
    """Continue / Discard buttons for a draft the person left."""
    return [
        [
            (_("▶️ Continue"), data(form, draft, FormAction.CONTINUE)),
            (_("🗑 Discard draft"), data(form, draft, FormAction.DISCARD)),
        ]
    ]


def position(form: Form[DraftT], draft: DraftT) -> tuple[int, int]:
    """(k, n): the draft is at step k of n (k = n at the summary)."""
    keys = [q.key for q in form.applicable(draft.answers)]
    return (keys.index(draft.step) + 1 if draft.step in keys else len(keys)), len(keys)
