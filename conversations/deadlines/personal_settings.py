"""/settings: the time zone reminders follow and, for coordinators, single notices or a digest."""

from __future__ import annotations

import html
from datetime import datetime

from babel.dates import format_time
from telegram import Update
from telegram.ext import CallbackQueryHandler, CommandHandler, ContextTypes

from bot import countries, entries
from bot.buttons.deadlines import DigestChosen, SettingsAction, SettingsButton, ZoneChosen
from bot.buttons.menu import Menu, MenuItem
from bot.contributions import Contribution, TypedStep
from bot.i18n import N_, _, country_name, current_language, render
from bot.messaging import Button, acknowledge, close_buttons, reply
from bot.ptb_types import Handler
from bot.roles import coordinators_only
from bot.services import services
from storage import preferences
from storage.local_time import is_zone, known_zones, local, zones_of_country
from storage.preferences import Entry, SettingsView

FLOW = "zone"
COMMAND_DESCRIPTION = N_("Time zone and notifications")
MAX_ZONE_BUTTONS = 8


def _local_time(now: datetime, zone: str) -> str:
    return format_time(local(now, zone), format="short", locale=current_language())


def _settings_view(
    context: ContextTypes.DEFAULT_TYPE, user_id: int, settings: SettingsView
) -> tuple[str, list[list[Button]]]:
    """The settings text and buttons, in the reader's language."""
    coordinator = services(context).is_coordinator(user_id)
    text = render(
        "settings/overview",
        zone=settings.zone,
        own_zone=settings.own_zone,
        time=_local_time(services(context).clock(), settings.zone),
        coordinator=coordinator,
        digest=settings.digest,
    )
    rows: list[list[Button]] = [
        [(_("🕒 Change time zone"), SettingsButton(SettingsAction.ZONE).pack())]
    ]
    if coordinator:
        each, digest = _("One message per event"), _("Daily digest at 08:00")
        rows.append(
            [
                (("✅ " if not settings.digest else "") + each, DigestChosen(0).pack()),
                (("✅ " if settings.digest else "") + digest, DigestChosen(1).pack()),
            ]
        )
    rows.append([(_("🏠 Menu"), Menu(MenuItem.HOME).pack())])
    return text, rows


