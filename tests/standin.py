"""The tests' additions to the offline stand-in (bot/offline.py): Bot API failures scripted
ahead, and a person who can also send files, edit what they sent and read the chat."""

from __future__ import annotations

import itertools
import json
import time
from collections import defaultdict, deque
from typing import Any

from telegram.error import TimedOut

from bot.offline import BotMessage, OfflineBotAPI
from bot.simulated_person import SimulatedPerson

_document_ids = itertools.count(1)

# A scripted failure: (HTTP status, description, extra fields), or None for a timeout.
Failure = tuple[int, str, dict[str, Any]] | None


class ScriptedBotAPI(OfflineBotAPI):
    """The offline Bot API, whose next calls of a method can be made to fail."""

    def __init__(self) -> None:
        super().__init__()
        self.failures: dict[str, deque[Failure]] = defaultdict(deque)
        self.uploads: list[tuple[str, bytes]] = []  # files the bot sent: (file name, content)

    async def do_request(
        self, url: str, method: str, request_data: Any = None, *args: Any, **kw: Any
    ):
        if request_data is not None and request_data.multipart_data:
            for file_name, content, _mime in request_data.multipart_data.values():
                self.uploads.append((file_name, content))
        return await super().do_request(url, method, request_data, *args, **kw)

    def fail_next(
        self, method: str, status: int, description: str, retry_after: int | None = None
    ) -> None:
        """Make the next call of method fail with this status (429, 403, 400, ...)."""
        extra = {"parameters": {"retry_after": retry_after}} if retry_after is not None else {}
        self.failures[method].append((status, description, extra))

    def time_out_next(self, method: str) -> None:
        """Make the next call of method time out."""
        self.failures[method].append(None)

    def respond(self, method: str, params: dict[str, Any]) -> tuple[int, bytes]:
        queue = self.failures.get(method)
        if not queue:
            return super().respond(method, params)
        failure = queue.popleft()
        if failure is None:
            raise TimedOut("scripted timeout")
        status, description, extra = failure
        body = {"ok": False, "error_code": status, "description": description, **extra}
        return status, json.dumps(body).encode()


class ScriptedPerson(SimulatedPerson):
    """A simulated person as tests drive them: also sends files, edits a message, delivers an
    update as given, and reads what the bot shows and answered."""

    last_update: dict[str, Any]

    async def send_document(
        self, file_name: str, mime_type: str, caption: str | None = None
    ) -> list[BotMessage]:
        """Send a file."""
        message = self.new_message(
            document={
                "file_id": f"doc-{next(_document_ids)}",
                "file_unique_id": "d",
                "file_name": file_name,
                "mime_type": mime_type,
            }
        )
        if caption is not None:
            message["caption"] = caption
        return await self.deliver(self.new_update(message=message))

    async def edit_last(self, text: str) -> list[BotMessage]:
        """Edit a message the person sent earlier."""
        message = self.new_message(text=text)
        message["edit_date"] = int(time.time())
        return await self.deliver(self.new_update(edited_message=message))

    async def deliver_raw(self, payload: dict[str, Any]) -> list[BotMessage]:
        """Deliver an update as given (e.g. a repeated update_id)."""
        return await self.deliver(payload)

    async def deliver(self, payload: dict[str, Any]) -> list[BotMessage]:
        self.last_update = payload
        return await super().deliver(payload)

    # -- what the person sees ---------------------------------------------------------------
    @property
    def messages(self) -> list[BotMessage]:
        """Everything the bot shows in this chat, oldest first."""
        return self.api.chat(self.user_id)

    @property
    def last(self) -> BotMessage:
        """The bot's newest message in this chat."""
        return self.messages[-1]

    def bot_answers(self) -> list[dict[str, Any]]:
        """The bot's answers to this person's button presses (answerCallbackQuery), in order."""
        return [
            {"text": call.params.get("text"), "show_alert": bool(call.params.get("show_alert"))}
            for call in self.api.calls_to("answerCallbackQuery")
        ]

    @property
    def buttons(self) -> list[str]:
        """The labels on the newest message that has buttons."""
        for message in reversed(self.messages):
            if message.buttons:
                return message.labels
        return []
