"""The always-available commands: /start, the main menu, /help, /language, /privacy, /cancel."""

from __future__ import annotations

from telegram import Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, ContextTypes

from bot.active_flow import active_flow
from bot.callbacks import LanguageChosen, Menu, MenuItem
from bot.forms import Draft, Form
from bot.i18n import _, render, set_language
from bot.messaging import Button, acknowledge, close_buttons, reply
from bot.services import services
from storage import people

MENU_ENTRIES: list[tuple[str, str]] = []  # (label msgid, callback data), filled by register_entry


# The order people see, most asked-for first; entries not named here follow in their order.
MENU_ORDER = (
    Menu(MenuItem.INTEREST).pack(),
    Menu(MenuItem.MINE).pack(),
    Menu(MenuItem.MODELS).pack(),
    Menu(MenuItem.EXPERTS).pack(),
    Menu(MenuItem.DEADLINES).pack(),
)


def register_entry(label: str, data: str) -> None:
    """Add an entry to the main menu (a conversation offers itself here)."""
    if (label, data) not in MENU_ENTRIES:
        MENU_ENTRIES.append((label, data))
        rank = {name: i for i, name in enumerate(MENU_ORDER)}
        MENU_ENTRIES.sort(key=lambda entry: rank.get(entry[1], len(MENU_ORDER)))


def main_menu_rows() -> list[list[Button]]:
    """The main menu as button rows, in the reader's language."""
    rows: list[list[Button]] = [[(_(label), data)] for label, data in MENU_ENTRIES]
    rows.append(
        [
            (_("🌐 Sprache / Language"), Menu(MenuItem.LANGUAGE).pack()),
            (_("❓ Help"), Menu(MenuItem.HELP).pack()),
        ]
    )
    rows.append([(_("🔒 Privacy"), Menu(MenuItem.PRIVACY).pack())])
    return rows


async def open_draft_rows(
    update: Update,
    context: ContextTypes.DEFAULT_TYPE,
    drafts: list[tuple[Form, Draft]] | None = None,
) -> tuple[str, list[list[Button]]]:
    """Lines and buttons about the drafts the person left unfinished (the latest first), and
    messages still waiting to be filed; drafts: open_forms(paused_too=True), if looked up."""
    from bot import forms
    from conversations import interest, quick_report  # they import the menu

    if drafts is None:
        drafts = await open_forms(update, context, paused_too=True)
    drafts.sort(key=lambda found: found[0].slot != active_flow(context))
    notes = []
    for form, draft in drafts:
        k, n = forms.position(form, draft)
        ready = draft.step == forms.SUMMARY
        if form.slot == "interest":
            programme = _(interest.PROGRAMMES[draft.form])
            notes.append(
                render(
                    "interest/open_draft",
                    programme=programme,
                    reference=draft.reference,
                    k=k,
                    n=n,
                    ready=ready,
                )
            )
        else:
            submit = _(form.submit_label)
            notes.append(
                render(
                    "forms/open_draft", title=_(form.title), k=k, n=n, ready=ready, submit=submit
                )
            )
    offers_note, offer_rows = await quick_report.waiting_offers(update, context)
    if len(drafts) == 1:
        rows = forms.resume_rows(*drafts[0])
    else:
        rows = [[("▶️ " + _(form.title), forms.data(form, draft, "o"))] for form, draft in drafts]
    return "\n".join([*notes, offers_note] if offers_note else notes), rows + offer_rows


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
    coordinator = svc.is_coordinator(update.effective_user.id if update.effective_user else None)
    text = render("start/help", draft_note=note, coordinator=coordinator)
    await reply(update, context, text, rows or [[(_("🏠 Menu"), Menu(MenuItem.HOME).pack())]])


async def privacy_requested(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Says what is stored, why, and who sees it."""
    await acknowledge(update)
    contact = services(context).settings.privacy_contact
    text = render("start/privacy", contact=contact)
    await reply(update, context, text, [[(_("🏠 Menu"), Menu(MenuItem.HOME).pack())]])


async def language_requested(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Offers German and English."""
    await acknowledge(update)
    rows = [
        [("🇩🇪 Deutsch", LanguageChosen("de").pack()), ("🇬🇧 English", LanguageChosen("en").pack())]
    ]
    await reply(
        update, context, _("Which language would you like? / Welche Sprache möchten Sie?"), rows
    )


async def language_chosen(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Stores the language and answers in it; an open draft continues in the new language."""
    query = update.callback_query
    assert query is not None and query.data is not None and update.effective_user is not None
    language = LanguageChosen.of(update).language
    if language not in ("de", "en"):
        language = "en"
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


async def open_forms(
    update: Update, context: ContextTypes.DEFAULT_TYPE, paused_too: bool = False
) -> list[tuple[Form, Draft]]:
    """The person's open (unpaused, or all) drafts of every kind, as (form, draft) pairs."""
    # The conversations import the menu, so they are looked up here, not at import time.
    from conversations import deployment, interest, models, progress, report

    user = update.effective_user
    assert user is not None
    found = []
    draft = await interest.current_draft(context, user.id)
    if draft is not None:
        found.append((interest.FORMS[draft.form], draft))
    found.append((models.ADVISOR, await models.current_session(context, user.id)))
    found.append((report.FORM, await report.current_draft(context, user.id)))
    found.append((progress.FORM, await progress.current_draft(context, user.id)))
    if services(context).is_coordinator(user.id):
        found.append((deployment.FORM, await deployment.current_draft(context, user.id)))
    return [
        (form, draft)
        for form, draft in found
        if draft is not None and (paused_too or not draft.paused)
    ]


async def cancel_requested(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Pauses the form the person is filling in (the one that asked last); nothing is lost."""
    from bot import entries, form_answers

    assert update.effective_user is not None
    if active_flow(context) == entries.SLOT and await entries.current(
        context, update.effective_user.id
    ):
        # A /call, /deadline or /settings step was waiting for text: those save only at the end.
        await entries.finish(context, update.effective_user.id)
        await reply(update, context, _("Stopped — nothing was changed."), main_menu_rows())
        return
    candidates = await open_forms(update, context)
    active = [c for c in candidates if c[0].slot == active_flow(context)]
    chosen = (active or candidates or [None])[0]
    if chosen is None:
        await reply(update, context, _("There is nothing to cancel right now."), main_menu_rows())
        return
    form, draft = chosen
    await form_answers.pause(update, context, form, draft)


def setup() -> list[BaseHandler]:  # type: ignore[type-arg]
    """The handlers of group 0 for the always-available commands and menu buttons."""
    return [
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
