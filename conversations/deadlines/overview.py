"""/deadlines: a person's open deadlines in their local time; /overdue for coordinators."""

from __future__ import annotations

from typing import Any

from telegram import Update
from telegram.ext import CallbackQueryHandler, CommandHandler, ContextTypes

from bot import reminders
from bot.buttons.deadlines import Reminder, ReminderAction
from bot.buttons.menu import Menu, MenuItem
from bot.contributions import Audience, Command, Contribution
from bot.i18n import N_, _, render
from bot.messaging import acknowledge, reply
from bot.ptb_types import Handler
from bot.roles import coordinators_only, my_programmes
from bot.services import services
from storage import deadlines, statistics

COMMAND_DESCRIPTION = N_("My deadlines")


# Button labels stay short enough to read on a phone.
LABEL = 40


def _short(text: str) -> str:
    return text if len(text) <= LABEL else text[: LABEL - 1].rstrip() + "…"


async def deadlines_requested(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Lists the person's open deadlines, soonest first, with what to do about each."""
    await acknowledge(update)
    user = update.effective_user
    assert user is not None
    svc = services(context)
    upcoming = await svc.db.run(deadlines.upcoming_for, person_id=user.id)
    now = svc.clock()
    items: list[dict[str, Any]] = []
    rows = []
    for number, deadline in enumerate(upcoming.deadlines, start=1):
        state, days = reminders.state_of(deadline, upcoming.zone, now)
        items.append(
            {
                "what": reminders.describe(deadline),
                "due": reminders.moment(deadline.due_at, upcoming.zone),
                "state": state,
                "days": days,
            }
        )
        # One button per deadline, named after it: it opens the deadline with the buttons its
        # reminder has (act now, remind me tomorrow, already done).
        rows.append(
            [
                (
                    _("{number}. {what}").format(number=number, what=_short(items[-1]["what"])),
                    Reminder(ReminderAction.CARD, deadline.id).pack(),
                )
            ]
        )
    rows.append([(_("🏠 Menu"), Menu(MenuItem.HOME).pack())])
    await reply(update, context, render("deadlines/list", items=items, zone=upcoming.zone), rows)


async def overdue_requested(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Lists every open deadline that has passed, with who holds it (coordinators only)."""
    svc = services(context)
    mine = my_programmes(update, context)
    found = await svc.db.run(statistics.overdue, now=svc.clock(), programmes=mine)
    items = [
        {
            "who": holder.name or (str(d.person_id) if d.person_id else _("nobody yet")),
            "what": reminders.describe(d),
            "due": reminders.day_in(d.due_at, holder.zone),
        }
        for d, holder in found
    ]
    await reply(update, context, render("deadlines/overdue", items=items))


def setup() -> Contribution:
    """/deadlines, /overdue and the menu entry (group 0)."""
    handlers: list[Handler] = [
        CommandHandler("deadlines", deadlines_requested),
        CallbackQueryHandler(deadlines_requested, pattern=Menu.pattern(item=MenuItem.DEADLINES)),
        CommandHandler("overdue", coordinators_only(overdue_requested)),
    ]
    return Contribution(
        handlers,
        commands=[
            Command(
                "deadlines", COMMAND_DESCRIPTION, N_("your upcoming deadlines, in your local time")
            ),
            Command("overdue", N_("who is overdue with what"), audience=Audience.COORDINATORS),
        ],
    )
