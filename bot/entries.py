"""Typed steps of the short flows (/call, /deadline, /settings): the step waiting for text is
stored before the bot asks, so a restart loses nothing; one handler routes typed text to it."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from telegram import Update
from telegram.ext import ApplicationHandlerStop, ContextTypes, MessageHandler, filters

from bot.active_flow import NONE, activate, active_flow, is_active
from bot.form_kinds import parse_date
from bot.i18n import _
from bot.messaging import acknowledge, as_typed, close_buttons, reply
from bot.ptb_types import Handler
from bot.services import services
from storage import preferences
from storage.preferences import Entry

SLOT = "entry"
# A step nobody answered for this long is forgotten: typed text then goes where it would have.
FRESH = timedelta(minutes=15)


# A date typed day first (31.01.2027, 31/01/2027) or as 2027-01-31 (the same reading as the forms' DATE questions).
parse_day = parse_date


async def current(context: ContextTypes.DEFAULT_TYPE, person_id: int) -> Entry | None:
    """The person's waiting step (cached in this process after the first look-up)."""
    assert context.user_data is not None
    if SLOT not in context.user_data:
        context.user_data[SLOT] = await services(context).db.run(
            preferences.entry_of, person_id=person_id
        )
    return context.user_data[SLOT]


async def wait_for(
    context: ContextTypes.DEFAULT_TYPE,
    person_id: int,
    flow: str,
    step: str,
    answers: dict[str, Any],
) -> Entry:
    """Store the answers so far and the step that waits for text."""
    svc = services(context)
    entry = await svc.db.run(
        preferences.save_entry,
        person_id=person_id,
        flow=flow,
        step=step,
        answers=answers,
        now=svc.clock(),
    )
    assert context.user_data is not None
    context.user_data[SLOT] = entry
    await activate(context, SLOT)
    return entry


async def pressed_step(
    update: Update,
    context: ContextTypes.DEFAULT_TYPE,
    flow: str,
    command: str,
    steps: tuple[str, ...] = (),
) -> Entry | None:
    """The waiting step of `flow` that a button was pressed for (the press answered, its
    buttons closed); None, after saying so, when the flow is not waiting (at one of `steps`)."""
    await acknowledge(update)
    await close_buttons(update)
    user = update.effective_user
    assert user is not None
    entry = await current(context, user.id)
    if entry is None or entry.flow != flow or (steps and entry.step not in steps):
        note = _("That button no longer works. Please send {command} again.")
        await reply(update, context, note.format(command=command))
        return None
    return entry


async def finish(context: ContextTypes.DEFAULT_TYPE, person_id: int) -> None:
    """The flow ended: no step waits any more."""
    await services(context).db.run(preferences.clear_entry, person_id=person_id)
    assert context.user_data is not None
    context.user_data[SLOT] = None
    if active_flow(context) == SLOT:
        await activate(context, None)  # any open form may take the next text again


async def text_received(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Hands typed text to the flow whose step waits for it; otherwise lets it pass on."""
    user, message = update.effective_user, update.effective_message
    if user is None or message is None:
        return
    entry = await current(context, user.id)
    steps = services(context).contributions.typed_steps
    if entry is None or entry.flow not in steps or not is_active(context, SLOT):
        return
    if services(context).clock() - entry.updated_at > FRESH:
        # The text was meant for this step: it must not land in some other open form.
        await services(context).db.run(preferences.clear_entry, person_id=user.id)
        assert context.user_data is not None
        context.user_data[SLOT] = None
        await activate(context, NONE)
        command = steps[entry.flow].restart
        text = (
            _(
                "That question has expired, so I did not use your answer. Send {command} to start again."
            ).format(command=command)
            if command
            else _(
                "That question has expired, so I did not use your answer. Send /start for the menu."
            )
        )
        await reply(update, context, text)
        raise ApplicationHandlerStop
    if message.text is None:
        await reply(
            update, context, _("Please answer with a text message, or use the buttons above.")
        )
        raise ApplicationHandlerStop
    await steps[entry.flow].handler(update, context, entry, (as_typed(message.text) or "").strip())
    raise ApplicationHandlerStop


def setup_answers() -> list[Handler]:
    """The handler for typed steps; it goes before the forms' answers (the step is explicit)."""
    return [
        MessageHandler(
            filters.ChatType.PRIVATE & filters.UpdateType.MESSAGE & ~filters.COMMAND,
            text_received,
        )
    ]
