"""The buttons under a reminder: act now, remind me tomorrow, already done (confirmed)."""

from __future__ import annotations

import html

from telegram import Update
from telegram.ext import CallbackQueryHandler, ContextTypes

from bot import reminders
from bot.buttons.deadlines import Reminder, ReminderAction
from bot.callbacks import ForgedButton, OlderButton
from bot.contributions import Contribution
from bot.i18n import _
from bot.main_menu import main_menu_rows
from bot.messaging import acknowledge, close_buttons, reply
from bot.outbox import wake_dispatcher
from bot.ptb_types import Handler
from bot.services import services
from storage import deadlines, preferences
from storage.deadlines import DeadlineView


def _what(deadline: DeadlineView) -> str:
    """What is due, safe inside an HTML message (a custom title is the coordinator's text)."""
    return html.escape(reminders.describe(deadline), quote=False)


async def _own_deadline(update: Update, context: ContextTypes.DEFAULT_TYPE) -> DeadlineView | None:
    """The deadline of the pressed button, if it is the presser's and still open."""
    query = update.callback_query
    assert query is not None and query.data is not None and update.effective_user is not None
    pressed = Reminder.of(update)
    deadline = await services(context).db.run(
        deadlines.deadline_of, deadline_id=pressed.deadline_id
    )
    if deadline is None or deadline.person_id != update.effective_user.id:
        raise ForgedButton(f"deadline {pressed.deadline_id} is not theirs")
    if deadline.status != "open":
        await acknowledge(update)
        await close_buttons(update)
        text = (
            _("“{what}” is already done — nothing more to do.")
            if deadline.status == "done"
            else _("“{what}” was closed by the programme — nothing more to do.")
        )
        await reply(update, context, text.format(what=_what(deadline)), main_menu_rows())
        return None
    return deadline


async def act_now_pressed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Opens the conversation that delivers what is due."""
    deadline = await _own_deadline(update, context)
    if deadline is None:
        return
    action = services(context).contributions.actions.get(deadline.kind)
    if action is None:
        await acknowledge(update)
        await reply(
            update,
            context,
            _(
                "Please deliver “{what}” as agreed with the programme, then press “Already done”."
            ).format(what=_what(deadline)),
        )
        return
    await action(update, context, deadline)


async def card_pressed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """One deadline of /deadlines with the buttons its reminder has (act, tomorrow, done)."""
    deadline = await _own_deadline(update, context)
    if deadline is None:
        return
    assert update.effective_user is not None
    await acknowledge(update)
    svc = services(context)
    settings = await svc.db.run(preferences.settings_of, person_id=update.effective_user.id)
    text = reminders.reminder_text(deadline, settings.zone, svc.clock(), final=False)
    await reply(update, context, text, reminders.reminder_rows(deadline, svc.contributions.actions))


async def button_outdated(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A reminder button of an older version of the bot: says so instead of guessing."""
    await acknowledge(update)
    await close_buttons(update)
    await reply(
        update,
        context,
        _("This button no longer works. /deadlines shows your open deadlines."),
        main_menu_rows(),
    )


async def tomorrow_pressed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Plans one more reminder at 09:00 tomorrow and says so."""
    deadline = await _own_deadline(update, context)
    if deadline is None:
        return
    assert update.effective_user is not None
    svc = services(context)
    when = await svc.db.run(
        deadlines.snooze,
        deadline_id=deadline.id,
        person_id=update.effective_user.id,
        now=svc.clock(),
    )
    await acknowledge(update)
    await close_buttons(update)
    if when is None:
        await reply(update, context, _("This deadline is no longer open."), main_menu_rows())
        return
    settings = await svc.db.run(preferences.settings_of, person_id=update.effective_user.id)
    await reply(
        update,
        context,
        _("All right — I'll remind you again on {when}.").format(
            when=reminders.moment(when, settings.zone)
        ),
    )


async def _met_by_submission(
    update: Update, context: ContextTypes.DEFAULT_TYPE, deadline: DeadlineView
) -> bool:
    """For a deadline only a submission meets (an older button said "Already done"): says
    so and offers to act now. Whether it was one."""
    if deadline.kind not in reminders.MET_BY_SUBMISSION:
        return False
    await close_buttons(update)
    text = _(
        "“{what}” is done when you send it here; I record that by myself. Until then the reminders go on."
    ).format(what=_what(deadline))
    await reply(
        update,
        context,
        text,
        [[(_("▶️ Act now"), Reminder(ReminderAction.ACT, deadline.id).pack())]],
    )
    return True


async def done_pressed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Asks whether it is really done (the reminders stop for good); a report that is due is
    done only by sending it."""
    deadline = await _own_deadline(update, context)
    if deadline is None:
        return
    await acknowledge(update)
    if await _met_by_submission(update, context, deadline):
        return
    rows = [
        [
            (_("Yes, it is done"), Reminder(ReminderAction.DONE_CONFIRMED, deadline.id).pack()),
            (
                _("No, keep reminding me"),
                Reminder(ReminderAction.DONE_DECLINED, deadline.id).pack(),
            ),
        ]
    ]
    await reply(
        update,
        context,
        _(
            "Have you delivered “{what}”? Then I'll record it as done and stop the reminders."
        ).format(what=_what(deadline)),
        rows,
    )


async def done_confirmed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Records the deadline as done by the person; no more reminders."""
    deadline = await _own_deadline(update, context)
    if deadline is None:
        return
    if await _met_by_submission(update, context, deadline):
        await acknowledge(update)
        return
    assert update.effective_user is not None
    svc = services(context)
    done = await svc.db.run(
        deadlines.mark_done,
        deadline_id=deadline.id,
        person_id=update.effective_user.id,
        now=svc.clock(),
    )
    await acknowledge(update)
    await close_buttons(update)
    text = (
        _("Recorded: “{what}” is done. Thank you — no more reminders for it.")
        if done
        else _("This deadline is no longer open.")
    )
    await reply(update, context, text.format(what=_what(deadline)), main_menu_rows())
    wake_dispatcher(context)


async def done_declined(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Keeps the reminders as they are."""
    await acknowledge(update)
    await close_buttons(update)
    await reply(update, context, _("All right, the reminders continue."))


def setup() -> Contribution:
    """The reminder buttons (group 0)."""
    handlers: list[Handler] = [
        CallbackQueryHandler(act_now_pressed, pattern=Reminder.pattern(action=ReminderAction.ACT)),
        CallbackQueryHandler(
            tomorrow_pressed, pattern=Reminder.pattern(action=ReminderAction.TOMORROW)
        ),
        CallbackQueryHandler(done_pressed, pattern=Reminder.pattern(action=ReminderAction.DONE)),
        CallbackQueryHandler(
            done_confirmed, pattern=Reminder.pattern(action=ReminderAction.DONE_CONFIRMED)
        ),
        CallbackQueryHandler(
            done_declined, pattern=Reminder.pattern(action=ReminderAction.DONE_DECLINED)
        ),
        CallbackQueryHandler(card_pressed, pattern=Reminder.pattern(action=ReminderAction.CARD)),
        CallbackQueryHandler(button_outdated, pattern=OlderButton("rem")),
    ]
    return Contribution(handlers)
