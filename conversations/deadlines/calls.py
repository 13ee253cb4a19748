"""/call (coordinators): open a call for expressions of interest — programme, closing date,
optional partner countries; everyone with an unsubmitted draft for it gets reminded."""

from __future__ import annotations

import html
from datetime import date
from typing import Any

from telegram import Update
from telegram.ext import CallbackQueryHandler, CommandHandler, ContextTypes

from bot import countries, entries
from bot.buttons.deadlines import CallProgramme, CallStep, EntryButton
from bot.contributions import Contribution, TypedStep
from bot.i18n import _, country_name, render
from bot.main_menu import main_menu_rows
from bot.messaging import Button, acknowledge, close_buttons, reply
from bot.outbox import wake_dispatcher
from bot.ptb_types import Handler
from bot.roles import coordinators_only
from bot.services import services
from bot.vocabulary import PROGRAMMES
from storage import calls
from storage.local_time import DEFAULT_ZONE, end_of_day, local
from storage.preferences import Entry

FLOW = "call"


def _cancel_row() -> list[Button]:
    return [(_("✖️ Cancel"), EntryButton(CallStep.CANCEL).pack())]


def _nav_row() -> list[Button]:
    return [
        (_("◀️ Back"), EntryButton(CallStep.BACK).pack()),
        (_("✖️ Cancel"), EntryButton(CallStep.CANCEL).pack()),
    ]


