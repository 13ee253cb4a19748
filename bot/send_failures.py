"""What a send that Telegram refused does to its outbox row.

A 429 pauses all sending (the pacer) for the retry_after it names and the message waits as long;
403 marks the person unreachable (the coordinators hear once, their cached view learns it too);
400 is recorded and not retried; a timeout or a network error is retried with backoff, up to
MAX_ATTEMPTS tries (an unexpected error too: bot.outbox hands it here).
"""

from __future__ import annotations

import dataclasses
import logging
from datetime import timedelta

from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter

from bot.pacing import Pacer
from bot.ptb_types import App
from bot.services import Services
from storage import outbox, outbox_results

logger = logging.getLogger(__name__)

# Timeouts, network errors and unexpected errors are tried this often (about 2 h of backoff).
MAX_ATTEMPTS = 8


def backoff(attempts: int) -> timedelta:
    """How long to wait before trying a failed send again (30 s, 1 min, 2 min … 1 h)."""
    return timedelta(seconds=min(3600, 30 * 2 ** max(0, attempts - 1)))


async def retry_or_give_up(
    svc: Services, worker: str, message: outbox.Outgoing, error: str
) -> None:
    """Try again later with backoff, or after MAX_ATTEMPTS tries record it as failed."""
    if message.attempts >= MAX_ATTEMPTS:
        logger.error(
            "outbox message %s to %s failed %s times, giving up: %s",
            message.id,
            message.recipient_id,
            message.attempts,
            error,
        )
        await svc.db.run(
            outbox_results.mark_failed,
            message_id=message.id,
            worker=worker,
            error=f"gave up after {message.attempts} tries: {error}",
        )
        return
    await svc.db.run(
        outbox_results.retry_later,
        message_id=message.id,
        worker=worker,
        due_at=svc.clock() + backoff(message.attempts),
        error=error,
    )


async def record_failure(
    application: App,
    pacer: Pacer,
    svc: Services,
    worker: str,
    message: outbox.Outgoing,
    error: RetryAfter | Forbidden | NetworkError,
) -> None:
    """Record what Telegram's refusal of this message means: wait, unreachable, failed, retry."""
    if isinstance(error, RetryAfter):
        retry = error.retry_after
        wait = retry if isinstance(retry, timedelta) else timedelta(seconds=retry)
        pacer.pause(wait.total_seconds())
        logger.warning("Telegram asks to wait %s (message %s)", wait, message.id)
        await svc.db.run(
            outbox_results.retry_later,
            message_id=message.id,
            worker=worker,
            due_at=svc.clock() + wait,
            error=f"429: retry after {wait}",
        )
    elif isinstance(error, Forbidden):
        logger.warning("recipient %s blocked the bot: %s", message.recipient_id, error)
        await svc.db.run(
            outbox_results.mark_unreachable,
            person_id=message.recipient_id,
            worker=worker,
            message_id=message.id,
            coordinators=svc.settings.coordinators_by_programme,
            now=svc.clock(),
        )
        # The person's cached view must know it too: their next message clears the flag.
        cached = application.user_data.get(message.recipient_id, {}).get("person")
        if cached is not None and not cached.unreachable:
            application.user_data[message.recipient_id]["person"] = dataclasses.replace(
                cached, unreachable=True
            )
    elif isinstance(error, BadRequest):
        logger.error("outbox message %s refused: %s", message.id, error)
        await svc.db.run(
            outbox_results.mark_failed, message_id=message.id, worker=worker, error=str(error)
        )
    else:  # TimedOut or another NetworkError
        logger.warning("outbox message %s not sent yet: %s", message.id, error)
        await retry_or_give_up(svc, worker, message, f"{type(error).__name__}: {error}")
