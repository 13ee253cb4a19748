"""Revising an expression of interest that the coordinators returned for changes.

The submitter opens it from the notice of the decision or from /mine: it becomes their draft
again, at its summary, keeping its reference. They change what was asked for with ✏️ and
resubmit; the coordinators get a new notice ("resubmitted after changes"). Dropping the revision
(Cancel, then discard) leaves the submission exactly as it was submitted.
"""

from __future__ import annotations

from typing import Any

from telegram import Update
from telegram.ext import CallbackQueryHandler, ContextTypes

from bot import form_answers, form_buttons, forms
from bot.buttons.partners import Revise, ReviseConfirmed
from bot.contributions import Contribution
from bot.i18n import N_, _, render, use_language
from bot.main_menu import main_menu_rows
from bot.messaging import Button, acknowledge, close_buttons, reply
from bot.notices import render_notice
from bot.ptb_types import App, Handler
from bot.services import SERVICES_KEY, services
from bot.vocabulary import PROGRAMMES
from conversations.partners import interest_form, reasons
from storage import audit, revisions
from storage.drafts import Draft
from storage.models import Status
from storage.outbox import Outgoing

STATUS_NOTICE = "notices/eoi_status"
REVISE_LABEL = N_("✏️ Revise and resubmit")


def revise_button(eoi_id: int, label: str | None = None) -> Button:
    """The button that reopens a returned submission (label: in the reader's language)."""
    return (label or _(REVISE_LABEL), Revise(eoi_id).pack())


async def revise_requested(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Reopens the returned submission at its summary; an open draft is only dropped after the
    person confirms (rev!|id)."""
    query = update.callback_query
    assert query is not None and query.data is not None and update.effective_user is not None
    await acknowledge(update)
    await close_buttons(update)
    # rev|<id>, or rev!|<id>|<draft id> once the person agreed to drop that open draft
    pressed: Revise | ReviseConfirmed | None = Revise.unpack(query.data)
    if pressed is None:
        pressed = ReviseConfirmed.of(update)
    confirmed = pressed.draft_id if isinstance(pressed, ReviseConfirmed) else None
    eoi_id, person_id = pressed.eoi_id, update.effective_user.id
    current = await interest_form.DRAFTS.current(context, person_id)
    if current is not None and current.id == eoi_id:  # revising it already: where it stands
        await form_buttons.resume(update, context, interest_form.FORMS[current.form], current)
        return
    svc = services(context)
    reference = await svc.db.run(revisions.revisable, eoi_id=eoi_id, person_id=person_id)
    if reference is None:
        await _refuse(update, context, current)
        return
    if current is not None and confirmed != current.id:
        text = render(
            "interest/replace_for_revision",
            old=_(PROGRAMMES[current.form]),
            revising=current.reference,
            reference=reference,
        )
        rows = [
            [(_("Yes, revise it now"), ReviseConfirmed(eoi_id, current.id).pack())],
            *forms.resume_rows(interest_form.FORMS[current.form], current),
        ]
        await reply(update, context, text, rows)
        return
    try:
        draft = await svc.db.run(
            revisions.start_revision,
            eoi_id=eoi_id,
            person_id=person_id,
            step=forms.SUMMARY,
            now=svc.clock(),
        )
    except revisions.RevisionRefused:  # decided on between the look and the press
        await _refuse(update, context, current)
        return
    form = interest_form.FORMS[draft.form]
    interest_form.DRAFTS.remember(context, draft)
    note = _(
        "You are revising {reference}. Change what the coordinators asked for with ✏️, then resubmit it with “{submit}”."
    ).format(reference=draft.reference, submit=_(form.submit_label))
    returned = await svc.db.run(audit.latest_decision, eoi_id=eoi_id, status=Status.RETURNED)
    if returned is not None and (returned.reason_code or returned.reason):
        why = reasons.reason_text(returned.reason_code, returned.reason)
        note = _("The coordinators' reason: {reason}").format(reason=why) + "\n" + note
    await form_answers.ask(update, context, form, draft, note=note)


async def _refuse(
    update: Update, context: ContextTypes.DEFAULT_TYPE, current: Draft | None
) -> None:
    """It is not returned for changes (any more): say so; an open draft stays within reach."""
    rows = forms.resume_rows(interest_form.FORMS[current.form], current) if current else []
    text = _(
        "This expression of interest cannot be revised now: it is not returned for changes (any more). /mine shows its status."
    )
    await reply(update, context, text, rows + main_menu_rows())


async def _prepare_status(
    application: App,
    message: Outgoing,
    language: str,
    worker: str,
) -> tuple[str, list[list[Button]]]:
    """The submitter's notice of a decision; "returned for changes" comes with the button."""
    notices = application.bot_data[SERVICES_KEY].contributions.notices
    text = render_notice(notices, STATUS_NOTICE, message.params, language)
    eoi_id = message.params.get("eoi_id")
    if message.params.get("status") != Status.RETURNED or eoi_id is None:
        return text, []
    with use_language(language):
        return text, [[revise_button(int(eoi_id))]]


def mine_rows(items: list[Any]) -> list[list[Button]]:
    """A button for each submission returned for changes: revise it, or go on revising it."""
    rows = []
    for item in items:
        if not item.reference:
            continue
        if item.status == Status.RETURNED:
            label = _("✏️ Revise {reference}").format(reference=item.reference)
        elif item.status == Status.DRAFT:
            label = _("▶️ Go on revising {reference}").format(reference=item.reference)
        else:
            continue
        rows.append([revise_button(item.id, label)])
    return rows


def setup() -> Contribution:
    """The revise buttons, and the decision notice that carries one."""
    handlers: list[Handler] = [
        CallbackQueryHandler(revise_requested, pattern=Revise.pattern()),
        CallbackQueryHandler(revise_requested, pattern=ReviseConfirmed.pattern()),
    ]
    return Contribution(handlers, preparers={STATUS_NOTICE: _prepare_status})
