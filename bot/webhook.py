"""A webhook server that answers Telegram only after the update was handled.

python-telegram-bot's webhook server puts an update into the application's queue and answers
Telegram's request at once, so an update in flight when the process dies is lost: Telegram got
its 200 and does not send it again. Here the request is answered after
`Application.process_update` has returned (the effect committed, the reply sent); if the process
dies before, Telegram's request fails and Telegram delivers the update again later. Updates are
handled one at a time, in the order they arrive, as in polling. Requests without the secret
token Telegram was given are refused.
"""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
from collections.abc import Sequence
from http import HTTPStatus
from typing import Any

import tornado.httpserver
import tornado.web
from telegram import Update
from telegram.ext import Application

logger = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"

App = Application[Any, Any, Any, Any, Any, Any]


class _UpdateHandler(tornado.web.RequestHandler):
    """Takes one update from Telegram and answers when it has been handled."""

    def initialize(self, source: WebhookServer) -> None:
        self.source = source

    async def post(self) -> None:
        token = self.request.headers.get(SECRET_HEADER)
        if token is None or not hmac.compare_digest(token, self.source.secret):
            raise tornado.web.HTTPError(HTTPStatus.FORBIDDEN)
        try:
            update = Update.de_json(json.loads(self.request.body), self.source.application.bot)
        except (ValueError, TypeError, KeyError) as error:
            logger.warning("a webhook request was not an update: %s", error)
            raise tornado.web.HTTPError(HTTPStatus.BAD_REQUEST) from error
        async with self.source.in_order:
            await self.source.application.process_update(update)
        self.set_status(HTTPStatus.OK)


class WebhookServer:
    """Serves the webhook at url_path on listen:port and tells Telegram its public URL."""

    def __init__(
        self,
        application: App,
        *,
        listen: str,
        port: int,
        url_path: str,
        webhook_url: str,
        secret: str,
        allowed_updates: Sequence[str] | None = None,
    ) -> None:
        self.application = application
        self.listen, self.port, self.url_path = listen, port, url_path.strip("/")
        self.webhook_url, self.secret = webhook_url, secret
        self.allowed_updates = allowed_updates
        self.in_order = asyncio.Lock()

    async def run(self, stop: asyncio.Event) -> None:
        """Serve until stop is set."""
        routes = [(rf"/{self.url_path}/?", _UpdateHandler, {"source": self})]
        server = tornado.httpserver.HTTPServer(tornado.web.Application(routes))
        server.listen(self.port, self.listen)
        try:
            await self.application.bot.set_webhook(
                self.webhook_url, secret_token=self.secret, allowed_updates=self.allowed_updates
            )
            await stop.wait()
        finally:
            server.stop()
            await server.close_all_connections()