async def call_requested(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Asks for the programme of the call (step 1 of 3)."""
    await acknowledge(update)
    assert update.effective_user is not None
    # A new /call starts anew: a step of an earlier, unfinished one must not take the next text.
    await entries.finish(context, update.effective_user.id)
    rows: list[list[Button]] = [
        [(_(label), CallProgramme(code).pack())] for code, label in PROGRAMMES.items()
    ]
    rows.append(_cancel_row())
    await reply(update, context, render("deadlines/call_programme"), rows)


async def programme_chosen(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Stores the programme and asks for the closing date (step 2 of 3)."""
    query = update.callback_query
    assert query is not None and query.data is not None and update.effective_user is not None
    await acknowledge(update)
    await close_buttons(update)
    programme = CallProgramme.of(update).programme
    if programme not in PROGRAMMES:
        note = _("That button no longer works. Please send {command} again.")
        await reply(update, context, note.format(command="/call"))
        return
    await entries.wait_for(
        context, update.effective_user.id, FLOW, "date", {"programme": programme}
    )
    await reply(update, context, render("deadlines/call_date"), [_nav_row()])


async def call_typed(
    update: Update, context: ContextTypes.DEFAULT_TYPE, entry: Entry, text: str
) -> None:
    """Takes the closing date (then asks for countries) or the countries (then the summary)."""
    user = update.effective_user
    assert user is not None
    if entry.step == "confirm":  # the summary waits for a button, not for text
        await _summary(update, context, entry.answers)
        return
    if entry.step == "date":
        day = entries.parse_day(text)
        today = local(services(context).clock(), DEFAULT_ZONE).date()
        if day is None:
            problem = _("I can't read “{text}” as a date. Please type it like 31.01.2027.").format(
                text=html.escape(text[:40])
            )
        elif day < today:
            problem = _("The closing date lies in the past. Please type a date from today on.")
        else:
            problem = None
        if problem:
            await reply(update, context, problem, [_nav_row()])
            return
        assert day is not None
        answers = {**entry.answers, "date": day.isoformat()}
        await entries.wait_for(context, user.id, FLOW, "countries", answers)
        await _ask_countries(update, context)
        return
    codes, unknown = [], []
    for part in (p.strip() for p in text.replace(";", ",").split(",")):
        if not part:
            continue
        found = countries.search(part, exclude=frozenset({"DE"}), fuzzy=False)
        exact = bool(found) and part.casefold() in (
            found[0].casefold(),
            country_name(found[0]).casefold(),
        )
        if found and (len(found) == 1 or exact):
            codes.append(found[0])
        else:
            unknown.append(part)
    if unknown or not codes:
        note = _(
            "I couldn't tell which country “{text}” is. Please type full country names separated by commas, e.g. “Ghana, Kenya”."
        ).format(text=html.escape(", ".join(unknown)[:80] or text[:80]))
        await reply(
            update,
            context,
            note,
            [[(_("🌍 All countries"), EntryButton(CallStep.ALL_COUNTRIES).pack())], _nav_row()],
        )
        return
    await _summary(update, context, {**entry.answers, "countries": sorted(set(codes))})


async def _ask_countries(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    rows = [[(_("🌍 All countries"), EntryButton(CallStep.ALL_COUNTRIES).pack())], _nav_row()]
    await reply(update, context, render("deadlines/call_countries"), rows)


async def call_back_pressed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Goes one step back in /call (the answers before it are kept)."""
    entry = await entries.pressed_step(update, context, FLOW, "/call")
    if entry is None:
        return
    user = update.effective_user
    assert user is not None
    if entry.step == "date":
        await call_requested(update, context)
        return
    if entry.step == "countries":
        answers = {k: v for k, v in entry.answers.items() if k != "date"}
        await entries.wait_for(context, user.id, FLOW, "date", answers)
        await reply(update, context, render("deadlines/call_date"), [_nav_row()])
        return
    answers = {k: v for k, v in entry.answers.items() if k != "countries"}
    await entries.wait_for(context, user.id, FLOW, "countries", answers)
    await _ask_countries(update, context)


async def all_countries_chosen(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """No country limit; shows the summary."""
    entry = await entries.pressed_step(update, context, FLOW, "/call", ("countries", "confirm"))
    if entry is None:
        return
    await _summary(update, context, {**entry.answers, "countries": []})


async def _summary(
    update: Update, context: ContextTypes.DEFAULT_TYPE, answers: dict[str, Any]
) -> None:
    assert update.effective_user is not None
    await entries.wait_for(context, update.effective_user.id, FLOW, "confirm", answers)
    text = render(
        "deadlines/call_summary",
        programme=_(PROGRAMMES[answers["programme"]]),
        closes=date.fromisoformat(answers["date"]),
        countries=[country_name(c) for c in answers["countries"]],
    )
    rows = [[(_("✅ Open the call"), EntryButton(CallStep.CONFIRMED).pack())], _nav_row()]
    await reply(update, context, text, rows)


async def call_confirmed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Opens the call; the people with a matching draft get their deadline and reminders."""
    entry = await entries.pressed_step(update, context, FLOW, "/call", ("confirm",))
    if entry is None:
        return
    user = update.effective_user
    assert user is not None
    svc = services(context)
    call = await svc.db.run(
        calls.open_call,
        programme=entry.answers["programme"],
        closes_at=end_of_day(date.fromisoformat(entry.answers["date"]), DEFAULT_ZONE),
        countries=entry.answers["countries"],
        created_by=user.id,
        now=svc.clock(),
    )
    await entries.finish(context, user.id)
    await reply(
        update, context, render("deadlines/call_opened", people=call.people), main_menu_rows()
    )
    wake_dispatcher(context)


async def flow_cancelled(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Ends /call or /deadline without saving anything."""
    await acknowledge(update)
    await close_buttons(update)
    assert update.effective_user is not None
    await entries.finish(context, update.effective_user.id)
    await reply(update, context, _("Cancelled — nothing was saved."), main_menu_rows())


def setup() -> Contribution:
    """/call and its buttons (group 0)."""
    handlers: list[Handler] = [
        CommandHandler("call", coordinators_only(call_requested)),
        CallbackQueryHandler(coordinators_only(programme_chosen), pattern=CallProgramme.pattern()),
        CallbackQueryHandler(
            coordinators_only(all_countries_chosen),
            pattern=EntryButton.pattern(step=CallStep.ALL_COUNTRIES),
        ),
        CallbackQueryHandler(
            coordinators_only(call_confirmed), pattern=EntryButton.pattern(step=CallStep.CONFIRMED)
        ),
        CallbackQueryHandler(
            coordinators_only(call_back_pressed), pattern=EntryButton.pattern(step=CallStep.BACK)
        ),
        CallbackQueryHandler(
            coordinators_only(flow_cancelled), pattern=EntryButton.pattern(step=CallStep.CANCEL)
        ),
    ]
    return Contribution(
        handlers, typed_steps={FLOW: TypedStep(coordinators_only(call_typed), "/call")}
    )
