"""/stats: a coordinator chooses a period and gets the picture as charts, with the numbers.

The charts are drawn in a thread (rendering is CPU work), so the bot keeps answering others
meanwhile. Two or more go out as one album, a single one as a photo; a period without anything
to show gets a sentence instead of empty charts.
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING

from telegram import InputMediaPhoto, Update
from telegram.constants import ChatAction
from telegram.ext import CallbackQueryHandler, CommandHandler, ContextTypes

from bot.buttons.coordination import StatsPeriodChosen
from bot.contributions import Audience, Command, Contribution
from bot.i18n import N_, _, current_language, render
from bot.messaging import Button, acknowledge, flush_closing, replace, reply
from bot.ptb_types import Handler
from bot.roles import coordinators_only, my_programmes
from bot.services import services
from storage import statistics
from storage.statistics import Period

if TYPE_CHECKING:
    from bot.charts import Chart

logger = logging.getLogger(__name__)

PERIOD_NAMES = {
    Period.LAST_30_DAYS: N_("Last 30 days"),
    Period.LAST_12_MONTHS: N_("Last 12 months"),
    Period.THIS_YEAR: N_("This year"),
    Period.ALL_TIME: N_("All time"),
}
COMMAND_DESCRIPTION = N_(
    "charts of the submissions, reports and overdue deadlines, for a period you choose"
)


def _period_buttons(chosen: Period | None = None) -> list[list[Button]]:
    """The four periods in two rows; the chosen one marked."""
    buttons = [
        (("✅ " if period is chosen else "") + _(name), StatsPeriodChosen(period).pack())
        for period, name in PERIOD_NAMES.items()
    ]
    return [buttons[:2], buttons[2:]]


async def stats_requested(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Asks which period the coordinator wants to see."""
    await reply(update, context, render("stats/choose", period=""), _period_buttons())


async def period_chosen(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Marks the chosen period and sends its charts (or says there is nothing to show)."""
    period = StatsPeriodChosen.of(update).period
    await acknowledge(update, _("📊 Drawing the charts…"))
    chat = update.effective_chat
    user = update.effective_user
    assert chat is not None and user is not None
    name = _(PERIOD_NAMES[period])
    text = render("stats/choose", period=name)
    if not await replace(update, text, _period_buttons(period)):
        await reply(update, context, text, _period_buttons(period))
    svc = services(context)
    figures = await svc.db.run(
        statistics.figures,
        period=period,
        now=svc.clock(),
        person_id=user.id,
        programmes=my_programmes(update, context),
    )
    if figures.empty:
        await reply(update, context, render("stats/nothing", period=name))
        return
    await context.bot.send_chat_action(chat.id, ChatAction.UPLOAD_PHOTO)
    charts = await asyncio.to_thread(_draw, figures, PERIOD_NAMES[period], current_language())
    logger.info("sending %d charts (%s) to %s", len(charts), period, user.id)
    await _send(context, chat.id, charts)


def _draw(figures: statistics.Figures, period_name: str, language: str) -> list[Chart]:
    """The charts, drawn in a worker thread. matplotlib takes a second or more to import: it is
    imported here, when the first charts are drawn, not at every start of the bot (or shell)."""
    from bot.charts import draw_charts

    return draw_charts(figures, period_name, language)


async def _send(context: ContextTypes.DEFAULT_TYPE, chat_id: int, charts: list[Chart]) -> None:
    """Two or more charts as one album, one as a photo (each with its caption)."""
    await flush_closing()
    if len(charts) == 1:
        await context.bot.send_photo(chat_id, charts[0].png, caption=charts[0].caption)
        return
    await context.bot.send_media_group(
        chat_id, [InputMediaPhoto(chart.png, caption=chart.caption) for chart in charts]
    )


def setup() -> Contribution:
    """/stats and its period buttons, for coordinators only (group 0)."""
    handlers: list[Handler] = [
        CommandHandler("stats", coordinators_only(stats_requested)),
        CallbackQueryHandler(coordinators_only(period_chosen), pattern=StatsPeriodChosen.pattern()),
    ]
    return Contribution(
        handlers,
        commands=[Command("stats", COMMAND_DESCRIPTION, audience=Audience.COORDINATORS)],
    )
