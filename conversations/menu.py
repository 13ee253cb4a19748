"""The always-available commands: /start, the main menu, /help, /language, /privacy, /cancel."""

from __future__ import annotations

from telegram import Update
from telegram.ext import CallbackQueryHandler, CommandHandler, ContextTypes

from bot import form_buttons, i18n
from bot.active_flow import active_flow
from bot.buttons.menu import LanguageChosen, Menu, MenuItem
from bot.contributions import Audience, Command, Contribution
from bot.expert_access import expert_of
from bot.i18n import N_, _, render, set_language
from bot.main_menu import main_menu_rows
from bot.messaging import acknowledge, close_buttons, reply
from bot.open_forms import open_draft_rows, open_forms
from bot.ptb_types import Handler
from bot.services import services
from storage import people


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Greets the person, explains the bot and offers the menu (and an open draft)."""
    user = update.effective_user
    assert user is not None
    note, rows = await open_draft_rows(update, context)
    text = render("start/welcome", name=user.first_name, draft_note=note)
    await reply(update, context, text, rows + main_menu_rows())


async def home(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Shows the main menu."""
    await acknowledge(update)
    await close_buttons(update)
    note, rows = await open_draft_rows(update, context)
    text = render("start/menu", draft_note=note)
    await reply(update, context, text, rows + main_menu_rows())


async def help_requested(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Explains the commands; reminds of an open draft so the person can go back to it."""
    await acknowledge(update)
    note, rows = await open_draft_rows(update, context)
    svc = services(context)
    user_id = update.effective_user.id if update.effective_user else None
    shown = svc.contributions.commands_for(
        coordinator=svc.is_coordinator(user_id),
        programmes=svc.settings.programmes_of(user_id),
    )
    sections = {
        audience.value: [(c.name, _(c.explained)) for c in shown if c.audience == audience]
        for audience in Audience
    }
    text = render("start/help", draft_note=note, **sections)
    await reply(update, context, text, rows or [[(_("🏠 Menu"), Menu(MenuItem.HOME).pack())]])


async def privacy_requested(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Says what is stored about this person (as partner, expert, coordinator), why, and who
    sees it."""
    await acknowledge(update)
    svc = services(context)
    user = update.effective_user
    expert = user is not None and await expert_of(context, user.id) is not None
    coordinator = svc.is_coordinator(user.id if user else None)
    text = render(
        "start/privacy",
        contact=svc.settings.privacy_contact,
        draft_days=svc.settings.draft_retention_days,
        message_days=svc.settings.outbox_text_retention_days,
        expert=expert,
        coordinator=coordinator,
    )
    await reply(update, context, text, [[(_("🏠 Menu"), Menu(MenuItem.HOME).pack())]])


async def language_requested(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Offers every language the bot speaks, each by its own name."""
    await acknowledge(update)
    buttons = [(i18n.language_button(code), LanguageChosen(code).pack()) for code in i18n.LANGUAGES]
    rows = [buttons[i : i + 2] for i in range(0, len(buttons), 2)]  # two a row, as they grow
    await reply(
        update, context, _("Which language would you like? / Welche Sprache möchten Sie?"), rows
    )


async def language_chosen(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Stores the language and answers in it; an open draft continues in the new language."""
    query = update.callback_query
    assert query is not None and query.data is not None and update.effective_user is not None
    language = i18n.supported(LanguageChosen.of(update).language)
    await acknowledge(update)
    await close_buttons(update)
    svc = services(context)
    person = await svc.db.run(
        people.set_language, person_id=update.effective_user.id, language=language
    )
    assert context.user_data is not None
    context.user_data["person"] = person
    set_language(language)
    note, rows = await open_draft_rows(update, context)
    await reply(
        update, context, render("start/language_set", draft_note=note), rows + main_menu_rows()
    )


async def cancel_requested(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Pauses the form the person is filling in (the one that asked last); nothing is lost."""
    assert update.effective_user is not None
    candidates = await open_forms(update, context)
    active = [c for c in candidates if c[0].slot == active_flow(context)]
    chosen = next(iter(active or candidates), None)
    if chosen is None:
        await reply(update, context, _("There is nothing to cancel right now."), main_menu_rows())
        return
    form, draft = chosen
    await form_buttons.pause(update, context, form, draft)


def setup() -> Contribution:
    """The handlers of group 0 for the always-available commands and menu buttons."""
    handlers: list[Handler] = [
        CommandHandler("start", start),
        CommandHandler("menu", home),
        CommandHandler("help", help_requested),
        CommandHandler("privacy", privacy_requested),
        CommandHandler("language", language_requested),
        CommandHandler("cancel", cancel_requested),
        CallbackQueryHandler(home, pattern=Menu.pattern(item=MenuItem.HOME)),
        CallbackQueryHandler(help_requested, pattern=Menu.pattern(item=MenuItem.HELP)),
        CallbackQueryHandler(privacy_requested, pattern=Menu.pattern(item=MenuItem.PRIVACY)),
        CallbackQueryHandler(language_requested, pattern=Menu.pattern(item=MenuItem.LANGUAGE)),
        CallbackQueryHandler(language_chosen, pattern=LanguageChosen.pattern()),
    ]
    return Contribution(
        handlers,
        commands=[
            Command("start", N_("Start and main menu"), N_("greeting and main menu")),
            Command("help", N_("Help"), N_("this overview of the commands"), about_the_bot=True),
            Command(
                "language",
                N_("Sprache / Language"),
                N_("choose the language I write to you in"),
                about_the_bot=True,
            ),
            Command(
                "privacy",
                N_("What is stored about me"),
                N_("what is stored about you and who sees it"),
                about_the_bot=True,
            ),
            Command(
                "cancel",
                N_("Pause the current form"),
                N_("pause the form you are filling in (your answers stay saved)"),
                about_the_bot=True,
            ),
        ],
    )
