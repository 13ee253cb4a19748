"""How a form takes its buttons: an option, Back, Cancel, Skip, an edit, Submit; pausing and
resuming; a button of an older step or draft gets a polite note instead of acting."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from telegram import Update
from telegram.ext import ContextTypes

from bot.active_flow import NONE, activate, active_flow
from bot.buttons.form import FormAction
from bot.form_steps import EDIT_START, answer_again, ask, redelivered, remember, save
from bot.forms import SUMMARY, AnyForm, Form, consent_needed, data, parse_data, resume_rows
from bot.i18n import _, render
from bot.messaging import acknowledge, close_buttons, reply
from bot.question_buttons import ANSWER_BUTTONS, Press, index_below
from bot.services import services
from storage.drafts import Draft, DraftT

logger = logging.getLogger(__name__)


def discard_question(form: Form[DraftT], draft: DraftT) -> tuple[str, list[list[tuple[str, str]]]]:
    """Really discard? (Text and buttons; keeping the draft is the first choice.)"""
    if draft.reference:  # a revision: the submission itself stays
        text = _("Drop your changes to {reference}? It stays as it was submitted.").format(
            reference=draft.reference
        )
    else:
        text = _(
            "Discard this draft for good? All its answers will be deleted; this cannot be undone."
        )
    rows = [
        [(_("No, keep it"), data(form, draft, FormAction.CONTINUE))],
        [(_("🗑 Yes, discard it"), data(form, draft, FormAction.DISCARD, 1))],
    ]
    return text, rows


async def press_on_draft(
    update: Update,
    context: ContextTypes.DEFAULT_TYPE,
    draft: DraftT | None,
    form_of: Callable[[DraftT], Form[DraftT]],
    gone: str,
) -> None:
    """Hands a pressed button to the form when it belongs to the person's current draft.

    A button of an older (submitted, discarded) or someone else's draft gets `gone` as an alert
    and loses its buttons; callback data is only ever a pointer, checked against the database.
    """
    query = update.callback_query
    assert query is not None
    pressed = parse_data(query.data, form_of(draft)) if draft is not None else None
    if pressed is None or draft is None or draft.id != pressed.draft_id:
        await acknowledge(update, gone, alert=True)
        await close_buttons(update)
        return
    form = form_of(draft)
    await button_pressed(
        update, context, form, draft, pressed.step, pressed.action, pressed.argument
    )


async def button_pressed(
    update: Update,
    context: ContextTypes.DEFAULT_TYPE,
    form: Form[DraftT],
    draft: DraftT,
    step: str,
    action: FormAction,
    argument: str,
) -> None:
    """Handles a button of the draft: an option, Back, Cancel, Skip, an edit, Submit."""
    if redelivered(update, draft, services(context).clock()):
        await answer_again(update, context, form, draft)
        return
    anywhere = _ANY_STEP.get(action)
    if anywhere is not None:  # discard or continue: from the paused message too
        await anywhere(DraftPress(update, context, form, draft), argument)
        return
    if step != form.step_code(draft.step) or draft.paused:
        await acknowledge(
            update,
            _("This button belongs to an earlier step. Here is where you are now."),
            alert=False,
        )
        await close_buttons(update)
        if draft.paused:
            draft = await _move(context, form, draft, draft.step, draft.editing, paused=False)
        await ask(update, context, form, draft)
        return
    await acknowledge(update)
    moving = _THIS_STEP.get(action)
    if moving is not None and await moving(DraftPress(update, context, form, draft), argument):
        return
    question = form.question(draft.step)
    if question is None:
        await ask(update, context, form, draft)
        return
    answering = ANSWER_BUTTONS.get(action)
    press = Press(update, context, form, draft, question)
    if answering is None or not await answering(press, argument):
        logger.warning("unknown form button %r %r on %s", action, argument, draft.step)
        await ask(update, context, form, draft)


# -- the draft as a whole: discard, continue; moving through it: Cancel, Back, an edit, Submit --
@dataclass(frozen=True)
class DraftPress:
    """A press on a button about the draft as a whole, rather than the current question's."""

    update: Update
    context: ContextTypes.DEFAULT_TYPE
    form: AnyForm
    draft: Draft

    async def move(self, step: str, editing: bool) -> Draft:
        """The draft moved to step (unpaused), saved and cached."""
        return await _move(self.context, self.form, self.draft, step, editing)

    async def show(self, draft: Draft, note: str | None = None) -> bool:
        """The (moved) draft's step asked, with a note if there is one."""
        await ask(self.update, self.context, self.form, draft, note=note)
        return True


# A handler of one action; it says whether the button applied (False: the step is shown again).
DraftAction = Callable[[DraftPress, str], Awaitable[bool]]


