"""Long polling that confirms an update to Telegram only after it was handled.

python-telegram-bot's `Updater` asks `getUpdates` for the next batch with an offset past every
update it fetched before the `Application` has handled them, and Telegram forgets an update
once a higher offset is asked for. An update in flight when the process dies (a deploy, the OOM
killer, `kill -9`) is then confirmed but never handled: the person's answer is lost, or stored
but never answered. Here the offset moves past an update only when `Application.process_update`
has returned for it, that is, after its effect was committed and its reply sent. If the process
dies in between, Telegram delivers the update again after the restart, and the drafts' memory of
the update that last changed them makes that second delivery harmless.

The process around it (start, stop on a signal, shut down) is bot.serving's.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Sequence
from typing import Any

from telegram.error import Conflict, Forbidden, InvalidToken, NetworkError, RetryAfter
from telegram.ext import Application

logger = logging.getLogger(__name__)

# Seconds Telegram holds a getUpdates call open when nothing is waiting.
LONG_POLL = 10
# Waits after a failed getUpdates (the network, Telegram's side), growing up to the last.
BACKOFF = (1.0, 2.0, 5.0, 10.0, 30.0)

App = Application[Any, Any, Any, Any, Any, Any]


class Poller:
    """Fetches updates and hands each to the application before confirming it."""

    def __init__(self, application: App, allowed_updates: Sequence[str] | None = None) -> None:
        self.application = application
        self.allowed_updates = allowed_updates
        self.offset: int | None = None  # the first update not yet handled, once one was

    async def run(self, stop: asyncio.Event) -> None:
        """Poll until stop is set; an unrecoverable error (token, a second poller) ends it.
        Everything handled is confirmed before it returns."""
        await self.application.bot.delete_webhook()  # a webhook set before would refuse polling
        try:
            await self._poll(stop)
        finally:
            await self.confirm()

    async def _poll(self, stop: asyncio.Event) -> None:
        failures = 0
        while not stop.is_set():
            try:
                updates = await self._fetch(stop)
            except (InvalidToken, Forbidden, Conflict):
                raise
            except RetryAfter as error:
                await _wait(stop, _seconds(error.retry_after))
                continue
            except NetworkError:  # TimedOut included
                delay = BACKOFF[min(failures, len(BACKOFF) - 1)]
                failures += 1
                logger.warning("getUpdates failed; trying again in %s s", delay, exc_info=True)
                await _wait(stop, delay)
                continue
            failures = 0
            if updates is None:
                break  # asked to stop while waiting for updates
            for update in updates:
                await self.application.process_update(update)
                self.offset = update.update_id + 1

    async def _fetch(self, stop: asyncio.Event) -> tuple[Any, ...] | None:
        fetch = asyncio.ensure_future(
            self.application.bot.get_updates(
                offset=self.offset, timeout=LONG_POLL, allowed_updates=self.allowed_updates
            )
        )
        stopping = asyncio.ensure_future(stop.wait())
        done, _ = await asyncio.wait({fetch, stopping}, return_when=asyncio.FIRST_COMPLETED)
        stopping.cancel()
        if fetch not in done:
            fetch.cancel()
            return None
        return fetch.result()

    async def confirm(self) -> None:
        """Tell Telegram that everything handled so far is done (on a clean stop)."""
        if self.offset is None:
            return
        try:
            # timeout 0 and limit 1: returns at once; what it fetches stays unconfirmed.
            await self.application.bot.get_updates(offset=self.offset, timeout=0, limit=1)
        except NetworkError:
            logger.warning("could not confirm the last updates; they may come again")


def _seconds(value: Any) -> float:
    return float(value.total_seconds()) if hasattr(value, "total_seconds") else float(value)


async def _wait(stop: asyncio.Event, seconds: float) -> None:
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(stop.wait(), timeout=seconds)
