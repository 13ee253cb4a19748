"""Wiring: the Application, its handlers in order, start-up and shut-down."""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable
from datetime import datetime
from typing import Any

from telegram import Update
from telegram.constants import ParseMode
from telegram.error import TelegramError
from telegram.ext import (
    AIORateLimiter,
    ApplicationBuilder,
    ApplicationHandlerStop,
    BaseHandler,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    TypeHandler,
)
from telegram.request import BaseRequest, HTTPXRequest

from bot import i18n, idle, reminders
from bot.command_menu import register_commands
from bot.config import Settings
from bot.contributions import Contribution, Contributions
from bot.expert_access import EXPERT_SLOT
from bot.i18n import _, language_for
from bot.messaging import finish_update, start_update
from bot.outbox import start_dispatcher
from bot.ptb_types import App, Handler
from bot.retention import start_retention
from bot.routing import ButtonRouter, CommandRouter
from bot.services import SERVICES_KEY, Services, services
from bot.telegram_bot import PartnerBot
from conversations import fallback, menu
from conversations.advisor import model_rules, models, rule_reasons
from conversations.coordination import stats
from conversations.deadlines import calls as call_flow
from conversations.deadlines import custom_deadline, personal_settings
from conversations.deadlines import overview as deadline_list
from conversations.deadlines import reminders as reminder_buttons
from conversations.experts import (
    deployment,
    experts_menu,
    invitation,
    my_reports,
    progress,
    quick_report,
    report,
)
from conversations.exports import workbook as export_flow
from conversations.partners import interest, mine, reasons, review, revision, whole
from conversations.privacy import erasure, my_data
from storage import first_contact, people
from storage.db import Database

logger = logging.getLogger(__name__)

# Group numbers: lower groups see an update first; a handler that consumed it stops the rest.
GROUP_PERSON = -1  # who is this, which language, is it a redelivery
GROUP_COMMANDS = 0  # commands and buttons
GROUP_ANSWERS = 1  # free messages as answers to an open form
GROUP_FALLBACK = 9  # whatever nobody took


async def resolve_person(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Finds (or creates) the person, sets their language, drops redelivered updates."""
    # PTB handles updates one after another in one task: nothing of the last one may carry over.
    start_update()
    i18n.set_language(services(context).settings.default_language)
    user = update.effective_user
    if user is None:  # e.g. a private message without `from`: nobody to answer
        raise ApplicationHandlerStop
    svc = services(context)
    idle.mark_seen(context, svc.clock())
    if user.is_bot:
        return
    assert context.user_data is not None
    person: people.PersonView | None = context.user_data.get("person")
    if person is None:
        found = await svc.db.run(
            first_contact.first_contact,
            person_id=user.id,
            first_name=user.first_name,
            username=user.username,
            telegram_language=user.language_code,
        )
        person = keep(context, svc.contributions, found)
    if person.unreachable:
        # They write again, so they have unblocked the bot: reminders may reach them again.
        await svc.db.run(people.person_returned, person_id=user.id)
        person = context.user_data["person"] = dataclasses.replace(person, unreachable=False)
    i18n.set_language(person.language or language_for(user.language_code))
    if person.is_redelivery(update.update_id, svc.clock()):
        logger.info("dropping redelivered update %s of %s", update.update_id, user.id)
        raise ApplicationHandlerStop


def keep(
    context: ContextTypes.DEFAULT_TYPE, parts: Contributions, found: first_contact.FirstContact
) -> people.PersonView:
    """Fills this process's cache with what the first contact found (the person, their open
    form of every kind, a waiting step, their deployment), so that this update looks nothing
    else up; a form kind not loaded there is looked up when it is needed."""
    assert context.user_data is not None
    for form in parts.open_forms:
        if form.kind in found.drafts:
            context.user_data[form.slot] = found.drafts[form.kind]
    context.user_data[EXPERT_SLOT] = found.expert
    context.user_data["person"] = found.person
    return found.person


async def error_happened(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Logs an unexpected error with what identifies the update (not what the person typed:
    logs keep no message texts) and apologises to the person."""
    if isinstance(update, Update):
        user = update.effective_user
        logger.error(
            "error while handling update %s from %s",
            update.update_id,
            user.id if user else None,
            exc_info=context.error,
        )
    else:
        logger.error("error while handling %r", type(update).__name__, exc_info=context.error)
    try:
        await finish_update()  # the press is answered, so the person's app stops waiting
    except TelegramError:
        logger.warning("could not answer the press after the error", exc_info=True)
    if isinstance(update, Update) and update.effective_chat is not None:
        try:
            await context.bot.send_message(
                update.effective_chat.id,
                _(
                    "Sorry, something went wrong on our side. Your answers so far are saved. Please try again, or send /start."
                ),
                parse_mode=ParseMode.HTML,
            )
        except TelegramError:
            logger.exception("could not apologise to chat %s", update.effective_chat.id)
    # The update is finished: no later handler group (the fallback) should answer it as well.
    raise ApplicationHandlerStop


