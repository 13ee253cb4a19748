"""The outbox dispatcher: a JobQueue job that claims due messages, sends them, records results."""

from __future__ import annotations

import logging
import os
import socket
from datetime import timedelta

from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TimedOut
from telegram.ext import Application, ContextTypes

from bot.i18n import language_for
from bot.notices import render_notice
from bot.services import SERVICES_KEY, Services
from storage import outbox

logger = logging.getLogger(__name__)

JOB_NAME = "outbox-dispatcher"
LEASE = timedelta(minutes=2)
WORKER = f"{socket.gethostname()}:{os.getpid()}"


def backoff(attempts: int) -> timedelta:
    """How long to wait before trying a failed send again (30 s, 1 min, 2 min … 1 h)."""
    return timedelta(seconds=min(3600, 30 * 2 ** max(0, attempts - 1)))


async def dispatch_due(application: Application) -> int:  # type: ignore[type-arg]
    """Send every due message once; return how many were sent."""
    svc: Services = application.bot_data[SERVICES_KEY]
    sent = 0
    while True:
        batch = await svc.db.run(
            outbox.claim_due_messages, worker=WORKER, now=svc.clock(), lease=LEASE, limit=50
        )
        if not batch:
            return sent
        for message in batch:
            language = message.language or (
                language_for(message.telegram_language)
                if message.telegram_language
                else svc.settings.default_language
            )
            try:
                await send_outgoing(application, message, language)
            except RetryAfter as error:
                retry = error.retry_after
                wait = retry if isinstance(retry, timedelta) else timedelta(seconds=retry)
                await svc.db.run(
                    outbox.retry_later,
                    message_id=message.id,
                    worker=WORKER,
                    due_at=svc.clock() + wait,
                    error=f"429: retry after {wait}",
                )
            except Forbidden as error:
                logger.warning("recipient %s blocked the bot: %s", message.recipient_id, error)
                await svc.db.run(
                    outbox.mark_unreachable,
                    person_id=message.recipient_id,
                    worker=WORKER,
                    message_id=message.id,
                )
            except BadRequest as error:
                logger.error("outbox message %s refused: %s", message.id, error)
                await svc.db.run(
                    outbox.mark_failed, message_id=message.id, worker=WORKER, error=str(error)
                )
            except (TimedOut, NetworkError) as error:
                logger.warning("outbox message %s not sent yet: %s", message.id, error)
                await svc.db.run(
                    outbox.retry_later,
                    message_id=message.id,
                    worker=WORKER,
                    due_at=svc.clock() + backoff(message.attempts),
                    error=f"{type(error).__name__}: {error}",
                )
            except Exception:
                logger.exception("outbox message %s could not be sent", message.id)
                await svc.db.run(
                    outbox.retry_later,
                    message_id=message.id,
                    worker=WORKER,
                    due_at=svc.clock() + backoff(message.attempts),
                    error="unexpected error, see the log",
                )
            else:
                sent += 1
                await svc.db.run(
                    outbox.mark_sent, message_id=message.id, worker=WORKER, now=svc.clock()
                )


async def send_outgoing(application: Application, message: outbox.Outgoing, language: str) -> None:  # type: ignore[type-arg]
    """Send one outbox row: a rendered notice, or a photo/document forwarded by file id.

    Attachments are rows of their own (template "attachment:photo" or "attachment:document",
    params file_id and an optional caption), so a failure retries only what was not sent.
    """
    bot = application.bot
    if message.template == "attachment:photo":
        await bot.send_photo(
            message.recipient_id, message.params["file_id"], caption=message.params.get("caption")
        )
        return
    if message.template == "attachment:document":
        await bot.send_document(
            message.recipient_id, message.params["file_id"], caption=message.params.get("caption")
        )
        return
    text = render_notice(message.template, message.params, language)
    await bot.send_message(
        message.recipient_id, text[:4096], parse_mode=ParseMode.HTML, disable_web_page_preview=True
    )


async def dispatch_job(context: ContextTypes.DEFAULT_TYPE) -> None:
    """JobQueue callback: send what is due."""
    await dispatch_due(context.application)


def start_dispatcher(application: Application, interval: float) -> None:  # type: ignore[type-arg]
    """Run the dispatcher every interval seconds, first right away (catching up after downtime)."""
    assert application.job_queue is not None
    application.job_queue.run_repeating(
        dispatch_job,
        interval=interval,
        first=0,
        name=JOB_NAME,
        job_kwargs={"misfire_grace_time": None, "coalesce": True, "max_instances": 1},
    )


def wake_dispatcher(context: ContextTypes.DEFAULT_TYPE) -> None:
    """Send new messages now instead of at the next tick (a no-op without a JobQueue)."""
    if context.job_queue is not None and context.job_queue.scheduler.running:
        context.job_queue.run_once(dispatch_job, when=0, job_kwargs={"misfire_grace_time": None})
