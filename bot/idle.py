"""Bounded memory: people idle for a while leave the per-person cache.

python-telegram-bot keeps user_data and chat_data for everyone it ever saw. Everything in them
is a copy of what the database holds (the person, their open form, their draft), so a sweep
every SWEEP drops the people and chats not seen for IDLE (Application.drop_user_data /
drop_chat_data); their next update loads them again, as after a restart.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from telegram.ext import ContextTypes

from bot.ptb_types import App
from bot.services import SERVICES_KEY, Services

logger = logging.getLogger(__name__)

IDLE = timedelta(minutes=30)
SWEEP = timedelta(minutes=5)
JOB_NAME = "idle-sweep"
SEEN = "seen"  # user_data/chat_data key: when the person or chat last sent an update


def mark_seen(context: ContextTypes.DEFAULT_TYPE, now: datetime) -> None:
    """Note that the update's person and chat were active now."""
    if context.user_data is not None:
        context.user_data[SEEN] = now
    if context.chat_data is not None:
        context.chat_data[SEEN] = now


def evict_idle(application: App, now: datetime) -> int:
    """Drop the cached data of people and chats idle since now - IDLE; how many were dropped.

    An entry without a SEEN mark (made outside an update) goes too: the database has it.
    """
    cutoff = now - IDLE
    users = [key for key, data in application.user_data.items() if _idle(data, cutoff)]
    chats = [key for key, data in application.chat_data.items() if _idle(data, cutoff)]
    for user_id in users:
        application.drop_user_data(user_id)
    for chat_id in chats:
        application.drop_chat_data(chat_id)
    if users or chats:
        logger.debug("dropped %s idle people and %s idle chats", len(users), len(chats))
    return len(users) + len(chats)


def _idle(data: dict[object, object], cutoff: datetime) -> bool:
    seen = data.get(SEEN)
    return not isinstance(seen, datetime) or seen <= cutoff


async def sweep_job(context: ContextTypes.DEFAULT_TYPE) -> None:
    """JobQueue callback: forget the idle."""
    svc: Services = context.application.bot_data[SERVICES_KEY]
    evict_idle(context.application, svc.clock())


def start_sweeping(application: App, every: timedelta = SWEEP) -> None:
    """Sweep the idle out of memory every so often."""
    assert application.job_queue is not None
    application.job_queue.run_repeating(
        sweep_job, interval=every, first=every, name=JOB_NAME, job_kwargs={"coalesce": True}
    )
