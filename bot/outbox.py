"""The outbox dispatcher: a JobQueue job that claims due messages, sends them, records results.

Telegram's limits are kept by a Pacer (30/s overall, 1/s per chat); a batch's chats are served
side by side so one busy chat does not hold up the others. What a refused send does to its row
(a 429's pause, 403's unreachable, 400's failure, a retry with backoff) is bot.send_failures'.
Each row is sent only under a claim renewed before the pacer's clearance, which is the last step
before the request; on PostgreSQL one run at a time sends.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import os
import secrets
import socket
from collections import defaultdict
from datetime import timedelta

from telegram.constants import ParseMode
from telegram.error import Forbidden, NetworkError, RetryAfter
from telegram.ext import ContextTypes

from bot.contributions import Prepared
from bot.i18n import language_for
from bot.messaging import keyboard
from bot.notices import render_notice
from bot.pacing import Pacer
from bot.ptb_types import App
from bot.send_failures import record_failure, retry_or_give_up
from bot.services import SERVICES_KEY, Services
from storage import calls, deadline_holders, digests, outbox, outbox_claims, outbox_results

logger = logging.getLogger(__name__)

JOB_NAME = "outbox-dispatcher"
# Long enough for a full batch to one chat at 1/s; a dead process's claim frees after it.
LEASE = timedelta(minutes=5)
BATCH = 100
WORKER = f"{socket.gethostname()}:{os.getpid()}"
PACER_KEY = "outbox-pacer"
WORKER_KEY = "outbox-worker"
_runs = itertools.count(1)


def pacer_of(application: App) -> Pacer:
    """The application's pacer (one per process: Telegram counts per bot)."""
    pacer = application.bot_data.get(PACER_KEY)
    if pacer is None:
        pacer = application.bot_data[PACER_KEY] = Pacer()
    return pacer


def language_of(svc: Services, message: outbox.Outgoing) -> str:
    """The recipient's language: their choice, their Telegram language, the default."""
    if message.language:
        return message.language
    if message.telegram_language:
        return language_for(message.telegram_language)
    return svc.settings.default_language


async def dispatch_due(application: App) -> int:
    """Send every due message once; return how many were sent.

    On PostgreSQL one run at a time sends (an advisory lock): another process that overlaps
    (a rolling deploy) or a second run in this one skips its turn, so the pacing is never
    shared by two senders. SQLite has one process (the instance lock): nothing to take.
    """
    svc: Services = application.bot_data[SERVICES_KEY]
    if svc.db.dialect != "postgresql":
        return await _dispatch(application, svc)
    lock = await asyncio.to_thread(outbox_claims.take_dispatch_lock, svc.db.engine)
    if lock is None:
        logger.debug("another run is sending; this one skips its turn")
        return 0
    try:
        return await _dispatch(application, svc)
    finally:
        await asyncio.to_thread(outbox_claims.release_dispatch_lock, lock)


async def _dispatch(application: App, svc: Services) -> int:
    # Each run claims as a worker of its own, so two overlapping runs never share rows.
    base = application.bot_data.setdefault(WORKER_KEY, f"{WORKER[:40]}:{secrets.token_hex(3)}")
    worker = f"{base}:{next(_runs)}"
    await _plan_reminders(svc)
    sent = 0
    while True:
        batch = await svc.db.run(
            outbox_claims.claim_due_messages,
            worker=worker,
            now=svc.clock(),
            lease=LEASE,
            limit=BATCH,
        )
        if not batch:
            return sent
        chats: dict[int, list[outbox.Outgoing]] = defaultdict(list)
        for message in batch:
            chats[message.recipient_id].append(message)
        counts = await asyncio.gather(
            *(_deliver_chat(application, svc, worker, rows) for rows in chats.values())
        )
        sent += sum(counts)


async def _plan_reminders(svc: Services) -> None:
    """Calls find new drafters; deadlines that got a person get their reminders."""
    try:
        await svc.db.run(calls.sweep_calls, now=svc.clock())
        await svc.db.run(deadline_holders.reconcile_reminders, now=svc.clock())
    except Exception:
        logger.exception("planning reminders failed; sending goes on")