async def settings_requested(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Shows the time zone (and for coordinators the notification choice) with buttons."""
    await acknowledge(update)
    user = update.effective_user
    assert user is not None
    settings = await services(context).db.run(preferences.settings_of, person_id=user.id)
    text, rows = _settings_view(context, user.id, settings)
    await reply(update, context, text, rows)


async def zone_change_requested(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Stores that a time zone is awaited and asks for the country or zone."""
    await acknowledge(update)
    await close_buttons(update)
    user = update.effective_user
    assert user is not None
    await entries.wait_for(context, user.id, FLOW, "zone", {})
    await reply(
        update,
        context,
        render("settings/ask_zone"),
        [[(_("✖️ Cancel"), SettingsButton(SettingsAction.CANCEL).pack())]],
    )


def _zone_typed_exactly(text: str) -> str | None:
    """A zone typed by its name ("Africa/Accra") or by its city ("Accra", "Sao Paulo")."""
    wanted = text.strip().replace(" ", "_").casefold()
    for zone in known_zones():
        if wanted in (zone.casefold(), zone.rsplit("/", 1)[-1].casefold()):
            return zone
    return None


async def zone_typed(
    update: Update, context: ContextTypes.DEFAULT_TYPE, entry: Entry, text: str
) -> None:
    """Takes a time zone or a country; offers the country's zones to choose from."""
    zone = _zone_typed_exactly(text)
    if zone:
        await _store_zone(update, context, zone)
        return
    found = countries.search(text, fuzzy=False)
    # A name that only looks like a country's is offered, never taken without a press.
    alike = not found
    found = found or countries.search(text)
    options = [(code, z) for code in found for z in zones_of_country(code)][:MAX_ZONE_BUTTONS]
    if len(options) == 1 and not alike:
        await _store_zone(update, context, options[0][1])
        return
    if not options:
        await reply(
            update,
            context,
            _(
                "I couldn't find a country or time zone for “{text}”. Please type a country (e.g. Ghana) or a time zone (e.g. Africa/Accra)."
            ).format(text=html.escape(text[:60])),
            [[(_("✖️ Cancel"), SettingsButton(SettingsAction.CANCEL).pack())]],
        )
        return
    now = services(context).clock()
    rows: list[list[Button]] = [
        [(f"{country_name(code)} · {z} ({_local_time(now, z)})", ZoneChosen(z).pack())]
        for code, z in options
    ]
    rows.append([(_("✖️ Cancel"), SettingsButton(SettingsAction.CANCEL).pack())])
    # Several zones: the main one first, then west to east, capped; any other can be typed.
    text = "{question}\n\n{hint}".format(
        question=_("Which of these is your time zone?"),
        hint=_("Not in the list? Type the name of your time zone, e.g. “America/Chicago”."),
    )
    await reply(update, context, text, rows)


async def zone_chosen(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Stores the time zone whose button was pressed."""
    query = update.callback_query
    assert query is not None and query.data is not None
    await acknowledge(update)
    await close_buttons(update)
    zone = ZoneChosen.of(update).zone
    if not is_zone(zone):
        await reply(update, context, _("That button no longer works. Please try /settings again."))
        return
    await _store_zone(update, context, zone)


async def _store_zone(update: Update, context: ContextTypes.DEFAULT_TYPE, zone: str) -> None:
    user = update.effective_user
    assert user is not None
    svc = services(context)
    settings = await svc.db.run(
        preferences.set_timezone, person_id=user.id, zone=zone, now=svc.clock()
    )
    assert context.user_data is not None
    context.user_data[entries.SLOT] = None
    await reply(
        update,
        context,
        render("settings/zone_set", zone=settings.zone, time=_local_time(svc.clock(), zone)),
        [
            [
                (_("⚙️ Settings"), SettingsButton(SettingsAction.OPEN).pack()),
                (_("🏠 Menu"), Menu(MenuItem.HOME).pack()),
            ]
        ],
    )


async def digest_chosen(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Stores single notices or a daily digest (coordinators only)."""
    query = update.callback_query
    user = update.effective_user
    assert query is not None and query.data is not None and user is not None
    svc = services(context)
    await acknowledge(update)
    digest = DigestChosen.of(update).digest == 1
    settings = await svc.db.run(
        preferences.set_digest, person_id=user.id, digest=digest, now=svc.clock()
    )
    await close_buttons(update)
    note = (
        _("From now on you get one digest a day at 08:00 your time.")
        if settings.digest
        else _("From now on you get a message for every event.")
    )
    text, rows = _settings_view(context, user.id, settings)
    await reply(update, context, note + "\n\n" + text, rows)


async def change_cancelled(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Forgets the awaited time zone; nothing changes."""
    await acknowledge(update)
    await close_buttons(update)
    user = update.effective_user
    assert user is not None
    await entries.finish(context, user.id)
    await reply(
        update,
        context,
        _("Nothing was changed."),
        [[(_("⚙️ Settings"), SettingsButton(SettingsAction.OPEN).pack())]],
    )


def setup() -> Contribution:
    """The /settings command and its buttons (group 0)."""
    handlers: list[Handler] = [
        CommandHandler("settings", settings_requested),
        CallbackQueryHandler(
            settings_requested, pattern=SettingsButton.pattern(action=SettingsAction.OPEN)
        ),
        CallbackQueryHandler(
            zone_change_requested, pattern=SettingsButton.pattern(action=SettingsAction.ZONE)
        ),
        CallbackQueryHandler(zone_chosen, pattern=ZoneChosen.pattern()),
        CallbackQueryHandler(coordinators_only(digest_chosen), pattern=DigestChosen.pattern()),
        CallbackQueryHandler(
            change_cancelled, pattern=SettingsButton.pattern(action=SettingsAction.CANCEL)
        ),
    ]
    return Contribution(handlers, typed_steps={FLOW: TypedStep(zone_typed, "/settings")})