class Consuming(BaseHandler[Update, ContextTypes.DEFAULT_TYPE, None]):
    """Takes what its inner handler takes; once that has handled an update, the update's journey
    ends: the update is finished (a press answered, its keyboard closed) and no later group (the
    fallback) sees it."""

    __slots__ = ("inner",)

    def __init__(self, inner: Handler) -> None:
        super().__init__(inner.callback, block=inner.block)
        self.inner = inner

    def check_update(self, update: object) -> Any:
        return self.inner.check_update(update)

    async def handle_update(
        self,
        update: Update,
        application: App,
        check_result: Any,
        context: ContextTypes.DEFAULT_TYPE,
    ) -> None:
        await self.inner.handle_update(update, application, check_result, context)
        await finish_update()
        raise ApplicationHandlerStop


def contributions() -> list[Contribution]:
    """What every conversation contributes, in the order that matters: menu first, so /start,
    /help, /language, /cancel work in the middle of any form; before it, /start with an
    invitation code. The open forms are looked at in this order too."""
    modules = (
        *(invitation, experts_menu, menu, interest, revision, review, reasons, mine, whole),
        *(models, model_rules, rule_reasons),
        *(deployment, report, my_reports, progress, quick_report),
        *(reminder_buttons, deadline_list, call_flow, custom_deadline, personal_settings),
        export_flow,
        *(my_data, erasure),
        stats,
    )
    return [*(module.setup() for module in modules), reminders.contribution()]


def register_handlers(application: App, parts: list[Contribution]) -> None:
    """All handlers, in the order that matters (see the group numbers above)."""
    application.add_handler(TypeHandler(Update, resolve_person), group=GROUP_PERSON)
    handlers = [h for part in parts for h in part.handlers]
    # Buttons are found by their data's prefix (bot.routing), in the order above. A button
    # press matches no other kind of handler, so the router can come first.
    buttons = [h for h in handlers if isinstance(h, CallbackQueryHandler)]
    application.add_handler(Consuming(ButtonRouter(buttons)), group=GROUP_COMMANDS)
    # Commands likewise: only a message starting with "/" is tried against them.
    commands = [h for h in handlers if isinstance(h, CommandHandler)]
    application.add_handler(Consuming(CommandRouter(commands)), group=GROUP_COMMANDS)
    others = [h for h in handlers if not isinstance(h, CallbackQueryHandler | CommandHandler)]
    application.add_handlers([Consuming(h) for h in others], group=GROUP_COMMANDS)
    application.add_handlers(interest.setup_answers(), group=GROUP_ANSWERS)
    # The advisor's typed answers: after an active form's (a form started it pauses itself).
    application.add_handlers(models.setup_answers(), group=GROUP_ANSWERS + 1)
    # Answers to an open report or deployment form; then a bound expert's other messages are
    # offered as reports (a message to any open form never reaches that offer).
    application.add_handlers(experts_menu.setup_answers(), group=GROUP_ANSWERS + 2)
    application.add_handlers(quick_report.setup_messages(), group=GROUP_ANSWERS + 3)
    application.add_handlers(fallback.setup().handlers, group=GROUP_FALLBACK)
    application.add_error_handler(error_happened)


def build_application(
    settings: Settings,
    *,
    request: BaseRequest | None = None,
    db: Database | None = None,
    clock: Callable[[], datetime] | None = None,
    token: str | None = None,
    dispatcher: bool = True,
) -> App:
    """The bot: real Telegram by default, or any BaseRequest (the offline stand-in in tests)."""
    i18n.load_all()
    token = token or (
        settings.telegram_bot_token.get_secret_value() if settings.telegram_bot_token else None
    )
    if not token:
        raise ValueError("TELEGRAM_BOT_TOKEN is not set")
    database = db or Database(settings.database_url)
    parts = contributions()
    svc = Services(
        settings=settings,
        db=database,
        contributions=Contributions.collect(parts),
        **({"clock": clock} if clock else {}),
    )

    async def post_init(application: App) -> None:
        await register_commands(application)
        if dispatcher:
            start_dispatcher(application, settings.outbox_interval)
            start_retention(application)
            idle.start_sweeping(application)

    async def post_shutdown(application: App) -> None:
        # PostgreSQL's connections for the bot's calls belong to this event loop: closed on it.
        await database.release_loop()
        if db is None:
            database.dispose()

    # The bot is built here rather than by the builder, to be a PartnerBot (see bot.telegram_bot);
    # its requests are those the builder would make: a pool for calls, one for getUpdates.
    bot = PartnerBot(
        token,
        base_url=settings.telegram_api_url,
        base_file_url=settings.telegram_file_url,
        request=request or HTTPXRequest(connection_pool_size=256),
        get_updates_request=request or HTTPXRequest(connection_pool_size=1),
        rate_limiter=(
            AIORateLimiter(max_retries=0) if settings.rate_limit and request is None else None
        ),
    )
    application = (
        ApplicationBuilder().bot(bot).post_init(post_init).post_shutdown(post_shutdown).build()
    )
    application.bot_data[SERVICES_KEY] = svc
    register_handlers(application, parts)
    return application
