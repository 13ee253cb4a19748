"""One submission to read in full (its submitter from /mine, coordinators from /submissions),
over several messages when it is long, and its history for coordinators (the audit trail)."""

from __future__ import annotations

import html
from typing import Any

from telegram import Update
from telegram.ext import CallbackQueryHandler, ContextTypes

from bot import forms, long_text
from bot.buttons.partners import Choice, Decision, HistoryAction, SubmissionButton
from bot.contributions import Contribution
from bot.i18n import N_, _, format_moment
from bot.messaging import Button, acknowledge, reply
from bot.ptb_types import Handler
from bot.roles import coordinators_only, is_coordinator, of_my_programmes
from bot.routing import NOT_VALID
from bot.services import services
from bot.vocabulary import PROGRAMMES, STATUSES
from conversations.partners import interest_form, reasons
from storage import audit, people, preferences, reviews
from storage.models import Status

READ_LABEL = N_("📖 Read in full")
HISTORY_LABEL = N_("🕓 History")
DECIDE_LABEL = N_("⚖️ Decide")
# Still waiting for a coordinator's decision: reading it whole offers to decide.
_WAITING = (Status.SUBMITTED, Status.IN_REVIEW)


def read_button(eoi_id: int, label: str | None = None) -> Button:
    """The button that opens a submission to read in full (label: in the reader's language)."""
    return (label or _(READ_LABEL), SubmissionButton(HistoryAction.FULL, eoi_id).pack())


def history_button(eoi_id: int) -> Button:
    """The button that lists a submission's history (coordinators)."""
    return (_(HISTORY_LABEL), SubmissionButton(HistoryAction.HISTORY, eoi_id).pack())


def _decide_row(eoi_id: int, status: str) -> list[list[Button]]:
    """A coordinator who has read a waiting submission goes on to its decision buttons."""
    if status not in _WAITING:
        return []
    return [[(_(DECIDE_LABEL), Decision(eoi_id, Choice.OPEN).pack())]]


async def whole_pressed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Sends every question and answer of the submission; its submitter or a coordinator only."""
    pressed = SubmissionButton.of(update)
    user = update.effective_user
    assert user is not None
    svc = services(context)
    found = await svc.db.run(reviews.whole, eoi_id=pressed.eoi_id)
    coordinator = is_coordinator(update, context)
    if found is None or not (coordinator or found.person_id == user.id):
        await acknowledge(update, _(NOT_VALID), alert=True)
        return
    if found.person_id != user.id and not await of_my_programmes(update, context, found.programme):
        return  # a coordinator of the other programme only
    await acknowledge(update)
    answers = found.answers if found.person_id == user.id else found.submitted
    form = interest_form.FORMS[found.programme]
    status = "revising" if found.status == "draft" and found.reference else found.status
    draft, programme = _("Draft"), _(PROGRAMMES[found.programme])
    header = "\n".join(
        (
            f"📄 <b>{html.escape(found.reference or draft)}</b> · {programme}",
            html.escape(_("Status: %(status)s") % {"status": _(STATUSES.get(status, status))}),
            "",
        )
    )
    items = [
        (f"<b>{html.escape(_(q.label))}:</b> ", forms.display(q, answers.get(q.key)))
        for q in form.applicable(answers)
    ]
    messages = long_text.split(items, header=header)
    rows: list[list[Button]] = []
    if coordinator and found.reference:
        rows.append([history_button(found.id)])
        rows.extend(_decide_row(found.id, found.status))
    for text in messages[:-1]:
        await reply(update, context, text)
    await reply(update, context, messages[-1], rows)


def _actor(actor: str, names: dict[int, str]) -> str:
    kind, _sep, number = actor.partition(":")
    if kind == "telegram" and number.isdigit():
        return names.get(int(number)) or _("someone who has left (id {id})").format(id=number)
    return _("the command line")


def _shown(value: Any, field: str | None, form: forms.AnyForm) -> str:
    """An old or new value as the reader reads it."""
    if field == "status":
        return _(STATUSES.get(str(value), str(value)))
    question = form.question(field or "")
    if question is not None:
        shown = forms.display(question, value)
        return shown if len(shown) <= 300 else shown[:299].rstrip() + "…"
    return "—" if value in (None, "", []) else str(value)


def _what(entry: audit.Entry, form: forms.AnyForm) -> str:
    old, new = _shown(entry.old, entry.field, form), _shown(entry.new, entry.field, form)
    if entry.action == audit.Action.DECISION:
        line = _("Status: {old} → {new}").format(old=old, new=new)
        if entry.reason_code or entry.reason:
            why = reasons.reason_text(entry.reason_code, entry.reason)
            line += "\n" + _("Reason: {reason}").format(reason=why)
        return line
    question = form.question(entry.field or "")
    label = _(question.label) if question is not None else (entry.field or "")
    return _("Changed {field}: {old} → {new}").format(field=label, old=old, new=new)


async def history_pressed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Lists who changed what and when on one submission, in the coordinator's time zone."""
    pressed = SubmissionButton.of(update)
    user = update.effective_user
    assert user is not None
    svc = services(context)
    found = await svc.db.run(reviews.whole, eoi_id=pressed.eoi_id)
    if found is None or found.reference is None:
        await acknowledge(update, _(NOT_VALID), alert=True)
        return
    if not await of_my_programmes(update, context, found.programme):
        return
    await acknowledge(update)
    entries = await svc.db.run(
        audit.entries_of, subject_kind=audit.Subject.EOI, subject_id=found.id
    )
    ids = {
        int(e.actor.partition(":")[2])
        for e in entries
        if e.actor.startswith("telegram:") and e.actor.partition(":")[2].isdigit()
    }
    names = await svc.db.run(people.names_of, person_ids=ids)
    zone = (await svc.db.run(preferences.settings_of, person_id=user.id)).zone
    form = interest_form.FORMS[found.programme]
    title = _("History of {reference}").format(reference=found.reference)
    header = f"🕓 <b>{html.escape(title)}</b>\n"
    if not entries:
        header += html.escape(_("Nothing has been decided or changed since it was submitted."))
    items = [
        (
            f"<b>{html.escape(format_moment(e.at, zone))}</b> · "
            f"{html.escape(_actor(e.actor, names))}\n",
            _what(e, form),
        )
        for e in entries
    ]
    messages = long_text.split(items, header=header)
    for text in messages[:-1]:
        await reply(update, context, text)
    rows = [[read_button(found.id)], *_decide_row(found.id, found.status)]
    await reply(update, context, messages[-1], rows)


def answer_labels() -> dict[str, str]:
    """Every answer's key with its question's label (untranslated), for the audit export."""
    return {q.key: q.label for form in interest_form.FORMS.values() for q in form.questions}


def setup() -> Contribution:
    """The buttons that open a submission in full and its history."""
    handlers: list[Handler] = [
        CallbackQueryHandler(
            coordinators_only(history_pressed),
            pattern=SubmissionButton.pattern(action=HistoryAction.HISTORY),
        ),
        CallbackQueryHandler(
            whole_pressed, pattern=SubmissionButton.pattern(action=HistoryAction.FULL)
        ),
    ]
    return Contribution(handlers)