async def _deliver_chat(
    application: App,
    svc: Services,
    worker: str,
    rows: list[outbox.Outgoing],
) -> int:
    sent = 0
    for message in rows:
        try:
            sent += await _deliver(application, svc, worker, message)
        except Exception:
            logger.exception("outbox message %s could not be handled", message.id)
            await retry_or_give_up(svc, worker, message, "unexpected error, see the log")
    return sent


def _held_back(svc: Services, message: outbox.Outgoing) -> bool:
    """Whether this notice waits for the coordinator's daily digest."""
    return (
        message.digest
        and message.bundle_id is None
        and message.template not in outbox.NOT_DIGESTED
        and svc.is_coordinator(message.recipient_id)
    )


async def _deliver(
    application: App,
    svc: Services,
    worker: str,
    message: outbox.Outgoing,
) -> int:
    """Prepare, pace, send and record one message; 1 if it went out."""
    if _held_back(svc, message):
        await svc.db.run(
            digests.hold_for_digest,
            message_id=message.id,
            worker=worker,
            recipient_id=message.recipient_id,
            now=svc.clock(),
        )
        return 0
    language = language_of(svc, message)
    # The slot first, then the send-time decision: preparing a whole batch before the first
    # slot would hold the loop up and make the batch's messages leave in a burst.
    await pacer_of(application).wait_for(message.recipient_id)
    prepared: Prepared = None
    preparer = svc.contributions.preparers.get(message.template)
    if preparer is not None:
        prepared = await preparer(application, message, language, worker)
        if prepared is None:
            return 0
    if not await _claim_and_clear(application, svc, worker, message):
        return 0
    try:
        if prepared is not None:
            text, rows = prepared
            await application.bot.send_message(
                message.recipient_id,
                text,
                parse_mode=ParseMode.HTML,
                reply_markup=keyboard(rows),
                disable_web_page_preview=True,
            )
        else:
            await send_outgoing(application, message, language)
    except (RetryAfter, Forbidden, NetworkError) as error:
        await record_failure(application, pacer_of(application), svc, worker, message, error)
    else:
        await svc.db.run(
            outbox_results.mark_sent,
            message_id=message.id,
            worker=worker,
            now=svc.clock(),
            reachable=message.unreachable,
        )
        return 1
    return 0


async def _claim_and_clear(
    application: App, svc: Services, worker: str, message: outbox.Outgoing
) -> bool:
    """Renew the claim, then the pacer's clearance (False: the claim was lost). Clearance last:
    the moment the pacer books is the moment the request leaves, with no database round trip
    between. A clearance that outlasted half the lease (a long 429 pause) renews again."""
    while True:
        renewed_at = svc.clock()
        if not await svc.db.run(
            outbox_claims.renew_claim,
            message_id=message.id,
            worker=worker,
            now=renewed_at,
            lease=LEASE,
        ):
            logger.warning("outbox message %s: claim lost, left to its holder", message.id)
            return False
        await pacer_of(application).clear_to_send(message.recipient_id)
        if svc.clock() - renewed_at < LEASE / 2:
            return True


async def send_outgoing(application: App, message: outbox.Outgoing, language: str) -> None:
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
    svc: Services = application.bot_data[SERVICES_KEY]
    text = render_notice(svc.contributions.notices, message.template, message.params, language)
    await bot.send_message(
        message.recipient_id, text, parse_mode=ParseMode.HTML, disable_web_page_preview=True
    )


async def dispatch_job(context: ContextTypes.DEFAULT_TYPE) -> None:
    """JobQueue callback: send what is due."""
    await dispatch_due(context.application)


def start_dispatcher(application: App, interval: float) -> None:
    """Run the dispatcher every interval seconds, first right away (catching up after downtime).

    misfire_grace_time=None: a run the scheduler could not start on time (a busy loop, a
    suspended machine) still runs; coalesce: several missed runs become one.
    """
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