async def _discard(press: DraftPress, argument: str) -> bool:
    await acknowledge(press.update)
    await close_buttons(press.update)
    if argument != "1":  # from the paused message: ask first
        await reply(press.update, press.context, *discard_question(press.form, press.draft))
        return True
    await services(press.context).db.run(press.form.store.discard, draft_id=press.draft.id)
    remember(press.context, press.form, None)
    await press.form.on_discarded(press.update, press.context, press.draft)
    return True


async def _continue(press: DraftPress, argument: str) -> bool:
    """Continue a paused (or any) draft where it stands."""
    await acknowledge(press.update)
    await close_buttons(press.update)
    await resume(press.update, press.context, press.form, press.draft)
    return True


async def _cancel(press: DraftPress, argument: str) -> bool:
    await close_buttons(press.update)
    await pause(press.update, press.context, press.form, press.draft)
    return True


async def _back(press: DraftPress, argument: str) -> bool:
    form, draft, context = press.form, press.draft, press.context
    previous = form.previous_step(draft.step, draft.answers)
    await close_buttons(press.update)
    if draft.editing:  # Back from an edit: the summary again, the answer as it was
        before = context.user_data.pop(EDIT_START, None) if context.user_data else None
        if (
            before is not None
            and before[:2] == (draft.id, draft.step)
            and draft.answers.get(draft.step) != before[2]  # ticks given meanwhile
        ):
            draft = await save(
                press.update, context, form, draft, draft.step, before[2], advance=False
            )
        return await press.show(await _move(context, form, draft, SUMMARY, False))
    if previous is None and form.on_first_back is not None:
        await form.on_first_back(press.update, context, draft)
        return True
    if previous is None:
        return await press.show(draft, note=_("This is the first question."))
    return await press.show(await press.move(previous, False))


async def _edit(press: DraftPress, argument: str) -> bool:
    form, draft = press.form, press.draft
    if not (draft.step == SUMMARY and index_below(argument, len(form.questions))):
        return False
    await close_buttons(press.update)
    key = form.questions[int(argument)].key
    assert press.context.user_data is not None
    press.context.user_data[EDIT_START] = (draft.id, key, draft.answers.get(key))
    return await press.show(await press.move(key, True))


async def _submit(press: DraftPress, argument: str) -> bool:
    form, draft = press.form, press.draft
    if draft.step != SUMMARY:
        return False
    missing = form.missing(draft.answers)
    await close_buttons(press.update)
    if missing:
        draft = await press.move(missing[0].key, True)
        refused = missing[0] in form.refused(draft.answers)
        note = (
            consent_needed(missing[0], at_summary=False)
            if refused
            else _("This answer is still missing.")
        )
        return await press.show(draft, note=note)
    await form.on_submit(press.update, press.context, draft)
    return True


_ANY_STEP: dict[FormAction, DraftAction] = {
    FormAction.DISCARD: _discard,
    FormAction.CONTINUE: _continue,
}
_THIS_STEP: dict[FormAction, DraftAction] = {
    FormAction.CANCEL: _cancel,
    FormAction.BACK: _back,
    FormAction.EDIT: _edit,
    FormAction.SUBMIT: _submit,
}


async def pause(
    update: Update, context: ContextTypes.DEFAULT_TYPE, form: Form[DraftT], draft: DraftT
) -> None:
    """Pauses the draft (Cancel): typed text is no longer taken as an answer; nothing is lost."""
    draft = await hold(context, form, draft)
    await reply(
        update, context, render("forms/paused", title=_(form.title)), resume_rows(form, draft)
    )


async def resume(
    update: Update, context: ContextTypes.DEFAULT_TYPE, form: Form[DraftT], draft: DraftT
) -> None:
    """Continue the draft where it stands (unpaused, so typed text is its answer again)."""
    if draft.paused:
        draft = await _move(context, form, draft, draft.step, draft.editing, paused=False)
    await ask(update, context, form, draft)


async def hold(context: ContextTypes.DEFAULT_TYPE, form: Form[DraftT], draft: DraftT) -> DraftT:
    """Pause the draft without a word (the caller says what happens instead): typed text is
    no longer taken as its answer until the person continues it."""
    draft = await _move(context, form, draft, draft.step, draft.editing, paused=True)
    if active_flow(context) == form.slot:
        await activate(context, NONE)
    return draft


async def _move(
    context: ContextTypes.DEFAULT_TYPE,
    form: Form[DraftT],
    draft: DraftT,
    step: str,
    editing: bool,
    paused: bool = False,
) -> DraftT:
    moved = await services(context).db.run(
        form.store.move, draft_id=draft.id, step=step, editing=editing, paused=paused
    )
    remember(context, form, moved)
    return moved
