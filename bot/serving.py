"""The bot's process: start, serve updates from a source until SIGINT or SIGTERM, shut down.

What `Application.run_polling` and `run_webhook` do around their update source, through the
public API (initialise, `post_init`, start the job queue, stop, `post_stop`, shut down,
`post_shutdown`), for the update sources of this project that confirm an update to Telegram
only after it was handled: bot.polling and bot.webhook.
"""

from __future__ import annotations

import asyncio
import signal
from typing import Any, Protocol

from telegram.ext import Application

App = Application[Any, Any, Any, Any, Any, Any]


class UpdateSource(Protocol):
    """Where updates come from; it hands each to the application and returns when stopped."""

    async def run(self, stop: asyncio.Event) -> None: ...


async def serve(application: App, source: UpdateSource) -> None:
    """Run the bot on source until SIGINT or SIGTERM."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    await application.initialize()
    try:
        if application.post_init:
            await application.post_init(application)
        await application.start()
        try:
            await source.run(stop)
        finally:
            await application.stop()
            if application.post_stop:
                await application.post_stop(application)
    finally:
        await application.shutdown()
        if application.post_shutdown:
            await application.post_shutdown(application)


def run(application: App, source: UpdateSource) -> None:
    """Serve Telegram in this process until it is asked to stop."""
    asyncio.run(serve(application, source))
