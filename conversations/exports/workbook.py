"""/export: a coordinator gets the submitted data as an Excel workbook, in their language and
their time zone (the same workbook as `partnerbot export xlsx`)."""

from __future__ import annotations

import logging
from zoneinfo import ZoneInfo

from telegram import InputFile, Update
from telegram.error import TelegramError
from telegram.ext import CommandHandler, ContextTypes

from bot.contributions import Audience, Command, Contribution
from bot.export_files import xlsx_bytes
from bot.export_sheets import sheets, tables
from bot.i18n import N_, _, current_language, format_day
from bot.messaging import flush_closing, reply
from bot.roles import coordinators_only, my_programmes
from bot.services import services
from storage.local_time import zone_of

logger = logging.getLogger(__name__)


async def export_requested(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Sends the workbook as a document; if Telegram refuses it, says so politely."""
    user, chat = update.effective_user, update.effective_chat
    assert user is not None and chat is not None
    svc = services(context)
    language = current_language()
    zone = await svc.db.run(zone_of, person_id=user.id)
    chosen = sheets(svc.contributions.questions)
    mine = my_programmes(update, context)
    found = await svc.db.run(tables, chosen=chosen, language=language, zone=zone, programmes=mine)
    data = xlsx_bytes(found, language)
    today = svc.clock().astimezone(ZoneInfo(zone))
    day = today.date().isoformat()  # the file's name sorts by date in every language
    counts = ", ".join(f"{table.title}: {len(table.rows)}" for table in found)
    caption = _("Everything submitted so far, as of {day} (times in {zone}). {counts}").format(
        day=format_day(today), zone=zone, counts=counts
    )
    await flush_closing()
    try:
        await context.bot.send_document(
            chat.id,
            InputFile(data, filename=f"partnerbot-{day}.xlsx"),
            caption=caption[:1024],
        )
    except TelegramError:
        logger.exception("could not send the workbook to coordinator %s", user.id)
        await reply(
            update,
            context,
            _("Sorry, Telegram did not take the workbook. Please try /export again later."),
        )


def setup() -> Contribution:
    """/export (group 0), for coordinators only."""
    return Contribution(
        [CommandHandler("export", coordinators_only(export_requested))],
        commands=[
            Command(
                "export",
                N_("everything submitted, as an Excel workbook"),
                audience=Audience.COORDINATORS,
            )
        ],
    )
