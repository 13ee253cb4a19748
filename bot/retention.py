"""The daily retention job: stale drafts reminded, then deleted; old sent messages emptied."""

from __future__ import annotations

import logging
from datetime import time

from telegram.ext import ContextTypes

from bot.ptb_types import App
from bot.services import SERVICES_KEY, Services
from storage import retention

logger = logging.getLogger(__name__)

JOB_NAME = "retention"
# At night in Europe, when nobody is in the middle of a form.
RUN_AT = time(2, 30)


async def sweep(application: App) -> retention.Swept:
    """One retention run (what the daily job does), at the application's clock."""
    svc: Services = application.bot_data[SERVICES_KEY]
    now = svc.clock()
    swept = await svc.db.run(
        retention.sweep_drafts, now=now, days=svc.settings.draft_retention_days
    )
    emptied = await svc.db.run(
        retention.empty_sent_messages, now=now, days=svc.settings.outbox_text_retention_days
    )
    for person_id in swept.people:
        # A deleted draft may sit in the process's memory of the person: forget it.
        application.drop_user_data(person_id)
    logger.info(
        "retention: %s draft reminder(s), %s draft(s) deleted, %s message(s) emptied",
        swept.reminded,
        swept.deleted,
        emptied,
    )
    return retention.Swept(swept.reminded, swept.deleted, swept.people, emptied)


async def retention_job(context: ContextTypes.DEFAULT_TYPE) -> None:
    """JobQueue callback: the daily run."""
    await sweep(context.application)


def start_retention(application: App) -> None:
    """Run the retention sweep every day at RUN_AT (UTC), and once shortly after the start."""
    assert application.job_queue is not None
    application.job_queue.run_daily(retention_job, time=RUN_AT, name=JOB_NAME)
    application.job_queue.run_once(retention_job, when=60, name=JOB_NAME)
